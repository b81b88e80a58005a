"""Introductions through the services, on a real database (SQLite and PostgreSQL).

A small community: Ben asks Ana for an introduction to Cleo, a member Ana knows; Dan
is a member with nothing to do with it. Ana's book also holds people she shares
differently: Hal (hidden), Nora ("no introductions") and Vic (only for those she trusts
at 5).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from community_members import bare_member
from fakes import FixedClock
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import Conflict, InvalidInput, KithbookError, NotAllowed, NotFound
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.introductions import IntroState, IntroView, MoveKind, Rating, Role
from kithbook.domain.policies import REFUSED_TO_ASKER, PolicyChange
from kithbook.domain.risk_brief import Recommendation
from kithbook.domain.screening import FlagCode
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.introductions import Box, DraftKind
from sql_trace import statements

PURPOSE = "I'd like Cleo's advice on structuring a first data team at a 20-person company."
SECRET = "Ben oversold his last startup to me"


@dataclass
class Community:
    ana: MemberId  # introduces
    ben: MemberId  # asks
    cleo: MemberId  # is asked for
    dan: MemberId  # a member who is no party
    cleo_contact: str  # Cleo in Ana's book
    hal: str  # hidden
    nora: str  # no introductions
    vic: str  # only for members Ana trusts at 5
    ben_contact: str  # Ben in Ana's book


def _member(kb: Kithbook, name: str) -> MemberId:
    return bare_member(kb, name, f"{name.lower()}@example.org").id


@pytest.fixture
def town(kb: Kithbook) -> Community:
    ana, ben, cleo, dan = (_member(kb, n) for n in ("Ana", "Ben", "Cleo", "Dan"))
    # Generous limits, so that tests ask as often as they need; fair use has its own test.
    kb.intros.fair_use = FairUseLimits(max_open_requests=200, cooldown_after_decline=timedelta(0))
    contact = kb.book.add_contact(ana, ContactFields(name="Cleo Park", organization="Acme",
                                                     emails=[Labeled("cleo@acme.example")]),
                             TieFields(stated_trust=4))
    kb.book.set_contact_policy(ana, contact.id, PolicyChange(
        visibility=Visibility.ANONYMOUS, ask_rule=AskRule.ANYONE,
        welcomes="happy to talk about data teams and hiring"))
    hal = kb.book.add_contact(ana, ContactFields(name="Hal Hidden", organization="Acme")).id
    kb.book.set_contact_policy(ana, hal, PolicyChange(ask_rule=AskRule.ANYONE))  # still hidden
    nora = kb.book.add_contact(ana, ContactFields(name="Nora Noway", organization="Acme")).id
    kb.book.set_contact_policy(ana, nora, PolicyChange(visibility=Visibility.NAMED,
                                                       ask_rule=AskRule.ANYONE,
                                                       no_introductions=True))
    vic = kb.book.add_contact(ana, ContactFields(name="Vic Vault", organization="Acme")).id
    kb.book.set_contact_policy(ana, vic, PolicyChange(visibility=Visibility.NAMED,
                                                      ask_rule=AskRule.TRUSTED, ask_min_trust=5))
    ben_contact = kb.book.add_contact(ana, ContactFields(name="Ben Ortiz"),
                                      TieFields(stated_trust=4)).id
    with kb.uow() as uow:  # both links as if confirmed: Ben and Cleo are members
        uow.contacts.link_member(ana, ben_contact, ben)
        uow.contacts.link_member(ana, contact.id, cleo)
        uow.commit()
    return Community(ana, ben, cleo, dan, contact.id, hal, nora, vic, ben_contact)


def ask(kb: Kithbook, t: Community, purpose: str = PURPOSE) -> IntroView:
    return kb.intros.request(t.ben, t.ana, t.cleo_contact, purpose,
                             note="Thanks for considering it")


# ---- the happy path and who sees what -------------------------------------------------

def test_a_double_opt_in_from_request_to_outcomes(kb: Kithbook, town: Community,
                                                  clock: FixedClock) -> None:
    asked = ask(kb, town)
    assert asked.state is IntroState.REQUESTED and asked.viewer is Role.REQUESTER
    assert asked.target == "a contact at Acme"  # anonymous until Cleo says yes
    with pytest.raises(NotFound):  # not forwarded yet: Cleo does not know about it
        kb.intros.show(town.cleo, asked.id)
    clock.advance(1)
    kb.intros.forward(town.ana, asked.id, note="Cleo, worth your time")
    assert kb.intros.show(town.cleo, asked.id).requester == "Ben"
    clock.advance(1)
    made = kb.intros.accept(town.cleo, asked.id, note="Happy to")
    assert made.state is IntroState.MADE and made.version == 3
    assert kb.intros.show(town.ben, asked.id).target == "Cleo Park"
    kb.intros.record_outcome(town.ben, asked.id, Rating.POSITIVE, comment="very helpful")
    kb.intros.record_outcome(town.cleo, asked.id, Rating.NEUTRAL, comment="bit early for him")
    ana_view = kb.intros.show(town.ana, asked.id)
    assert [m.kind for m in ana_view.history] == [
        MoveKind.REQUEST, MoveKind.FORWARD, MoveKind.ACCEPT, MoveKind.OUTCOME, MoveKind.OUTCOME]
    assert {o.party: o.rating for o in ana_view.outcomes} == {
        Role.REQUESTER: Rating.POSITIVE, Role.TARGET: Rating.NEUTRAL}
    assert all(o.comment is None for o in ana_view.outcomes)  # comments stay with authors
    ben_view = kb.intros.show(town.ben, asked.id)
    assert [(o.party, o.comment) for o in ben_view.outcomes] == [
        (Role.REQUESTER, "very helpful")]
    assert ana_view.history[1].note == "Cleo, worth your time"
    assert ana_view.history[0].at == clock.now() - timedelta(days=2)


def test_lists_split_inbox_and_outbox(kb: Kithbook, town: Community) -> None:
    asked = ask(kb, town)
    assert [v.id for v in kb.intros.list_introductions(town.ben, Box.OUTBOX)] == [asked.id]
    assert kb.intros.list_introductions(town.ben, Box.INBOX) == []
    assert [v.id for v in kb.intros.list_introductions(town.ana, Box.INBOX)] == [asked.id]
    assert kb.intros.list_introductions(town.cleo) == []  # not forwarded to her yet
    kb.intros.forward(town.ana, asked.id)
    assert [v.viewer for v in kb.intros.list_introductions(town.cleo, Box.INBOX)] == [Role.TARGET]
    assert kb.intros.list_introductions(town.dan) == []


# ---- every move, by every party, from every state -------------------------------------

MOVES: dict[str, Callable[[Kithbook, MemberId, str], object]] = {
    "forward": lambda kb, who, i: kb.intros.forward(who, i),
    "decline": lambda kb, who, i: kb.intros.decline(who, i, private_reason="no"),
    "accept": lambda kb, who, i: kb.intros.accept(who, i),
    "make": lambda kb, who, i: kb.intros.make(who, i),
    "withdraw": lambda kb, who, i: kb.intros.withdraw(who, i),
    "outcome": lambda kb, who, i: kb.intros.record_outcome(who, i, Rating.POSITIVE),
}

# How to bring a fresh request into each state, and which party then may make which move.
SETUPS: dict[IntroState, list[tuple[str, str]]] = {
    IntroState.REQUESTED: [],
    IntroState.FORWARDED: [("forward", "ana")],
    IntroState.DECLINED: [("decline", "ana")],
    IntroState.TARGET_DECLINED: [("forward", "ana"), ("decline", "cleo")],
    IntroState.MADE: [("forward", "ana"), ("accept", "cleo")],
    IntroState.WITHDRAWN: [("withdraw", "ben")],
    IntroState.EXPIRED: [],  # the clock moves past the deadline
}
LEGAL = {
    (IntroState.REQUESTED, "forward", "ana"), (IntroState.REQUESTED, "decline", "ana"),
    (IntroState.REQUESTED, "withdraw", "ben"), (IntroState.FORWARDED, "accept", "cleo"),
    (IntroState.FORWARDED, "make", "cleo"), (IntroState.FORWARDED, "decline", "cleo"),
    (IntroState.FORWARDED, "withdraw", "ben"), (IntroState.MADE, "outcome", "ben"),
    (IntroState.MADE, "outcome", "cleo"),
}
NEVER_FORWARDED = {IntroState.REQUESTED, IntroState.DECLINED, IntroState.WITHDRAWN,
                   IntroState.EXPIRED}


def _in_state(kb: Kithbook, t: Community, clock: FixedClock, state: IntroState) -> str:
    intro_id = ask(kb, t).id
    for move, who in SETUPS[state]:
        MOVES[move](kb, getattr(t, who), intro_id)
    if state is IntroState.EXPIRED:
        clock.advance(31)
        assert kb.intros.expire_due() >= 1
    assert kb.intros.show(t.ana, intro_id).state is state
    return intro_id


def _try(kb: Kithbook, t: Community, clock: FixedClock, state: IntroState, move: str,
         who: str) -> None:
    intro_id = _in_state(kb, t, clock, state)
    before = kb.intros.show(t.ana, intro_id)
    if (state, move, who) in LEGAL:
        after = MOVES[move](kb, getattr(t, who), intro_id)
        assert isinstance(after, IntroView) and after.version == before.version + 1
        return
    hidden = who == "dan" or (who == "cleo" and state in NEVER_FORWARDED)
    with pytest.raises(NotFound if hidden else NotAllowed) as caught:
        MOVES[move](kb, getattr(t, who), intro_id)
    if hidden:  # word for word the answer for a request that does not exist
        assert caught.value.message == f"no introduction request {intro_id} that you can see."
    assert kb.intros.show(t.ana, intro_id) == before, (move, who)


@pytest.mark.parametrize("state", list(SETUPS))
def test_every_move_by_every_party_from_every_state(kb: Kithbook, town: Community,
                                                    clock: FixedClock,
                                                    state: IntroState) -> None:
    for move in MOVES:
        for who in ("ana", "ben", "cleo", "dan"):
            _try(kb, town, clock, state, move, who)


def test_an_unknown_id_and_a_strangers_request_read_the_same(kb: Kithbook,
                                                            town: Community) -> None:
    asked = ask(kb, town)
    with pytest.raises(NotFound) as theirs:
        kb.intros.show(town.dan, asked.id)
    missing = new_id()
    with pytest.raises(NotFound) as nothing:
        kb.intros.show(town.dan, missing)
    assert theirs.value.message.replace(asked.id, "ID") == \
        nothing.value.message.replace(missing, "ID")


def test_expiry_closes_only_requests_past_their_deadline(kb: Kithbook, town: Community,
                                                        clock: FixedClock) -> None:
    old = ask(kb, town).id
    clock.advance(20)
    fresh = ask(kb, town, PURPOSE + " Also hiring.").id
    clock.advance(11)
    assert kb.intros.expire_due() == 1
    assert kb.intros.show(town.ben, old).state is IntroState.EXPIRED
    assert kb.intros.show(town.ben, fresh).state is IntroState.REQUESTED
    assert kb.intros.expire_due() == 0


def test_looking_for_requests_due_writes_nothing_when_none_is(
        kb: Kithbook, town: Community, clock: FixedClock) -> None:
    ask(kb, town)
    clock.advance(2)  # older than the shortest expiry, not yet due
    with statements() as sent:
        assert kb.intros.expire_due() == 0
    assert [s for s in sent if s.lstrip().upper().startswith(
        ("UPDATE", "INSERT", "DELETE", "BEGIN IMMEDIATE"))] == []


def test_the_list_page_reads_what_the_list_the_asks_and_the_cap_each_say(
        kb: Kithbook, town: Community, clock: FixedClock) -> None:
    first = ask(kb, town).id
    clock.advance(1)
    ask(kb, town, PURPOSE + " Also hiring.")
    kb.intros.forward(town.ana, first)
    for member in (town.ana, town.ben, town.cleo, town.dan):
        for box in Box:
            page = kb.intros.introductions_page(member, box)
            assert page.views == kb.intros.list_introductions(member, box)
            assert page.emailed == kb.intros.email_statuses(member)
            assert page.fair_use == kb.intros.fair_use_status(member)


def test_a_stale_version_is_a_conflict_and_changes_nothing(kb: Kithbook,
                                                          town: Community) -> None:
    asked = ask(kb, town)
    kb.intros.forward(town.ana, asked.id, expected_version=1)
    with pytest.raises(Conflict, match="reload it"):
        kb.intros.withdraw(town.ben, asked.id, expected_version=1)
    assert kb.intros.show(town.ben, asked.id).state is IntroState.FORWARDED


def test_saving_against_a_version_someone_moved_past_is_refused(kb: Kithbook,
                                                               town: Community) -> None:
    asked = ask(kb, town)
    kb.intros.forward(town.ana, asked.id)
    with kb.uow() as uow:
        intro = uow.introductions.get(asked.id)
        assert intro is not None
        intro.withdraw(by=town.ben, at=kb.clock.now())
        with pytest.raises(Conflict, match="at the same moment"):
            uow.introductions.save(intro, loaded_version=1)
    assert kb.intros.show(town.ben, asked.id).state is IntroState.FORWARDED


# ---- two people at once ---------------------------------------------------------------

def _race(kb: Kithbook, actor: MemberId, intro_id: str) -> list[object]:
    """Two threads, each with its own unit of work, forward the same request at once."""
    barrier = threading.Barrier(2)
    results: list[object] = []

    def attempt() -> None:
        barrier.wait()
        try:
            results.append(kb.intros.forward(actor, intro_id))
        except KithbookError as exc:
            results.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_concurrent_forwards_one_wins_one_is_refused(kb: Kithbook,
                                                         town: Community) -> None:
    for _ in range(50):
        intro_id = ask(kb, town).id
        results = _race(kb, town.ana, intro_id)
        wins = [r for r in results if isinstance(r, IntroView)]
        refusals = [r for r in results if isinstance(r, Conflict | NotAllowed)]
        assert len(wins) == 1 and len(refusals) == 1, results
        assert "cannot forward this request: it is forwarded" in str(refusals[0]) \
            or "at the same moment" in str(refusals[0])
        view = kb.intros.show(town.ana, intro_id)
        assert view.version == 2
        assert [m.kind for m in view.history] == [MoveKind.REQUEST, MoveKind.FORWARD]


# ---- nothing private reaches the requester ---------------------------------------------

def test_the_requester_never_reads_a_private_reason_a_hidden_tie_or_a_no(
        kb: Kithbook, town: Community) -> None:
    read: list[str] = []

    def keep(call: Callable[[], object]) -> None:
        try:
            read.append(repr(call()))
        except KithbookError as exc:
            read.append(exc.message)

    for contact in (town.hal, town.nora, town.vic, new_id()):
        with pytest.raises(NotAllowed) as refused:
            kb.intros.request(town.ben, town.ana, contact, PURPOSE)
        assert refused.value.message == REFUSED_TO_ASKER
        read.append(refused.value.message)
    first = ask(kb, town).id
    kb.intros.decline(town.ana, first, note="Not this time",
                      private_reason=SECRET)
    second_id = ask(kb, town, "Cleo's view on hiring a first data engineer.").id
    kb.intros.forward(town.ana, second_id)
    kb.intros.decline(town.cleo, second_id, private_reason="Ben is a " + SECRET)
    third = ask(kb, town, "Cleo's take on a data team's first year.").id
    kb.intros.forward(town.ana, third)
    for move in ("accept", "make", "decline", "forward"):
        keep(lambda m=move: MOVES[m](kb, town.ben, third))  # type: ignore[misc]
    keep(lambda: kb.intros.record_outcome(town.ben, third, Rating.POSITIVE, party=Role.TARGET))
    for intro_id in (first, second_id, third):
        keep(lambda i=intro_id: kb.intros.show(town.ben, i))  # type: ignore[misc]
        keep(lambda i=intro_id: kb.intros.withdraw(town.ben, i))  # type: ignore[misc]
        keep(lambda i=intro_id: kb.intros.risk_brief(town.ben, i))  # type: ignore[misc]
        keep(lambda i=intro_id: kb.intros.draft_email(town.ben, i, DraftKind.ASK))  # type: ignore[misc]
    keep(lambda: kb.intros.list_introductions(town.ben))
    keep(lambda: kb.intros.fair_use_status(town.ben))
    everything = "\n".join(read)
    assert "Not this time" in everything  # the public note is shown
    for private in (SECRET, "Hal Hidden", "Nora Noway", "Vic Vault", "Cleo Park",
                    town.hal, town.nora, town.vic, town.cleo_contact, "no introductions",
                    "hidden", "trust"):
        assert private not in everything, private
    ana_reads = repr(kb.intros.show(town.ana, first))
    assert SECRET in ana_reads  # the introducer keeps her reason


# ---- fair use -------------------------------------------------------------------------

def test_fair_use_caps_open_requests_and_pauses_after_a_no(kb: Kithbook, town: Community,
                                                          clock: FixedClock) -> None:
    kb.intros.fair_use = FairUseLimits(max_open_requests=2)
    first = ask(kb, town).id
    ask(kb, town, "Cleo's view on hiring a first data engineer.")
    assert kb.intros.fair_use_status(town.ben).open_requests == 2
    with pytest.raises(NotAllowed, match="2 open introduction requests"):
        ask(kb, town, "Another question for Cleo about data hiring.")
    kb.intros.decline(town.ana, first)
    with pytest.raises(NotAllowed, match="you can ask them again from"):
        ask(kb, town, "Another question for Cleo about data hiring.")
    clock.advance(31)
    kb.intros.expire_due()
    assert ask(kb, town, "Another question for Cleo about data hiring.").state \
        is IntroState.REQUESTED


def test_requests_are_refused_for_bad_parties(kb: Kithbook, town: Community) -> None:
    with pytest.raises(InvalidInput, match="your own introducer"):
        kb.intros.request(town.ben, town.ben, town.cleo_contact, PURPOSE)
    with pytest.raises(NotFound, match="no member"):
        kb.intros.request(town.ben, MemberId(new_id()), town.cleo_contact, PURPOSE)
    with pytest.raises(InvalidInput, match="purpose cannot be empty"):
        kb.intros.request(town.ben, town.ana, town.cleo_contact, "  ")
    assert kb.intros.list_introductions(town.ben) == []


# ---- the introducer's brief and drafts ------------------------------------------------

def test_the_brief_weighs_tie_record_flags_and_welcomes(kb: Kithbook, town: Community,
                                                        clock: FixedClock) -> None:
    kb.book.log_interaction(town.ana, [town.ben_contact], Kind.MET, Direction.MUTUAL,
                            clock.today() - timedelta(days=3))
    earlier = ask(kb, town).id
    kb.intros.forward(town.ana, earlier)
    kb.intros.accept(town.cleo, earlier)
    kb.intros.record_outcome(town.cleo, earlier, Rating.POSITIVE)
    asked = ask(kb, town, "Cleo's advice on hiring for a data team.").id
    brief = kb.intros.risk_brief(town.ana, asked)
    assert brief.requester == "Ben" and brief.target.name == "Cleo Park"
    assert brief.stated_trust == 4 and brief.strength is not None and brief.strength > 0.3
    assert any("met once" in e for e in brief.strength_evidence)
    assert brief.reputation.made == 1 and brief.reputation.outcomes.positive == 1
    assert brief.judgment is not None and brief.judgment.made == 1
    assert brief.target.welcomes == "happy to talk about data teams and hiring"
    assert brief.recommendation is Recommendation.GO_AHEAD
    assert any("welcomes" in r for r in brief.reasons)
    with pytest.raises(NotAllowed, match="only the introducer"):
        kb.intros.risk_brief(town.ben, asked)
    with pytest.raises(NotFound):
        kb.intros.risk_brief(town.dan, asked)


def test_the_brief_flags_a_pitch_sent_to_several_introducers(kb: Kithbook, town: Community
                                                             ) -> None:
    pitch = "I want to show Cleo a demo of our platform and talk pricing for her team."
    for name in ("Eli", "Fay"):
        other = _member(kb, name)
        contact = kb.book.add_contact(other, ContactFields(name="Gus Grant"))
        kb.book.set_contact_policy(other, contact.id, PolicyChange(
            visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE))
        kb.intros.request(town.ben, other, contact.id, pitch)
    asked = kb.intros.request(town.ben, town.ana, town.cleo_contact, pitch).id
    brief = kb.intros.risk_brief(town.ana, asked)
    codes = {f.code for f in brief.flags}
    assert {FlagCode.SELLING, FlagCode.COPY_PASTE} <= codes
    assert brief.recommendation is Recommendation.CONSIDER_DECLINING


def test_drafts_ask_first_and_introduce_once_both_agreed(kb: Kithbook,
                                                        town: Community) -> None:
    asked = ask(kb, town).id
    draft = kb.intros.draft_email(town.ana, asked, DraftKind.ASK)
    assert draft.to == ("cleo@acme.example",) and "Ben asked me" in draft.body
    with pytest.raises(NotAllowed, match="has not agreed yet"):
        kb.intros.draft_email(town.ana, asked, DraftKind.INTRODUCTION)
    kb.intros.forward(town.ana, asked)
    kb.intros.accept(town.cleo, asked)
    both = kb.intros.draft_email(town.ana, asked, DraftKind.INTRODUCTION, note="You both love SQL.")
    assert "Cleo, meet Ben" in both.body and "You both love SQL." in both.body
    assert set(both.to) == {"ben@example.org", "cleo@acme.example"}


def test_a_new_name_in_the_profile_signs_drafts_and_open_requests(kb: Kithbook,
                                                                  town: Community) -> None:
    asked = ask(kb, town).id
    kb.accounts.set_profile(town.ana, name="  Ana   Moreno ")
    kb.accounts.set_profile(town.ben, name="Benjamin Ortiz")
    draft = kb.intros.draft_email(town.ana, asked, DraftKind.ASK)
    assert draft.body.endswith("\nAna\n") and "Benjamin Ortiz asked me" in draft.body
    seen = kb.intros.show(town.ana, asked)
    assert (seen.requester, seen.introducer) == ("Benjamin Ortiz", "Ana Moreno")
    # Cleo is named as Ana's book calls her, whatever she calls herself.
    kb.accounts.set_profile(town.cleo, name="Cleopatra")
    assert kb.intros.show(town.ana, asked).target == "Cleo Park"
    with pytest.raises(InvalidInput, match="give your name as others will see it"):
        kb.accounts.set_profile(town.ana, name="   ")
    assert kb.accounts.profile(town.ana).name == "Ana Moreno"


# ---- local mode: the other parties are off Kithbook -----------------------------------

def test_a_request_that_came_by_email_is_kept_by_the_introducer(kb: Kithbook,
                                                                town: Community) -> None:
    got = kb.intros.record_received_request(town.ana, "Dina Kovacs", "Cleo Park", PURPOSE,
                                            requester_email="dina@example.org")
    assert got.viewer is Role.INTRODUCER and got.requester == "Dina Kovacs"
    kb.intros.forward(town.ana, got.id)
    made = kb.intros.make(town.ana, got.id, note="Cleo said yes by phone")
    assert made.state is IntroState.MADE
    assert made.history[-1].on_behalf_of == "Cleo Park"
    with pytest.raises(InvalidInput, match="say whose outcome"):
        kb.intros.record_outcome(town.ana, got.id, Rating.POSITIVE)
    kb.intros.record_outcome(town.ana, got.id, Rating.POSITIVE, party=Role.TARGET)
    brief = kb.intros.risk_brief(town.ana, got.id)
    assert brief.requester == "Dina Kovacs" and brief.strength is None
    again = kb.intros.record_received_request(town.ana, "Dina Kovacs", "Cleo Park",
                                              "More advice on data hiring.",
                                              requester_email="DINA@example.org")
    record = kb.intros.risk_brief(town.ana, again.id).reputation
    assert record.made == 1 and record.outcomes.positive == 1


def test_an_introduction_asked_of_someone_off_kithbook(kb: Kithbook, town: Community) -> None:
    asked = kb.intros.record_asked_request(town.ana, "Ben Ortiz", "Zoe Quinn", PURPOSE,
                                           target_email="zoe@example.org")
    assert asked.viewer is Role.REQUESTER and asked.introducer == "Ben Ortiz"
    kb.intros.forward(town.ana, asked.id, note="Ben says he asked her")
    made = kb.intros.accept(town.ana, asked.id)
    assert made.history[1].on_behalf_of == "Ben Ortiz"
    assert made.history[2].on_behalf_of == "Zoe Quinn"
    assert [v.id for v in kb.intros.list_introductions(town.ana, Box.OUTBOX)] == [asked.id]
    with pytest.raises(NotAllowed, match="only the introducer"):
        kb.intros.draft_email(town.ana, asked.id, DraftKind.ASK)
    with pytest.raises(NotFound):
        kb.intros.record_asked_request(town.ana, "Nobody Known", "Zoe", PURPOSE)
