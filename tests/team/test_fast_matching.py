"""The span matching gives exactly the pairs of the greedy matching as first written."""

from __future__ import annotations

import random

from newsmark.team.measures import overlap_count, overlap_matching

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


def test_the_count_is_the_size_of_the_matching() -> None:
    rng = random.Random(11)
    for _ in range(5000):
        a, b = random_spans(rng, rng.randrange(12)), random_spans(rng, rng.randrange(12))
        if rng.random() < 0.3:
            b = sorted(set(b[: len(b) // 2]) | set(a[: rng.randrange(len(a) + 1)]))
        assert overlap_count(a, b) == len(plain_greedy(a, b))
