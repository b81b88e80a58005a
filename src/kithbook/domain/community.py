"""A community's own settings, which its admins change: never a member's privacy.

What a new member shares is theirs to choose (everything starts hidden), so nothing here
can open a member's book; these are the community's name, who may invite, how long an
invitation lasts and the name its emails come from.
"""

from __future__ import annotations

from dataclasses import dataclass

from kithbook.domain.errors import InvalidInput

MAX_INVITATION_DAYS = 90


@dataclass(frozen=True)
class CommunitySettings:
    name: str = "Kithbook"
    members_may_invite: bool = False  # every member, besides those an admin allowed
    invitation_days: int = 14
    mail_sender_name: str = "Kithbook"

    def __post_init__(self) -> None:
        for field, value in (("name", self.name), ("mail_sender_name", self.mail_sender_name)):
            if not value.strip() or len(value) > 100 or any(c in value for c in "\r\n<>\""):
                raise InvalidInput(f"{field.replace('_', ' ')} needs 1 to 100 characters, "
                                   "without line breaks, quotes or angle brackets.",
                                   field=field)
        if not 1 <= self.invitation_days <= MAX_INVITATION_DAYS:
            raise InvalidInput(f"an invitation lasts 1 to {MAX_INVITATION_DAYS} days; got "
                               f"{self.invitation_days}.", field="invitation_days")
