"""Offsets: code points in the store, UTF-16 units at the Qt boundary and in some formats.

Python ``str`` indexes code points, which is what the store uses.  Qt (and JavaScript-based
tools) count UTF-16 code units, in which every character above U+FFFF takes two units.
"""

from __future__ import annotations

from bisect import bisect_right

from newsmark.core.errors import ValidationError


def check_span(text: str, start: object, end: object) -> tuple[int, int]:
    """Validate a span against ``text``; return it as ints or raise ValidationError."""
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{name} offset {value!r} is not an integer")
        if value < 0:
            raise ValidationError(f"{name} offset {value} is negative")
        if value > len(text):
            raise ValidationError(
                f"{name} offset {value} is past the end of the text ({len(text)} characters)"
            )
    assert isinstance(start, int) and isinstance(end, int)
    if end <= start:
        what = "reversed" if end < start else "empty"
        raise ValidationError(f"span {start}-{end} is {what}: end must be greater than start")
    return start, end


class Utf16Map:
    """Converts between code point offsets and UTF-16 offsets of one text in O(log n).

    Only astral characters (above U+FFFF) make the two differ; their positions are kept
    sorted, so a text without any needs no work at all.
    """

    __slots__ = ("_astral", "_astral16", "length", "length16")

    def __init__(self, text: str) -> None:
        # code point indices of astral characters; text.isascii() makes the common case fast
        if text.isascii():
            self._astral: list[int] = []
        else:
            self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # UTF-16 index of each astral character
        self._astral16 = [cp + k for k, cp in enumerate(self._astral)]
        self.length = len(text)
        self.length16 = len(text) + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of the code point offset ``cp``."""
        if not self._astral:  # no character beyond U+FFFF: both ways of counting agree
            return cp
        return cp + bisect_right(self._astral, cp - 1)

    def from_utf16(self, u: int) -> int:
        """Code point offset of the UTF-16 offset ``u``; a position inside a surrogate pair
        is moved to the start of its character."""
        # astral characters starting before u; one starting at u - 1 is the pair u splits,
        # and u - k is then that character's own code point offset
        if not self._astral16:
            return u
        return u - bisect_right(self._astral16, u - 1)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# How the window shows a text: Qt's QTextDocument turns "\r\n" into one paragraph break and
# treats other control characters oddly, which would shift every offset after them.  The
# display text replaces each such character by exactly one other (a zero-width space for
# "\r", a Control Pictures symbol for the rest), so that code point i of the stored text is
# always code point i of the display text; only UTF-16 (surrogate pairs) then separates the
# two ways of counting.
_DISPLAY = {0x0D: "\u200b", 0x7F: "\u2421", **{c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}}


def display_text(text: str) -> str:
    """The text as the window shows it: the same number of code points, every offset kept."""
    return text.translate(_DISPLAY)


class QtTextMap:
    """Offsets between the stored text (code points) and a Qt text document showing
    ``display_text(text)`` (UTF-16 positions)."""

    __slots__ = ("display", "utf16")

    def __init__(self, text: str) -> None:
        self.display = display_text(text)
        self.utf16 = Utf16Map(text)

    def to_qt(self, cp: int) -> int:
        return self.utf16.to_utf16(cp)

    def from_qt(self, pos: int) -> int:
        return self.utf16.from_utf16(pos)
