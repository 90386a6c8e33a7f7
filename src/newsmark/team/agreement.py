"""Inter-annotator agreement over a project: per label (and ``*`` for all) and per pair of
annotators, over the documents both annotated (each has at least one annotation in it).

- span F1, exact (same start, end and label) and by overlap (a largest one-to-one matching of
  same-label spans that share a character);
- Cohen's kappa per pair and Fleiss' kappa over all annotators on token labels (TOKENIZER);
- Krippendorff's alpha for unitizing, the spans as units over the documents' characters;
- relations (said_by, cue, stance...): two agree when their ends are matched spans and their
  ``value`` is the same.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, combinations, repeat
from typing import Any

from newsmark.team import CURATOR
from newsmark.team.data import DocWork, Span, gc_paused, load_work
from newsmark.team.measures import (
    Continuum,
    alpha_of,
    cohen_binary,
    cohen_kappa_marginals,
    exact_matching,
    f1,
    fleiss_kappa_table,
    overlap_count,
    overlap_pairs,
)

ALL = "*"
TOKEN_PATTERN = r"\w+|[^\w\s]"
TOKENIZER = f"regex {TOKEN_PATTERN} (words and single punctuation marks)"
# the same tokens (where \w+ does not match, [^\w\s] is \S), ~10% faster on a text of astral characters
_SPLIT = re.compile(r"(\w+|\S)").split
_NONE = ""  # the token label outside every span
_NO_LABELS: frozenset[str] = frozenset()
_NO_RELATIONS: dict[str, Any] = {}
_id = operator.attrgetter("id")
_third = operator.itemgetter(2)


@dataclass(slots=True)
class PairResult:
    a: str
    b: str
    label: str
    documents: int
    count_a: int
    count_b: int
    matched_exact: int
    matched_overlap: int
    f1_exact: float | None
    f1_overlap: float | None
    kappa: float | None
    kind: str = "label"  # or "relation"

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "label": self.label, "kind": self.kind,
                "documents": self.documents, "count_a": self.count_a, "count_b": self.count_b,
                "f1_exact": self.f1_exact, "f1_overlap": self.f1_overlap, "kappa": self.kappa}


@dataclass(slots=True)
class Agreement:
    annotators: list[str]
    documents: int  # documents annotated by at least two of the annotators
    documents_all: int  # documents annotated by every annotator (Fleiss' kappa, alpha_U)
    labels: list[str]
    relation_types: list[str]
    pairs: list[PairResult] = field(default_factory=list)
    alpha_u: dict[str, float | None] = field(default_factory=dict)
    fleiss_kappa: dict[str, float | None] = field(default_factory=dict)
    tokenizer: str = TOKENIZER

    def to_dict(self) -> dict[str, Any]:
        return {"annotators": self.annotators, "documents": self.documents,
                "documents_all_annotators": self.documents_all, "labels": self.labels,
                "relation_types": self.relation_types, "tokenizer": self.tokenizer,
                "pairs": [p.to_dict() for p in self.pairs], "alpha_u": self.alpha_u,
                "fleiss_kappa": self.fleiss_kappa}

    def pair(self, a: str, b: str, label: str) -> PairResult:
        for p in self.pairs:
            if p.label == label and {p.a, p.b} == {a, b}:
                return p
        raise KeyError((a, b, label))


def project_agreement(project: Any, *, labels: Sequence[str] = (), layers: Sequence[str] = (),
                      annotators: Sequence[str] = (), processes: int | None = None) -> Agreement:
    """Agreement of a project's annotators (default: all but the curator).  ``processes``:
    1 counts in this process, 2 in two; by default two for a project large enough to pay for
    the second's start, on a machine with two cores (``team.parallel``)."""
    with gc_paused():
        if processes != 1:
            from newsmark.team.parallel import agreement_in_two

            got = agreement_in_two(project, labels=labels, layers=layers, annotators=annotators,
                                   force=processes is not None and processes > 1)
            if got is not None:
                return got
        work = load_work(project, labels=labels, layers=layers, with_attributes=False)
        return agreement(work, annotators=annotators)


def _token_bounds(text: str) -> tuple[list[int], list[int]]:
    """The tokens' starts and ends, from one regex pass over the text: split gives the gaps
    and the tokens in turn (gap, token, gap, ..., gap), whose running lengths are the offsets."""
    offsets = list(accumulate(map(len, _SPLIT(text))))
    return offsets[0:-1:2], offsets[1::2]


POWERS_MAX = 8192  # tokens: up to this many in a document, 2**k is made once for each k and shared
# by the documents of a count (k/8 bytes each: 4 MiB at most); beyond, shifted for each span (a
# list for a document of a million tokens would take 60 GB)


class _DocView:
    """One document's spans by annotator and label, and its tokens as bit sets (Python ints,
    bit i for token i): per annotator and label the tokens inside one of their spans of that
    label, and the tokens whose label (the longest covering span's, as the CoNLL export's
    outermost span) is that label. Everything is computed once per document, lazily, and
    shared by every pair of annotators."""

    __slots__ = ("doc", "by", "pos", "sets", "present", "ntok", "_starts", "_ends", "_masks", "_labels", "_mine",
                 "end_labels", "_powers")

    def __init__(self, doc: DocWork, annotators: Sequence[str], powers: list[int] | None = None) -> None:
        """``powers``: 2**k for k = 0, 1, ..., a list shared by the documents of a count and
        extended as a document needs (up to ``POWERS_MAX``)."""
        self.doc = doc
        self.by: dict[str, dict[str, list[Span]]] = {}
        self.pos: dict[str, dict[str, list[tuple[int, int]]]] = {}  # per annotator and label: (start, end)
        self.sets: dict[str, dict[str, set[tuple[int, int]]]] = {}  # the same as sets, when asked for
        spans = doc.spans
        for name in annotators:
            per: dict[str, list[Span]] = {}
            for s in spans.get(name, ()):
                got = per.get(s.label)
                if got is None:
                    per[s.label] = [s]
                else:
                    got.append(s)
            self.by[name] = per
            self.pos[name] = {lab: [(x.start, x.end) for x in got] for lab, got in per.items()}
            self.sets[name] = {}
        self.present = [name for name in annotators if spans.get(name)]
        self.ntok = -1
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._masks: dict[str, dict[str, int]] = {}
        self._labels: dict[str, dict[str, int]] = {}
        self._mine: dict[str, dict[str, _Relations]] | None = None
        self._powers: list[int] = [] if powers is None else powers
        self.end_labels: dict[str, set[str]] = {}

    def positions(self, name: str, label: str) -> list[tuple[int, int]]:
        """This annotator's spans of that label as (start, end), in order."""
        return self.pos[name][label]

    def _tokenize(self) -> None:
        self._starts, self._ends = _token_bounds(self.doc.text or "")
        n = self.ntok = len(self._starts)
        power = self._powers
        if len(power) <= n <= POWERS_MAX:
            power.extend([1 << k for k in range(len(power), n + 1)])

    def masks(self, name: str) -> dict[str, int]:
        """Per label, the tokens this annotator put inside a span of that label."""
        got = self._masks.get(name)
        if got is None:
            self._compute(name)
            got = self._masks[name]
        return got

    def labels(self, name: str) -> dict[str, int]:
        """Per token label ("" outside every span), the tokens with that label by this
        annotator: the longest span covering a token wins (the smallest start among equals)."""
        got = self._labels.get(name)
        if got is None:
            self._compute(name)
            got = self._labels[name]
        return got

    def _compute(self, name: str) -> None:
        if self.ntok < 0:
            self._tokenize()
        spans = self.doc.spans.get(name, [])
        n = len(spans)
        starts = [s.start for s in spans]  # (comprehensions: faster than attrgetter on the structs)
        ends = [s.end for s in spans]
        labels = [s.label for s in spans]
        # each span's tokens [i, j), those it touches: i the first token ending after its start,
        # j the first starting at or after its end; as bits, 2**j - 2**i
        first = map(bisect.bisect_right, repeat(self._ends, n), starts)
        stop = map(bisect.bisect_left, repeat(self._starts, n), ends)
        if self.ntok > POWERS_MAX:
            bits = list(map(operator.sub, map(operator.lshift, repeat(1), stop), map(operator.lshift, repeat(1), first)))
        else:
            power = self._powers  # shared: 2**k for k = 0 to this document's number of tokens, or more
            bits = list(map(operator.sub, map(power.__getitem__, stop), map(power.__getitem__, first)))
        if bits and min(bits) < 0:  # a span that ends before it starts: no tokens
            bits = [max(0, m) for m in bits]
        # the longest span first (among equals, the smallest start, then the last given); one
        # pass gives both the tokens inside each label's spans and the tokens each label wins
        ranked = sorted(zip(map(operator.sub, ends, starts), map(operator.neg, starts), range(n), bits, labels,
                            strict=True), reverse=True)
        masks: dict[str, int] = {}
        won: dict[str, int] = {}
        free_tokens = (1 << self.ntok) - 1
        for _, _, _, m, lab in ranked:
            if m:
                got = masks.get(lab)
                masks[lab] = m if got is None else got | m
                free = m & free_tokens
                if free:
                    free_tokens ^= free
                    got = won.get(lab)
                    won[lab] = free if got is None else got | free
        if free_tokens:
            won[_NONE] = free_tokens
        self._masks[name] = masks
        self._labels[name] = won

    def relations(self) -> dict[str, dict[str, _Relations]]:
        """Each annotator's relations (both ends theirs) by type; and (``end_labels``) the
        labels of their ends, per annotator."""
        if self._mine is None:
            owner: dict[str, tuple[str, Span]] = {}  # span id: annotator, span
            for name, spans in self.doc.spans.items():
                owner.update(zip(map(_id, spans), zip(repeat(name), spans), strict=True))
            mine: dict[str, dict[str, _Relations]] = {}
            ends: dict[str, set[str]] = {}
            for ln in self.doc.links:
                fro, to = owner.get(ln.from_id), owner.get(ln.to_id)
                if fro is not None and to is not None and fro[0] == to[0]:
                    who, x = fro
                    y = to[1]
                    value = repr(ln.value())
                    per = mine.get(who)
                    if per is None:
                        per = mine[who] = {}
                    got = per.get(ln.type)
                    if got is None:
                        got = per[ln.type] = _Relations()
                    got.items.append((ln.from_id, ln.to_id, value))
                    got.place_list.append((x.start, x.end, x.label, y.start, y.end, y.label, value))
                    labels = ends.get(who)
                    if labels is None:
                        labels = ends[who] = set()
                    labels.add(x.label)
                    labels.add(y.label)
            self._mine = mine
            self.end_labels = ends
        return self._mine


class _Relations:
    """An annotator's relations of one type in a document: (from, to, repr(value)) each, and
    with their ends' places and labels instead of ids; counted when first asked for (by the
    first pair the annotator is in)."""

    __slots__ = ("items", "place_list", "_ids", "_places")

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []
        self.place_list: list[tuple[int, int, str, int, int, str, str]] = []
        self._ids: Counter[tuple[str, str, str]] | None = None
        self._places: Counter[tuple[int, int, str, int, int, str, str]] | None = None

    def ids(self) -> Counter[tuple[str, str, str]]:
        if self._ids is None:
            self._ids = Counter(self.items)
        return self._ids

    def places(self) -> Counter[tuple[int, int, str, int, int, str, str]]:
        if self._places is None:
            self._places = Counter(self.place_list)
        return self._places


def annotators_of(work: Sequence[DocWork]) -> set[str]:
    """The annotators with work in these documents, but the curator."""
    return {a for d in work for a in d.annotators() if a != CURATOR}


def agreement(work: Sequence[DocWork], *, annotators: Sequence[str] = ()) -> Agreement:
    names = list(annotators) or sorted(annotators_of(work))
    return tally(work, names).result()


@dataclass(slots=True)
class _PairTally:
    """One pair of annotators' counts over some documents (all sums: parts add up)."""

    documents: int = 0
    tokens: int = 0
    counts: dict[str, list[int]] = field(default_factory=dict)  # label: |A|, |B|, exact, overlap
    kappa: dict[str, list[int]] = field(default_factory=dict)  # label: tokens inside by A, B, both
    # Cohen's kappa over token labels: the tokens both gave the same label, each one's tokens by label
    token_agree: int = 0
    token_labels: tuple[Counter[str], Counter[str]] = field(default_factory=lambda: (Counter(), Counter()))
    relations: dict[str, list[int]] = field(default_factory=dict)  # type: |A|, |B|, exact, overlap

    def add(self, other: _PairTally) -> None:
        self.documents += other.documents
        self.tokens += other.tokens
        for mine, theirs in ((self.counts, other.counts), (self.kappa, other.kappa),
                             (self.relations, other.relations)):
            for key, values in theirs.items():
                got = mine.get(key)
                if got is None:
                    mine[key] = list(values)
                else:
                    for i, x in enumerate(values):
                        got[i] += x
        self.token_agree += other.token_agree
        self.token_labels[0].update(other.token_labels[0])
        self.token_labels[1].update(other.token_labels[1])

    def results(self, a: str, b: str, labels: list[str]) -> list[PairResult]:
        n_docs, tokens = self.documents, self.tokens
        out = []
        tot = [0, 0, 0, 0]
        for lab in labels:
            c = self.counts.get(lab, [0, 0, 0, 0])
            for i in range(4):
                tot[i] += c[i]
            k = self.kappa.get(lab, [0, 0, 0])
            out.append(PairResult(a, b, lab, n_docs, c[0], c[1], c[2], c[3], f1(c[2], c[0], c[1]),
                                  f1(c[3], c[0], c[1]), cohen_binary(tokens, k[0], k[1], k[2]) if tokens else None))
        out.insert(0, PairResult(a, b, ALL, n_docs, tot[0], tot[1], tot[2], tot[3], f1(tot[2], tot[0], tot[1]),
                                 f1(tot[3], tot[0], tot[1]), cohen_kappa_marginals(self.token_agree, *self.token_labels)))
        for rtype in sorted(self.relations):
            c = self.relations[rtype]
            out.append(PairResult(a, b, rtype, n_docs, c[0], c[1], c[2], c[3], f1(c[2], c[0], c[1]),
                                  f1(c[3], c[0], c[1]), None, kind="relation"))
        return out


@dataclass(slots=True)
class Tally:
    """Everything agreement counts over some documents (in project order) for a given list of
    annotators: sums and sufficient statistics, so that the tallies of consecutive parts of a
    project, added in order (``add``), give exactly the figures of the whole (``result``)."""

    annotators: list[str]
    documents: int = 0  # annotated by at least two
    labels: set[str] = field(default_factory=set)
    relation_types: set[str] = field(default_factory=set)
    pairs: dict[tuple[str, str], _PairTally] = field(default_factory=dict)
    # over the documents every annotator annotated: Fleiss' kappa and alpha_U
    documents_all: int = 0
    tokens_all: int = 0
    levels: dict[str, Counter[int]] = field(default_factory=dict)  # label: tokens by how many marked them
    combinations: Counter[tuple[str, ...]] = field(default_factory=Counter)  # token labels, per annotator: tokens
    length_all: int = 0  # characters
    continua: dict[str, Continuum] = field(default_factory=dict)  # label: its units over those documents

    def add(self, later: Tally) -> None:
        """Add the tally of the documents that follow these in the project."""
        if later.annotators != self.annotators:
            raise ValueError("tallies of different annotators")
        self.documents += later.documents
        self.labels |= later.labels
        self.relation_types |= later.relation_types
        for key, p in later.pairs.items():
            self.pairs.setdefault(key, _PairTally()).add(p)
        self.documents_all += later.documents_all
        self.tokens_all += later.tokens_all
        for lab, by_k in later.levels.items():
            self.levels.setdefault(lab, Counter()).update(by_k)
        self.combinations.update(later.combinations)
        r = len(self.annotators)
        for lab in self.continua.keys() | later.continua.keys():
            before = self.continua.get(lab) or Continuum.empty(r, self.length_all)
            after = later.continua.get(lab) or Continuum.empty(r, later.length_all)
            self.continua[lab] = before.then(after)
        self.length_all += later.length_all

    def result(self) -> Agreement:
        """The figures of these documents."""
        names = self.annotators
        labels = sorted(self.labels)
        result = Agreement(annotators=list(names), documents=self.documents, documents_all=self.documents_all,
                           labels=labels, relation_types=sorted(self.relation_types))
        for a, b in combinations(names, 2):
            result.pairs += self.pairs.get((a, b), _PairTally()).results(a, b, labels)
        r = len(names)
        if not self.documents_all or r < 2:
            result.fleiss_kappa = {lab: None for lab in [ALL, *labels]}
            result.alpha_u = {lab: None for lab in [ALL, *labels]}
            return result
        # Fleiss per label: tokens by how many annotators put them inside a span of that label
        tokens = self.tokens_all
        fleiss: dict[str, float | None] = {}
        for lab in labels:
            by_k = self.levels.get(lab, Counter())
            rows = [((r - k, k), n) for k, n in by_k.items()]
            rows.append(((r, 0), tokens - sum(by_k.values())))
            fleiss[lab] = fleiss_kappa_table(rows)
        # Fleiss over all labels: the annotators' token labels as category counts
        cats = {lab: i for i, lab in enumerate([_NONE, *labels])}
        table: Counter[tuple[int, ...]] = Counter()
        for combination, n in self.combinations.items():
            row = [0] * len(cats)
            for lab in combination:
                row[cats[lab]] += 1
            table[tuple(row)] += n
        result.fleiss_kappa = {ALL: fleiss_kappa_table(table.items()), **fleiss}
        # alpha_U: the documents one after another as one continuum of characters
        pad = Continuum.empty(r, 1 if self.length_all == 0 else 0)  # a continuum of at least 1
        continua = {lab: (self.continua.get(lab) or Continuum.empty(r, self.length_all)).then(pad)
                    for lab in labels}
        result.alpha_u = {ALL: alpha_of(list(continua.values())),
                          **{lab: alpha_of([c]) for lab, c in continua.items()}}
        return result


def tally(work: Sequence[DocWork], names: Sequence[str], *, keep: list[object] | None = None) -> Tally:
    """The tally of these documents (in project order) for these annotators.  ``keep`` receives
    the per-document working data (token bit sets...), for the caller to free when it has time
    (freeing them takes ~2% of the work)."""
    names = list(names)
    powers: list[int] = []
    views = [_DocView(d, names, powers) for d in work]
    if keep is not None:
        keep.append(views)
    views = [v for v in views if len(v.present) >= 2]
    out = Tally(names, documents=len(views))
    out.labels = {lab for v in views for n in v.present for lab in v.by[n]}
    out.relation_types = {ln.type for v in views for ln in v.doc.links}
    for a, b in combinations(names, 2):
        shared = [v for v in views if a in v.present and b in v.present]
        out.pairs[(a, b)] = _pair(a, b, shared)
    all_docs = [v for v in views if len(v.present) == len(names)]
    if all_docs and len(names) >= 2:
        _multi(out, all_docs, names)
    return out


def _pair(a: str, b: str, shared: list[_DocView]) -> _PairTally:
    out = _PairTally(documents=len(shared))
    counts = out.counts  # label: |A|, |B|, exact, overlap
    kappa_counts = out.kappa  # label: A, B, both (tokens: ``out.tokens``)
    tokens = 0
    agree = 0
    labels_a, labels_b = out.token_labels
    rel_counts = out.relations
    for v in shared:
        pos_a, pos_b = v.pos[a], v.pos[b]
        sets_a, sets_b = v.sets[a], v.sets[b]
        rels = v.relations() if v.doc.links else {}
        # the labels whose spans need matching one by one: the ends of A's relations, where B has some
        ends = v.end_labels.get(a, _NO_LABELS) if rels.get(a) and rels.get(b) else _NO_LABELS
        map_overlap: dict[str, str] = {}
        twins = False  # identical spans (place and label) of one annotator among the relations' ends
        for lab in pos_a.keys() | pos_b.keys():
            pa, pb = pos_a.get(lab), pos_b.get(lab)
            c = counts.get(lab)
            if c is None:
                c = counts[lab] = [0, 0, 0, 0]
            if pa is None or pb is None:
                if pa is not None:
                    c[0] += len(pa)
                elif pb is not None:
                    c[1] += len(pb)
                continue
            c[0] += len(pa)
            c[1] += len(pb)
            mapped = lab in ends
            if pa == pb and all(s < e for s, e in pa):  # the same spans: both matchings pair them in order
                c[2] += len(pa)
                c[3] += len(pa)
                if mapped:
                    map_overlap.update(zip(map(_id, v.by[a][lab]), map(_id, v.by[b][lab]), strict=True))
                    twins = twins or len(set(pa)) < len(pa)
                continue
            if mapped:
                ov = overlap_pairs(pa, pb)
                c[3] += len(ov)
                sa, sb = v.by[a][lab], v.by[b][lab]
                for i, j in ov:
                    map_overlap[sa[i].id] = sb[j].id
            else:
                c[3] += overlap_count(pa, pb)
            # exact matches: identical spans, one-to-one (Counter's & where one has twins); each
            # annotator's set made once for the pairs it is in
            set_a = sets_a.get(lab)
            if set_a is None:
                set_a = sets_a[lab] = set(pa)
            set_b = sets_b.get(lab)
            if set_b is None:
                set_b = sets_b[lab] = set(pb)
            if len(set_a) == len(pa) and len(set_b) == len(pb):
                c[2] += len(set_a & set_b)
            else:
                c[2] += sum((Counter(pa) & Counter(pb)).values())
                twins = twins or mapped
        ma, mb = v.masks(a), v.masks(b)
        tokens += v.ntok
        for lab, m in ma.items():
            k = kappa_counts.get(lab)
            if k is None:
                k = kappa_counts[lab] = [0, 0, 0]
            k[0] += m.bit_count()
            other = mb.get(lab)
            if other is not None:
                k[2] += (m & other).bit_count()
        for lab, m in mb.items():
            k = kappa_counts.get(lab)
            if k is None:
                k = kappa_counts[lab] = [0, 0, 0]
            k[1] += m.bit_count()
        la, lb = v.labels(a), v.labels(b)
        for lab, m in la.items():
            labels_a[lab] += m.bit_count()
            other = lb.get(lab)
            if other is not None:
                agree += (m & other).bit_count()
        for lab, m in lb.items():
            labels_b[lab] += m.bit_count()
        if rels:
            # relations whose ends match exactly are those whose ends have the same places and
            # labels; but twins are matched one by one, in order, as exact_matching pairs them
            map_exact: dict[str, str] | None = None
            if twins:
                map_exact = {}
                for lab in ends:
                    ta, tb = v.by[a].get(lab), v.by[b].get(lab)
                    if ta and tb:
                        for i, j in exact_matching(v.positions(a, lab), v.positions(b, lab)):
                            map_exact[ta[i].id] = tb[j].id
            _relations(rels.get(a, _NO_RELATIONS), rels.get(b, _NO_RELATIONS), map_exact, map_overlap, rel_counts)
    out.tokens = tokens
    out.token_agree = agree
    return out


def _relations(mine_a: dict[str, _Relations], mine_b: dict[str, _Relations], map_exact: dict[str, str] | None,
               map_overlap: dict[str, str], counts: dict[str, list[int]]) -> None:
    """Count each annotator's relations by type and those of A that B has too (ends matched,
    same value): exactly matched ends (``map_exact`` None: the ends' places and labels the
    same), and ends matched by overlap."""
    for rtype in mine_a.keys() | mine_b.keys():
        c = counts.setdefault(rtype, [0, 0, 0, 0])
        ra, rb = mine_a.get(rtype), mine_b.get(rtype)
        if ra is not None:
            c[0] += len(ra.items)
        if rb is None:
            continue
        c[1] += len(rb.items)
        if ra is None:
            continue
        if map_exact is None:
            c[2] += sum((ra.places() & rb.places()).values())
        for slot, mapping in ((2, map_exact), (3, map_overlap)):
            if mapping is None:
                continue
            left = rb.ids().copy()
            for f, t, val in ra.items:
                key = (mapping.get(f, ""), mapping.get(t, ""), val)
                if left.get(key, 0) > 0:
                    left[key] -= 1
                    c[slot] += 1


def _multi(out: Tally, docs: list[_DocView], names: list[str]) -> None:
    """Fleiss' kappa's and alpha_U's counts over the documents every annotator annotated."""
    r = len(names)
    # Fleiss: per label, tokens by how many annotators put them inside a span of that label
    by_level = out.levels
    tokens = 0
    rows = out.combinations
    for v in docs:
        sets = [v.masks(name) for name in names]
        tokens += v.ntok
        for lab in {lab for m in sets for lab in m}:
            at_least = [0] * (r + 1)  # at_least[k]: tokens that k annotators or more marked
            for m in sets:
                mask = m.get(lab, 0)
                if mask:
                    for k in range(r, 1, -1):
                        at_least[k] |= at_least[k - 1] & mask
                    at_least[1] |= mask
            by_k = by_level.get(lab)
            if by_k is None:
                by_k = by_level[lab] = Counter()
            counts = [x.bit_count() for x in at_least]
            for k in range(1, r + 1):
                n = counts[k] - (counts[k + 1] if k < r else 0)
                if n:
                    by_k[k] += n
        # every annotator's token labels together: how many tokens have each combination
        _combinations(rows, [list(v.labels(name).items()) for name in names], 0, -1, [])
    out.documents_all = len(docs)
    out.tokens_all = tokens
    # alpha_U: the documents one after another as one continuum of characters; each rater's
    # units of a label as chunks, a document's spans with the document's offset in the continuum
    units: dict[str, list[list[tuple[int, list[tuple[int, int]]]]]] = {}
    base = 0
    for v in docs:
        for i, name in enumerate(names):
            for lab, pos in v.pos[name].items():
                per = units.get(lab)
                if per is None:
                    per = units[lab] = [[] for _ in names]
                per[i].append((base, pos))
        base += v.doc.length
    out.length_all = base
    out.continua = {lab: Continuum.of_chunks(per, 0, base) for lab, per in units.items()}


def _combinations(rows: Counter[tuple[str, ...]], per: list[list[tuple[str, int]]], depth: int, mask: int,
                  path: list[str]) -> None:
    """Add to ``rows`` the tokens of each combination of the annotators' token labels (per
    annotator from ``depth`` on: label and its tokens as a bit set)."""
    last = depth == len(per) - 1
    for lab, m in per[depth]:
        both = mask & m
        if both:
            path.append(lab)
            if last:
                rows[tuple(path)] += both.bit_count()
            else:
                _combinations(rows, per, depth + 1, both, path)
            path.pop()
