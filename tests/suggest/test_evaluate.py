"""Matching predicted to gold spans, as evaluate reports it: one to one, exact first, then the
largest overlap; in time that grows with the spans, not with their product."""

from __future__ import annotations

import random
import time

from newsmark.suggest.evaluate import match


def _slow_match(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> tuple[dict[int, int], int]:
    """The definition, pair by pair."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    exact = 0
    for i, p in enumerate(pred):
        j = next((j for j, g in enumerate(gold) if g == p and j not in used), None)
        if j is not None:
            pairs[i] = j
            used.add(j)
            exact += 1
    cands = sorted(((min(p[1], g[1]) - max(p[0], g[0]), i, j) for i, p in enumerate(pred) if i not in pairs
                    for j, g in enumerate(gold) if j not in used and min(p[1], g[1]) > max(p[0], g[0])),
                   reverse=True)
    for _, i, j in cands:
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs, exact


def test_matching_is_the_definition_on_random_spans() -> None:
    rnd = random.Random(16)
    for _ in range(300):
        def spans(n: int) -> list[tuple[int, int]]:
            out = []
            for _ in range(n):
                s = rnd.randrange(0, 60)
                out.append((s, s + rnd.choice([1, 2, 3, 5, 8, 30])))
            return out
        pred, gold = sorted(set(spans(rnd.randrange(0, 12)))), spans(rnd.randrange(0, 12))
        assert match(pred, gold) == _slow_match(pred, gold), (pred, gold)


def test_matching_many_spans_takes_linear_time() -> None:
    # every predicted span was paired with every gold one: 20,000 of each took minutes
    pred = [(10 * i, 10 * i + 4) for i in range(20000)]
    gold = [(10 * i + 2, 10 * i + 6) for i in range(20000)] + [(5, 9)]
    started = time.perf_counter()
    pairs, exact = match(pred, gold)
    elapsed = time.perf_counter() - started
    assert exact == 0 and len(pairs) == 20000 and pairs[0] == 0
    assert elapsed < 3.0, f"{elapsed:.1f} s"
