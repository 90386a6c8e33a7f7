"""The agreement coefficients against published worked examples (Krippendorff 1995 and 2004 as
DKPro Agreement's tests state them, Fleiss 1971 / Wikipedia, Cohen) and against reference
implementations (nltk.metrics.agreement, statsmodels) to within 0.001."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from newsmark.team.measures import (
    Continuum,
    Unitizing,
    cohen_binary,
    cohen_kappa_counts,
    exact_matching,
    f1,
    fleiss_kappa_table,
    overlap_matching,
    unitizing_distance,
)

# Krippendorff (1995: 57), four pairs of coders on a continuum of 24 (offset, length, rater, category)
K1995 = [(2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
         (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"), (5, 1, 1, "B"),
         (6, 3, 1, "B"), (9, 1, 1, "B"),
         (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"), (4, 4, 1, "C"),
         (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
         (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"), (0, 4, 1, "D"),
         (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D")]


def k1995(stretch: float) -> Unitizing:
    study = Unitizing(2, 0, int(24 * stretch))
    for offset, length, rater, cat in K1995:
        study.add(rater, int(offset * stretch), int(length * stretch), cat)
    return study


def k2004() -> Unitizing:
    """Krippendorff (2004: 254): two observers, continuum 150..450, categories c and k."""
    study = Unitizing(2, 150, 300)
    for offset, length, rater, cat in [(225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"),
                                       (355, 20, 1, "c"), (400, 20, 1, "c"), (180, 60, 0, "k"),
                                       (300, 50, 0, "k"), (180, 60, 1, "k"), (300, 50, 1, "k")]:
        study.add(rater, offset, length, cat)
    return study


def test_unitizing_distance_krippendorff_2004() -> None:
    d = unitizing_distance
    assert d(2, 3, False, 2, 2, True) + d(5, 6, True, 4, 7, False) == 40
    assert d(5, 6, True, 4, 2, True) == 26
    assert d(5, 6, True, 5, 2, True) == 16
    assert d(5, 6, True, 6, 2, True) == 10
    assert d(5, 6, True, 7, 2, True) == 8
    assert d(5, 6, True, 6, 4, True) == 2
    assert d(5, 6, True, 5, 6, True) == 0
    assert d(225, 70, True, 220, 80, True) == 50
    assert d(370, 30, True, 355, 20, True) == 850
    assert d(400, 50, False, 400, 20, True) == 400


def test_alpha_u_krippendorff_2004_worked_example() -> None:
    study = k2004()
    assert study.observed("c") == pytest.approx(0.0144, abs=0.0001)
    assert study.expected("c") == pytest.approx(0.0532, abs=0.0001)
    assert study.alpha("c") == pytest.approx(0.7286, abs=0.0001)
    assert study.observed("k") == 0.0
    assert study.expected("k") == pytest.approx(0.0490, abs=0.0001)
    assert study.alpha("k") == pytest.approx(1.0)
    assert study.alpha_all() == pytest.approx(0.8591, abs=0.0005)


def test_alpha_u_krippendorff_1995_worked_example() -> None:
    study = k1995(1)
    for cat, d_o in (("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)):
        assert study.observed(cat) == pytest.approx(d_o, abs=0.00001)
    study = k1995(1200000 / 24)
    for cat, d_e, alpha in (("A", 0.06990, 0.553), ("B", 1.17731, -0.926), ("C", 0.08642, 0.679),
                            ("D", 0.41445, 0.066)):
        # the paper's D_E carries a small error (DKPro's tests allow 0.005 and 0.02)
        assert study.expected(cat) == pytest.approx(d_e, abs=0.005)
        assert study.alpha(cat) == pytest.approx(alpha, abs=0.02)
    small = k1995(12 / 24)
    assert small.expected("C") == pytest.approx(0.05494, abs=0.00001)
    assert small.alpha("C") == pytest.approx(0.494, abs=0.001)


def test_alpha_u_is_undefined_without_units_and_low_for_disjoint_units() -> None:
    study = Unitizing(2, 0, 100)
    assert study.alpha("X") is None and study.alpha_all() is None
    study.add(0, 0, 10, "X")
    study.add(1, 50, 10, "X")
    assert study.alpha("X") < 0.1  # disjoint work is never "perfect"
    same = Unitizing(2, 0, 100)
    same.add(0, 10, 10, "X")
    same.add(1, 10, 10, "X")
    assert same.alpha("X") == pytest.approx(1.0)


def test_cohen_kappa_worked_examples() -> None:
    # Krippendorff (1995) A digitized, as DKPro's tests state: kappa 0.385
    a = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    b = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert cohen_kappa_counts(Counter(zip(a, b, strict=True))) == pytest.approx(0.385, abs=0.001)
    # Wikipedia: 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> 0.4
    assert cohen_binary(50, 25, 30, 20) == pytest.approx(0.4, abs=0.001)
    # all items one category for both: undefined, not perfect
    assert cohen_binary(24, 24, 24, 24) is None
    assert cohen_binary(24, 0, 0, 0) is None


def test_cohen_kappa_against_nltk() -> None:
    from nltk.metrics.agreement import AnnotationTask

    rng = random.Random(3)
    for _ in range(20):
        cats = ["O", "PER", "ORG", "GPE"][: rng.randint(2, 4)]
        a = [rng.choice(cats) for _ in range(200)]
        b = [x if rng.random() < 0.7 else rng.choice(cats) for x in a]
        task = AnnotationTask(data=[("a", i, x) for i, x in enumerate(a)] + [("b", i, x) for i, x in enumerate(b)])
        ours = cohen_kappa_counts(Counter(zip(a, b, strict=True)))
        assert ours == pytest.approx(task.kappa_pairwise("a", "b"), abs=0.001)


def _fleiss_rows(table: list[list[int]]) -> list[tuple[list[int], int]]:
    return [(row, 1) for row in table]


def test_fleiss_kappa_worked_example_and_statsmodels() -> None:
    from statsmodels.stats.inter_rater import fleiss_kappa

    # Fleiss (1971) as Wikipedia works it: 10 subjects, 14 raters, 5 categories -> 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    assert fleiss_kappa_table(_fleiss_rows(table)) == pytest.approx(0.210, abs=0.001)
    assert fleiss_kappa_table(_fleiss_rows(table)) == pytest.approx(fleiss_kappa(table), abs=0.001)
    rng = random.Random(5)
    for _ in range(20):
        raters, cats = rng.randint(2, 5), rng.randint(2, 4)
        rows = []
        for _ in range(60):
            row = [0] * cats
            for _ in range(raters):
                row[rng.randrange(cats)] += 1
            rows.append(row)
        assert fleiss_kappa_table(_fleiss_rows(rows)) == pytest.approx(fleiss_kappa(rows), abs=0.001)


def test_fleiss_kappa_of_identical_single_category_is_undefined() -> None:
    assert fleiss_kappa_table([([3, 0], 10)]) is None
    assert fleiss_kappa_table([]) is None


def test_span_matchings_and_f1() -> None:
    a = [(0, 5), (10, 20), (30, 40)]
    b = [(0, 5), (12, 15), (14, 22), (41, 45)]
    assert exact_matching(a, b) == [(0, 0)]
    matched = overlap_matching(a, b)
    assert len(matched) == 2 and (0, 0) in matched  # (10,20) with one of the two; (30,40) none
    # a greedy matching would pair (0,10) with (5,15) and leave (8,12) alone; the largest pairs both
    x = [(0, 10), (8, 12)]
    y = [(5, 15), (0, 3)]
    assert len(overlap_matching(x, y)) == 2
    assert f1(0, 0, 0) is None
    assert f1(1, 2, 2) == 0.5


def test_greedy_overlap_matching_is_as_large_as_augmenting_paths() -> None:
    """The greedy-by-end matching against Kuhn's augmenting-path algorithm on random spans."""

    def kuhn(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
        adj = [[j for j, (s2, e2) in enumerate(b) if s2 < e and e2 > s] for s, e in a]
        owner: dict[int, int] = {}

        def augment(i: int, seen: set[int]) -> bool:
            for j in adj[i]:
                if j not in seen:
                    seen.add(j)
                    if j not in owner or augment(owner[j], seen):
                        owner[j] = i
                        return True
            return False

        return sum(augment(i, set()) for i in range(len(a)))

    rng = random.Random(11)
    for _ in range(3000):
        a = [(s, s + rng.randrange(1, 8)) for s in (rng.randrange(30) for _ in range(rng.randrange(7)))]
        b = [(s, s + rng.randrange(1, 8)) for s in (rng.randrange(30) for _ in range(rng.randrange(7)))]
        pairs = overlap_matching(a, b)
        assert len(pairs) == kuhn(a, b)
        assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
        assert all(a[i][0] < b[j][1] and b[j][0] < a[i][1] for i, j in pairs)


def test_units_given_in_chunks_join_as_the_whole_sorted() -> None:
    """alpha_U's units given as documents (chunks moved by their offsets, each in order) give
    the continuum of all the units moved and sorted; units out of order are refused."""
    rng = random.Random(4)
    for _ in range(300):
        chunks: list[list[tuple[int, list[tuple[int, int]]]]] = [[], [], []]
        base = 0
        for _doc in range(rng.randrange(1, 5)):
            length = rng.randrange(0, 30)
            for rater in chunks:
                units = []
                for _unit in range(rng.randrange(0, 6) if length else 0):
                    s = rng.randrange(0, length)
                    units.append((s, min(length, s + rng.randrange(0, 9))))
                rater.append((base, sorted(units)))
            base += length
        moved = [[(s + b, e + b) for b, units in rater for s, e in units] for rater in chunks]
        assert Continuum.of_chunks(chunks, 0, base) == Continuum.of(moved, 0, base)
    with pytest.raises(ValueError, match="out of order"):
        Continuum.of_chunks([[(0, [(5, 9), (3, 6)])], []], 0, 10)
