"""A CardDAV client (RFC 6352) of the member's own address-book server: discovery from a
base URL, RFC 6578 `sync-collection` (else every card's ETag), multiget, and writes that
never overwrite a change made meanwhile (`If-Match`, `If-None-Match: *`).

Plain HTTP with the standard library: a few WebDAV methods and their XML are all it
takes. Every failure is a `CardDavError` in one sentence, never with the password.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.io.unreachable import reason_sentence

TIMEOUT = 120.0  # a first sync of a large book makes a server read every card
MULTIGET_BATCH = 250
MAX_ANSWER = 512 * 1024 * 1024  # a multistatus of thousands of cards with photos
_D, _C = "{DAV:}", "{urn:ietf:params:xml:ns:carddav}"
_NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"'
_FIND = f"""<?xml version="1.0" encoding="utf-8"?><D:propfind {_NS}><D:prop>
<D:resourcetype/><D:displayname/><D:current-user-principal/><C:addressbook-home-set/>
<C:supported-address-data/><D:getetag/></D:prop></D:propfind>"""


class CardDavError(KithbookError):
    """A plain sentence about what went wrong with the address-book server."""


class Changed(CardDavError):
    """The card changed on the server since it was read (412): read it again first."""


def check_url(url: str) -> str:
    value = url.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{url[:100]!r} is not a CardDAV address; give your address-book "
                           "server's address, starting with https://.", field="url")
    return value


@dataclass(frozen=True)
class CardDavAccount:
    url: str
    username: str
    password: str = field(repr=False)
    timeout: float = TIMEOUT

    @property
    def where(self) -> str:
        return urlsplit(self.url).netloc


@dataclass(frozen=True)
class AddressBook:
    url: str
    name: str
    version: str = "3.0"  # the vCard version new cards are written in


@dataclass
class Changes:
    """Cards changed (href -> ETag) and removed since `token`; `token` to resume from.
    `whole`: the listing is the whole book (no usable sync token), so a card missing from
    it was deleted."""

    changed: dict[str, str]
    deleted: set[str]
    token: str | None
    whole: bool


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def xml(self) -> ET.Element:
        try:
            return ET.fromstring(self.body)
        except ET.ParseError:
            raise CardDavError("the server's answer was not the XML a CardDAV server "
                               "sends; check the address.") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # followed by hand: WebDAV methods must keep their method and body


def _request(account: CardDavAccount, method: str, url: str, body: str | bytes | None = None,
             headers: dict[str, str] | None = None) -> _Answer:
    data = body.encode("utf-8") if isinstance(body, str) else body
    auth = base64.b64encode(f"{account.username}:{account.password}".encode()).decode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Basic {auth}", "User-Agent": "Kithbook",
        **({"Content-Type": "application/xml; charset=utf-8"} if data and method in (
            "PROPFIND", "REPORT") else {}), **(headers or {})})
    opener = urllib.request.build_opener(_NoRedirect)
    host = urlsplit(url).netloc
    try:
        with opener.open(request, timeout=account.timeout) as response:
            got = response.read(MAX_ANSWER + 1)
            if len(got) > MAX_ANSWER:
                raise CardDavError(f"{host} sent more than {MAX_ANSWER >> 20} MB at once.")
            return _Answer(response.status, dict(response.headers), got)
    except urllib.error.HTTPError as exc:
        answer = _Answer(exc.code, dict(exc.headers or {}), exc.read(1 << 20))
        if exc.code == 401:
            raise CardDavError(f"{host} refused the user name or password (401); check them "
                               "and add the account again.") from None
        if exc.code >= 500 and exc.code != 501:  # 501: no such method, not a failure
            raise CardDavError(f"{host} failed with an error ({exc.code}); try again "
                               "later.") from None
        return answer
    except urllib.error.URLError as exc:
        said = reason_sentence(exc.reason, host)
        raise CardDavError(said or f"could not reach {host} ({exc.reason}).") from None
    except TimeoutError:
        raise CardDavError(f"{host} did not answer within {account.timeout:g} "
                           "seconds.") from None


def _propfind(account: CardDavAccount, url: str, depth: str) -> tuple[str, _Answer]:
    """PROPFIND, following up to three redirects; (the URL that answered, its answer)."""
    for _ in range(4):
        answer = _request(account, "PROPFIND", url, _FIND, {"Depth": depth})
        if answer.status in (301, 302, 303, 307, 308) and answer.headers.get("Location"):
            url = urljoin(url, answer.headers["Location"])
            continue
        return url, answer
    raise CardDavError(f"{urlsplit(url).netloc} redirects in circles; check the address.")


def _responses(root: ET.Element) -> Iterator[tuple[str, ET.Element | None, int]]:
    """(href, the props found with status 200, the response's own status) per response."""
    for response in root.iter(f"{_D}response"):
        href = (response.findtext(f"{_D}href") or "").strip()
        props = None
        for propstat in response.findall(f"{_D}propstat"):
            if " 200 " in (propstat.findtext(f"{_D}status") or "") + " ":
                props = propstat.find(f"{_D}prop")
        status_text = response.findtext(f"{_D}status") or "HTTP/1.1 200 OK"
        parts = status_text.split()
        yield href, props, int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 200


def _not_dav(url: str, answer: _Answer) -> CardDavError:
    return CardDavError(f"{urlsplit(url).netloc} does not answer as a CardDAV server "
                        f"({answer.status}); give the address of your address-book server "
                        "(for Nextcloud, …/remote.php/dav).")


def discover(account: CardDavAccount) -> list[AddressBook]:
    """The address books the account can read: at the URL itself, under its home set,
    under its principal's, or under the server's `/.well-known/carddav`."""
    url, answer = _propfind(account, account.url, "0")
    if answer.status != 207:
        well_known = urljoin(account.url, "/.well-known/carddav")
        url, answer = _propfind(account, well_known, "0")
        if answer.status != 207:
            raise _not_dav(account.url, answer)
    books = _books(url, answer.xml())
    if books:
        return books
    props = next((p for _, p, _ in _responses(answer.xml()) if p is not None), None)
    home = _href_in(props, f"{_C}addressbook-home-set")
    if home is None:
        principal = _href_in(props, f"{_D}current-user-principal")
        if principal is None:
            raise CardDavError(f"{account.where} named no address books for this account; "
                               "give the address of an address book.")
        principal_url = urljoin(url, principal)
        _, found = _propfind(account, principal_url, "0")
        if found.status != 207:
            raise _not_dav(principal_url, found)
        props = next((p for _, p, _ in _responses(found.xml()) if p is not None), None)
        home = _href_in(props, f"{_C}addressbook-home-set")
        if home is None:
            raise CardDavError(f"{account.where} has no address books for this account.")
    home_url = urljoin(url, home)
    _, listing = _propfind(account, home_url, "1")
    books = _books(home_url, listing.xml()) if listing.status == 207 else []
    if not books:
        raise CardDavError(f"{account.where} has no address book for this account; make "
                           "one on the server (or on your phone) first.")
    return books


def _href_in(props: ET.Element | None, name: str) -> str | None:
    if props is None:
        return None
    found = props.find(f"{name}/{_D}href")
    return found.text.strip() if found is not None and found.text else None


def _books(base: str, root: ET.Element) -> list[AddressBook]:
    books = []
    for href, props, _ in _responses(root):
        if props is None or props.find(f"{_D}resourcetype/{_C}addressbook") is None:
            continue
        versions = {t.get("version") for t in props.iter(f"{_C}address-data-type")}
        url = urljoin(base, href)
        name = (props.findtext(f"{_D}displayname") or "").strip() or \
            unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
        books.append(AddressBook(url, name, "4.0" if "4.0" in versions else "3.0"))
    return books


def changes(account: CardDavAccount, book: str, token: str | None) -> Changes:
    """What changed since `token`: by `sync-collection` when the server keeps tokens (a
    refused or expired token starts again from the whole listing)."""
    body = (f'<?xml version="1.0" encoding="utf-8"?><D:sync-collection {_NS}>'
            f"<D:sync-token>{escape(token or '')}</D:sync-token><D:sync-level>1"
            "</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>")
    answer = _request(account, "REPORT", book, body, {"Depth": "1"})
    if answer.status != 207:
        return Changes(listing(account, book), set(), None, True)
    root = answer.xml()
    changed, deleted = {}, set()
    path = urlsplit(book).path
    for href, props, status in _responses(root):
        if href.rstrip("/") == path.rstrip("/"):
            continue
        if status == 404:
            deleted.add(href)
        elif props is not None:
            changed[href] = (props.findtext(f"{_D}getetag") or "").strip()
    new_token = (root.findtext(f"{_D}sync-token") or "").strip() or None
    return Changes(changed, deleted, new_token, not token)


def listing(account: CardDavAccount, book: str) -> dict[str, str]:
    """Every card of the book: href -> ETag."""
    _, answer = _propfind(account, book, "1")
    if answer.status != 207:
        raise _not_dav(book, answer)
    path = urlsplit(book).path
    return {href: (props.findtext(f"{_D}getetag") or "").strip()
            for href, props, _ in _responses(answer.xml())
            if props is not None and href.rstrip("/") != path.rstrip("/")
            and props.find(f"{_D}resourcetype/{_D}collection") is None}


def fetch(account: CardDavAccount, book: str, hrefs: Iterable[str]
          ) -> dict[str, tuple[str, str]]:
    """The cards at `hrefs`: href -> (ETag, vCard text), by multiget in batches."""
    wanted = list(hrefs)
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), MULTIGET_BATCH):
        batch = wanted[start:start + MULTIGET_BATCH]
        body = (f'<?xml version="1.0" encoding="utf-8"?><C:addressbook-multiget {_NS}>'
                "<D:prop><D:getetag/><C:address-data/></D:prop>"
                + "".join(f"<D:href>{escape(h)}</D:href>" for h in batch)
                + "</C:addressbook-multiget>")
        answer = _request(account, "REPORT", book, body, {"Depth": "1"})
        if answer.status != 207:
            raise _not_dav(book, answer)
        for href, props, _ in _responses(answer.xml()):
            if props is not None and props.findtext(f"{_C}address-data"):
                found[href] = ((props.findtext(f"{_D}getetag") or "").strip(),
                               props.findtext(f"{_C}address-data") or "")
    return found


def put(account: CardDavAccount, url: str, text: str, *, etag: str | None) -> str | None:
    """Store a card: over the one with `etag` only (else `Changed`), or a new one only
    if nothing is there yet (`etag` None). The new ETag when the server says it."""
    condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
    answer = _request(account, "PUT", url, text.encode("utf-8"),
                      {"Content-Type": "text/vcard; charset=utf-8", **condition})
    if answer.status == 412:
        raise Changed("the card changed on the server meanwhile.")
    if answer.status not in (200, 201, 204):
        raise CardDavError(f"{urlsplit(url).netloc} refused a card ({answer.status}): "
                           f"{_reason(answer)}")
    return answer.headers.get("ETag") or answer.headers.get("etag")


def delete(account: CardDavAccount, url: str, etag: str | None) -> bool:
    """Remove a card unless it changed since `etag`: False when it did (or is gone)."""
    answer = _request(account, "DELETE", url, None, {"If-Match": etag} if etag else {})
    if answer.status in (404, 410, 412):
        return False
    if answer.status not in (200, 204):
        raise CardDavError(f"{urlsplit(url).netloc} refused to delete a card "
                           f"({answer.status}).")
    return True


def _reason(answer: _Answer) -> str:
    text = answer.body.decode("utf-8", "replace").strip()
    return (text[:200] or "no reason given") + "."
