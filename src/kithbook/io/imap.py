"""An IMAP account, read incrementally for capture with IMAPClient: headers only.

Each folder is remembered by its UIDVALIDITY and the last UID read; the next run asks
only for UIDs after it. A changed UIDVALIDITY (the server renumbered the folder) reads
the folder again from the start, which adds nothing twice since exchanges are keyed by
person, day and thread. Messages are fetched with `BODY.PEEK[HEADER.FIELDS (...)]`: only
the fields capture reads cross the wire (the subject only when kept, never the body),
and the message is not marked as read.

Every failure becomes an `ImapError` whose message is one plain sentence ("the server
refused the password for sam@example.org"), never the password and never a traceback.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from kithbook.domain.capture import MessageHeaders
from kithbook.domain.errors import KithbookError
from kithbook.io.mail.headers import READ_FIELDS, parse_headers

FETCH_BATCH = 500
DEFAULT_TIMEOUT = 30.0
# Folders that hold no correspondence (or only copies of it).
_SKIPPED_FLAGS = {b"\\Noselect", b"\\NonExistent", b"\\Junk", b"\\Trash", b"\\Drafts"}


class Security(StrEnum):
    TLS = "tls"  # implicit TLS, port 993
    STARTTLS = "starttls"  # plain connection upgraded before login, port 143
    PLAIN = "plain"  # no encryption: only for a server on this machine (tests)


class ImapError(KithbookError):
    """A plain sentence about what went wrong with the account; nothing was stored."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    username: str
    password: str = field(repr=False)
    port: int = 993
    security: Security = Security.TLS
    folders: tuple[str, ...] = ()  # empty: every folder that can hold mail
    timeout: float = DEFAULT_TIMEOUT
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass
class ImapRun:
    """One incremental read: `messages()` yields new headers; `state` afterwards is what
    the next run resumes from (stored only once the run's writes committed)."""

    account: ImapAccount
    state: dict[str, Any]
    keep_subjects: bool = False
    total: int = 0
    rescanned: list[str] = field(default_factory=list)
    _client: Any = None
    _plan: list[tuple[str, int, int, list[int]]] = field(default_factory=list)
    _selected: str | None = None

    def __enter__(self) -> ImapRun:
        self._client = _connect(self.account)
        try:
            self._plan = list(self._folders_to_read())
        except BaseException:
            self.close()
            raise
        self.total = sum(len(uids) for _, _, _, uids in self._plan)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.logout()
            except (IMAPClientError, OSError, ssl.SSLError):
                pass

    def _folders_to_read(self) -> Iterator[tuple[str, int, int, list[int]]]:
        client = self._client
        wanted = self.account.folders or tuple(_mail_folders(client))
        for folder in wanted:
            try:
                info = client.select_folder(folder, readonly=True)
            except IMAPClientError:
                raise ImapError(f"{self.account.where} has no folder {folder!r}; check the "
                                "folder names of this source.") from None
            validity = int(info.get(b"UIDVALIDITY", 0))
            known = self.state.get(folder, {})
            last = int(known.get("last_uid", 0))
            if known and int(known.get("uidvalidity", -1)) != validity:
                self.rescanned.append(folder)
                last = 0
            uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
            yield folder, validity, last, uids

    def messages(self) -> Iterator[MessageHeaders]:
        """New headers, folder by folder. The next batch is fetched on a thread of its own
        while this one is read, so the server's work and ours overlap; one thread only,
        so the connection still carries one command at a time."""
        wanted = [*READ_FIELDS, *(("subject",) if self.keep_subjects else ())]
        item = f"BODY.PEEK[HEADER.FIELDS ({' '.join(f.upper() for f in wanted)})]"
        batches = [(folder, uids[start:start + FETCH_BATCH])
                   for folder, _, _, uids in self._plan
                   for start in range(0, len(uids), FETCH_BATCH)]
        last = {folder: known for folder, _, known, _ in self._plan}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kithbook-imap") as pool:
            ahead = pool.submit(self._fetch, *batches[0], item) if batches else None
            for n, (folder, batch) in enumerate(batches):
                assert ahead is not None
                fetched = ahead.result()
                ahead = (pool.submit(self._fetch, *batches[n + 1], item)
                         if n + 1 < len(batches) else None)
                for uid in batch:
                    head = _header_of(fetched.get(uid, {}))
                    if head is not None:
                        yield parse_headers(head, keep_subject=self.keep_subjects)
                    last[folder] = max(last[folder], uid)
        for folder, validity, _, _ in self._plan:
            self.state[folder] = {"uidvalidity": validity, "last_uid": last[folder]}

    def _fetch(self, folder: str, batch: list[int], item: str) -> dict[int, Any]:
        client = self._client
        if folder != self._selected:
            _guard(lambda: client.select_folder(folder, readonly=True), self.account)
            self._selected = folder
        fetched: dict[int, Any] = _guard(lambda: client.fetch(batch, [item]), self.account)
        return fetched


def _header_of(response: dict[bytes, Any]) -> bytes | None:
    """The header fields in a FETCH answer (the server names the item as it likes)."""
    for key, value in response.items():
        if key.upper().startswith(b"BODY[HEADER") and value is not None:
            return bytes(value)
    return None


def _mail_folders(client: Any) -> Iterator[str]:
    for flags, _, name in client.list_folders():
        if not _SKIPPED_FLAGS.intersection(flags):
            yield name


def _guard(call: Any, account: ImapAccount) -> Any:
    try:
        return call()
    except TimeoutError:
        raise ImapError(f"{account.where} stopped answering part way; nothing was "
                        "stored; run again later.") from None
    except (IMAPClientError, OSError, ssl.SSLError) as exc:
        raise ImapError(f"{account.where} broke off the connection ({_short(exc)}); "
                        "nothing was stored; run again later.") from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _connect(account: ImapAccount) -> Any:
    """A logged-in client, or one plain sentence saying why not."""
    context = account.ssl_context or ssl.create_default_context()
    try:
        client = imapclient.IMAPClient(
            account.host, port=account.port, use_uid=True,
            ssl=account.security is Security.TLS,
            ssl_context=context if account.security is Security.TLS else None,
            timeout=account.timeout)
    except ssl.SSLCertVerificationError as exc:
        raise ImapError(f"the certificate of {account.where} could not be verified "
                        f"({exc.verify_message or 'untrusted'}); check the host name, or "
                        "ask its administrator for a valid certificate.") from None
    except ssl.SSLError:
        raise ImapError(f"{account.where} did not speak TLS; check the port and the security "
                        "setting (993 for TLS, 143 for STARTTLS).") from None
    except socket.gaierror:
        raise ImapError(f"no server is known by the name {account.host!r}; check the host "
                        "name.") from None
    except ConnectionRefusedError:
        raise ImapError(f"{account.where} refused the connection; check the host and "
                        "port.") from None
    except TimeoutError:
        raise ImapError(f"{account.where} did not answer within {account.timeout:g} "
                        "seconds; check the host, the port and your network.") from None
    except OSError as exc:
        raise ImapError(f"could not reach {account.where} ({_short(exc)}).") from None
    except IMAPClientError as exc:
        raise ImapError(f"{account.where} does not answer like a mail server "
                        f"({_short(exc)}).") from None
    try:
        if account.security is Security.STARTTLS:
            client.starttls(context)
        client.login(account.username, account.password)
    except LoginError:
        _quietly_close(client)
        raise ImapError(f"the server refused the password for {account.username}; check "
                        "it (an app password, if the account uses two-step sign-in).") from None
    except ssl.SSLCertVerificationError as exc:
        _quietly_close(client)
        raise ImapError(f"the certificate of {account.where} could not be verified "
                        f"({exc.verify_message or 'untrusted'}).") from None
    except (IMAPClientError, OSError, ssl.SSLError) as exc:
        _quietly_close(client)
        raise ImapError(f"{account.where} would not let us sign in ({_short(exc)}).") from None
    return client


def _quietly_close(client: Any) -> None:
    try:
        client.shutdown()
    except (IMAPClientError, OSError, ssl.SSLError):
        pass


def check_account(account: ImapAccount) -> list[str]:
    """Sign in and list the folders that would be read: the "test connection" button."""
    client = _connect(account)
    try:
        return list(account.folders or _mail_folders(client))
    finally:
        try:
            client.logout()
        except (IMAPClientError, OSError, ssl.SSLError):
            pass
