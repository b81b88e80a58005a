"""Walk the whole community server as every other member and the admin, the way a curious
person would, and prove that nothing Ana keeps private ever shows.

Ana's book holds a hidden tie, a "no introductions" contact, private notes, private
emails, a private decline reason, a private outcome comment and a request only she knows
about; each carries a marker string that appears nowhere else. Then Ben (linked to Ana,
her requester), Dan (a member with nothing to do with her) and Rae (the admin) each:

- follow every link from the front page, and every GET form with sample queries, among
  them the secret strings themselves (a search for a hidden name must answer exactly like
  a search for a name nobody has);
- call every GET operation of the OpenAPI schema, with the ids of Ana's objects
  (harvested by walking the site as Ana) and with ids that do not exist: "exists but not
  yours" must read exactly like "does not exist", status and body;
- and check every response body and header for the markers and Ana's private ids.

Pages are discovered by following links, so a new page is walked without touching this
test; a leak fails with the URL and the marker it showed.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, quote_plus, urlencode, urljoin, urlsplit

import pytest
from community import ORIGIN, community_app, signed_in
from fastapi.testclient import TestClient
from httpx2 import Response

from community_members import add_member
from explanations import lines_telling_others_ties
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import ALPHABET, ID_LENGTH, new_id
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.introductions import Rating
from kithbook.domain.members import Member, Role
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook

# Every marker is unique to one private fact of Ana's; none may reach anyone else.
MARKERS = {
    "hidden contact's name": "Hiddenmark",
    "no-introductions contact's name": "Nointromark",
    "off-platform requester's name": "Outsidemark",
    "note on a visible contact": "SECRET-NOTE-7f3a",
    "note on the hidden contact": "SECRET-HALNOTE-7f3a",
    "note Ana keeps about Ben": "SECRET-BENNOTE-7f3a",
    "visible contact's private email": "cleo7f3a@acme.example",
    "hidden contact's email": "hal7f3a@hidden.example",
    "no-introductions contact's email": "nora7f3a@globex.example",
    "hidden contact's role": "Hiddenrole7f3a",
    "hidden contact's tag": "secrettag7f3a",
    # Shown anonymously ("a contact at Acme"): the organization is all Ana discloses.
    "anonymous contact's name": "Anonymark",
    "anonymous contact's role": "Anonrole7f3a",
    "anonymous contact's location": "Anoncity7f3a",
    "anonymous contact's tag": "anontag7f3a",
    "interaction note": "SECRET-MET-7f3a",
    "private decline reason": "SECRET-DECLINE-7f3a",
    "Ana's outcome comment": "SECRET-OUTCOME-7f3a",
    "purpose of a request only Ana knows": "SECRET-PURPOSE-7f3a",
    "Ana's API token name": "SECRET-TOKEN-7f3a",
}
CONTROL = "Zqvxnobody"  # a query that matches nothing anywhere
MISSING = new_id()  # an id that names nothing
SAMPLE_QUERIES = ("Acme", "Cleo", "a", "")
MAX_VARIANTS_PER_PATH = 12  # query-string variants of one path the walk follows by links
ID_PATTERN = re.compile(rf"(?<![0-9a-z])[{ALPHABET}]{{{ID_LENGTH}}}(?![0-9a-z])")
# Links that change state when followed are not links; these only sign out or download.
NOT_WALKED = ("/static/", "/logout")


@dataclass
class Community:
    ana: Member
    ben: Member
    dan: Member
    rae: Member
    private_ids: dict[str, str]  # id → what it is; visible to Ana only


def _add(kb: Kithbook, owner: Member, name: str, **fields: Any) -> str:
    tie = TieFields(stated_trust=fields.pop("stated_trust", None))
    return kb.book.add_contact(owner.id, ContactFields(name=name, **fields), tie).id


def _confirm_all_links(kb: Kithbook, *members: Member) -> None:
    for member in members:
        for view in kb.community.member_links(member.id):
            if not view.confirmed and not view.proposed_by_me:
                kb.community.confirm_link(member.id, view.id)


def build_community(kb: Kithbook) -> Community:
    rae = add_member(kb, "Rae", Role.ADMIN)
    ana, ben, dan = (add_member(kb, name) for name in ("Ana", "Ben", "Dan"))
    kb.intros.fair_use = FairUseLimits(max_open_requests=50, cooldown_after_decline=timedelta(0))
    kb.book.set_default_policy(ana.id, PolicyChange(visibility=Visibility.HIDDEN,
                                                    ask_rule=AskRule.NOBODY))
    cleo = _add(kb, ana, "Cleo Park", organization="Acme", role="CTO", stated_trust=4,
                notes=MARKERS["note on a visible contact"],
                emails=[Labeled(MARKERS["visible contact's private email"])])
    kb.book.set_contact_policy(ana.id, cleo, PolicyChange(visibility=Visibility.NAMED,
                                                          ask_rule=AskRule.ANYONE))
    hal = _add(kb, ana, "Hal Hiddenmark",
               organization="Acme", role=MARKERS["hidden contact's role"], stated_trust=5,
               tags=[MARKERS["hidden contact's tag"]],
               notes=MARKERS["note on the hidden contact"],
               emails=[Labeled(MARKERS["hidden contact's email"])])
    yara = _add(kb, ana, "Yara Anonymark", organization="Acme",
                role=MARKERS["anonymous contact's role"],
                location=MARKERS["anonymous contact's location"],
                tags=[MARKERS["anonymous contact's tag"]], stated_trust=4)
    kb.book.set_contact_policy(ana.id, yara, PolicyChange(visibility=Visibility.ANONYMOUS,
                                                          ask_rule=AskRule.ANYONE))
    nora = _add(kb, ana, "Nora Nointromark",
                organization="Acme", stated_trust=5,
                emails=[Labeled(MARKERS["no-introductions contact's email"])])
    kb.book.set_contact_policy(ana.id, nora, PolicyChange(
        visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE, no_introductions=True))
    ben_in_ana = _add(kb, ana, "Ben Ortiz", stated_trust=4,
                      notes=MARKERS["note Ana keeps about Ben"])
    # A hop is governed by the policy of the tie to the person asking: Ana lets Ben ask.
    kb.book.set_contact_policy(ana.id, ben_in_ana, PolicyChange(visibility=Visibility.NAMED,
                                                                ask_rule=AskRule.ANYONE))
    ana_in_ben = _add(kb, ben, "Ana Ruiz", stated_trust=4)
    _add(kb, dan, "Dora Friend", organization="Acme")
    kb.community.propose_link(ana.id, ben_in_ana, ben.email or "")
    kb.community.propose_link(ben.id, ana_in_ben, ana.email or "")
    _confirm_all_links(kb, ana, ben)

    today = kb.clock.today()
    met_cleo = kb.book.log_interaction(ana.id, [cleo], Kind.MET, Direction.MUTUAL, today,
                                       MARKERS["interaction note"])
    met_hal = kb.book.log_interaction(ana.id, [hal, nora], Kind.HELP, Direction.GAVE, today)
    zoe = kb.intros.record_received_request(ana.id, "Zoe Outsidemark", cleo,
                                            MARKERS["purpose of a request only Ana knows"])
    # Ben asks twice: Ana declines the first with a reason only she keeps, makes the second.
    purpose = "Advice from Cleo on structuring a first data team at a small company."
    first = kb.intros.request(ben.id, ana.id, cleo, purpose)
    kb.intros.decline(ana.id, first.id, note="not right now",
                      private_reason=MARKERS["private decline reason"])
    second = kb.intros.request(ben.id, ana.id, cleo, purpose)
    kb.intros.forward(ana.id, second.id)
    kb.intros.make(ana.id, second.id)
    kb.intros.record_outcome(ana.id, second.id, Rating.POSITIVE,
                             comment=MARKERS["Ana's outcome comment"])
    token, _ = kb.accounts.create_api_token(ana.id, MARKERS["Ana's API token name"])
    private = {hal: "Ana's hidden contact", nora: "Ana's no-introductions contact",
               yara: "Ana's anonymous contact",
               ben_in_ana: "Ana's contact entry for Ben", met_cleo.id: "Ana's interaction",
               met_hal.id: "Ana's interaction", zoe.id: "a request only Ana knows",
               token.id: "Ana's API token"}
    return Community(ana, ben, dan, rae, private)


# ---- reading pages -------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict[str, str]  # name → default value
    text_fields: list[str]  # where a person types
    choices: dict[str, list[str]]  # select name → its options


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag in ("img", "object", "iframe") and (a.get("src") or a.get("data")):
            self.links.append(a.get("src") or a.get("data") or "")
        elif tag == "form":
            method = a.get("method", "get").lower()
            self._form = Form(a.get("action", ""), {}, [], {}) if method == "get" else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea") and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "checkbox", "radio") and not a.get("checked"):
                return
            self._form.fields[a["name"]] = a.get("value", "")
            if tag == "textarea" or kind in ("text", "search", "email"):
                self._form.text_fields.append(a["name"])
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.choices[self._select] = []
        elif self._form is not None and tag == "option" and self._select is not None:
            self._form.choices[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


# ---- the walk ------------------------------------------------------------------------


@dataclass
class Seen:
    url: str
    status: int
    text: str
    headers: str


@dataclass
class Walk:
    client: TestClient
    pages: list[Seen] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    forms: dict[str, Form] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)  # every id this person was shown
    _answers: dict[str, Seen] = field(default_factory=dict)

    def answer(self, url: str) -> Seen:
        """The answer to `url`, asked once (control queries repeat; the data does not
        change during the walk)."""
        if url not in self._answers:
            self._answers[url] = self.get(url)
        return self._answers[url]

    def get(self, url: str) -> Seen:
        response: Response = self.client.get(url)
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        seen = Seen(url, response.status_code, response.text, headers)
        self.pages.append(seen)
        self.ids.update(ID_PATTERN.findall(seen.text))
        self.ids.update(ID_PATTERN.findall(headers))
        return seen

    def follow_links(self, start: Iterable[str]) -> None:
        """Breadth first over every same-site link and GET form, from `start`."""
        queue = deque(start)
        variants: dict[str, int] = {}
        while queue:
            url = queue.popleft()
            if url in self.visited:
                continue
            path = urlsplit(url).path
            if "?" in url:
                variants[path] = variants.get(path, 0) + 1
                if variants[path] > MAX_VARIANTS_PER_PATH:
                    continue
            self.visited.add(url)
            seen = self.get(url)
            if seen.status in (301, 302, 303, 307, 308):
                location = _local(url, _header(seen, "location"))
                if location:
                    queue.append(location)
                continue
            if "html" not in _header(seen, "content-type"):
                continue
            parser = _PageParser()
            parser.feed(seen.text)
            for href in parser.links:
                local = _local(url, href)
                if local and local not in self.visited:
                    queue.append(local)
            for form in parser.forms:
                action = _local(url, form.action or url) or path
                key = f"{urlsplit(action).path} {sorted(form.fields)}"
                self.forms.setdefault(key, Form(action, form.fields, form.text_fields,
                                                form.choices))
                for query in _form_queries(form, SAMPLE_QUERIES):
                    queue.append(f"{urlsplit(action).path}?{query}")


def _header(seen: Seen, name: str) -> str:
    for line in seen.headers.splitlines():
        key, _, value = line.partition(": ")
        if key.lower() == name:
            return value
    return ""


def _local(base: str, href: str) -> str | None:
    """`href` as a path on this site, or None for another site, a fragment or a download."""
    absolute = urljoin(ORIGIN + base, href)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN or parts.scheme not in ("http", "https"):
        return None
    if parts.path.startswith(NOT_WALKED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _form_queries(form: Form, samples: Iterable[str]) -> Iterator[str]:
    defaults = {**form.fields, **{k: v[0] for k, v in form.choices.items() if v}}
    for sample in samples:
        for name in form.text_fields:
            yield urlencode({**defaults, name: sample})
    for name, options in form.choices.items():
        for option in options:
            yield urlencode({**defaults, name: option})


# ---- what must never show ------------------------------------------------------------


def _forms_of(text: str, probe: str) -> list[str]:
    """How a typed probe can come back in a page: as typed, escaped or URL-encoded."""
    return sorted({probe, quote(probe), quote_plus(probe), probe.replace("@", "%40"),
                   json.dumps(probe)[1:-1]}, key=len, reverse=True)


def _without_probe(text: str, probe: str | None) -> str:
    """The page with the probe it was asked about (echoed in a search box) blanked out."""
    if not probe:
        return text
    for form in _forms_of(text, probe):
        text = re.sub(re.escape(form), "<probe>", text, flags=re.IGNORECASE)
    return text


def assert_nothing_private(seen: Seen, community: Community, who: str,
                           probe: str | None = None) -> None:
    body = _without_probe(seen.text, probe).lower()
    headers = _without_probe(seen.headers, probe).lower()
    for what, marker in MARKERS.items():
        for place, text in (("body", body), ("headers", headers)):
            assert marker.lower() not in text, (
                f"{who} was shown Ana's {what} ({marker!r}) in the {place} of "
                f"GET {seen.url} (status {seen.status})")
    for private_id, what in community.private_ids.items():
        if private_id == probe:
            continue
        for place, text in (("body", body), ("headers", headers)):
            assert private_id not in text, (
                f"{who} was shown the id of {what} ({private_id}) in the {place} of "
                f"GET {seen.url} (status {seen.status})")


def assert_same_answer(walk: Walk, who: str, url_for: Callable[[str], str], secret: str,
                       control: str) -> None:
    """Asking about Ana's secret reads exactly like asking about something nobody has."""
    asked = walk.get(url_for(secret))
    control_seen = walk.answer(url_for(control))
    mine, theirs = _without_probe(asked.text, secret), _without_probe(control_seen.text, control)
    assert (asked.status, mine) == (control_seen.status, theirs), (
        f"{who} can tell Ana's {secret!r} exists: GET {asked.url} answered {asked.status}, "
        f"GET {control_seen.url} answered {control_seen.status}; they first differ at "
        f"{_first_difference(mine, theirs)}")


def _first_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
              min(len(a), len(b)))
    return f"…{a[max(0, at - 120):at + 120]!r}… versus …{b[max(0, at - 120):at + 120]!r}…"


# ---- the test ------------------------------------------------------------------------


@dataclass
class Operation:
    """A GET operation of the API, its parameters read from the OpenAPI schema."""

    path: str
    id_params: list[str]  # path parameters that name an object
    choices: dict[str, list[str]]  # parameter (path or query) → every value its enum allows
    free_text: list[str]  # query parameters a person types into

    def urls(self, object_id: str) -> Iterator[str]:
        """The operation with `object_id` for every object it names, once per choice."""
        path = self.path
        for name in self.id_params:
            path = path.replace("{" + name + "}", object_id)
        yield from _with_choices(path, self.choices)


def _with_choices(path: str, choices: dict[str, list[str]]) -> Iterator[str]:
    if not choices:
        yield path
        return
    name, values = next(iter(choices.items()))
    rest = {k: v for k, v in choices.items() if k != name}
    for value in values:
        if "{" + name + "}" in path:
            yield from _with_choices(path.replace("{" + name + "}", value), rest)
        else:
            for url in _with_choices(path, rest):
                yield url + ("&" if "?" in url else "?") + urlencode({name: value})


def _openapi_gets(client: TestClient) -> list[Operation]:
    schema = client.get("/api/v1/openapi.json").json()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in sorted(schema["paths"].items()):
        if "get" not in operations:
            continue
        ids, choices, free = [], {}, []
        for param in operations["get"].get("parameters", []):
            spec = param.get("schema", {})
            ref = spec.get("$ref", "")
            enum = components.get(ref.rsplit("/", 1)[-1], {}).get("enum") if ref else None
            enum = enum or spec.get("enum")
            if enum:
                choices[param["name"]] = [str(v) for v in enum]
            elif param.get("in") == "path":
                ids.append(param["name"])
            elif spec.get("type", "string") == "string":
                free.append(param["name"])
        found.append(Operation(path, ids, choices, free))
    return found


@pytest.fixture
def community(kb: Kithbook) -> Community:
    return build_community(kb)


def test_no_member_or_admin_sees_anything_ana_keeps_private(kb: Kithbook, database_url: str,
                                                            community: Community) -> None:
    # Asking each GET operation about every id a person was shown reads rows by id and
    # owner, in SQL alike on both databases (and the authorization matrix asks every route
    # on both): that sweep runs on SQLite. Searches, lists, sorts, paths and pages, whose
    # queries differ by database, and every probe with Ana's ids, run on both.
    sweep_shown_ids = database_url.startswith("sqlite")
    app = community_app(kb)
    owner_client, _ = signed_in(kb, app, community.ana)
    owner = Walk(owner_client)
    owner.follow_links(["/"])
    # The walk must reach the secrets when Ana walks, or it proves nothing for the others.
    seen_by_owner = "\n".join(p.text for p in owner.pages).lower()
    for marker in ("Hiddenmark", "SECRET-NOTE-7f3a", "SECRET-DECLINE-7f3a"):
        assert marker.lower() in seen_by_owner, f"Ana's own walk never showed {marker}"
    assert set(community.private_ids) <= owner.ids, "Ana's walk missed some of her objects"
    ana_ids = owner.ids - {m.id for m in (community.ana, community.ben, community.dan,
                                          community.rae)}
    gets = _openapi_gets(owner_client)
    owner_client.close()
    forged = _forge_dan_as_target(kb, app, community)

    for member in (community.ben, community.dan, community.rae):
        who = f"{member.name} ({'admin' if member.role is Role.ADMIN else 'member'})"
        client, _ = signed_in(kb, app, member)
        walk = Walk(client)
        walk.follow_links(["/", "/api/docs", "/api/v1/openapi.json"])
        assert len(walk.visited) > 20, f"{who}'s walk reached only {sorted(walk.visited)}"
        if member is community.ben:  # what Ana lets be seen is seen: the walk finds paths
            assert any("Cleo Park" in p.text for p in walk.pages if p.url.startswith("/paths?")
                       ), "Ben's walk never found the path to Cleo that Ana lets him see"
            walk.get("/api/v1/paths?to=Cleo")
            # Ana's anonymous contact is found as "a contact at Acme", and by nothing more.
            walk.get("/api/v1/paths?organization=Acme")
            assert any("a contact at Acme" in p.text for p in walk.pages
                       if p.url.startswith("/paths?")), (
                "Ben's walk never found Ana's anonymous contact at Acme")
        _assert_explanations_keep_ties_private(walk, who)
        for form in list(walk.forms.values()):
            _ask_form_about_secrets(walk, who, form)
        # Taken once, before asking: an answer about an id echoes it, which must not
        # spare the next operation or page from being asked about the same id.
        unseen = ana_ids - walk.ids
        for operation in gets:
            _ask_api_about_ana(walk, who, operation, unseen, sweep_shown_ids)
        _ask_pages_about_ana(walk, who, owner.visited, unseen)
        for seen in walk.pages:
            assert_nothing_private(seen, community, who, _probe_of(seen.url, community))
        if member is community.dan:  # Ben named him as the target: he is no party to it
            assert forged not in walk.ids
            assert not any(FORGED_PURPOSE in p.text for p in walk.pages)
        client.close()


def _assert_explanations_keep_ties_private(walk: Walk, who: str) -> None:
    """Every path explanation the walk was shown, on a page or from the API, tells Ana's
    ties in words only: no strength, agree chance or stated trust of hers."""
    told = 0
    for seen in walk.pages:
        if seen.url.startswith("/paths?"):
            texts = [html.unescape(t) for t in
                     re.findall(r'<pre class="why">(.*?)</pre>', seen.text, re.DOTALL)]
        elif seen.url.startswith("/api/v1/paths?") and seen.status == 200:
            texts = [p["explanation"] for p in json.loads(seen.text)["paths"]]
        else:
            continue
        for text in texts:
            told += 1
            assert lines_telling_others_ties(text) == [], (
                f"{who} was shown figures of another member's ties at GET {seen.url}: "
                f"{lines_telling_others_ties(text)}")
    assert told or who.startswith(("Dan", "Rae")), f"{who}'s walk was shown no explanation"


FORGED_PURPOSE = "Advice from Cleo on pricing, asked with Dan named as the target."


def _forge_dan_as_target(kb: Kithbook, app: Any, community: Community) -> str:
    """Ben asks Ana about Cleo naming Dan as the member who plays the target, through the
    API and through the form behind a path; Ana forwards what was filed. Returns the id
    of the request the form filed."""
    client, csrf = signed_in(kb, app, community.ben)
    with kb.uow().reading() as uow:
        [cleo] = uow.contacts.with_name_part(community.ana.id, "Cleo", 2)
    by_api = client.post("/api/v1/introductions", headers={"X-CSRF-Token": csrf}, json={
        "kind": "member", "introducer": community.ana.id, "target": cleo.id,
        "target_member": community.dan.id, "purpose": FORGED_PURPOSE})
    assert by_api.status_code == 422 and "target_member" in by_api.text
    by_form = client.post("/paths/ask", data={
        "csrf_token": csrf, "introducer": community.ana.id, "target": cleo.id,
        "target_member": community.dan.id, "purpose": FORGED_PURPOSE})
    assert by_form.status_code == 303, by_form.text
    client.close()
    intro = urlsplit(by_form.headers["location"]).path.rsplit("/", 1)[-1]
    kb.intros.forward(community.ana.id, intro)
    return intro


def _ask_form_about_secrets(walk: Walk, who: str, form: Form) -> None:
    """Each box a person can type a query into, asked about each secret, answers exactly
    as it does for a name nobody has."""
    defaults = {**form.fields, **{k: v[0] for k, v in form.choices.items() if v}}
    action = urlsplit(form.action).path
    for text_field in form.text_fields:
        def url_for(value: str, name: str = text_field) -> str:
            return f"{action}?{urlencode({**defaults, name: value})}"
        for secret in MARKERS.values():
            assert_same_answer(walk, who, url_for, secret, CONTROL)


def _ask_pages_about_ana(walk: Walk, who: str, owner_urls: set[str],
                         unseen_ids: set[str]) -> None:
    """Every page Ana reached through one of her ids (a contact, its edit and sharing
    pages, an introduction, "ask about this contact"), opened by someone else, reads
    exactly like the same page for an id that does not exist."""
    for url in sorted(owner_urls):
        for ana_id in sorted(unseen_ids):
            if ana_id in url:
                def url_for(value: str, url: str = url, ana_id: str = ana_id) -> str:
                    return url.replace(ana_id, value)
                assert_same_answer(walk, who, url_for, ana_id, MISSING)


def _ask_api_about_ana(walk: Walk, who: str, operation: Operation,
                       unseen_ids: set[str], sweep_shown_ids: bool) -> None:
    """A GET operation: with every id this person was shown (what comes back is checked
    like any page), with each of Ana's ids they were never shown (the answer is word for
    word the one for an id that does not exist), and with each secret in each of its
    free-text query parameters."""
    if operation.id_params:
        for shown in sorted(walk.ids) if sweep_shown_ids else ():
            for url in operation.urls(shown):
                walk.get(url)
        for ana_id in sorted(unseen_ids):
            for index, _ in enumerate(operation.urls(ana_id)):
                def url_for(value: str, index: int = index) -> str:
                    return list(operation.urls(value))[index]
                assert_same_answer(walk, who, url_for, ana_id, MISSING)
    else:
        for url in operation.urls(MISSING):
            walk.get(url)
    target = next(operation.urls(MISSING))
    for name in operation.free_text:
        def url_with(value: str, name: str = name) -> str:
            return target + ("&" if "?" in target else "?") + urlencode({name: value})
        for secret in MARKERS.values():
            assert_same_answer(walk, who, url_with, secret, CONTROL)


def _probe_of(url: str, community: Community) -> str | None:
    """The secret a request itself typed in (a search for it echoes it back), if any."""
    for marker in [*MARKERS.values(), *community.private_ids]:
        for form in (marker, quote(marker), quote_plus(marker)):
            if form.lower() in url.lower():
                return marker
    return None
