"""Agreement coefficients on plain data (no store): Cohen's kappa, Fleiss' kappa, span F1
(exact and by a largest one-to-one matching of overlapping spans) and Krippendorff's alpha for
unitizing (Krippendorff 1995, 2004, as DKPro Agreement's KrippendorffAlphaUnitizingAgreement
computes it).  Every function returns None where the measure is undefined (no data, or no
variation to correct for chance): disjoint or empty work is never reported as agreement."""

from __future__ import annotations

import bisect
import operator
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeVar

Span = tuple[int, int]  # start, end (end exclusive)
K = TypeVar("K", bound=Hashable)


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
    the overlapping unmatched span of the other side that ends first (the one that starts
    first among those: an identical one if there is one).  This is maximum: if a largest
    matching pairs that first span x elsewhere, or its partner y elsewhere, swapping keeps every
    pair overlapping (anything y was paired with ends no earlier than x, and starts before y
    ends), so one with (x, y) is as large.  In the order of (end, start), the spans after x
    all end no earlier than x: the first of the other side that starts before x ends is y.

    Computed in one pass over that order (``_sweep``): each span still unmatched when its turn
    comes waits; a span arriving is taken by the first waiting span of the other side that it
    starts before the end of (the waiting ones, in order, end no later than it: they are the
    earlier x that would have scanned on to it), or waits in turn."""
    pairs = overlap_pairs(a, b)
    pairs.sort()
    return pairs


def overlap_pairs(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """The pairs of ``overlap_matching(a, b)``, in the order the sweep finds them."""
    if not a or not b:
        return []
    return _sweep(a, b)


def overlap_count(a: Sequence[Span], b: Sequence[Span]) -> int:
    """The size of ``overlap_matching(a, b)``: the same sweep, without the pairs."""
    if not a or not b:
        return 0
    items = sorted([(e, s, 0) for s, e in a] + [(e, s, 1) for s, e in b])
    ends_a: list[int] = []
    ends_b: list[int] = []
    count = 0
    for end, start, side in items:
        if side:
            k = bisect.bisect_right(ends_a, start)
            if k < len(ends_a):
                del ends_a[k]
                count += 1
            else:
                ends_b.append(end)
        else:
            k = bisect.bisect_right(ends_b, start)
            if k < len(ends_b):
                del ends_b[k]
                count += 1
            else:
                ends_a.append(end)
    return count


def _sweep(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    items = sorted([(e, s, 0, i) for i, (s, e) in enumerate(a)] + [(e, s, 1, j) for j, (s, e) in enumerate(b)])
    # per side the unmatched spans whose turn has come: their ends (in order) and indexes
    ends_a: list[int] = []
    ends_b: list[int] = []
    idx_a: list[int] = []
    idx_b: list[int] = []
    pairs = []
    for end, start, side, idx in items:
        if side:
            k = bisect.bisect_right(ends_a, start)  # the first waiting span of a that ends after this starts
            if k < len(ends_a):
                del ends_a[k]
                pairs.append((idx_a.pop(k), idx))
            else:
                ends_b.append(end)
                idx_b.append(idx)
        else:
            k = bisect.bisect_right(ends_b, start)
            if k < len(ends_b):
                del ends_b[k]
                pairs.append((idx, idx_b.pop(k)))
            else:
                ends_a.append(end)
                idx_a.append(idx)
    return pairs


def cohen_kappa_counts(pairs: Mapping[tuple[Hashable, Hashable], int]) -> float | None:
    """Cohen's kappa from counts of (category by rater A, category by rater B) over items."""
    agree = sum(c for (x, y), c in pairs.items() if x == y)
    ma: Counter[Hashable] = Counter()
    mb: Counter[Hashable] = Counter()
    for (x, y), c in pairs.items():
        ma[x] += c
        mb[y] += c
    return cohen_kappa_marginals(agree, ma, mb)


def cohen_kappa_marginals(agree: int, ma: Mapping[K, int], mb: Mapping[K, int]) -> float | None:
    """Cohen's kappa from what it needs of the counts of (A's category, B's category): the
    items both put in the same category (``agree``) and each rater's items per category (the
    same figure as ``cohen_kappa_counts`` of the whole table: integer sums, then divisions)."""
    n = sum(ma.values())
    if n == 0:
        return None
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
    the same number of ratings (at least two).  The sums are of integers, so the figure does
    not depend on the order of the rows (tallies of parts of a project added in any order)."""
    items = 0
    raters = None
    totals: Counter[int] = Counter()
    agreeing = 0  # sum over items of the pairs of ratings that agree, times two
    for counts, times in rows:
        m = sum(counts)
        if raters is None:
            raters = m
        elif m != raters:
            raise ValueError("Fleiss' kappa needs the same number of ratings for every item")
        items += times
        for k, c in enumerate(counts):
            totals[k] += c * times
        agreeing += times * (sum(c * c for c in counts) - m)
    if not items or raters is None or raters < 2:
        return None
    p_bar = agreeing / (raters * (raters - 1)) / items
    pe = sum((t / (items * raters)) ** 2 for _, t in sorted(totals.items()))
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


def _pair_observed(s1: list[int], e1: list[int], s2: list[int], e2: list[int]) -> int:
    """The observed distances between two raters' units (each joined, in order: starts and ends)."""
    total = 0
    n2 = len(s2)
    hit2 = [False] * n2
    j0 = 0
    for a, b in zip(s1, e1, strict=True):
        while j0 < n2 and e2[j0] <= a:
            j0 += 1
        j = j0
        hit = False
        while j < n2 and s2[j] < b:
            bd = a - s2[j]
            ed = b - e2[j]  # = bd + (l1 - l2)
            total += bd * bd + ed * ed
            hit2[j] = hit = True
            j += 1
        if not hit:
            total += (b - a) * (b - a)
    for a, b, h in zip(s2, e2, hit2, strict=True):
        if not h:
            total += (b - a) * (b - a)
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
    starts, ends = _joined([(0, sorted(units))])
    return list(zip(starts, ends, strict=True))


def _joined(chunks: Iterable[tuple[int, Sequence[Span]]]) -> tuple[list[int], list[int]]:
    """One rater's units of one category, overlapping ones joined, as their starts and ends:
    from chunks of units (each moved by its offset) that are in order once moved (as sorted()
    orders them: a document's spans in order, the documents one after another)."""
    starts: list[int] = []
    ends: list[int] = []
    last_s, last_e = -1, -1
    for base, units in chunks:
        for s, e in units:
            s += base
            e += base
            if s < last_e:
                if s < last_s:  # a unit out of order (before the one it would join)
                    raise ValueError("units out of order")
                if e > last_e:
                    last_e = e
            else:
                if last_e >= 0:
                    starts.append(last_s)
                    ends.append(last_e)
                last_s, last_e = s, e
    if last_e >= 0:
        starts.append(last_s)
        ends.append(last_e)
    return starts, ends


@dataclass(slots=True)
class Continuum:
    """What alpha_U needs of one category over a stretch of the continuum, from the raters'
    units in it: the observed distances (summed over pairs of raters), the units' lengths, and
    each rater's gaps (the stretch before its first unit and after its last kept apart, as
    they join the next stretch's).  Stretches laid one after another (``then``) give the same
    figures as the whole continuum at once, when no unit crosses from one into the next: the
    documents of a project can be counted in parts (in two processes) and added up."""

    raters: int
    length: int
    observed: int
    lengths: Counter[int]
    lead: list[int]  # per rater: the gap before its first unit (the whole stretch if it has none)
    gaps: list[Counter[int]]  # per rater: the gaps between its units
    trail: list[int]  # per rater: the gap after its last unit
    marked: list[bool]  # per rater: whether it has a unit in the stretch

    @classmethod
    def empty(cls, raters: int, length: int) -> Continuum:
        return cls(raters, length, 0, Counter(), [length] * raters, [Counter() for _ in range(raters)],
                   [0] * raters, [False] * raters)

    @classmethod
    def of(cls, per_rater: Sequence[Iterable[Span]], begin: int, length: int) -> Continuum:
        """The stretch [begin, begin + length) with each rater's units (any order; a rater's
        overlapping units are joined)."""
        return cls.of_chunks([[(0, sorted(u))] for u in per_rater], begin, length)

    @classmethod
    def of_chunks(cls, per_rater: Sequence[Iterable[tuple[int, Sequence[Span]]]], begin: int,
                  length: int) -> Continuum:
        """The same, each rater's units given in order as chunks, each with the offset that
        moves its units into the stretch (``_joined``): the documents of a project, one after
        another, each with its units in order, without a list of the moved units made first."""
        merged = [_joined(u) for u in per_rater]
        r = len(merged)
        observed = 0
        for r1 in range(r):
            for r2 in range(r1 + 1, r):
                observed += _pair_observed(*merged[r1], *merged[r2])
        lengths: Counter[int] = Counter()
        lead: list[int] = []
        gaps: list[Counter[int]] = []
        trail: list[int] = []
        marked: list[bool] = []
        end = begin + length
        for starts, ends in merged:
            lengths.update(map(operator.sub, ends, starts))
            if not starts:
                lead.append(length)
                gaps.append(Counter())
                trail.append(0)
                marked.append(False)
                continue
            lead.append(starts[0] - begin)
            # the gaps between its units (joined: none overlaps the next)
            gaps.append(Counter(filter(None, map(operator.sub, starts[1:], ends[:-1]))))
            trail.append(end - ends[-1])
            marked.append(True)
        return cls(r, length, observed, lengths, lead, gaps, trail, marked)

    def then(self, other: Continuum) -> Continuum:
        """This stretch followed by ``other``."""
        lead: list[int] = []
        gaps: list[Counter[int]] = []
        trail: list[int] = []
        marked: list[bool] = []
        for i in range(self.raters):
            if not self.marked[i]:
                lead.append(self.lead[i] + other.lead[i])
                gaps.append(other.gaps[i].copy())
                trail.append(other.trail[i])
                marked.append(other.marked[i])
                continue
            lead.append(self.lead[i])
            got = self.gaps[i] + other.gaps[i]
            if other.marked[i]:
                if self.trail[i] + other.lead[i] > 0:
                    got[self.trail[i] + other.lead[i]] += 1
                trail.append(other.trail[i])
            else:
                trail.append(self.trail[i] + other.length)
            gaps.append(got)
            marked.append(True)
        return Continuum(self.raters, self.length + other.length, self.observed + other.observed,
                         self.lengths + other.lengths, lead, gaps, trail, marked)

    def has_units(self) -> bool:
        return any(self.marked)

    def observed_disagreement(self) -> float:
        """D_O: over each pair of raters, Krippendorff's distance of every pair of overlapping
        segments.  Only two kinds are non-zero: two overlapping units, and a unit lying inside
        the other rater's gap, i.e. overlapping none of their units (the sweep over units alone
        gives the same sum as DKPro's sweep over units and gaps)."""
        r, length = self.raters, self.length
        return 2.0 * self.observed / (r * (r - 1) * length * length)

    def expected_disagreement(self) -> float:
        """D_E, from the units' lengths and the gaps' (integer sums, then one division)."""
        r, length = self.raters, self.length
        gaps: Counter[int] = Counter()
        for i in range(r):
            gaps.update(self.gaps[i])
            for g in (self.lead[i], self.trail[i]):
                if g > 0:
                    gaps[g] += 1
        lengths = self.lengths
        n_c = sum(lengths.values())
        squared = sum(x * (x - 1) * times for x, times in lengths.items())
        sizes = sorted(gaps)
        # from the longest gap down: how many gaps are at least sizes[k] long, and their sum
        count_from = list(accumulate(gaps[g] for g in reversed(sizes)))[::-1] + [0]
        sum_from = list(accumulate(g * gaps[g] for g in reversed(sizes)))[::-1] + [0]
        total = 0
        for x, times in lengths.items():  # units of one length contribute alike
            first = (n_c - 1) * (x * (x - 1) * (2 * x - 1)) // 3
            k = bisect.bisect_left(sizes, x)
            # sum over gaps g >= x of (g - x + 1)
            second = (sum_from[k] - (x - 1) * count_from[k]) * x * x
            total += (first + second) * times
        denominator = r * length * (r * length - 1) - squared
        if denominator == 0:
            return 0.0
        return (total * 2.0 / length) / denominator


def alpha_of(continua: Sequence[Continuum]) -> float | None:
    """alpha_U over the given categories' continua (one: that category's alpha; several: 1 -
    mean observed / mean expected disagreement); None when no rater marked a unit in any."""
    cats = [c for c in continua if c.has_units()]
    if not cats:
        return None
    d_o = sum(c.observed_disagreement() for c in cats) / len(cats)
    d_e = sum(c.expected_disagreement() for c in cats) / len(cats)
    if d_o == d_e:
        return 0.0
    return 1.0 - d_o / d_e


class Unitizing:
    """A unitizing study: ``raters`` coders, a continuum [begin, begin + length), and per
    category each rater's units.  Observed and expected disagreement per category as in
    Krippendorff (1995, 2004) and DKPro Agreement."""

    def __init__(self, raters: int, begin: int, length: int) -> None:
        self.raters = raters
        self.begin = begin
        self.length = length
        self.units: dict[Hashable, list[list[Span]]] = {}
        self._continua: dict[Hashable, Continuum] = {}  # computed once

    def add(self, rater: int, start: int, length: int, category: Hashable) -> None:
        self._continua.pop(category, None)
        per = self.units.setdefault(category, [[] for _ in range(self.raters)])
        per[rater].append((start, start + length))

    def set_units(self, category: Hashable, per_rater: list[list[Span]]) -> None:
        """All units of a category at once: for each rater, (start, end) pairs."""
        self._continua.pop(category, None)
        self.units[category] = per_rater

    def categories(self) -> list[Hashable]:
        return list(self.units)

    def continuum(self, category: Hashable) -> Continuum:
        got = self._continua.get(category)
        if got is None:
            got = self._continua[category] = Continuum.of(
                self.units.get(category, [[] for _ in range(self.raters)]), self.begin, self.length)
        return got

    def observed(self, category: Hashable) -> float:
        return self.continuum(category).observed_disagreement()

    def expected(self, category: Hashable) -> float:
        return self.continuum(category).expected_disagreement()

    def alpha(self, category: Hashable) -> float | None:
        """alpha_U of one category; None when no rater marked any unit of it."""
        return alpha_of([self.continuum(category)])

    def alpha_all(self) -> float | None:
        """alpha_U over all categories: 1 - mean observed / mean expected disagreement."""
        return alpha_of([self.continuum(c) for c in self.units])
