"""The words search finds are the words SQLite's FTS5 index has: same tokens, same folding."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from newsmark.corpus.text import find_terms, folded_words, parse_query
from tests.conftest import NAUGHTY

ALPHABET = "\u0915\u094d\u0937\u05e9\u05b8\u1dc0ab Z9_-'’.\u0301\u0300éÉßĲ石油😀\ue000\u00a0\u2028\u0915\u093f\u20dd\u0627\u064e\r\nΣσςЖж"


def _fts_tokens(text: str) -> list[str]:
    c = sqlite3.connect(":memory:")
    c.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    c.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    c.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (text,))
    return [r[0] for r in c.execute("SELECT term FROM v ORDER BY offset")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_the_words_and_their_folding_are_the_index_s(text: str) -> None:
    assert folded_words(text) == _fts_tokens(text)


def test_naughty_text() -> None:
    assert folded_words(NAUGHTY) == _fts_tokens(NAUGHTY)


def test_search_reads_words_with_the_index_s_own_tokenizer(project: object) -> None:
    from newsmark.core.model import Document
    from newsmark.corpus.search import Query, search
    from newsmark.store import Project

    assert isinstance(project, Project)
    text = "क्षेत्र में 😀 शांति; क्ष. Café"
    project.add_document(Document(id="hi", text=text))
    hits = search(project, Query("क"))  # unicode61 splits क्ष at the virama
    assert [text[h.start:h.end] for h in hits] == ["क", "क"] and all(h.text == "क" for h in hits)
    assert [h.start for h in hits] == [0, text.index("क्ष.")]


def test_hits_are_code_point_spans_of_whole_words() -> None:
    text = "😀 Café, CAFE\u0301 and cafés; 石油 café"
    [hits] = find_terms(text, parse_query("cafe"))
    assert [text[s:e] for s, e in hits] == ["Café", "CAFE\u0301", "café"]
    [phrase] = find_terms(text, parse_query('"石油 CAFÉ"'))
    assert [text[s:e] for s, e in phrase] == ["石油 café"]
