"""Every form that changes something carries the CSRF field (community mode checks it)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kithbook" / "web" / "templates"
# Signing in, accepting an invitation and resetting a forgotten password happen before
# there is a session to bind a token to; those are checked by Origin / Sec-Fetch-Site
# instead (web/auth.py).
BEFORE_A_SESSION = {"login.html", "accept.html", "reset_request.html", "reset.html"}
FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def test_every_post_form_carries_the_csrf_field() -> None:
    missing = []
    for template in sorted(TEMPLATES.glob("*.html")):
        if template.name in BEFORE_A_SESSION:
            continue
        for body in FORM.findall(template.read_text(encoding="utf-8")):
            if "csrf_input()" not in body:
                missing.append(f"{template.name}: {body.strip()[:60]!r}")
    assert missing == []
