"""Several server processes on one port, taking new connections in turn.

uvicorn's `--workers` share one listening socket: the worker that wakes first accepts
every connection waiting, and a kept-alive connection stays where it landed. Twenty
clients connecting at once split 14/6 or all on one worker; the kernel's `SO_REUSEPORT`
hash does better only on average (13/7 about one time in four). Either way the busier
worker's clients wait two to three times as long as the others' (docs/benchmarks.md,
web app under load). Here the parent process accepts and hands each connection to the
next worker in turn over a Unix socket (`SCM_RIGHTS`); the worker serves it as uvicorn
serves the connections it accepts itself.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import selectors
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

from kithbook.domain.errors import InvalidInput, KithbookError

BACKLOG = 2048
MAX_HANDED = 64  # connections a worker takes from one read of its channel
# A worker that dies this soon after it started did not start; this many such deaths in a
# row stop the server (a worker that cannot start will not start the next time either).
QUICK_DEATH_SECONDS = 15.0
GIVE_UP_AFTER = 5


def spread_supported() -> bool:
    return hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


class _Worker:
    """A worker process and the parent's end of the channel that hands it connections."""

    def __init__(self, context: Any, factory: str, options: dict[str, Any]) -> None:
        self.started = time.monotonic()
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process: BaseProcess = context.Process(
            target=_serve_handed, args=(factory, theirs, options), name="kithbook-worker")
        self.process.start()
        theirs.close()
        self.channel.setblocking(False)

    def hand(self, connection: socket.socket) -> bool:
        try:
            socket.send_fds(self.channel, [b"c"], [connection.fileno()])
        except (BlockingIOError, BrokenPipeError, ConnectionResetError):
            return False  # busy or gone: the next worker takes it
        return True

    def stop(self) -> None:
        self.channel.close()
        if self.process.is_alive():
            self.process.terminate()


def serve_spread(factory: str, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve the app that `factory` (an import path) builds from `workers` processes
    until interrupted; a worker that dies is started again, unless workers keep dying as
    they start (`GIVE_UP_AFTER`): then the server stops with an error."""
    listener = _listen(host, port)
    context = multiprocessing.get_context("spawn")

    def stop(_signal: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    running = [_Worker(context, factory, options) for _ in range(workers)]
    turn = failed = 0
    with selectors.DefaultSelector() as ready:
        ready.register(listener, selectors.EVENT_READ)
        try:
            while True:
                if ready.select(timeout=1.0):
                    turn = _hand_over(listener, running, turn)
                for i, worker in enumerate(running):
                    if worker.process.is_alive():
                        continue
                    worker.stop()
                    quick = time.monotonic() - worker.started < QUICK_DEATH_SECONDS
                    failed = failed + 1 if quick else 0
                    if failed >= GIVE_UP_AFTER:
                        raise KithbookError(
                            f"the server's workers stopped {failed} times as they started "
                            f"(the last with exit code {worker.process.exitcode}); their "
                            "error is printed above. Nothing is being served.")
                    running[i] = _Worker(context, factory, options)
        except KeyboardInterrupt:
            pass
        finally:
            listener.close()
            for worker in running:
                worker.stop()
            for worker in running:
                worker.process.join(10)


def _hand_over(listener: socket.socket, running: list[_Worker], turn: int) -> int:
    """Accept what is waiting and hand each connection to the next worker in turn."""
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return turn
        with connection:
            for _ in range(len(running)):
                worker = running[turn % len(running)]
                turn += 1
                if worker.hand(connection):
                    break


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listener = socket.create_server(address, family=family, backlog=BACKLOG)
    except socket.gaierror as exc:
        raise InvalidInput(f"cannot listen on {host!r}: {exc.strerror}.", field="host") from None
    except OSError as exc:
        raise InvalidInput(f"cannot listen on port {port}: {exc.strerror}. Is another server "
                           "running there? Choose another with --port.", field="port") from None
    listener.setblocking(False)
    return listener


class _HandedServer(uvicorn.Server):
    """uvicorn serving the connections its parent hands over, instead of accepting."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        loop = asyncio.get_running_loop()
        config, state = self.config, self.server_state
        app_state = self.lifespan.state

        def protocol() -> asyncio.Protocol:
            made: asyncio.Protocol = config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=state, app_state=app_state)
            return made

        def take() -> None:
            try:
                data, fds, _, _ = socket.recv_fds(self.channel, MAX_HANDED, MAX_HANDED)
            except BlockingIOError:
                return
            if not data:  # the parent is gone: stop serving
                loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                handed = socket.socket(fileno=fd)
                loop.create_task(loop.connect_accepted_socket(protocol, handed))

        self.channel.setblocking(False)
        loop.add_reader(self.channel.fileno(), take)


def _serve_handed(factory: str, channel: socket.socket, options: dict[str, Any]) -> None:
    config = uvicorn.Config(factory, factory=True, **options)
    _HandedServer(config, channel).run()
