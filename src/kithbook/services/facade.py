"""`Kithbook`: every use case bound to one database and clock.

The faces (CLI, web) hold one of these, built by `bootstrap`, and call its methods;
each method is a use case from the modules beside this one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import IO, TypeVar

from kithbook.config import Settings
from kithbook.domain.accounts import ApiToken, Invitation, PasswordReset, SessionInfo, SessionPolicy
from kithbook.domain.community import CommunitySettings
from kithbook.domain.consent import AskEmail, LinkPage
from kithbook.domain.contacts import Contact, ContactFields
from kithbook.domain.digest import Budget, Digest
from kithbook.domain.drafts import Draft
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.health import HealthReport
from kithbook.domain.ids import ContactId, IntroId, MemberId
from kithbook.domain.important_dates import ImportantDate
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.introductions import IntroView, Rating, Role
from kithbook.domain.keep_in_touch import TouchState
from kithbook.domain.links import LinkView
from kithbook.domain.members import Member
from kithbook.domain.members import Role as MemberRole
from kithbook.domain.network_map import NetworkMap
from kithbook.domain.notifications import Notification
from kithbook.domain.photos import ContactPhoto
from kithbook.domain.policies import PolicyChange
from kithbook.domain.risk_brief import RiskBrief
from kithbook.domain.ties import SharingPolicy
from kithbook.graph.strength import StrengthParams
from kithbook.io.detect import Format
from kithbook.services import (
    accounts,
    book,
    consent,
    contact_dates,
    demo,
    depth,
    duplicates,
    erasure,
    exports,
    feed,
    imports,
    jobs,
    links,
    members,
    notifications,
    paths,
    policies,
    request_keys,
    retry,
    sessions,
    shared,
    stored_strength,
)
from kithbook.services import cadence_advice as cadences
from kithbook.services import introductions as intros
from kithbook.services import network_map as maps
from kithbook.services import profile as profiles
from kithbook.services import undo as undos
from kithbook.services.book import ContactView, TieFields
from kithbook.services.capture_book import CaptureBook
from kithbook.services.ports import Clock, ContactQuery, KeptAnswer, Mailer, Page, UnitOfWork
from kithbook.services.sync_book import SyncBook
from kithbook.services.undo_ports import UndoEntry

NO_TIE_CHANGE = TieFields()
T = TypeVar("T")


# A use case the database turned away for a moment (busy, deadlock) runs again, except
# these: they have effects outside the database that running again would repeat.
# `run_job` runs use cases that retry themselves.
@retry.retried_when_busy(skip=("close", "uow", "export_book", "import_file", "deliver_mail",
                               "file_format", "read_contacts",
                               "at_once", "run_job"))
class Kithbook:
    mailer: Mailer | None = None  # set by bootstrap when SMTP is configured

    def __init__(self, settings: Settings, uow_factory: Callable[[], UnitOfWork],
                 clock: Clock, close: Callable[[], None] = lambda: None,
                 paths_cache: paths.PathsCache | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self._uow = uow_factory
        self._close = close
        self._paths = paths_cache if paths_cache is not None else paths.PathsCache()
        self._holder = jobs.holder_name()

    def close(self) -> None:
        """Release database connections; the object must not be used afterwards."""
        self._close()

    def uow(self) -> UnitOfWork:
        return self._uow()

    def sync(self) -> SyncBook:
        """Two-way CardDAV sync: accounts, runs, the conflicts to resolve."""
        return SyncBook(self._uow, self.clock, self.settings)

    def capture(self) -> CaptureBook:
        """The capture use cases (sources, runs, the review queue) on this database."""
        return CaptureBook(self._uow, self.clock, self.settings)

    # members
    def init_local_member(self, name: str) -> tuple[Member, bool]:
        return members.init_local_member(self._uow(), name, self.clock)

    def local_member(self) -> Member:
        return members.local_member(self._uow())

    # the book
    def add_contact(self, actor: MemberId, fields: ContactFields,
                    tie: TieFields = NO_TIE_CHANGE) -> Contact:
        return book.add_contact(self._uow(), actor, fields, tie, self.clock,
                                region=self.settings.phone_region)

    def edit_contact(self, actor: MemberId, ref: str, fields: ContactFields,
                     tie: TieFields = NO_TIE_CHANGE, expected_version: int | None = None,
                     *, exact: bool = False) -> Contact:
        return book.edit_contact(self._uow(), actor, ref, fields, tie, self.clock,
                                 region=self.settings.phone_region,
                                 expected_version=expected_version, exact=exact)

    def delete_contact(self, actor: MemberId, ref: str, *,
                       exact: bool = False) -> book.RemovedContact:
        return book.delete_contact(self._uow(), actor, ref, self.clock, exact=exact)

    def contact_photo(self, actor: MemberId, contact_id: str) -> ContactPhoto:
        return book.contact_photo(self._uow(), actor, contact_id)

    def set_date(self, actor: MemberId, ref: str, value: ImportantDate, *,
                 replacing: str | None = None,
                 exact: bool = False) -> tuple[Contact, list[ImportantDate]]:
        return contact_dates.set_date(self._uow(), actor, ref, value, self.clock,
                                      replacing=replacing, exact=exact)

    def remove_date(self, actor: MemberId, ref: str, what: str, *,
                    exact: bool = False) -> tuple[Contact, list[ImportantDate]]:
        return contact_dates.remove_date(self._uow(), actor, ref, what, exact=exact)

    def log_interaction(self, actor: MemberId, refs: list[str], kind: Kind,
                        direction: Direction, occurred_on: date,
                        note: str | None = None, *, exact: bool = False) -> Interaction:
        return book.log_interaction(self._uow(), actor, refs, kind, direction, occurred_on,
                                    note, self.clock, exact=exact)

    def log_interaction_once(self, actor: MemberId, key: str, refs: list[str], kind: Kind,
                             direction: Direction, occurred_on: date,
                             note: str | None = None, *,
                             exact: bool = False) -> book.LoggedOnce:
        return book.log_interaction_once(self._uow(), actor, key, refs, kind, direction,
                                         occurred_on, note, self.clock, exact=exact)

    def read_shared_card(self, actor: MemberId, data: bytes,
                         filename: str) -> shared.SharedCard:
        return shared.read_shared_card(self._uow(), actor, data, filename,
                                       region=self.settings.phone_region)

    def delete_interaction(self, actor: MemberId,
                           interaction_id: str) -> book.RemovedInteraction:
        return book.delete_interaction(self._uow(), actor, interaction_id, self.clock)

    def get_interaction(self, actor: MemberId, interaction_id: str
                        ) -> tuple[Interaction, dict[ContactId, str]]:
        return book.get_interaction(self._uow(), actor, interaction_id)

    def edit_interaction(self, actor: MemberId, interaction_id: str,
                         change: book.InteractionChange, *,
                         expected_version: int | None = None,
                         exact: bool = False) -> Interaction:
        return book.edit_interaction(self._uow(), actor, interaction_id, change, self.clock,
                                     expected_version=expected_version, exact=exact)

    def undo(self, actor: MemberId, entry_id: str) -> undos.Undone:
        return undos.undo(self._uow(), actor, entry_id, self.clock)

    def undoable(self, actor: MemberId) -> list[UndoEntry]:
        return undos.recent(self._uow(), actor)

    def cadence_advice(self, actor: MemberId) -> cadences.CadenceAdvice:
        return cadences.cadence_advice(self._uow(), actor)

    def list_contacts(self, actor: MemberId, query: ContactQuery, *,
                      wait_for_day: bool = True) -> Page:
        return book.list_contacts(self._uow(), actor, query, self.clock, self.strength_params,
                                  wait_for_day=wait_for_day)

    def read_contacts(self, actor: MemberId, query: ContactQuery) -> Page | None:
        """A page of the book if reading is all it takes (yesterday's strengths, flagged
        stale, will do), else None: see `list_contacts`. It only reads and does not retry
        (a busy database gives None too), so a server can answer with it on its event
        loop and leave the rest to a thread."""
        return retry.at_once(
            lambda: book.read_contacts(self._uow(), actor, query, self.clock))

    def at_once(self, call: Callable[[], T]) -> T | None:
        """`call()`, made of this facade's reads, or None if the database is busy: no
        pause and try again (see `read_contacts`)."""
        return retry.at_once(call)

    def refresh_strengths(self, actor: MemberId) -> None:
        """Renew the stored strengths computed on an earlier day (after a stale page)."""
        stored_strength.refresh_day(self._uow(), actor, self.clock.today(),
                                    self.strength_params)

    def show_contact(self, actor: MemberId, ref: str) -> ContactView:
        return book.show_contact(self._uow(), actor, ref)

    def get_contact(self, actor: MemberId, contact_id: str) -> ContactView:
        return book.get_contact(self._uow(), actor, contact_id)

    # demo
    def build_demo(self, actor: MemberId, size: int, seed: int) -> demo.DemoReport:
        return demo.build_demo(self._uow(), actor, size, seed, self.clock)

    # ---- introductions ---------------------------------------------------------------
    # `intro_id` is the 12-character id shown by `list_introductions`; `expected_version`
    # is the version the person saw, so a decision made on a stale page is refused.
    fair_use = FairUseLimits()

    def request_introduction(self, actor: MemberId, introducer: MemberId, target: str,
                             purpose: str, *, note: str | None = None) -> IntroView:
        return intros.request_introduction(self._uow(), actor, introducer, target, purpose,
                                           self.clock, note=note, limits=self.fair_use)

    def record_received_request(self, actor: MemberId, requester_name: str, target: str,
                                purpose: str, *, requester_email: str | None = None,
                                note: str | None = None) -> IntroView:
        return intros.record_received_request(self._uow(), actor, requester_name, target,
                                              purpose, self.clock,
                                              requester_email=requester_email, note=note)

    def record_asked_request(self, actor: MemberId, introducer: str, target_name: str,
                             purpose: str, *, target_email: str | None = None,
                             note: str | None = None) -> IntroView:
        return intros.record_asked_request(self._uow(), actor, introducer, target_name,
                                           purpose, self.clock, target_email=target_email,
                                           note=note)

    def forward_introduction(self, actor: MemberId, intro_id: str, *, note: str | None = None,
                             expected_version: int | None = None) -> IntroView:
        return intros.forward(self._uow(), actor, intro_id, self.clock, note=note,
                              expected_version=expected_version)

    def decline_introduction(self, actor: MemberId, intro_id: str, *, note: str | None = None,
                             private_reason: str | None = None,
                             expected_version: int | None = None) -> IntroView:
        return intros.decline(self._uow(), actor, intro_id, self.clock, note=note,
                              private_reason=private_reason,
                              expected_version=expected_version)

    def accept_introduction(self, actor: MemberId, intro_id: str, *, note: str | None = None,
                            expected_version: int | None = None) -> IntroView:
        return intros.accept(self._uow(), actor, intro_id, self.clock, note=note,
                             expected_version=expected_version)

    def make_introduction(self, actor: MemberId, intro_id: str, *, note: str | None = None,
                          expected_version: int | None = None) -> IntroView:
        return intros.make(self._uow(), actor, intro_id, self.clock, note=note,
                           expected_version=expected_version)

    def withdraw_introduction(self, actor: MemberId, intro_id: str, *,
                              note: str | None = None,
                              expected_version: int | None = None) -> IntroView:
        return intros.withdraw(self._uow(), actor, intro_id, self.clock, note=note,
                               expected_version=expected_version)

    def record_outcome(self, actor: MemberId, intro_id: str, rating: Rating, *,
                       comment: str | None = None, party: Role | None = None,
                       expected_version: int | None = None) -> IntroView:
        return intros.record_outcome(self._uow(), actor, intro_id, rating, self.clock,
                                     comment=comment, party=party,
                                     expected_version=expected_version)

    def expire_due_introductions(self) -> int:
        return intros.expire_due(self._uow(), self.clock)

    def show_introduction(self, actor: MemberId, intro_id: str) -> IntroView:
        return intros.show(self._uow(), actor, intro_id)

    def list_introductions(self, actor: MemberId, box: intros.Box = intros.Box.ALL
                           ) -> list[IntroView]:
        return intros.list_introductions(self._uow(), actor, box)

    def introductions_page(self, actor: MemberId, box: intros.Box = intros.Box.ALL
                           ) -> intros.IntroList:
        """The list of introductions with the asks by email and the fair-use count."""
        return intros.introductions_page(self._uow(), actor, box, self.clock, self.fair_use)

    def fair_use_status(self, actor: MemberId) -> intros.FairUseStatus:
        return intros.fair_use_status(self._uow(), actor, self.clock, self.fair_use)

    def risk_brief(self, actor: MemberId, intro_id: str) -> RiskBrief:
        return intros.risk_brief(self._uow(), actor, intro_id, self.clock,
                                 self.strength_params, self._paths)

    def draft_email(self, actor: MemberId, intro_id: str, kind: intros.DraftKind, *,
                    note: str | None = None) -> Draft:
        return intros.draft_email(self._uow(), actor, intro_id, kind, note=note)

    # ---- sharing policies ------------------------------------------------------------
    def default_policy(self, actor: MemberId) -> SharingPolicy:
        return policies.default_policy(self._uow(), actor)

    def set_default_policy(self, actor: MemberId, change: PolicyChange) -> SharingPolicy:
        return policies.set_default_policy(self._uow(), actor, change)

    def contact_policy(self, actor: MemberId, ref: str, *,
                       exact: bool = False) -> policies.ContactPolicy:
        return policies.contact_policy(self._uow(), actor, ref, exact=exact)

    def set_contact_policy(self, actor: MemberId, ref: str, change: PolicyChange, *,
                           follow_defaults: bool = False,
                           exact: bool = False) -> policies.ContactPolicy:
        return policies.set_contact_policy(self._uow(), actor, ref, change,
                                           follow_defaults=follow_defaults, exact=exact)

    # ---- import, export, duplicates, erasure -----------------------------------------
    # `import_file` writes a whole file in one transaction or nothing; `actor=None` lets a
    # Kithbook JSON export bring its own account into an empty database.
    def file_format(self, path: Path, format: Format | None = None) -> Format:
        return imports.file_format(path, format)

    def import_file(self, actor: MemberId | None, path: Path, *, format: Format | None = None,
                    dry_run: bool = False, keep_photos: bool = True,
                    progress: imports.Progress | None = None,
                    since: date | None = None,
                    choices: Mapping[int, imports.DuplicateChoice] | None = None,
                    duplicates: imports.DuplicateChoice = imports.DuplicateChoice.KEEP,
                    add_people: Sequence[str] = ()) -> imports.ImportReport:
        return imports.import_file(self._uow(), actor, path, self.clock, format=format,
                                   dry_run=dry_run, keep_photos=keep_photos,
                                   region=self.settings.phone_region, progress=progress,
                                   since=since, choices=choices, duplicates=duplicates,
                                   add_people=add_people)

    def export_book(self, actor: MemberId, format: exports.ExportFormat, out: IO[str]) -> int:
        return exports.export_book(self._uow(), actor, format, out)

    def list_duplicates(self, actor: MemberId) -> list[duplicates.DuplicateSet]:
        return duplicates.list_duplicates(self._uow(), actor, self._paths)

    def merge_contacts(self, actor: MemberId, keep: str, others: Sequence[str], *,
                       take: Mapping[str, str] | None = None) -> duplicates.MergeResult:
        return duplicates.merge_contacts(self._uow(), actor, keep, others, self.clock,
                                         take=take)

    def erase_person(self, actor: MemberId, *, email: str | None = None,
                     phone: str | None = None) -> erasure.ErasureReport:
        return erasure.erase_person(self._uow(), actor, email=email, phone=phone,
                                    region=self.settings.phone_region)

    def delete_account(self, actor: MemberId) -> erasure.AccountReport:
        return erasure.delete_account(self._uow(), actor)
    # ---- warm paths ------------------------------------------------------------------
    # Results name only what the searcher may see; each path carries what
    # `request_introduction` (a community) or `record_asked_request` (a local book) needs.
    def find_paths(self, actor: MemberId, query: paths.PathQuery) -> paths.PathResults:
        return paths.find_warm_paths(self._uow(), self._paths, actor, query, self.clock,
                                     self.strength_params)

    def profile(self, actor: MemberId) -> profiles.Profile:
        return profiles.profile(self._uow(), actor)

    def set_profile(self, actor: MemberId, *, name: str | None = None,
                    organization: str | None = None,
                    title: str | None = None) -> profiles.Profile:
        return profiles.set_profile(self._uow(), actor, name=name,
                                    organization=organization, title=title)

    def record_contact_link(self, actor: MemberId, a: str, b: str, *, note: str | None = None,
                            strength: float | None = None) -> paths.LinkView:
        return paths.record_link(self._uow(), actor, a, b, self.clock, note=note,
                                 strength=strength)

    def remove_contact_link(self, actor: MemberId, a: str, b: str) -> paths.LinkView:
        return paths.remove_link(self._uow(), actor, a, b)

    def contact_links(self, actor: MemberId) -> list[paths.LinkView]:
        return paths.list_links(self._uow(), actor)

    # ---- the network map: the member's own book only ---------------------------------
    def network_map(self, actor: MemberId, query: maps.MapQuery, *,
                    wait_for_day: bool = True) -> NetworkMap:
        return maps.network_map(self._uow(), self._paths, actor, query, self.clock,
                                self.strength_params, wait_for_day=wait_for_day)

    def drawn_map(self, actor: MemberId, query: maps.MapQuery) -> NetworkMap | None:
        """`network_map(wait_for_day=False)` if that map is drawn already, else None;
        use inside `at_once`."""
        return maps.drawn_map(self._uow(), self._paths, actor, query, self.clock)

    # ---- relationship depth ----------------------------------------------------------
    # Strength is computed for the whole book at once, as of the clock's today, with the
    # half-life from the settings. `ref` is what a person types (id, id prefix, part of a
    # name); `exact=True` takes only a full id, as the API does.
    @property
    def strength_params(self) -> StrengthParams:
        return StrengthParams(half_life_days=self.settings.half_life_days)

    def all_ties(self, actor: MemberId) -> list[depth.TieDepth]:
        return depth.all_ties(self._uow(), actor, self.clock, self.strength_params)

    def strengths(self, actor: MemberId) -> dict[ContactId, float]:
        return depth.strengths(self._uow(), actor, self.clock, self.strength_params)

    def tie_depth(self, actor: MemberId, ref: str, *, exact: bool = False) -> depth.TieDepth:
        return depth.tie_depth(self._uow(), actor, ref, self.clock, self.strength_params,
                               exact=exact)

    def contact_with_depth(self, actor: MemberId, contact_id: str
                           ) -> tuple[ContactView, depth.TieDepth]:
        """`get_contact` and `tie_depth` of the contact with exactly this id, in one read."""
        return depth.contact_with_depth(self._uow(), actor, contact_id, self.clock,
                                        self.strength_params)

    def correct_strength(self, actor: MemberId, ref: str, value: float | None, *,
                         exact: bool = False) -> depth.TieDepth:
        return depth.correct_strength(self._uow(), actor, ref, value, self.clock,
                                      self.strength_params, exact=exact)

    # The reports below, with `wait_for_day` False, read yesterday's stored strengths
    # rather than compute today's first (see `list_contacts`): `strengths_stale` tells.
    def losing_touch(self, actor: MemberId, limit: int | None = None, *,
                     wait_for_day: bool = True) -> list[TouchState]:
        return depth.losing_touch_list(self._uow(), actor, self.clock, self.strength_params,
                                       limit=limit, cache=self._paths,
                                       wait_for_day=wait_for_day)

    # the calendar feed
    def feed_address(self, actor: MemberId) -> feed.FeedAddress | None:
        return feed.feed_address(self._uow(), actor)

    def renew_feed(self, actor: MemberId, alarm_minutes: int | None = None) -> feed.FeedAddress:
        """A new secret feed address (the first, or one that ends the old)."""
        return feed.renew_feed(self._uow(), actor, self.clock, alarm_minutes=alarm_minutes)

    def set_feed_alarm(self, actor: MemberId, alarm_minutes: int | None) -> None:
        feed.set_alarm(self._uow(), actor, alarm_minutes)

    def read_feed(self, token: str) -> feed.FeedBody:
        """The calendar at a feed address: no member signs in, the token names the book."""
        return feed.read_feed(self._uow(), token, self.clock, self.strength_params,
                              self._paths)

    def digest(self, actor: MemberId, budget: Budget | None = None, *,
               wait_for_day: bool = True) -> Digest:
        return depth.digest(self._uow(), actor, self.clock, self.strength_params,
                            budget or Budget(), self._paths, wait_for_day=wait_for_day)

    def week(self, actor: MemberId, budget: Budget | None = None, *,
             losing_touch_limit: int | None = None, wait_for_day: bool = True) -> depth.Week:
        """The digest and the losing-touch list at once (one read of the book)."""
        return depth.week(self._uow(), actor, self.clock, self.strength_params,
                          budget or Budget(), losing_touch_limit=losing_touch_limit,
                          cache=self._paths, wait_for_day=wait_for_day)

    def health(self, actor: MemberId, *, wait_for_day: bool = True) -> HealthReport:
        return depth.health(self._uow(), actor, self.clock, self.strength_params,
                            self._paths, wait_for_day=wait_for_day)

    def strengths_stale(self, actor: MemberId) -> bool:
        """Whether some stored strengths are from an earlier day (`refresh_strengths`)."""
        return stored_strength.from_another_day(self._uow(), actor, self.clock.today())

    def tag_cadences(self, actor: MemberId) -> dict[str, int]:
        return depth.tag_cadences(self._uow(), actor)

    def set_tag_cadence(self, actor: MemberId, tag: str, days: int | None) -> dict[str, int]:
        return depth.set_tag_cadence(self._uow(), actor, tag, days)
    # ---- community accounts ----------------------------------------------------------
    # Tokens (`session`, `token`) are the secrets the client holds; storage sees hashes.
    def create_admin(self, email: str, name: str, password: str) -> Member:
        return accounts.create_admin(self._uow(), email, name, password, self.clock)

    def invite(self, actor: MemberId | None, email: str, *, role: MemberRole = MemberRole.MEMBER
               ) -> tuple[Invitation, str]:
        return accounts.invite(self._uow(), actor, email, self.clock, role=role)

    def invitation(self, token: str) -> Invitation:
        return accounts.invitation(self._uow(), token, self.clock)

    @property
    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(idle=timedelta(hours=self.settings.session_idle_hours),
                             lifetime=timedelta(days=self.settings.session_lifetime_days))

    def accept_invitation(self, token: str, name: str, password: str, *,
                          replacing: str | None = None,
                          user_agent: str | None = None) -> tuple[Member, str]:
        return accounts.accept_invitation(self._uow(), token, name, password, self.clock,
                                          replacing=replacing, policy=self.session_policy,
                                          user_agent=user_agent)

    def log_in(self, email: str, password: str, address: str, *,
               replacing: str | None = None, user_agent: str | None = None
               ) -> tuple[Member, str]:
        return accounts.log_in(self._uow(), email, password, address, self.clock,
                               replacing=replacing, policy=self.session_policy,
                               user_agent=user_agent)

    def log_out(self, session: str) -> None:
        sessions.end_session(self._uow(), session)

    def member_for_session(self, session: str) -> Member | None:
        return sessions.member_for_session(self._uow(), session, self.clock,
                                           self.session_policy)

    def member_for_api_token(self, token: str) -> Member | None:
        return sessions.member_for_api_token(self._uow(), token, self.clock)

    def my_sessions(self, actor: MemberId, current: str | None = None) -> list[SessionInfo]:
        return sessions.my_sessions(self._uow(), actor, current)

    def end_my_session(self, actor: MemberId, session_id: str) -> None:
        sessions.end_my_session(self._uow(), actor, session_id)

    def sign_out_everywhere(self, actor: MemberId) -> None:
        sessions.end_all_sessions(self._uow(), actor)

    def sweep_sessions(self) -> int:
        """End idle and expired sessions and old reset links (a background job)."""
        return sessions.sweep(self._uow(), self.clock, self.session_policy)

    # passwords: change (knowing the current one) and reset by email
    def change_password(self, actor: MemberId, current: str, new: str, *,
                        session: str | None = None,
                        user_agent: str | None = None) -> str | None:
        return accounts.change_password(self._uow(), actor, current, new, self.clock,
                                        session=session, policy=self.session_policy,
                                        user_agent=user_agent)

    def set_password(self, email: str, new: str) -> Member:
        """The operator's command: a new password for an account, without the old one."""
        return accounts.set_password(self._uow(), email, new, self.clock)

    def request_password_reset(self, email: str, address: str) -> str:
        return accounts.request_password_reset(self._uow(), email, address, self.clock)

    def password_reset(self, token: str) -> PasswordReset:
        return accounts.password_reset(self._uow(), token, self.clock)

    def reset_password(self, token: str, new: str) -> Member:
        return accounts.reset_password(self._uow(), token, new, self.clock)

    # settings: the member's digest, the community's own (admins)
    def weekly_digest_wanted(self, actor: MemberId) -> bool:
        return accounts.weekly_digest_wanted(self._uow(), actor)

    def set_weekly_digest(self, actor: MemberId, wanted: bool) -> None:
        accounts.set_weekly_digest(self._uow(), actor, wanted)

    def community_name(self) -> str:
        return accounts.community_name(self._uow())

    def community_settings(self, actor: MemberId) -> CommunitySettings:
        return accounts.community_settings(self._uow(), actor)

    def change_community_settings(self, actor: MemberId, *, name: str | None = None,
                                  members_may_invite: bool | None = None,
                                  invitation_days: int | None = None,
                                  mail_sender_name: str | None = None) -> CommunitySettings:
        return accounts.change_community_settings(
            self._uow(), actor, name=name, members_may_invite=members_may_invite,
            invitation_days=invitation_days, mail_sender_name=mail_sender_name,
            clock=self.clock)

    def community_members(self, actor: MemberId) -> list[accounts.MemberRow]:
        return accounts.members(self._uow(), actor)

    def invitations(self, actor: MemberId) -> list[Invitation]:
        return accounts.invitations(self._uow(), actor)

    def allow_inviting(self, actor: MemberId, member_id: str, allowed: bool) -> None:
        accounts.allow_inviting(self._uow(), actor, member_id, allowed)

    def create_api_token(self, actor: MemberId, name: str) -> tuple[ApiToken, str]:
        return accounts.create_api_token(self._uow(), actor, name, self.clock)

    def api_tokens(self, actor: MemberId) -> list[ApiToken]:
        return accounts.api_tokens(self._uow(), actor)

    def revoke_api_token(self, actor: MemberId, token_id: str) -> None:
        accounts.revoke_api_token(self._uow(), actor, token_id)

    # member links: a contact stands for a member only once both confirmed
    def propose_link(self, actor: MemberId, contact_ref: str, email: str) -> None:
        links.propose(self._uow(), actor, contact_ref, email, self.clock)

    def confirm_link(self, actor: MemberId, link_id: str) -> None:
        links.confirm(self._uow(), actor, link_id, self.clock)

    def unlink(self, actor: MemberId, link_id: str) -> None:
        links.unlink(self._uow(), actor, link_id)

    def member_links(self, actor: MemberId) -> list[LinkView]:
        return links.links(self._uow(), actor)

    # consent links: the ask by email, the answer through a link, outcomes by email
    def ask_preview(self, actor: MemberId, intro_id: str, *,
                    ask: AskEmail | None = None) -> consent.AskPreview:
        return consent.ask_preview(self._uow(), actor, intro_id, self.clock, ask=ask)

    def send_ask(self, actor: MemberId, intro_id: str, ask: AskEmail) -> IntroView:
        return consent.send_ask(self._uow(), actor, intro_id, ask, self.clock,
                                can_send=self.mailer is not None)

    def link_page(self, token: str, chosen: str | None, address: str) -> LinkPage:
        return consent.link_page(self._uow(), token, chosen, address, self.clock)

    def answer_link(self, token: str, choice: str, note: str | None, address: str, *,
                    dont_ask_again: bool = False) -> consent.LinkAnswered:
        return consent.answer_link(self._uow(), token, choice, note, address, self.clock,
                                   dont_ask_again=dont_ask_again)

    def send_introduction(self, actor: MemberId, intro_id: str, *,
                          note: str | None = None) -> Draft:
        return consent.send_introduction(self._uow(), actor, intro_id, self.clock, note=note,
                                         can_send=self.mailer is not None)

    def email_status(self, actor: MemberId, intro_id: str) -> consent.EmailStatus | None:
        return consent.email_status(self._uow(), actor, intro_id)

    def email_statuses(self, actor: MemberId) -> dict[IntroId, consent.EmailStatus]:
        return consent.email_statuses(self._uow(), actor)

    def captured_reply(self, actor: MemberId, intro_id: str) -> date | None:
        return consent.captured_reply(self._uow(), actor, intro_id)

    def send_link_emails(self) -> int:
        """Enqueue the reminders and outcome emails due (a background job calls this)."""
        return consent.send_link_emails(self._uow(), self.clock)

    # notifications: in the app, and by email through the outbox
    def notifications(self, actor: MemberId, limit: int = 50) -> list[Notification]:
        return notifications.notifications(self._uow(), actor, limit)

    def mark_notifications_read(self, actor: MemberId) -> None:
        notifications.mark_read(self._uow(), actor, self.clock)

    def send_weekly_digests(self) -> int:
        """Enqueue this week's digests not yet sent (the background job calls this)."""
        return notifications.send_weekly_digests(self._uow(), self.clock,
                                                 self.strength_params)

    def deliver_mail(self, limit: int = 50) -> int:
        """Send the emails that are due (the background sender calls this)."""
        if self.mailer is None:
            return 0
        return notifications.deliver_due(self._uow(), self.mailer, self.clock,
                                         self.settings.public_url, limit, self._lease(),
                                         self._holder)

    # background work claimed across every server on the database
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.settings.job_lease_seconds)

    def run_job(self, name: str, every: float, work: Callable[[], int]) -> int | None:
        """Run `work` as the periodic job `name` when it is due and no server holds it
        (None: not run here)."""
        return jobs.run_if_due(self._uow(), self.clock, name, timedelta(seconds=every),
                               self._lease(), self._holder, work)

    # writes sent with an Idempotency-Key
    def kept_answer(self, key: str) -> KeptAnswer | None:
        return request_keys.kept_answer(self._uow(), key)

    def keep_answer(self, key: str, status: int, content_type: str | None,
                    body: str | None) -> None:
        request_keys.keep_answer(self._uow(), key, status, content_type, body)

    def forget_request_keys(self) -> int:
        return request_keys.forget_old(self._uow(), self.clock)
