"""Jinja filters: how dates, phones and kinds read on a page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from jinja2 import Environment

from kithbook.domain.dates import describe_ago
from kithbook.domain.interactions import Direction, Interaction
from kithbook.values.normalize import display_phone


def ago(day: date | None, today: date | None = None) -> str:
    return describe_ago(day, today or date.today())


def kind_label(interaction: Interaction) -> str:
    kind = interaction.kind.value.replace("_", " ")
    if interaction.direction is Direction.GAVE:
        return f"{kind} — you gave"
    if interaction.direction is Direction.RECEIVED:
        return f"{kind} — you received"
    return kind


_T = TypeVar("_T")


def without(values: Iterable[_T], unwanted: object) -> list[_T]:
    """`ids | without(c.id)`: the others, in order. What `reject("equalto", c.id) | list`
    gives, without a test looked up and called through Jinja for every value."""
    return [value for value in values if value != unwanted]


def install(env: Environment) -> None:
    env.filters["ago"] = ago
    env.filters["phone"] = display_phone
    env.filters["kind_label"] = kind_label
    env.filters["without"] = without
