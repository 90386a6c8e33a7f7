"""Words as the search index sees them: SQLite FTS5's ``unicode61`` tokenizer with
``remove_diacritics 2`` (letters, digits, private-use characters and combining diacritical
marks make words; case and accents are folded).  Hits are found by the index's own tokenizer
(``search.find_hits``); this reading of the words serves names (speakers, cues, entities) and
texts FTS5's highlight() cannot mark (a NUL, the markers).  It agrees with the index on the
letters, digits and marks of every script tried (tests/corpus/test_text.py); folding is
approximated by Unicode decomposition, which differs from unicode61's tables for a few letters
of Indic, Thai and Hebrew scripts."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# letters and digits ([^\W_]), the combining diacritical marks (U+0300-U+036F: unicode61
# joins them to the word, other marks split it) and private-use characters
_WORD = re.compile("(?:[^\\W_]|[\u0300-\u036f\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd])+")


def words(text: str) -> list[tuple[int, int]]:
    """The (start, end) code-point spans of the words of ``text``."""
    return [m.span() for m in _WORD.finditer(text)]


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word folded as the index folds it: accents removed, lower case."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("ς", "σ")


def folded_words(text: str) -> list[str]:
    """The words of ``text`` folded (a word of marks alone folds to nothing and is no word)."""
    return [w for s, e in words(text) if (w := fold(text[s:e]))]


def ascii_lower(text: str) -> str:
    """SQLite's ``lower()``: ASCII letters only (the speaker marks are made with it)."""
    return text.translate(_ASCII_LOWER)


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def parse_terms(query: str) -> list[str]:
    """A query's terms as typed: each a word or a "quoted phrase"; every term must occur (AND).
    The index's own tokenizer reads them (``fts_query``)."""
    terms: list[str] = []
    for m in _TERM.finditer(query):
        phrase = m.group(1) if m.group(1) is not None else m.group(2)
        if folded_words(phrase):
            terms.append(phrase)
    return terms


def parse_query(query: str) -> list[list[str]]:
    """A query's terms as lists of folded words (``find_terms``)."""
    return [folded_words(t) for t in parse_terms(query)]


def fts_query(terms: list[str]) -> str:
    """The FTS5 MATCH expression for terms: each a quoted phrase, all required."""
    return " AND ".join(fts_phrase(t) for t in terms)


def fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# markers for FTS5's highlight(): noncharacters, which text interchange does not use
OPEN, CLOSE = "﷐", "﷑"


def highlighted_spans(marked: str) -> list[tuple[int, int]]:
    """The (start, end) code-point spans between OPEN and CLOSE in a text highlight() marked."""
    spans = []
    removed = 0
    i = marked.find(OPEN)
    while i >= 0:
        j = marked.find(CLOSE, i + 1)
        if j < 0:
            break
        spans.append((i - removed, j - removed - 1))
        removed += 2
        i = marked.find(OPEN, j + 1)
    return spans


def find_terms(text: str, terms: list[list[str]]) -> list[list[tuple[int, int]]]:
    """For each term, the (start, end) spans of its occurrences in ``text``."""
    spans, folded = [], []
    for s, e in words(text):
        w = fold(text[s:e])
        if w:
            spans.append((s, e))
            folded.append(w)
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
