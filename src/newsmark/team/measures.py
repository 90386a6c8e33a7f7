"""Agreement coefficients on plain data (no store): Cohen's kappa, Fleiss' kappa, span F1
(exact and by a largest one-to-one matching of overlapping spans) and Krippendorff's alpha for
unitizing (Krippendorff 1995, 2004, as DKPro Agreement's KrippendorffAlphaUnitizingAgreement
computes it).  Every function returns None where the measure is undefined (no data, or no
variation to correct for chance): disjoint or empty work is never reported as agreement."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import accumulate

Span = tuple[int, int]  # start, end (end exclusive)


def f1(matched: int, a: int, b: int) -> float | None:
    """2·matched / (a + b); None when neither side has anything."""
    return None if a + b == 0 else 2.0 * matched / (a + b)


def exact_matching(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """Pairs (i, j) of identical spans, one-to-one (duplicates pair in order)."""
    where: dict[Span, list[int]] = {}
    for j, s in enumerate(b):
        where.setdefault(s, []).append(j)
    pairs = []
    for i, s in enumerate(a):
        js = where.get(s)
        if js:
            pairs.append((i, js.pop(0)))
    return pairs


def overlap_matching(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """A largest one-to-one matching between spans of ``a`` and ``b`` that overlap (share at
    least one character).

    Greedy by end: take the unmatched span that ends first (of either side) and pair it with
    the overlapping unmatched span of the other side that ends first (an identical one among
    equals).  This is maximum: if a largest matching pairs that first span x elsewhere, or its
    partner y elsewhere, swapping keeps every pair overlapping (anything y was paired with ends
    no earlier than x, and starts before y ends), so one with (x, y) is as large."""
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
            elif e2 == end and s2 == start:  # an identical span among those ending first
                best = m
                break
            elif e2 != end:
                break
        if best >= 0:
            used[k] = used[best] = True
            other = items[best][3]
            pairs.append((idx, other) if side == 0 else (other, idx))
    return sorted(pairs)


def cohen_kappa_counts(pairs: Mapping[tuple[Hashable, Hashable], int]) -> float | None:
    """Cohen's kappa from counts of (category by rater A, category by rater B) over items."""
    n = sum(pairs.values())
    if n == 0:
        return None
    agree = sum(c for (x, y), c in pairs.items() if x == y)
    ma: Counter[Hashable] = Counter()
    mb: Counter[Hashable] = Counter()
    for (x, y), c in pairs.items():
        ma[x] += c
        mb[y] += c
    pe = sum(ma[k] * mb.get(k, 0) for k in ma) / (n * n)
    po = agree / n
    if pe >= 1.0:
        return None  # both raters used one and the same category throughout: kappa undefined
    return (po - pe) / (1.0 - pe)


def cohen_binary(n: int, a: int, b: int, both: int) -> float | None:
    """Cohen's kappa for a yes/no decision over ``n`` items: ``a`` yes by A, ``b`` by B,
    ``both`` by both."""
    return cohen_kappa_counts({(1, 1): both, (1, 0): a - both, (0, 1): b - both,
                               (0, 0): n - a - b + both})


def fleiss_kappa_table(rows: Iterable[tuple[Sequence[int], int]]) -> float | None:
    """Fleiss' kappa from rows of per-category counts (each row: the counts of the raters'
    categories for one item, and how many items have exactly that row).  Every item must have
    the same number of ratings (at least two)."""
    items = 0
    raters = None
    totals: Counter[int] = Counter()
    sum_p = 0.0
    for counts, times in rows:
        m = sum(counts)
        if raters is None:
            raters = m
        elif m != raters:
            raise ValueError("Fleiss' kappa needs the same number of ratings for every item")
        items += times
        for k, c in enumerate(counts):
            totals[k] += c * times
        sum_p += times * (sum(c * c for c in counts) - m) / (m * (m - 1))
    if not items or raters is None or raters < 2:
        return None
    p_bar = sum_p / items
    pe = sum((t / (items * raters)) ** 2 for t in totals.values())
    if pe >= 1.0:
        return None
    return (p_bar - pe) / (1.0 - pe)


# ---------------------------------------------------------------- Krippendorff's alpha_U
def _segments(units: Sequence[Span], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """The continuum cut into a rater's units and the gaps between them: (start, length, is_unit)."""
    out = []
    pos = begin
    for s, e in units:
        if s > pos:
            out.append((pos, s - pos, False))
        out.append((s, e - s, True))
        pos = e
    if pos < end:
        out.append((pos, end - pos, False))
    return out


def _gaps(units: Sequence[Span], begin: int, end: int) -> list[int]:
    out = []
    pos = begin
    for s, e in units:
        if s > pos:
            out.append(s - pos)
        pos = e
    if pos < end:
        out.append(end - pos)
    return out


def _pair_observed(u1: Sequence[Span], u2: Sequence[Span]) -> int:
    total = 0
    hit2 = [False] * len(u2)
    n2 = len(u2)
    j0 = 0
    for s1, e1 in u1:
        while j0 < n2 and u2[j0][1] <= s1:
            j0 += 1
        j = j0
        hit = False
        while j < n2 and u2[j][0] < e1:
            s2, e2 = u2[j]
            bd = s1 - s2
            ed = e1 - e2  # = bd + (l1 - l2)
            total += bd * bd + ed * ed
            hit2[j] = hit = True
            j += 1
        if not hit:
            total += (e1 - s1) * (e1 - s1)
    for (s2, e2), h in zip(u2, hit2, strict=True):
        if not h:
            total += (e2 - s2) * (e2 - s2)
    return total


def unitizing_distance(b1: int, l1: int, u1: bool, b2: int, l2: int, u2: bool) -> int:
    """Krippendorff's (2004) squared distance between two overlapping segments."""
    bd = b1 - b2
    ld = l1 - l2
    if u1 and u2 and -l1 < bd < l2:
        return bd * bd + (bd + ld) * (bd + ld)
    if u1 and not u2 and -ld >= bd >= 0:
        return l1 * l1
    if not u1 and u2 and -ld <= bd <= 0:
        return l2 * l2
    return 0


def _merged(units: Iterable[Span]) -> list[Span]:
    """One rater's units of one category, sorted, overlapping ones joined (alpha_U's units of
    a category may not overlap within a rater)."""
    ordered = sorted(units)
    out: list[Span] = []
    last_s, last_e = -1, -1
    for s, e in ordered:
        if s < last_e:
            if e > last_e:
                last_e = e
        else:
            if last_e >= 0:
                out.append((last_s, last_e))
            last_s, last_e = s, e
    if last_e >= 0:
        out.append((last_s, last_e))
    return out


class Unitizing:
    """A unitizing study: ``raters`` coders, a continuum [begin, begin + length), and per
    category each rater's units.  Observed and expected disagreement per category as in
    Krippendorff (1995, 2004) and DKPro Agreement."""

    def __init__(self, raters: int, begin: int, length: int) -> None:
        self.raters = raters
        self.begin = begin
        self.length = length
        self.units: dict[Hashable, list[list[Span]]] = {}
        self._merged_units: dict[Hashable, list[list[Span]]] = {}
        self._done: dict[tuple[str, Hashable], float] = {}  # observed and expected, computed once

    def add(self, rater: int, start: int, length: int, category: Hashable) -> None:
        self._merged_units.pop(category, None)
        self._done.clear()
        per = self.units.setdefault(category, [[] for _ in range(self.raters)])
        per[rater].append((start, start + length))

    def set_units(self, category: Hashable, per_rater: list[list[Span]]) -> None:
        """All units of a category at once: for each rater, (start, end) pairs."""
        self._merged_units.pop(category, None)
        self._done.clear()
        self.units[category] = per_rater

    def categories(self) -> list[Hashable]:
        return list(self.units)

    def _rater_units(self, category: Hashable) -> list[list[Span]]:
        got = self._merged_units.get(category)
        if got is None:
            got = self._merged_units[category] = [
                _merged(u) for u in self.units.get(category, [[] for _ in range(self.raters)])]
        return got

    def observed(self, category: Hashable) -> float:
        """D_O: over each pair of raters, Krippendorff's distance of every pair of overlapping
        segments.  Only two kinds are non-zero: two overlapping units, and a unit lying inside
        the other rater's gap, i.e. overlapping none of their units (the sweep over units alone
        gives the same sum as DKPro's sweep over units and gaps)."""
        per = self._rater_units(category)
        r, length = self.raters, self.length
        total = 0
        for r1 in range(r):
            for r2 in range(r1 + 1, r):
                total += _pair_observed(per[r1], per[r2])
        return 2.0 * total / (r * (r - 1) * length * length)

    def expected(self, category: Hashable) -> float:
        per = self._rater_units(category)
        b, length, r = self.begin, self.length, self.raters
        end = b + length
        lengths = [e - s for units in per for s, e in units]
        n_c = len(lengths)
        squared = sum(x * (x - 1) for x in lengths)
        gaps = sorted(g for units in per for g in _gaps(units, b, end))
        suffix = list(accumulate(reversed(gaps)))[::-1] + [0]  # suffix[k] = sum(gaps[k:])
        total = 0
        for x, times in Counter(lengths).items():  # units of one length contribute alike
            first = (n_c - 1) * (x * (x - 1) * (2 * x - 1)) // 3
            k = bisect.bisect_left(gaps, x)
            count = len(gaps) - k
            # sum over gaps g >= x of (g - x + 1)
            second = (suffix[k] - (x - 1) * count) * x * x
            total += (first + second) * times
        denominator = r * length * (r * length - 1) - squared
        if denominator == 0:
            return 0.0
        return (total * 2.0 / length) / denominator

    def _once(self, which: str, category: Hashable) -> float:
        got = self._done.get((which, category))
        if got is None:
            got = self._done[(which, category)] = (
                self.observed(category) if which == "o" else self.expected(category))
        return got

    def alpha(self, category: Hashable) -> float | None:
        """alpha_U of one category; None when no rater marked any unit of it."""
        if not any(self.units.get(category, [])):
            return None
        d_o, d_e = self._once("o", category), self._once("e", category)
        if d_o == d_e:
            return 0.0
        return 1.0 - d_o / d_e

    def alpha_all(self) -> float | None:
        """alpha_U over all categories: 1 - mean observed / mean expected disagreement."""
        cats = [c for c in self.units if any(self.units[c])]
        if not cats:
            return None
        d_o = sum(self._once("o", c) for c in cats) / len(cats)
        d_e = sum(self._once("e", c) for c in cats) / len(cats)
        if d_o == d_e:
            return 0.0
        return 1.0 - d_o / d_e
