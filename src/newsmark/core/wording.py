"""Counts in messages: "1 document", "2 documents"."""

from __future__ import annotations

_IRREGULAR = {"entity": "entities", "was": "were", "is": "are", "this": "these", "one": "ones"}


def plural(n: int, noun: str, plural_form: str | None = None) -> str:
    """``noun`` as it goes with the number ``n`` (without the number)."""
    if n == 1:
        return noun
    return plural_form or _IRREGULAR.get(noun) or noun + "s"


def counted(n: int, noun: str, plural_form: str | None = None) -> str:
    """``n`` and ``noun`` in agreement: ``counted(1, "document")`` is "1 document"."""
    return f"{n} {plural(n, noun, plural_form)}"
