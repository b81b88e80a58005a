"""The quick paths for plain emails and phones agree with the libraries they stand in for."""

from __future__ import annotations

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examples import examples
from kithbook.domain.errors import InvalidInput
from kithbook.values.normalize import (
    _careful_phone,
    _plain_email,
    _quick_phone,
    normalize_email,
    normalize_phone,
)

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


# Phones: the quick path for plain North American numbers agrees with phonenumbers.
SEPARATOR = st.sampled_from(["", " ", "-", ".", "(", ")", "  ", ") ", " ("])
REGION = st.sampled_from(["US", "GB", "CA", None])


def _as_written(digits: str, separators: list[str]) -> str:
    return "".join(sep + digit for sep, digit in zip(separators, digits, strict=False)) + \
        "".join(separators[len(digits):])


@settings(max_examples=examples(500, 3000))
@given(st.sampled_from(["+", "+1", "+ 1", "1", "", "+0", "+44", "011"]),
       st.text("0123456789", min_size=6, max_size=13),
       st.lists(SEPARATOR, min_size=14, max_size=14), REGION)
def test_plain_phones_are_normalized_as_phonenumbers_would(
        prefix: str, digits: str, separators: list[str], region: str | None) -> None:
    written = prefix + _as_written(digits, separators)
    _careful_phone.cache_clear()
    quick = _quick_phone(written.strip(), region)
    if quick is not None:
        assert quick == _careful_phone(written.strip(), region), written


@settings(max_examples=examples(500, 3000))
@given(st.text("+0123456789 ().-x#,;/", max_size=24), REGION)
def test_odd_phones_read_quickly_only_where_phonenumbers_agrees(text: str,
                                                               region: str | None) -> None:
    candidate = text.strip()
    quick = _quick_phone(candidate, region) if candidate else None
    if quick is not None:
        assert quick == _careful_phone(candidate, region), candidate


def test_north_american_numbers_take_the_quick_path_and_others_the_careful_one() -> None:
    assert _quick_phone("+1 202 555 0143", None) == "+12025550143"
    assert _quick_phone("(202) 555-0143", "US") == "+12025550143"
    assert _quick_phone("(202) 555-0143", "GB") is None  # not North American there
    assert _quick_phone("+1 102 555 0143", "US") is None  # no area code starts with 1
    assert _quick_phone("+44 20 7946 0958", "US") is None
    assert _quick_phone("202 555 0143 x12", "US") is None  # an extension
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone(" (202) 555-0143 ") == "+12025550143"


def test_an_unreadable_phone_is_refused_each_time_it_is_asked() -> None:
    for _ in range(2):  # the second answer comes from the cache, and is the same
        with pytest.raises(InvalidInput, match="not a phone number I can read"):
            normalize_phone("BusinessPhone")
