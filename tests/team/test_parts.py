"""Agreement counted in parts (consecutive stretches of a project's documents, as two processes
count them) gives exactly the figures of the whole."""

from __future__ import annotations

import random

import pytest

from newsmark.team.agreement import agreement, annotators_of, tally
from newsmark.team.data import DocWork, Link, Span
from newsmark.team.measures import Continuum, Unitizing, alpha_of
from tests.conftest import NAUGHTY

WORDS = ["the", "minister", "said", ",", "😀", "石油", "café", "“we”", "\r\n", "e\u0301", "\u2028", "\u00a0x"]
LABELS = ["PERSON", "ORG", "QUOTE", "CUE"]


def random_work(seed: int, docs: int = 8) -> list[DocWork]:
    """Documents with 2 to 4 annotators' spans (moved, relabelled, dropped from a shared
    'truth'), some annotated by one annotator or none, relations between each one's spans."""
    rng = random.Random(seed)
    work = []
    for d in range(docs):
        text = NAUGHTY if d == 3 else " ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 60)))
        doc = DocWork(f"d{d}", f"Doc {d}", len(text), text)
        truth = []
        for _ in range(rng.randrange(0, 25) if len(text) > 2 else 0):
            start = rng.randrange(0, len(text) - 1)
            truth.append((start, min(len(text), start + rng.randrange(1, 20)), rng.choice(LABELS)))
        for name in rng.sample(["ann", "bob", "cy", "curator"], rng.randrange(0, 5)):
            spans = []
            for k, (start, end, label) in enumerate(truth):
                r = rng.random()
                if r < 0.15:
                    continue
                if r < 0.3:
                    start = max(0, start - rng.randrange(0, 4))
                elif r < 0.4:
                    label = rng.choice(LABELS)
                spans.append(Span(f"{name}:a{k}", start, end, label, name))
            if spans and rng.random() < 0.3:
                spans.append(Span(f"{name}:dup", spans[0].start, spans[0].end, spans[0].label, name))
            spans.sort(key=lambda s: (s.start, s.end))
            doc.spans[name] = spans
            quotes = [s for s in spans if s.label == "QUOTE"]
            people = [s for s in spans if s.label == "PERSON"]
            for q, p in zip(quotes, people, strict=False):
                doc.links.append(Link(f"{name}:r{q.id}", "said_by", q.id, p.id))
        work.append(doc)
    return work


@pytest.mark.parametrize("seed", range(15))
def test_tallies_of_consecutive_parts_add_up_to_the_whole(seed: int) -> None:
    work = random_work(seed)
    names = sorted(annotators_of(work))
    whole = agreement(work).to_dict()
    assert tally(work, names).result().to_dict() == whole
    for cut in range(len(work) + 1):
        first = tally(work[:cut], names)
        first.add(tally(work[cut:], names))
        assert first.result().to_dict() == whole, cut
    # three parts, and an empty one in the middle
    parts = [tally(work[:2], names), tally([], names), tally(work[2:5], names), tally(work[5:], names)]
    total = parts[0]
    for part in parts[1:]:
        total.add(part)
    assert total.result().to_dict() == whole


def test_tallies_of_other_annotators_do_not_add() -> None:
    work = random_work(1)
    with pytest.raises(ValueError):
        tally(work, ["ann", "bob"]).add(tally(work, ["ann", "cy"]))


@pytest.mark.parametrize("seed", range(30))
def test_a_continuum_in_stretches_is_the_continuum_at_once(seed: int) -> None:
    rng = random.Random(seed)
    raters = rng.randrange(2, 4)
    cuts = sorted(rng.sample(range(1, 200), rng.randrange(0, 5)))
    bounds = [0, *cuts, 200]
    per_rater: list[list[tuple[int, int]]] = [[] for _ in range(raters)]
    stretches = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        here: list[list[tuple[int, int]]] = [[] for _ in range(raters)]
        for r in range(raters):
            for _ in range(rng.randrange(0, 4)):  # some stretches without a rater's units, some touching both ends
                s = rng.choice([lo, rng.randrange(lo, hi)])
                e = rng.choice([hi, rng.randrange(s, hi) + 1])
                here[r].append((s, e))
            per_rater[r] += here[r]
        stretches.append(Continuum.of(here, lo, hi - lo))
    whole = Continuum.of(per_rater, 0, 200)
    joined = stretches[0]
    for part in stretches[1:]:
        joined = joined.then(part)
    assert joined == whole
    study = Unitizing(raters, 0, 200)
    study.set_units("X", per_rater)
    assert alpha_of([joined]) == study.alpha("X")
    if whole.has_units():
        assert joined.expected_disagreement() == study.expected("X")
        assert joined.observed_disagreement() == study.observed("X")
