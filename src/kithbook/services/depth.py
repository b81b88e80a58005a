"""Relationship depth, as use cases: strength with its evidence, stages and next steps,
keep-in-touch, the weekly digest and the health report.

A tie's explanation reads its history (`uow.depth.snapshot`), and lists of every tie
compute the strength of all at once. The reports over the whole book (digest,
keep-in-touch, health) read instead what is stored with each tie's strength
(`uow.depth.facts`), brought up to date first as the book's lists do, and the log's
counts from the database; only the ties a digest shows are read in full.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from kithbook.domain import keep_in_touch
from kithbook.domain.contacts import clean_tag
from kithbook.domain.digest import SCREEN as DIGEST_SCREEN
from kithbook.domain.digest import Budget, Digest, weekly_digest
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.evidence import describe_balance, describe_evidence, describe_strength
from kithbook.domain.health import HealthReport, health_report, tally_ties
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.important_dates import Upcoming, upcoming
from kithbook.domain.keep_in_touch import Cadence, TouchState, losing_touch, resolve_cadence
from kithbook.domain.stages import NextStep, StageAssessment, assess_stage, next_step
from kithbook.domain.tie_summary import Screen, TieReading, TieSummary
from kithbook.domain.ties import Tie, check_cadence
from kithbook.graph.strength import StrengthParams
from kithbook.services import stored_strength
from kithbook.services.book import ContactView, contact_view
from kithbook.services.path_network import PathsCache
from kithbook.services.ports import Clock, DepthSnapshot, UnitOfWork
from kithbook.services.references import resolve_contact
from kithbook.services.tie_strength import compute_strength

T = TypeVar("T")


@dataclass(frozen=True)
class TieDepth:
    """One tie, explained: its strength and evidence, stage, next step and balance."""

    tie: TieSummary
    stage: StageAssessment
    step: NextStep
    cadence: Cadence | None

    @property
    def explanation(self) -> list[str]:
        """The score, its evidence, what it is made of and any correction."""
        return describe_strength(self.tie.evidence)

    @property
    def evidence_text(self) -> str:
        return describe_evidence(self.tie.evidence)

    @property
    def balance(self) -> str:
        return describe_balance(self.tie.evidence)


def _summaries(snapshot: DepthSnapshot, today: date,
               params: StrengthParams) -> list[TieSummary]:
    strength = compute_strength(snapshot, today, params)
    out = []
    for i, contact in enumerate(snapshot.contacts):
        evidence = strength.evidence(i)
        own = int(snapshot.cadence_days[i])
        out.append(TieSummary(contact, snapshot.names[i], evidence,
                              assess_stage(evidence).stage,
                              organization=snapshot.organizations[i], role=snapshot.roles[i],
                              tags=snapshot.tags[i], cadence_days=own or None))
    return out


def _explain(tie: TieSummary, tag_cadences: dict[str, int]) -> TieDepth:
    cadence = resolve_cadence(tie.cadence_days, tie.tags, tag_cadences)
    stage = assess_stage(tie.evidence)
    step = next_step(tie.evidence, tie.person, stage=stage.stage,
                     cadence_days=cadence.days if cadence else None)
    return TieDepth(tie, stage, step, cadence)


def _book(uow: UnitOfWork, actor: MemberId, today: date,
          params: StrengthParams) -> tuple[list[TieSummary], dict[str, int]]:
    with uow.reading():
        snapshot = uow.depth.snapshot(actor)
        cadences = uow.depth.tag_cadences(actor)
    return _summaries(snapshot, today, params), cadences


def all_ties(uow: UnitOfWork, actor: MemberId, clock: Clock,
             params: StrengthParams) -> list[TieDepth]:
    """Every tie of the book explained, strongest first (one computation for all)."""
    ties, cadences = _book(uow, actor, clock.today(), params)
    ties.sort(key=lambda t: (-t.strength, t.name, t.contact))
    return [_explain(t, cadences) for t in ties]


def strengths(uow: UnitOfWork, actor: MemberId, clock: Clock,
              params: StrengthParams) -> dict[ContactId, float]:
    """The strength of every tie by contact, for sorting and lists."""
    ties, _ = _book(uow, actor, clock.today(), params)
    return {t.contact: t.strength for t in ties}


def _one(uow: UnitOfWork, actor: MemberId, contact: ContactId, today: date,
         params: StrengthParams) -> TieDepth:
    snapshot = uow.depth.snapshot(actor, contact)
    if not snapshot.contacts:  # not in the actor's book: the same answer as a wrong id
        raise NotFound(f"no contact {contact!r} in your book.", field="contact_id")
    cadences = uow.depth.tag_cadences(actor)
    summary = _summaries(snapshot, today, params)[0]
    from_calendar = uow.capture.met_from_calendar(actor, contact, today)
    if from_calendar:
        summary = replace(summary, evidence=replace(summary.evidence,
                                                    met_from_calendar=from_calendar))
    return _explain(summary, cadences)


def _contact_id(uow: UnitOfWork, actor: MemberId, ref: str, exact: bool) -> ContactId:
    return resolve_contact(uow, actor, ref, exact=exact).id


def tie_depth(uow: UnitOfWork, actor: MemberId, ref: str, clock: Clock,
              params: StrengthParams, *, exact: bool = False) -> TieDepth:
    """One contact's tie explained; `ref` is an id (exact) or what a person types."""
    with uow.reading():
        # An exact id is checked by `_one`'s read, which filters by owner: loading the
        # whole contact first would only repeat it.
        contact = ContactId(ref.strip()) if exact else _contact_id(uow, actor, ref, exact)
        return _one(uow, actor, contact, clock.today(), params)


def contact_with_depth(uow: UnitOfWork, actor: MemberId, contact_id: str, clock: Clock,
                       params: StrengthParams) -> tuple[ContactView, TieDepth]:
    """A contact's page: `get_contact` and its `tie_depth`, read in one transaction (on a
    community server each transaction is a connection taken from the pool and given back)."""
    with uow.reading():
        view = contact_view(uow, actor, resolve_contact(uow, actor, contact_id, exact=True))
        return view, _one(uow, actor, view.contact.id, clock.today(), params)


def correct_strength(uow: UnitOfWork, actor: MemberId, ref: str, value: float | None,
                     clock: Clock, params: StrengthParams, *, exact: bool = False
                     ) -> TieDepth:
    """Set the member's own reading of a tie (None clears it); new evidence wears it down."""
    if value is not None and (math.isnan(value) or not 0.0 <= value <= 1.0):
        raise InvalidInput(f"a corrected strength must lie between 0 and 1; got {value}.",
                           field="strength")
    with uow:
        contact = _contact_id(uow, actor, ref, exact)
        tie = uow.ties.get(actor, contact)
        at = clock.now() if value is not None else None
        if tie is None:
            uow.ties.add(Tie(owner=actor, contact=contact, strength_override=value,
                             override_at=at))
        else:
            tie.strength_override, tie.override_at = value, at
            uow.ties.update(tie, expected_version=tie.version)
        explained = _one(uow, actor, contact, clock.today(), params)
        uow.commit()
        return explained


def losing_touch_list(uow: UnitOfWork, actor: MemberId, clock: Clock,
                      params: StrengthParams, *, limit: int | None = None,
                      cache: PathsCache | None = None,
                      wait_for_day: bool = True) -> list[TouchState]:
    """Overdue ties, the most valuable and most overdue first."""
    today = clock.today()

    def build(ties: list[TieReading], cadences: dict[str, int]) -> list[TouchState]:
        return losing_touch(ties, cadences, today, limit=limit)

    # A copy: the kept list is shared by every request.
    return list(_kept_book(uow, cache, actor, ("losing touch", today, params, limit),
                           today, params, build, wait_for_day, keep_in_touch.SCREEN))


def digest(uow: UnitOfWork, actor: MemberId, clock: Clock, params: StrengthParams,
           budget: Budget, cache: PathsCache | None = None, *,
           wait_for_day: bool = True) -> Digest:
    """The few relationships that most deserve your time this week, within the budget."""
    today = clock.today()

    def build(ties: list[TieReading], cadences: dict[str, int]) -> Digest:
        return replace(weekly_digest(ties, cadences, today, budget,
                                     explained=_explainer(uow, actor, today, params)),
                       dates=_coming_dates(uow, actor, today))

    return _kept_book(uow, cache, actor, ("digest", today, params, budget), today, params,
                      build, wait_for_day, DIGEST_SCREEN)


def _coming_dates(uow: UnitOfWork, actor: MemberId, today: date) -> tuple[Upcoming, ...]:
    """The actor's contacts' important dates in the coming week, soonest first; read in
    the transaction that builds the digest, so they are kept with it (dates change only
    with the contacts they belong to, which moves the book's fingerprint)."""
    dates = uow.dates.for_owner(actor)
    names = uow.contacts.names_of(actor, sorted(dates)) if dates else {}
    return tuple(upcoming(dates, names, today))


@dataclass(frozen=True)
class Week:
    """The digest and the losing-touch list from one read of the book (the digest page)."""

    digest: Digest
    losing_touch: list[TouchState]


def week(uow: UnitOfWork, actor: MemberId, clock: Clock, params: StrengthParams,
         budget: Budget, *, losing_touch_limit: int | None = None,
         cache: PathsCache | None = None, wait_for_day: bool = True) -> Week:
    today = clock.today()

    def build(ties: list[TieReading], cadences: dict[str, int]) -> Week:
        return Week(replace(weekly_digest(ties, cadences, today, budget,
                                          explained=_explainer(uow, actor, today, params)),
                            dates=_coming_dates(uow, actor, today)),
                    losing_touch(ties, cadences, today, limit=losing_touch_limit))

    # The digest's screen lets every tie with a cadence through: the losing-touch list's.
    return _kept_book(uow, cache, actor, ("week", today, params, budget, losing_touch_limit),
                      today, params, build, wait_for_day, DIGEST_SCREEN)


def health(uow: UnitOfWork, actor: MemberId, clock: Clock, params: StrengthParams,
           cache: PathsCache | None = None, *, wait_for_day: bool = True) -> HealthReport:
    today = clock.today()
    stored_strength.bring_up_to_date(uow, actor, today, params, wait_for_day=wait_for_day)

    def build() -> HealthReport:
        tallies = uow.depth.tie_tallies(actor, today)
        if tallies is None:  # some ties have no facts stored
            tallies = tally_ties(_readings(uow, actor, today, params, (), None), today)
        return health_report(tallies, uow.depth.logged_summary(actor, today), today)

    return _kept(uow, cache, actor, ("health", actor, today, params), build)


def due_dates(uow: UnitOfWork, actor: MemberId, today: date, params: StrengthParams,
              cadences: dict[str, int]) -> tuple[list[TouchState], dict[ContactId, TieReading]]:
    """Inside an open unit of work (strengths brought up to date first): where every tie
    with a cadence stands against it (the feed's events), with the ties themselves."""
    ties = _readings(uow, actor, today, params, cadences, keep_in_touch.SCREEN)
    states = [s for t in ties if (s := keep_in_touch.touch_state(t, cadences, today))
              is not None]
    return states, {t.contact: t for t in ties}


def _readings(uow: UnitOfWork, actor: MemberId, today: date, params: StrengthParams,
              cadence_tags: Collection[str], screen: Screen | None) -> list[TieReading]:
    """Every tie (that `screen` admits) as the reports read it, in contact id order: its
    stored facts, as of the day its strength was stored. A tie without them is
    summarized from its history; the whole book is, when many are (after an upgrade,
    until they are stored)."""
    facts, missing = uow.depth.facts(actor, cadence_tags, screen)
    if len(missing) > stored_strength.ONE_BY_ONE:
        return list(_summaries(uow.depth.snapshot(actor), today, params))
    readings: list[TieReading] = list(facts)
    if missing:
        readings += [tie for contact in missing
                     for tie in _summaries(uow.depth.snapshot(actor, contact), today, params)]
        readings.sort(key=lambda t: t.contact)
    return readings


def _explainer(uow: UnitOfWork, actor: MemberId, today: date, params: StrengthParams
               ) -> Callable[[list[TieReading]], list[TieSummary]]:
    """The whole evidence of the ties asked (the digest's, for their next steps)."""
    def explained(ties: list[TieReading]) -> list[TieSummary]:
        if len(ties) > stored_strength.ONE_BY_ONE:
            everyone = {t.contact: t for t in _summaries(uow.depth.snapshot(actor), today,
                                                         params)}
            return [everyone[t.contact] for t in ties]
        return [t if isinstance(t, TieSummary)
                else _summaries(uow.depth.snapshot(actor, t.contact), today, params)[0]
                for t in ties]
    return explained


def _kept_book(uow: UnitOfWork, cache: PathsCache | None, actor: MemberId,
               key: tuple[object, ...], today: date, params: StrengthParams,
               use: Callable[[list[TieReading], dict[str, int]], T], wait_for_day: bool,
               screen: Screen) -> T:
    """`use(ties, cadences)` over the ties of the book that `screen` admits, kept like
    `_kept`. The cadences per tag are part of the key: setting one does not move the
    book's fingerprint."""
    stored_strength.bring_up_to_date(uow, actor, today, params, wait_for_day=wait_for_day)
    with uow.reading():
        cadences = uow.depth.tag_cadences(actor)
    return _kept(uow, cache, actor, (*key, actor, sorted(cadences.items())),
                 lambda: use(_readings(uow, actor, today, params, cadences, screen), cadences))


def _kept(uow: UnitOfWork, cache: PathsCache | None, actor: MemberId,
          key: tuple[object, ...], build: Callable[[], T]) -> T:
    """`build()` of `actor`'s own book, read in one transaction and kept in `cache` (when
    given) until a write to that book moves its fingerprint: one page asks again with
    every visit, every chart and every change of budget. The key names the member, the
    day and the strength parameters."""
    with uow.reading():
        if cache is None:
            return build()
        return cache.value(uow, repr(key), build, owner=actor)


def tag_cadences(uow: UnitOfWork, actor: MemberId) -> dict[str, int]:
    with uow.reading():
        return uow.depth.tag_cadences(actor)


def set_tag_cadence(uow: UnitOfWork, actor: MemberId, tag: str,
                    days: int | None) -> dict[str, int]:
    """Keep in touch every `days` with everyone tagged `tag` (None: no cadence)."""
    tag = clean_tag(tag)
    check_cadence(days)
    with uow:
        uow.depth.set_tag_cadence(actor, tag, days)
        cadences = uow.depth.tag_cadences(actor)
        uow.commit()
        return cadences
