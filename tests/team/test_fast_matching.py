"""The span matching's shortcuts give exactly the pairs of the plain greedy matching."""

from __future__ import annotations

import random

import pytest

from newsmark.team.agreement import _DocView, _pair
from newsmark.team.data import DocWork, Link, Span
from newsmark.team.measures import alone, exact_matching, overlap_matching

Spans = list[tuple[int, int]]


def plain_greedy(a: Spans, b: Spans) -> list[tuple[int, int]]:
    """The greedy-by-end matching as first written: scan on from the span that ends first for
    the first overlapping span of the other side, preferring an identical one among those that
    end as early."""
    if not a or not b:
        return []
    items = sorted([(e, s, 0, i) for i, (s, e) in enumerate(a)] + [(e, s, 1, j) for j, (s, e) in enumerate(b)])
    used = [False] * len(items)
    pairs = []
    n = len(items)
    for k in range(n):
        if used[k]:
            continue
        end, start, side, idx = items[k]
        best = -1
        for m in range(k + 1, n):
            e2, s2, side2, _ = items[m]
            if used[m] or side2 == side or s2 >= end:
                continue
            if best < 0:
                best = m
                if e2 != end or s2 == start:
                    break
            elif e2 == end and s2 == start:
                best = m
                break
            elif e2 != end:
                break
        if best >= 0:
            used[k] = used[best] = True
            other = items[best][3]
            pairs.append((idx, other) if side == 0 else (other, idx))
    return sorted(pairs)


def random_spans(rng: random.Random, n: int, width: int = 40) -> Spans:
    """Sorted spans, some empty, some repeated."""
    out = []
    for _ in range(n):
        s = rng.randrange(width)
        out.append((s, s + rng.choice([0, 1, 1, 2, 3, 5, 8])))
    if out and rng.random() < 0.3:
        out.append(rng.choice(out))
    return sorted(out)


def test_the_greedy_matching_pairs_as_first_written() -> None:
    rng = random.Random(5)
    for _ in range(5000):
        a, b = random_spans(rng, rng.randrange(9)), random_spans(rng, rng.randrange(9))
        if rng.random() < 0.3:  # much shared, as between annotators who mostly agree
            b = sorted(set(b[: len(b) // 2]) | set(a[: rng.randrange(len(a) + 1)]))
        assert overlap_matching(a, b) == plain_greedy(a, b)


def test_identical_spans_alone_pair_with_each_other() -> None:
    rng = random.Random(8)
    for _ in range(5000):
        a, b = random_spans(rng, rng.randrange(9)), random_spans(rng, rng.randrange(9))
        b = sorted(b + a[: rng.randrange(len(a) + 1)])
        lone_a, lone_b = alone(a), alone(b)
        for s, e in lone_a:
            assert s < e and sum(x < e and s < y for x, y in a) == 1  # overlaps itself only
        assert all(s < e for s, e in a) or not lone_a
        pairs = plain_greedy(a, b)
        for p in lone_a & lone_b:
            assert (a.index(p), b.index(p)) in pairs


@pytest.mark.parametrize("seed", range(60))
def test_pair_counts_and_relation_matches_with_and_without_the_shortcut(seed: int,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    text = "x" * 60
    doc = DocWork("d", "", len(text), text)
    shared = random_spans(rng, 12, 55)
    for name in ("a", "b"):
        spans = [Span(f"{name}{k}", s, e, rng.choice(["P", "Q"]) if rng.random() < 0.2 else "P", name)
                 for k, (s, e) in enumerate(sorted(shared[: rng.randrange(13)] + random_spans(rng, 4, 55)))]
        doc.spans[name] = spans
        for k, (x, y) in enumerate(zip(spans, reversed(spans), strict=False)):  # relations need the pairs
            if x is not y and rng.random() < 0.5:
                doc.links.append(Link(f"{name}r{k}", "said_by", x.id, y.id))
    fast = _pair("a", "b", [_DocView(doc, ["a", "b"])])
    monkeypatch.setattr(_DocView, "alone", lambda self, name, label: set())
    plain = _pair("a", "b", [_DocView(doc, ["a", "b"])])
    assert fast == plain
    assert sum(c[0] + c[1] for c in fast.relations.values()) == len(doc.links)
    assert exact_matching(shared, shared) == [(i, i) for i in range(len(shared))]
