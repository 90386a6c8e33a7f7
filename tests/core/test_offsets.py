from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmark.core.errors import ValidationError
from newsmark.core.offsets import Utf16Map, check_span, utf16_len
from tests.conftest import NAUGHTY


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (-1, 3, "negative"),
        (2, 1, "reversed"),
        (2, 2, "empty"),
        (0, 99, "past the end"),
        ("0", 3, "not an integer"),
        (0, 2.0, "not an integer"),
        (True, 3, "not an integer"),
        (None, 3, "not an integer"),
    ],
)
def test_check_span_refuses_bad_offsets(start: object, end: object, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        check_span("hello world", start, end)


def test_check_span_accepts_whole_text() -> None:
    assert check_span("abc", 0, 3) == (0, 3)


def _utf16_offset(text: str, cp: int) -> int:
    return utf16_len(text[:cp])


def test_utf16_map_on_naughty_text() -> None:
    m = Utf16Map(NAUGHTY)
    for cp in range(len(NAUGHTY) + 1):
        u = _utf16_offset(NAUGHTY, cp)
        assert m.to_utf16(cp) == u
        assert m.from_utf16(u) == cp
    assert m.length16 == utf16_len(NAUGHTY)


def test_utf16_position_inside_a_surrogate_pair_snaps_to_the_character_start() -> None:
    text = "a😀b"
    m = Utf16Map(text)
    assert m.from_utf16(2) == 1  # between the two halves of 😀
    assert m.to_utf16(2) == 3


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_utf16_map_matches_utf16_encoding(text: str) -> None:
    m = Utf16Map(text)
    for cp in range(len(text) + 1):
        u = _utf16_offset(text, cp)
        assert m.to_utf16(cp) == u
        assert m.from_utf16(u) == cp
