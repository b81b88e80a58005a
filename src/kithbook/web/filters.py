"""Jinja filters: how dates, phones and kinds read on a page."""

from __future__ import annotations

from datetime import date

from jinja2 import Environment

from kithbook.domain.interactions import Direction, Interaction
from kithbook.services.normalize import display_phone


def ago(day: date | None, today: date | None = None) -> str:
    if day is None:
        return "never"
    days = ((today or date.today()) - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def kind_label(interaction: Interaction) -> str:
    kind = interaction.kind.value.replace("_", " ")
    if interaction.direction is Direction.GAVE:
        return f"{kind} — you gave"
    if interaction.direction is Direction.RECEIVED:
        return f"{kind} — you received"
    return kind


def install(env: Environment) -> None:
    env.filters["ago"] = ago
    env.filters["phone"] = display_phone
    env.filters["kind_label"] = kind_label
