"""The fast paths of agreement and merge give what the plain definitions give."""

from __future__ import annotations

import bisect
import gc
import random
import re
import sqlite3
from collections import Counter
from pathlib import Path

import msgspec
import orjson
import pytest

from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.team import agreement
from newsmark.team.agreement import TOKEN_PATTERN, _DocView, _token_bounds, tally
from newsmark.team.data import DocWork, Link, Span, gc_paused
from newsmark.team.measures import exact_matching, overlap_matching
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


def _plain_relations(doc: DocWork, a: str, b: str) -> dict[str, list[int]]:
    """Relations of A and B by type: |A|, |B|, those of A that B has with ends matched exactly
    and by overlap, every label's spans matched one by one (ids mapped), as first written."""
    owner = {s.id: (name, s.label) for name, spans in doc.spans.items() for s in spans}
    maps: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for lab in {s.label for s in doc.spans[a]}:
        sa = [s for s in doc.spans[a] if s.label == lab]
        sb = [s for s in doc.spans[b] if s.label == lab]
        pa, pb = [(s.start, s.end) for s in sa], [(s.start, s.end) for s in sb]
        for mapping, pairs in zip(maps, (exact_matching(pa, pb), overlap_matching(pa, pb)), strict=True):
            mapping.update((sa[i].id, sb[j].id) for i, j in pairs)
    mine: dict[str, list[tuple[str, str, str, str]]] = {a: [], b: []}
    for ln in doc.links:
        fro, to = owner.get(ln.from_id), owner.get(ln.to_id)
        if fro and to and fro[0] == to[0] and fro[0] in mine:
            mine[fro[0]].append((ln.type, ln.from_id, ln.to_id, repr(ln.value())))
    out: dict[str, list[int]] = {}
    for rtype in {r[0] for r in mine[a] + mine[b]}:
        ra = [r for r in mine[a] if r[0] == rtype]
        rb = Counter(r[1:] for r in mine[b] if r[0] == rtype)
        c = out[rtype] = [len(ra), sum(rb.values()), 0, 0]
        for slot, mapping in ((2, maps[0]), (3, maps[1])):
            left = rb.copy()
            for _, f, t, val in ra:
                key = (mapping.get(f, ""), mapping.get(t, ""), val)
                if left[key] > 0:
                    left[key] -= 1
                    c[slot] += 1
    return out


@pytest.mark.parametrize("seed", range(150))
def test_relations_agree_as_their_ends_matched_one_by_one(seed: int) -> None:
    """Relations matched through their ends' places (no matching of spans by id), twins (two
    spans of one place and label) as exact_matching pairs them: the counts of the plain way."""
    rng = random.Random(seed)
    text = "x" * 60
    spans: dict[str, list[Span]] = {}
    links = []
    for name in ("ann", "bob"):
        got = []
        for k in range(rng.randrange(1, 14)):
            start = rng.randrange(0, 50)
            got.append(Span(f"{name}{k}", start, start + rng.choice([0, 1, 2, 4, 8]), rng.choice(["QUOTE", "PERSON"]),
                            name))
        if rng.random() < 0.5:  # twins
            twin = rng.choice(got)
            got.append(Span(f"{name}t", twin.start, twin.end, twin.label, name))
        if name == "bob" and rng.random() < 0.7:  # much shared, as between annotators who mostly agree
            got += [Span(f"bob{s.id}", s.start, s.end, s.label, name) for s in spans["ann"] if rng.random() < 0.7]
        got.sort(key=lambda s: (s.start, s.end))
        spans[name] = got
        for k in range(rng.randrange(0, 8)):
            x, y = rng.choice(got), rng.choice(got)
            value = msgspec.Raw(orjson.dumps({"value": rng.choice(["supports", "opposes"])}))
            links.append(Link(f"{name}r{k}", rng.choice(["said_by", "stance"]), x.id, y.id,
                              value if rng.random() < 0.5 else msgspec.Raw(b"{}")))
    doc = DocWork("d", "", len(text), text, spans, links)
    assert tally([doc], ["ann", "bob"]).pairs[("ann", "bob")].relations == _plain_relations(doc, "ann", "bob")
