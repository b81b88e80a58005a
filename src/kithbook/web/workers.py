"""Several server processes on one port, each with its own listening socket.

uvicorn's `--workers` share one socket: the worker that wakes first accepts every
connection waiting, and keep-alive connections stay where they landed. Twenty clients
connecting at once split 14/6, 20/0 or anything between, and the busier worker's clients
wait two or three times as long (docs/benchmarks.md, web app under load). Here each
worker listens on a socket of its own bound with `SO_REUSEPORT`, and the kernel spreads
new connections across them by a hash of each connection.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
from multiprocessing.connection import wait
from types import FrameType
from typing import Any

import uvicorn

from kithbook.domain.errors import InvalidInput

BACKLOG = 2048


def spread_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def serve_spread(factory: str, host: str, port: int, workers: int, **options: Any) -> None:
    """Run `workers` processes of the app that `factory` (an import path) builds, until
    interrupted; a worker that dies is started again."""
    family, address = _address(host, port)
    _listening_socket(family, address).close()  # the port is free to share: say so now
    context = multiprocessing.get_context("spawn")

    def start() -> Any:
        process = context.Process(target=_worker, args=(factory, family, address, options),
                                  name="kithbook-worker")
        process.start()
        return process

    def stop(_signal: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    running = [start() for _ in range(workers)]
    try:
        while True:
            ended = wait([p.sentinel for p in running])
            running = [p if p.sentinel not in ended else start() for p in running]
    except KeyboardInterrupt:
        pass
    finally:
        for process in running:
            if process.is_alive():
                process.terminate()
        for process in running:
            process.join(10)


def _address(host: str, port: int) -> tuple[socket.AddressFamily, tuple[Any, ...]]:
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise InvalidInput(f"cannot listen on {host!r}: {exc.strerror}.", field="host") from None
    return family, address


def _listening_socket(family: socket.AddressFamily, address: tuple[Any, ...]) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise InvalidInput(f"cannot listen on port {address[1]}: {exc.strerror}. Is another "
                           "server running there? Choose another with --port.",
                           field="port") from None
    return sock


def _worker(factory: str, family: socket.AddressFamily, address: tuple[Any, ...],
            options: dict[str, Any]) -> None:
    sock = _listening_socket(family, address)
    sock.listen(BACKLOG)
    config = uvicorn.Config(factory, factory=True, host=address[0], port=address[1],
                            **options)
    uvicorn.Server(config).run(sockets=[sock])
