"""`IntroCases`, reached as `kb.intros`: introductions: requests and their moves, the risk
brief, drafts, and the consent emails and links.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from datetime import date

from kithbook.domain.consent import AskEmail, LinkPage
from kithbook.domain.drafts import Draft
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import IntroId, MemberId
from kithbook.domain.introductions import IntroView, Rating, Role
from kithbook.domain.risk_brief import RiskBrief
from kithbook.services import (
    consent,
    retry,
)
from kithbook.services import introductions as intros
from kithbook.services.bound import Bound


@retry.retried_when_busy
class IntroCases(Bound):
    fair_use = FairUseLimits()

    def request(self, actor: MemberId, introducer: MemberId, target: str,
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

    def forward(self, actor: MemberId, intro_id: str, *, note: str | None = None,
                expected_version: int | None = None) -> IntroView:
        return intros.forward(self._uow(), actor, intro_id, self.clock, note=note,
                              expected_version=expected_version)

    def decline(self, actor: MemberId, intro_id: str, *, note: str | None = None,
                private_reason: str | None = None,
                expected_version: int | None = None) -> IntroView:
        return intros.decline(self._uow(), actor, intro_id, self.clock, note=note,
                              private_reason=private_reason,
                              expected_version=expected_version)

    def accept(self, actor: MemberId, intro_id: str, *, note: str | None = None,
               expected_version: int | None = None) -> IntroView:
        return intros.accept(self._uow(), actor, intro_id, self.clock, note=note,
                             expected_version=expected_version)

    def make(self, actor: MemberId, intro_id: str, *, note: str | None = None,
             expected_version: int | None = None) -> IntroView:
        return intros.make(self._uow(), actor, intro_id, self.clock, note=note,
                           expected_version=expected_version)

    def withdraw(self, actor: MemberId, intro_id: str, *,
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

    def expire_due(self) -> int:
        return intros.expire_due(self._uow(), self.clock)

    def show(self, actor: MemberId, intro_id: str) -> IntroView:
        return intros.show(self._uow(), actor, intro_id)

    def list_introductions(self, actor: MemberId, box: intros.Box = intros.Box.ALL
                           ) -> list[IntroView]:
        return intros.list_introductions(self._uow(), actor, box)

    def fair_use_status(self, actor: MemberId) -> intros.FairUseStatus:
        return intros.fair_use_status(self._uow(), actor, self.clock, self.fair_use)

    def risk_brief(self, actor: MemberId, intro_id: str) -> RiskBrief:
        return intros.risk_brief(self._uow(), actor, intro_id, self.clock,
                                 self.strength_params, self._paths)

    def draft_email(self, actor: MemberId, intro_id: str, kind: intros.DraftKind, *,
                    note: str | None = None) -> Draft:
        return intros.draft_email(self._uow(), actor, intro_id, kind, note=note)

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

    def introductions_page(self, actor: MemberId, box: intros.Box = intros.Box.ALL
                           ) -> intros.IntroList:
        """The list of introductions with the asks by email and the fair-use count."""
        return intros.introductions_page(self._uow(), actor, box, self.clock, self.fair_use)
