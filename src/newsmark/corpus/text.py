"""Words as the search index sees them: SQLite FTS5's ``unicode61`` tokenizer with
``remove_diacritics 2`` (letters, digits, private-use and combining marks make words; case and
accents are folded).  The index finds the documents; these functions find the exact offsets
(code points) in them."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _is_word_char(c: str) -> bool:
    cat = unicodedata.category(c)
    return cat[0] in "LNM" or cat == "Co"


@lru_cache(maxsize=4096)
def _word_char(c: str) -> bool:
    return _is_word_char(c)


def words(text: str) -> list[tuple[int, int]]:
    """The (start, end) code-point spans of the words of ``text``."""
    spans: list[tuple[int, int]] = []
    start = -1
    for i, c in enumerate(text):
        if c.isalnum() or (not c.isascii() and _word_char(c)):
            if start < 0:
                start = i
        elif start >= 0:
            spans.append((start, i))
            start = -1
    if start >= 0:
        spans.append((start, len(text)))
    return spans


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word folded as the index folds it: accents removed, lower case."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def folded_words(text: str) -> list[str]:
    return [fold(text[s:e]) for s, e in words(text)]


def ascii_lower(text: str) -> str:
    """SQLite's ``lower()``: ASCII letters only (the speaker marks are made with it)."""
    return text.translate(_ASCII_LOWER)


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def parse_query(query: str) -> list[list[str]]:
    """A query's terms: each a word or a "quoted phrase", as lists of folded words; every term
    must occur (AND).  Punctuation inside a term separates words, as in the text."""
    terms: list[list[str]] = []
    for m in _TERM.finditer(query):
        phrase = m.group(1) if m.group(1) is not None else m.group(2)
        ws = folded_words(phrase)
        if ws:
            terms.append(ws)
    return terms


def fts_query(terms: list[list[str]]) -> str:
    """The FTS5 MATCH expression for parsed terms: each a quoted phrase, all required."""
    return " AND ".join('"' + " ".join(t).replace('"', '""') + '"' for t in terms)


def find_terms(text: str, terms: list[list[str]]) -> list[list[tuple[int, int]]]:
    """For each term, the (start, end) spans of its occurrences in ``text``."""
    spans = words(text)
    folded = [fold(text[s:e]) for s, e in spans]
    found: list[list[tuple[int, int]]] = []
    for term in terms:
        n = len(term)
        hits = []
        first = term[0]
        for i, w in enumerate(folded):
            if w == first and folded[i:i + n] == term:
                hits.append((spans[i][0], spans[i + n - 1][1]))
        found.append(hits)
    return found


def name_matches(name: str, wanted: list[str]) -> bool:
    """Whether the folded words ``wanted`` occur, in order and together, in ``name``."""
    if not wanted:
        return True
    ws = folded_words(name)
    n = len(wanted)
    return any(ws[i:i + n] == wanted for i in range(len(ws) - n + 1))


def fold_name(name: str) -> str:
    """The key of an entity's name: its words folded, single-spaced."""
    return " ".join(folded_words(name))


def context(text: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
    """The text before a hit, the hit and the text after it, each on one line."""
    def flat(s: str) -> str:
        return _SPACE.sub(" ", s)
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    return (("…" if start > width else "") + flat(before).lstrip(),
            flat(text[start:end]), flat(after).rstrip() + ("…" if end + width < len(text) else ""))


_SPACE = re.compile(r"\s+")
