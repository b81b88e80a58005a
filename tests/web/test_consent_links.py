"""Consent links by email, end to end: the introducer's ask leaves through a real SMTP
server on loopback, the target opens the link from the email in their own browser (no
account, no cookie of the book), confirms, and the request moves exactly once.

Then the attacker's tries: forged, changed, replayed, expired links, another
introduction's or another person's, and pre-fetching: none changes anything, and every
one gets the same page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from intro_town import PURPOSE, SECRET, Town, act_as, build_town

from kithbook.domain.consent import DEAD_LINK, AskEmail
from kithbook.domain.intro_records import IntroState, MoveKind, Rating, Role
from kithbook.io.smtp import SmtpMailer
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from loopback_smtp import Inbox, loopback_smtp

LINK = re.compile(r"http://127\.0\.0\.1:8000(/answer/[0-9a-z]{12}\.[A-Za-z0-9_-]{22})")
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')  # every page has it
NOTE = "Happy to, but only after the 20th"


@pytest.fixture
def smtp(kb: Kithbook) -> Iterator[Inbox]:
    with loopback_smtp() as (inbox, port):
        kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@community.example")
        yield inbox


@pytest.fixture
def town(kb: Kithbook, client: TestClient) -> Town:
    return build_town(kb, cleo_is_member=False)


def _stranger(client: TestClient) -> TestClient:
    """The target's own browser: the same app, no cookie or token of the book's member."""
    return TestClient(client.app, base_url="http://127.0.0.1:8000")


def _asked(kb: Kithbook, client: TestClient, town: Town, inbox: Inbox) -> tuple[str, str]:
    """Ben asks, Ana asks Cleo by email through the pages; returns (intro id, link path)."""
    intro = kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE,
                              note="Thanks for considering")
    act_as(client, town.ana)
    page = client.get(f"/introductions/{intro.id}")
    assert 'data-testid="ask-by-email"' in page.text
    # The test's public URL is this machine's: the page warns the links reach no one else.
    assert 'data-testid="unreachable"' in client.get(
        f"/introductions/{intro.id}/ask-by-email").text
    preview = client.post(f"/introductions/{intro.id}/ask-by-email", data={
        "subject": "Meet Ben?", "message": "Hi Cleo, Ben builds data teams; worth an hour.",
        "action": "preview"})
    assert preview.status_code == 200
    assert "worth an hour" in preview.text and PURPOSE.replace("'", "&#39;") in preview.text
    assert kb.intros.show(town.ana.id, intro.id).state is IntroState.REQUESTED
    sent = client.post(f"/introductions/{intro.id}/ask-by-email", data={
        "subject": "Meet Ben?", "message": "Hi Cleo, Ben builds data teams; worth an hour.",
        "action": "send"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    before = len(inbox.received)
    kb.notices.deliver_mail()
    to_cleo = [m for m in inbox.received[before:] if m[0] == ["cleo@acme.example"]]
    assert len(to_cleo) == 1
    message = to_cleo[0][1]
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    links = set(LINK.findall(body.decode()))
    assert len(links) == 1  # one link, three choices
    return intro.id, links.pop()


def _confirm(browser: TestClient, link: str, choice: str, note: str = "") -> tuple[int, str]:
    page = browser.get(link)
    token = CSRF.search(page.text)
    data = {"choice": choice, "note": note}
    if token:
        data["csrf_token"] = token.group(1)
    answer = browser.post(link, data=data)
    return answer.status_code, answer.text


def test_the_target_answers_yes_from_the_email_and_the_request_is_made_once(
        kb: Kithbook, client: TestClient, town: Town, smtp: Inbox) -> None:
    intro_id, link = _asked(kb, client, town, smtp)
    ask = next(m for to, m in smtp.received if to == ["cleo@acme.example"])
    assert str(ask["From"]).startswith('"Ana (via Kithbook)"')
    assert ask["Reply-To"] == "ana@example.org" and ask["Subject"] == "Meet Ben?"
    text = ask.get_payload(decode=True).decode()
    assert "worth an hour" in text and PURPOSE in text
    for word in ("Yes, introduce us", "Not now", "No, thanks"):
        assert word in text
    assert kb.intros.show(town.ana.id, intro_id).state is IntroState.FORWARDED
    act_as(client, town.ana)
    listed = client.get("/introductions?box=all").text
    assert "waiting for Cleo Park's answer by email since Monday 15 June" in listed
    act_as(client, town.ben)
    assert "by email" not in client.get("/introductions?box=all").text
    browser = _stranger(client)
    opened = browser.get(f"{link}?choice=yes")
    assert opened.status_code == 200
    assert "Ana asks" in opened.text and "Ben" in opened.text
    assert 'value="yes" required checked' in opened.text
    # Opening (a mail scanner, a preview) decides nothing.
    assert kb.intros.show(town.ana.id, intro_id).state is IntroState.FORWARDED
    status, thanks = _confirm(browser, link, "yes", NOTE)
    assert status == 200 and "Ana will introduce you" in thanks
    view = kb.intros.show(town.ana.id, intro_id)
    assert view.state is IntroState.MADE
    last = view.history[-1]
    assert last.kind is MoveKind.ACCEPT and last.by_email and last.on_behalf_of == "Cleo Park"
    assert [r.text for r in view.private_reasons] == [NOTE]  # for Ana alone
    ben_view = kb.intros.show(town.ben.id, intro_id)
    assert ben_view.private_reasons == () and NOTE not in str(ben_view)
    # Clicked again, from the same browser or another: nothing more happens.
    again = _confirm(_stranger(client), link, "no")
    assert again[0] == 404 and DEAD_LINK.replace("'", "&#39;") in again[1]
    assert kb.intros.show(town.ana.id, intro_id).version == view.version
    # Ana and Ben are told, like after a member's yes; the pages say "answered by email".
    before = len(smtp.received)
    kb.notices.deliver_mail()
    told = {to[0]: m.get_payload(decode=True).decode() for to, m in smtp.received[before:]}
    assert sorted(told) == ["ana@example.org", "ben@example.org"]
    assert told["ana@example.org"].startswith("Cleo Park answered by email and said yes")
    # Ben knew Cleo only as "a contact at Acme" until now; the yes makes the introduction.
    assert told["ben@example.org"].startswith("Cleo Park answered by email and said yes")
    act_as(client, town.ana)
    assert "answered by email" in client.get(f"/introductions/{intro_id}").text
    act_as(client, town.ben)
    ben_page = client.get(f"/introductions/{intro_id}").text
    assert NOTE not in ben_page and "cleo@acme.example" not in ben_page


def test_the_introducer_sends_the_introduction_to_both_on_yes(
        kb: Kithbook, client: TestClient, town: Town, smtp: Inbox) -> None:
    intro_id, link = _asked(kb, client, town, smtp)
    _confirm(_stranger(client), link, "yes")
    kb.notices.deliver_mail()  # Ana and Ben hear of the yes
    act_as(client, town.ana)
    page = client.get(f"/introductions/{intro_id}").text
    assert "Send it to both from Kithbook" in page and 'href="mailto:' in page
    sent = client.post(f"/introductions/{intro_id}/send-introduction", data={},
                       follow_redirects=False)
    assert sent.status_code == 303
    before = len(smtp.received)
    kb.notices.deliver_mail()
    intro_mails = {to[0]: m for to, m in smtp.received[before:]
                   if str(m["Subject"]).startswith("Introduction:")}
    assert set(intro_mails) == {"ben@example.org", "cleo@acme.example"}
    assert intro_mails["ben@example.org"]["Reply-To"] == "cleo@acme.example"


def test_no_thanks_declines_and_keeps_the_rule_when_asked(
        kb: Kithbook, client: TestClient, town: Town, smtp: Inbox) -> None:
    intro_id, link = _asked(kb, client, town, smtp)
    browser = _stranger(client)
    page = browser.get(link)
    token = CSRF.search(page.text)
    assert token is not None
    answer = browser.post(link, data={"choice": "no", "dont_ask_again": "1",
                                      "csrf_token": token.group(1)})
    assert answer.status_code == 200
    view = kb.intros.show(town.ana.id, intro_id)
    assert view.state is IntroState.TARGET_DECLINED and view.history[-1].by_email
    assert view.history[-1].note == "No, thanks"
    assert kb.book.contact_policy(town.ana.id, town.cleo_contact).effective.policy.no_introductions
    # Ana cannot ask her by email again, for anyone, until she changes the rule.
    other = kb.intros.record_received_request(town.ana.id, "Zed Outsider", town.cleo_contact,
                                              PURPOSE)
    act_as(client, town.ana)
    refused = client.get(f"/api/v1/introductions/{other.id}/email-ask")
    assert refused.status_code == 403 and "no introductions" in refused.text


def test_a_member_target_is_not_asked_by_email(kb: Kithbook, client: TestClient,
                                               smtp: Inbox) -> None:
    town = build_town(kb, cleo_is_member=True)
    intro = kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE)
    act_as(client, town.ana)
    assert 'data-testid="ask-by-email"' not in client.get(f"/introductions/{intro.id}").text
    refused = client.post(f"/introductions/{intro.id}/ask-by-email", data={
        "subject": "x", "message": "y", "action": "send"})
    assert refused.status_code == 403 and "answer on Kithbook" in refused.text


def test_only_the_introducer_asks_by_email(kb: Kithbook, client: TestClient, town: Town,
                                          smtp: Inbox) -> None:
    intro = kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE)
    for member, status in ((town.ben, 403), (town.dan, 404)):
        act_as(client, member)
        answer = client.post(f"/introductions/{intro.id}/ask-by-email", data={
            "subject": "x", "message": "y", "action": "send"})
        assert answer.status_code == status
    assert kb.notices.deliver_mail() == 1  # only Ana's notice of Ben's request


# ---- the attacker's tries ------------------------------------------------------------------

def _dead(browser: TestClient, link: str) -> tuple[int, str]:
    answer = browser.get(link)
    return answer.status_code, answer.text


def test_forged_changed_replayed_and_expired_links_all_get_the_same_page(
        kb: Kithbook, client: TestClient, town: Town, smtp: Inbox) -> None:
    intro_id, link = _asked(kb, client, town, smtp)
    browser = _stranger(client)
    link_id, mac = link.removeprefix("/answer/").split(".")
    flipped = ("A" if mac[0] != "A" else "B") + mac[1:]
    forged = [f"/answer/{link_id}.{flipped}", f"/answer/{'0' * 12}.{mac}",
              "/answer/nothing-like-a-token", f"/answer/{link_id}"]
    reference = _dead(browser, forged[0])
    assert reference[0] == 404
    for attempt in forged[1:]:
        assert _dead(browser, attempt) == reference, attempt
        token = CSRF.search(browser.get(link).text)
        assert token is not None
        posted = browser.post(attempt, data={"choice": "yes", "csrf_token": token.group(1)})
        assert (posted.status_code, posted.text) == reference
    assert kb.intros.show(town.ana.id, intro_id).state is IntroState.FORWARDED
    kb.clock.advance(15)  # type: ignore[attr-defined]
    assert _dead(browser, link) == reference  # expired
    assert kb.intros.show(town.ana.id, intro_id).state is IntroState.FORWARDED


def test_a_link_works_only_for_its_introduction_and_its_person(
        kb: Kithbook, client: TestClient, town: Town, smtp: Inbox) -> None:
    first, link = _asked(kb, client, town, smtp)
    _confirm(_stranger(client), link, "yes")
    kb.clock.advance(14)  # type: ignore[attr-defined]
    assert kb.intros.send_link_emails() == 2  # the outcome emails: Ben's and Cleo's
    before = len(smtp.received)
    kb.notices.deliver_mail()
    links = {to[0]: LINK.findall(m.get_payload(decode=True).decode())[0]
             for to, m in smtp.received[before:] if "worthwhile" in str(m["Subject"])}
    assert set(links) == {"ben@example.org", "cleo@acme.example"}
    ben_id, ben_mac = links["ben@example.org"].removeprefix("/answer/").split(".")
    cleo_id, cleo_mac = links["cleo@acme.example"].removeprefix("/answer/").split(".")
    browser = _stranger(client)
    reference = _dead(browser, f"/answer/{'0' * 12}.{'A' * 22}")
    # Cleo's signature on Ben's link, and the reverse: neither is a link at all.
    assert _dead(browser, f"/answer/{ben_id}.{cleo_mac}") == reference
    assert _dead(browser, f"/answer/{cleo_id}.{ben_mac}") == reference
    # The first introduction's answer link, spent, does nothing for it or any other.
    assert _dead(browser, link) == reference
    # Ben's own link records Ben's outcome, and only his.
    status, _ = _confirm(browser, links["ben@example.org"], "useful", "a private comment")
    assert status == 200
    view = kb.intros.show(town.ana.id, first)
    assert [(o.party, o.rating) for o in view.outcomes] == [(Role.REQUESTER, Rating.POSITIVE)]
    assert view.history[-1].by_email
    assert _confirm(browser, links["ben@example.org"], "not_useful")[0] == 404
    assert kb.intros.send_link_emails() == 0  # once each, never again


def test_many_bad_links_from_one_address_wait(kb: Kithbook, client: TestClient,
                                              town: Town, smtp: Inbox) -> None:
    browser = _stranger(client)
    statuses = [browser.get(f"/answer/{'0' * 12}.{'A' * 22}").status_code for _ in range(101)]
    assert statuses[:100] == [404] * 100 and statuses[100] == 429


def test_the_emails_and_pages_hold_nothing_private(kb: Kithbook, client: TestClient,
                                                   town: Town, smtp: Inbox) -> None:
    intro_id, link = _asked(kb, client, town, smtp)
    page = _stranger(client).get(link).text
    to_cleo = [m.get_payload(decode=True).decode() for to, m in smtp.received
               if to == ["cleo@acme.example"]]
    for text in [page, *to_cleo]:
        for secret in (SECRET, "Thanks for considering", "ben@example.org", "Hal Hidden",
                       "happy to talk about data teams", "a contact at Acme"):
            assert secret not in text, secret


def test_no_private_marker_of_the_privacy_crawler_reaches_an_email_or_a_link_page(
        kb: Kithbook, client: TestClient, smtp: Inbox) -> None:
    from test_privacy_crawler import MARKERS, build_community

    world = build_community(kb)
    cleo = next(c.contact.id for c in kb.book.list_contacts(world.ana.id,
                                                      ContactQuery(text="Cleo")).items)
    purpose = "Advice from Cleo on hiring data engineers, an hour at most."
    intro = kb.intros.request(world.ben.id, world.ana.id, cleo, purpose)
    kb.intros.send_ask(world.ana.id, intro.id, AskEmail("Meet Ben?", "Ben is good people."))
    kb.notices.deliver_mail()
    ask = next(m for to, m in smtp.received if to == [MARKERS["visible contact's private email"]])
    link = LINK.findall(ask.get_payload(decode=True).decode())[0]
    browser = _stranger(client)
    pages = [browser.get(link).text, browser.get(link + "?choice=no").text]
    status, thanks = _confirm(browser, link, "yes", "a note for Ana")
    pages += [thanks, browser.get(link).text]
    kb.clock.advance(14)  # type: ignore[attr-defined]
    kb.intros.send_link_emails()
    kb.notices.deliver_mail()
    for _, outcome in [m for m in smtp.received if "worthwhile" in str(m[1]["Subject"])]:
        found = LINK.findall(outcome.get_payload(decode=True).decode())[0]
        pages.append(browser.get(found).text)
    texts = pages + [f"{m['Subject']}\n{m['From']}\n{m['Reply-To']}\n"
                     f"{m.get_payload(decode=True).decode()}" for _, m in smtp.received]
    assert status == 200 and len(texts) > 8
    for text in texts:
        for what, marker in MARKERS.items():
            assert marker not in text, what


def test_outcome_emails_go_two_weeks_on_and_not_for_long_past_introductions(
        kb: Kithbook, client: TestClient, town: Town, smtp: Inbox) -> None:
    _, link = _asked(kb, client, town, smtp)
    _confirm(_stranger(client), link, "yes")
    kb.clock.advance(13)  # type: ignore[attr-defined]
    assert kb.intros.send_link_emails() == 0  # not yet
    kb.clock.advance(16)  # type: ignore[attr-defined]
    assert kb.intros.send_link_emails() == 0  # the job was away too long: no late surprise
