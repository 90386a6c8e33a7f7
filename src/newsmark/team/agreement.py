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
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from newsmark.team import CURATOR
from newsmark.team.data import DocWork, Span, load_work
from newsmark.team.measures import (
    Unitizing,
    cohen_binary,
    cohen_kappa_counts,
    exact_matching,
    f1,
    fleiss_kappa_table,
    overlap_matching,
)

ALL = "*"
TOKEN_PATTERN = r"\w+|[^\w\s]"
TOKENIZER = f"regex {TOKEN_PATTERN} (words and single punctuation marks)"
_TOKEN = re.compile(TOKEN_PATTERN)
_NONE = ""  # the token label outside every span


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
                      annotators: Sequence[str] = ()) -> Agreement:
    """Agreement of a project's annotators (default: all but the curator)."""
    work = load_work(project, labels=labels, layers=layers)
    return agreement(work, annotators=annotators)


class _Tokens:
    __slots__ = ("starts", "ends")

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in _TOKEN.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The tokens a character span touches, as [first, last + 1)."""
        return bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(ranges):
        if s >= e:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _size(ranges: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in ranges)


def _intersection(x: list[tuple[int, int]], y: list[tuple[int, int]]) -> int:
    i = j = total = 0
    while i < len(x) and j < len(y):
        lo, hi = max(x[i][0], y[j][0]), min(x[i][1], y[j][1])
        if hi > lo:
            total += hi - lo
        if x[i][1] <= y[j][1]:
            i += 1
        else:
            j += 1
    return total


class _DocView:
    """One document's spans by annotator and label, its tokens and token labels (lazily)."""

    def __init__(self, doc: DocWork, annotators: Sequence[str]) -> None:
        self.doc = doc
        self.by: dict[str, dict[str, list[Span]]] = {}
        for name in annotators:
            per: dict[str, list[Span]] = {}
            for s in doc.spans.get(name, ()):
                per.setdefault(s.label, []).append(s)
            self.by[name] = per
        self.present = [name for name in annotators if doc.spans.get(name)]
        self._tokens: _Tokens | None = None
        self._ranges: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self._labels: dict[str, list[str]] = {}

    @property
    def tokens(self) -> _Tokens:
        if self._tokens is None:
            self._tokens = _Tokens(self.doc.text or "")
        return self._tokens

    def token_ranges(self, name: str, label: str) -> list[tuple[int, int]]:
        key = (name, label)
        got = self._ranges.get(key)
        if got is None:
            tok = self.tokens
            got = self._ranges[key] = _union([tok.span(s.start, s.end) for s in self.by[name].get(label, ())])
        return got

    def token_labels(self, name: str) -> list[str]:
        """Each token's label by this annotator: the longest span covering it wins (as the
        CoNLL export's outermost span), "" outside every span."""
        got = self._labels.get(name)
        if got is None:
            tok = self.tokens
            got = [_NONE] * len(tok)
            spans = sorted(self.doc.spans.get(name, ()), key=lambda s: (s.end - s.start, -s.start))
            for s in spans:
                i, j = tok.span(s.start, s.end)
                if j > i:
                    got[i:j] = [s.label] * (j - i)
            self._labels[name] = got
        return got


def agreement(work: Sequence[DocWork], *, annotators: Sequence[str] = ()) -> Agreement:
    names = list(annotators) or sorted({a for d in work for a in d.annotators() if a != CURATOR})
    views = [_DocView(d, names) for d in work]
    views = [v for v in views if len(v.present) >= 2]
    labels = sorted({s.label for v in views for n in v.present for s in v.doc.spans[n]})
    ids_in = {n: {s.id for v in views for s in v.doc.spans.get(n, ())} for n in names}
    rtypes = sorted({ln.type for v in views for ln in v.doc.links})
    all_docs = [v for v in views if len(v.present) == len(names)]
    result = Agreement(annotators=names, documents=len(views), documents_all=len(all_docs),
                       labels=labels, relation_types=rtypes)
    del ids_in
    for a, b in combinations(names, 2):
        shared = [v for v in views if a in v.present and b in v.present]
        result.pairs += _pair(a, b, shared, labels)
    _multi(result, all_docs, names, labels)
    return result


def _pair(a: str, b: str, shared: list[_DocView], labels: list[str]) -> list[PairResult]:
    n_docs = len(shared)
    counts = {lab: [0, 0, 0, 0] for lab in labels}  # |A|, |B|, exact, overlap
    kappa_counts = {lab: [0, 0, 0, 0] for lab in labels}  # tokens, A, B, both
    all_pairs: Counter[tuple[Any, Any]] = Counter()
    rel_counts: dict[str, list[int]] = {}
    for v in shared:
        by_a, by_b = v.by[a], v.by[b]
        map_exact: dict[str, str] = {}
        map_overlap: dict[str, str] = {}
        ntok = len(v.tokens)
        links = bool(v.doc.links)
        for lab in labels:
            sa, sb = by_a.get(lab, []), by_b.get(lab, [])
            c = counts[lab]
            c[0] += len(sa)
            c[1] += len(sb)
            if sa and sb:
                pa = [(x.start, x.end) for x in sa]
                pb = [(x.start, x.end) for x in sb]
                ov = overlap_matching(pa, pb)
                c[3] += len(ov)
                if links:
                    ex = exact_matching(pa, pb)
                    for i, j in ex:
                        map_exact[sa[i].id] = sb[j].id
                    for i, j in ov:
                        map_overlap[sa[i].id] = sb[j].id
                    c[2] += len(ex)
                else:
                    set_a, set_b = set(pa), set(pb)
                    if len(set_a) == len(pa) and len(set_b) == len(pb):
                        c[2] += len(set_a & set_b)
                    else:
                        c[2] += sum((Counter(pa) & Counter(pb)).values())
            k = kappa_counts[lab]
            k[0] += ntok
            ra, rb = v.token_ranges(a, lab), v.token_ranges(b, lab)
            k[1] += _size(ra)
            k[2] += _size(rb)
            k[3] += _intersection(ra, rb)
        all_pairs.update(zip(v.token_labels(a), v.token_labels(b), strict=True))
        if links:
            _relations(v, a, b, map_exact, map_overlap, rel_counts)
    out = []
    tot = [0, 0, 0, 0]
    for lab in labels:
        c = counts[lab]
        for i in range(4):
            tot[i] += c[i]
        k = kappa_counts[lab]
        out.append(PairResult(a, b, lab, n_docs, c[0], c[1], c[2], c[3], f1(c[2], c[0], c[1]),
                              f1(c[3], c[0], c[1]), cohen_binary(k[0], k[1], k[2], k[3]) if k[0] else None))
    out.insert(0, PairResult(a, b, ALL, n_docs, tot[0], tot[1], tot[2], tot[3], f1(tot[2], tot[0], tot[1]),
                             f1(tot[3], tot[0], tot[1]), cohen_kappa_counts(all_pairs)))
    for rtype in sorted(rel_counts):
        c = rel_counts[rtype]
        out.append(PairResult(a, b, rtype, n_docs, c[0], c[1], c[2], c[3], f1(c[2], c[0], c[1]),
                              f1(c[3], c[0], c[1]), None, kind="relation"))
    return out


def _relations(v: _DocView, a: str, b: str, map_exact: dict[str, str], map_overlap: dict[str, str],
               counts: dict[str, list[int]]) -> None:
    """Count each annotator's relations by type and those of A that B has too (ends matched,
    same value): exactly matched ends, and ends matched by overlap."""
    owner: dict[str, str] = {}
    for name in (a, b):
        for s in v.doc.spans.get(name, ()):
            owner[s.id] = name
    mine: dict[str, list[tuple[str, str, str, Any]]] = {a: [], b: []}
    for ln in v.doc.links:
        who = owner.get(ln.from_id)
        if who is not None and owner.get(ln.to_id) == who:
            mine[who].append((ln.type, ln.from_id, ln.to_id, ln.value()))
    for rtype in {r[0] for r in mine[a]} | {r[0] for r in mine[b]}:
        c = counts.setdefault(rtype, [0, 0, 0, 0])
        ra = [r for r in mine[a] if r[0] == rtype]
        rb = Counter((r[1], r[2], repr(r[3])) for r in mine[b] if r[0] == rtype)
        c[0] += len(ra)
        c[1] += sum(rb.values())
        for slot, mapping in ((2, map_exact), (3, map_overlap)):
            left = rb.copy()
            for _, f, t, val in ra:
                key = (mapping.get(f, ""), mapping.get(t, ""), repr(val))
                if left.get(key, 0) > 0:
                    left[key] -= 1
                    c[slot] += 1


def _multi(result: Agreement, docs: list[_DocView], names: list[str], labels: list[str]) -> None:
    """Fleiss' kappa and alpha_U over the documents every annotator annotated."""
    r = len(names)
    if not docs or r < 2:
        result.fleiss_kappa = {lab: None for lab in [ALL, *labels]}
        result.alpha_u = {lab: None for lab in [ALL, *labels]}
        return
    # Fleiss: per label, tokens by how many annotators put them inside a span of that label
    for lab in labels:
        by_k: Counter[int] = Counter()
        for v in docs:
            events: Counter[int] = Counter()
            for name in names:
                for s, e in v.token_ranges(name, lab):
                    events[s] += 1
                    events[e] -= 1
            level, pos, covered = 0, 0, 0
            for p in sorted(events):
                if level:
                    by_k[level] += p - pos
                    covered += p - pos
                level += events[p]
                pos = p
            by_k[0] += len(v.tokens) - covered
        result.fleiss_kappa[lab] = fleiss_kappa_table(((r - k, k), n) for k, n in by_k.items())
    cats = {lab: i for i, lab in enumerate([_NONE, *labels])}
    rows: Counter[tuple[int, ...]] = Counter()
    for v in docs:
        for combo, n in Counter(zip(*(v.token_labels(name) for name in names), strict=True)).items():
            row = [0] * len(cats)
            for lab in combo:
                row[cats[lab]] += 1
            rows[tuple(row)] += n
    result.fleiss_kappa = {ALL: fleiss_kappa_table(rows.items()), **result.fleiss_kappa}
    # alpha_U: the documents one after another as one continuum of characters
    study = Unitizing(r, 0, max(1, sum(v.doc.length for v in docs)))
    units: dict[str, list[list[tuple[int, int]]]] = {lab: [[] for _ in names] for lab in labels}
    base = 0
    for v in docs:
        for i, name in enumerate(names):
            for lab, spans in v.by[name].items():
                units[lab][i] += [(base + sp.start, base + sp.end) for sp in spans]
        base += v.doc.length
    for lab, per in units.items():
        study.set_units(lab, per)
    result.alpha_u = {ALL: study.alpha_all(), **{lab: study.alpha(lab) for lab in labels}}
