"""The fast paths of agreement and merge give what the plain definitions give."""

from __future__ import annotations

import bisect
import gc
import random
import re
import sqlite3
from pathlib import Path

import pytest

from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.team import agreement
from newsmark.team.agreement import TOKEN_PATTERN, _DocView, _token_bounds
from newsmark.team.data import DocWork, Span, gc_paused
from newsmark.team.merge import merge
from tests.conftest import NAUGHTY

AWKWARD = [NAUGHTY, "", " ", "a", "  a  ", "x,y", "Hello, world!", "e\u0301\u0301 😀😀 \r\n\u2028\u2029 \u00a0x",
           "’tis 1,000.5% — “quoted”…"]


@pytest.mark.parametrize("text", AWKWARD)
def test_token_bounds_are_the_regex_matches(text: str) -> None:
    matches = [m.span() for m in re.finditer(TOKEN_PATTERN, text)]
    assert _token_bounds(text) == ([s for s, _ in matches], [e for _, e in matches])


def _reference(text: str, spans: list[Span]) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Per label the tokens inside a span of it, and per token label (the longest covering
    span's, "" outside every span) its tokens: the plain per-token way."""
    matches = [m.span() for m in re.finditer(TOKEN_PATTERN, text)]
    starts, ends = [s for s, _ in matches], [e for _, e in matches]
    inside: dict[str, set[int]] = {}
    for s in spans:
        i, j = bisect.bisect_right(ends, s.start), bisect.bisect_left(starts, s.end)
        if j > i:
            inside.setdefault(s.label, set()).update(range(i, j))
    labels = [""] * len(matches)
    for s in sorted(spans, key=lambda s: (s.end - s.start, -s.start)):  # the longest written last
        i, j = bisect.bisect_right(ends, s.start), bisect.bisect_left(starts, s.end)
        labels[i:j] = [s.label] * max(0, j - i)
    by_label: dict[str, set[int]] = {}
    for k, lab in enumerate(labels):
        by_label.setdefault(lab, set()).add(k)
    return inside, by_label


def _tokens(mask: int) -> set[int]:
    return {k for k in range(mask.bit_length()) if mask >> k & 1}


@pytest.mark.parametrize("seed", range(12))
def test_token_sets_match_the_per_token_definition(seed: int) -> None:
    rng = random.Random(seed)
    text = " ".join(rng.choice(["the", "minister", "said", ",", "😀", "石油", "café", "“we”", "\r\n"])
                    for _ in range(rng.randrange(0, 80)))
    spans = []
    for k in range(rng.randrange(0, 40) if text else 0):
        start = rng.randrange(0, len(text))
        end = min(len(text), start + rng.randrange(1, 30))
        spans.append(Span(f"a{k}", start, end, rng.choice(["PERSON", "ORG", "QUOTE"]), "ann"))
    spans += [Span("dup", s.start, s.end, "ORG", "ann") for s in spans[:3]]  # identical positions
    spans.sort(key=lambda s: (s.start, s.end))
    view = _DocView(DocWork("d", "", len(text), text, {"ann": spans}), ["ann"])
    inside, by_label = _reference(text, spans)
    assert {lab: _tokens(m) for lab, m in view.masks("ann").items()} == inside
    assert {lab: _tokens(m) for lab, m in view.labels("ann").items()} == by_label


def test_token_sets_of_a_long_document_are_shifted_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond POWERS_MAX tokens no list of powers of two is made (quadratic in size): each
    span's bits are shifted, the same sets."""
    rng = random.Random(3)
    text = " ".join(rng.choice(["the", "minister", ",", "😀", "石油"]) for _ in range(300))
    spans = sorted((Span(f"a{k}", s, min(len(text), s + rng.randrange(1, 60)), rng.choice(["PERSON", "ORG"]), "ann")
                    for k, s in enumerate(rng.randrange(0, len(text)) for _ in range(60))),
                   key=lambda s: (s.start, s.end))
    inside, by_label = _reference(text, spans)
    for most in (10_000, 100):  # the tokens well under the limit, then over it
        monkeypatch.setattr(agreement, "POWERS_MAX", most)
        powers: list[int] = []
        view = _DocView(DocWork("d", "", len(text), text, {"ann": spans}), ["ann"], powers)
        assert {lab: _tokens(m) for lab, m in view.masks("ann").items()} == inside
        assert {lab: _tokens(m) for lab, m in view.labels("ann").items()} == by_label
        assert len(powers) == (view.ntok + 1 if most > view.ntok else 0)


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def _annotator(path: Path) -> Path:
    with Project.create(path) as p:
        p.add_document(Document(id="d1", text=NAUGHTY))
        p.add_document(Document(id="d2", text="The talks in Paris ended."))
    return path


def test_a_new_team_file_is_left_in_wal_mode(tmp_path: Path) -> None:
    team = tmp_path / "team.newsmark"
    merge(team, [_annotator(tmp_path / "alice.newsmark"), _annotator(tmp_path / "bob.newsmark")])
    conn = sqlite3.connect(team)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
    with Project.open(team) as p:
        assert p.document_ids() == ["d1", "d2"]
        assert p.document("d1").text == NAUGHTY


def test_a_merge_failing_while_writing_a_new_team_leaves_no_file(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [_annotator(tmp_path / "alice.newsmark"), _annotator(tmp_path / "bob.newsmark")]
    calls = []

    def failing(conn: object, doc_id: str, *parts: object) -> None:  # a new document's write (in parts)
        calls.append(doc_id)
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr("newsmark.team.merge.insert_parts", failing)
    team = tmp_path / "team.newsmark"
    with pytest.raises(OSError, match="disk full"):
        merge(team, sources)
    assert calls == ["d1", "d2"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("team")] == []
