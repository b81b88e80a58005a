"""The rows of the book's table, built in Python rather than in `book.html`.

The table is most of the book page's HTML, and Jinja spent more than twice what the rows
need on it: it yields every piece through the template's generators, looks every attribute
up through the environment, and builds a `Markup` to escape each value even when, as for
most names and tags, there is nothing to escape. The markup is the same as the template's
was, byte for byte (tests/web/test_pages_book.py checks the escaping).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import quote

from markupsafe import Markup, escape

from kithbook.domain.dates import describe_ago
from kithbook.services.ports import ContactSummary

_TAG = '<a class="tag" href="/?tag={}">{}</a> '
_SPECIAL = re.compile(r"""[&<>'"]""")


def html_text(value: str) -> str:
    """`value` safe in HTML text or a quoted attribute: markupsafe's escape when it has
    something to escape, else `value` itself (what escape would give, without its cost)."""
    return escape(value) if _SPECIAL.search(value) else value


def book_rows(items: Iterable[ContactSummary], today: date) -> Markup:
    """One `<tr>` per contact: name, organization, role, tags, last in touch, strength,
    stage and how many interactions."""
    # The same few tags come back row after row; quoting one costs more than the lookup.
    tag_links: dict[str, str] = {}
    rows = []
    for item in items:
        contact = item.contact
        tags = []
        for tag in contact.tags:
            link = tag_links.get(tag)
            if link is None:
                # quote(safe="/") is Jinja's urlencode filter: letters, digits, `_.-~/`, %XX.
                link = tag_links[tag] = _TAG.format(quote(tag, safe="/"), html_text(tag))
            tags.append(link)
        strength = "" if item.strength is None else f"{item.strength:.2f}"
        # An f-string, not a format string with names: it takes half the time.
        rows.append(
            f'\n    <tr>'
            f'\n      <td><a href="/contacts/{html_text(contact.id)}">'
            f'{html_text(contact.name)}</a></td>'
            f'\n      <td>{html_text(contact.organization or "")}</td>'
            f'\n      <td class="wide">{html_text(contact.role or "")}</td>'
            f'\n      <td class="wide">{"".join(tags)}</td>'
            f'\n      <td>{describe_ago(item.last_interaction, today)}</td>'
            f'\n      <td class="num">{strength}</td>'
            f'\n      <td class="wide">{item.stage.value if item.stage else ""}</td>'
            f'\n      <td class="num wide">{item.interaction_count}</td>'
            f'\n    </tr>\n  ')
    # Every value above was escaped, or is made of digits, letters and spaces only.
    return Markup("".join(rows))
