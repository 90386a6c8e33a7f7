"""Fast JSON with exact fallbacks.

orjson is used for speed, but it turns integers beyond 64 bits into floats on reading and
refuses them on writing; attributes may hold any JSON value, so those cases fall back to the
standard library, which keeps them exactly.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# Integers of 19+ digits may not fit in 64 bits; finding a run of 19 digits by mapping every
# digit to "0" and searching for "0" * 19 is ~20x faster than a regular expression.
# Deeper values are refused (records, attributes): far beyond any real attribute, and past it
# JSON libraries (ours, SQLite's, other tools') start to disagree or recurse out of stack.
MAX_DEPTH = 100

_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN = b"0" * 19


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(data: bytes | str) -> Any:
    """Parse JSON; raises ValueError (json.JSONDecodeError or orjson's) on invalid input."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if _NINETEEN in raw.translate(_DIGITS_TO_ZERO):
        try:
            value = json.loads(raw, parse_constant=_no_constants)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
        if b"\\u" in raw:
            _refuse_lone_surrogates(value)
        return value
    return orjson.loads(raw)


def _refuse_lone_surrogates(value: Any) -> None:
    """The standard library accepts an escaped lone surrogate (``\\ud800``), which is not a
    character and cannot be stored as UTF-8; orjson (the usual path) refuses it, and so does this."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            strings: Any = (item,)
        elif isinstance(item, dict):
            strings = item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for s in strings:
            try:
                s.encode("utf-8")
            except UnicodeEncodeError as e:
                raise ValueError(f"a lone surrogate (U+{ord(s[e.start]):04X}), which is not a Unicode "
                                 "character, in the string starting "
                                 f"{s[:20]!a}") from None


def depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        level += 1
        deepest = max(deepest, level)
        stack.extend((child, level) for child in item)
    return deepest


def dumps(value: Any) -> str:
    """Compact JSON text with non-ASCII characters kept as they are."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        # integers beyond 64 bits, or nesting past orjson's limit; anything truly
        # unserialisable still raises
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
