"""The quick path for plain emails agrees with the full validator it stands in for."""

from __future__ import annotations

import email_validator
from hypothesis import given, settings
from hypothesis import strategies as st

from examples import examples
from kithbook.values.normalize import _plain_email, normalize_email

ATOM = st.text("abcXYZ019_%+-.", min_size=1, max_size=12)
LABEL = st.text("abcXYZ09-", min_size=1, max_size=10)
TLD = st.sampled_from(["org", "COM", "io", "test", "localhost", "x", "c0m", "onion"])


@settings(max_examples=examples(500, 2000))
@given(ATOM, st.lists(LABEL, min_size=0, max_size=3), TLD)
def test_plain_emails_are_normalized_as_the_validator_would(local: str, labels: list[str],
                                                            tld: str) -> None:
    address = f"{local}@{'.'.join([*labels, tld])}"
    quick = _plain_email(address)
    try:
        full = email_validator.validate_email(address, check_deliverability=False,
                                              allow_smtputf8=True).normalized
    except email_validator.EmailNotValidError:
        full = None
    if quick is not None:
        assert quick == full


def test_special_use_names_go_to_the_validator_and_are_refused() -> None:
    assert _plain_email("ada@printer.local") is None
    assert _plain_email("ada@ab--c.org") is None
    assert normalize_email(" Ada@Example.ORG ") == "Ada@example.org"
