"""How good a recommender is on the project's own data: precision, recall and F1 per label,
exact and overlapping spans, and for quotes whether the speaker and the cue are right.

Gold is a document's annotations (with ``said_by`` and ``cue`` relations for quotes);
predictions are the suggestions of one recommender for the same document, made with the
document's *non-gold* annotations hidden (a recommender must not see the answer).
Matching is one-to-one: each gold span is matched at most once, exact matches first, then
by the largest overlap.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsmark.core.model import Annotation, Document
from newsmark.core.suggestion import SuggestedSpan, Suggestion

_MARKS = "\"“”«»„‹›‘’‚"


@dataclass(slots=True)
class Counts:
    predicted: int = 0
    gold: int = 0
    exact: int = 0
    overlap: int = 0

    def add(self, other: Counts) -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.exact += other.exact
        self.overlap += other.overlap

    def precision(self, exact: bool = False) -> float:
        return (self.exact if exact else self.overlap) / self.predicted if self.predicted else 0.0

    def recall(self, exact: bool = False) -> float:
        return (self.exact if exact else self.overlap) / self.gold if self.gold else 0.0

    def f1(self, exact: bool = False) -> float:
        p, r = self.precision(exact), self.recall(exact)
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class QuoteCounts:
    """Quote attribution: matches by overlap, and of them how many have the right speaker and cue."""

    predicted: int = 0
    gold: int = 0
    gold_marked: int = 0  # gold quotes in quotation marks (direct or mixed)
    matched: int = 0  # predicted quotes that match a gold quote
    gold_found: int = 0
    gold_marked_found: int = 0
    speaker_checked: int = 0
    speaker_right: int = 0
    cue_checked: int = 0
    cue_right: int = 0

    def add(self, o: QuoteCounts) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(o, name))

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def recall_marked(self) -> float:
        return self.gold_marked_found / self.gold_marked if self.gold_marked else 0.0

    @property
    def speaker(self) -> float:
        return self.speaker_right / self.speaker_checked if self.speaker_checked else 0.0

    @property
    def cue(self) -> float:
        return self.cue_right / self.cue_checked if self.cue_checked else 0.0


@dataclass(slots=True)
class Report:
    recommender: str
    documents: int = 0
    labels: dict[str, Counts] = field(default_factory=dict)
    quotes: QuoteCounts = field(default_factory=QuoteCounts)

    def rows(self) -> list[tuple[str, int, int, float, float, float, float, float, float]]:
        """(label, predicted, gold, P, R, F1 exact, P, R, F1 overlap) per label, sorted."""
        return [(name, c.predicted, c.gold, c.precision(True), c.recall(True), c.f1(True),
                 c.precision(), c.recall(), c.f1()) for name, c in sorted(self.labels.items())]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> tuple[dict[int, int], int]:
    """One-to-one matching of predicted to gold spans: exact first, then largest overlap.
    Returns {pred index: gold index} and the number of exact matches."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    where = {g: i for i, g in reversed(list(enumerate(gold)))}
    exact = 0
    for i, p in enumerate(pred):
        j = where.get(p)
        if j is not None and j not in used:
            pairs[i] = j
            used.add(j)
            exact += 1
    # the gold spans that overlap a predicted one start less than the longest gold span
    # before it: found by bisection, not by pairing every predicted span with every gold one
    order = sorted(range(len(gold)), key=lambda j: gold[j][0])
    starts = [gold[j][0] for j in order]
    longest = max((g[1] - g[0] for g in gold), default=0)
    cands = sorted(
        ((_overlaps(p, gold[j]), i, j) for i, p in enumerate(pred) if i not in pairs
         for j in order[bisect_right(starts, p[0] - longest):bisect_left(starts, p[1])]
         if j not in used and _overlaps(p, gold[j]) > 0),
        reverse=True)
    for _, i, j in cands:
        if i in pairs or j in used:
            continue
        pairs[i] = j
        used.add(j)
    return pairs, exact


def is_quote_marked(text: str, a: Annotation) -> bool:
    """A quote in quotation marks: typed direct or mixed, or with a mark in or next to it."""
    t = a.attributes.get("type")
    if t in ("direct", "mixed"):
        return True
    if t == "indirect":
        return False
    around = text[max(0, a.start - 2):min(len(text), a.end + 2)]
    return any(m in around for m in _MARKS)


def _name_key(name: str) -> str:
    words = [w.strip(".,’'\"").lower() for w in name.split()]
    words = [w for w in words if w]
    return words[-1] if words else ""


def evaluate_document(doc: Document, suggestions: Iterable[Suggestion], report: Report,
                      labels: set[str] | None = None) -> None:
    """Add one document's figures to ``report``: ``doc`` holds the gold annotations."""
    sugs = list(suggestions)
    report.documents += 1
    # spans per label: every span a suggestion would create (existing ones are not predictions)
    pred_spans: dict[str, list[tuple[int, int]]] = {}
    for g in sugs:
        for s in g.spans:
            if s.existing is None:
                pred_spans.setdefault(s.label, []).append((s.start, s.end))
    wanted = labels if labels is not None else set(pred_spans)
    gold_spans: dict[str, list[tuple[int, int]]] = {}
    for a in doc.annotations:
        gold_spans.setdefault(a.label, []).append((a.start, a.end))
    for label in wanted:
        p = sorted(set(pred_spans.get(label, [])))
        gs = gold_spans.get(label, [])
        pairs, exact = match(p, gs)
        c = report.labels.setdefault(label, Counts())
        c.add(Counts(len(p), len(gs), exact, len(pairs)))
    quotes = [g for g in sugs if g.label == "QUOTE"]
    if quotes or any(a.label == "QUOTE" for a in doc.annotations):
        _evaluate_quotes(doc, quotes, report.quotes)


def _evaluate_quotes(doc: Document, quotes: list[Suggestion], qc: QuoteCounts) -> None:
    by_id = {a.id: a for a in doc.annotations}
    gold = [a for a in doc.annotations if a.label == "QUOTE"]
    speaker: dict[str, Annotation] = {}
    cue: dict[str, Annotation] = {}
    for r in doc.relations:
        if r.type == "said_by" and r.to_id in by_id:
            speaker.setdefault(r.from_id, by_id[r.to_id])
        elif r.type == "cue" and r.to_id in by_id:
            cue.setdefault(r.from_id, by_id[r.to_id])
    marked = [is_quote_marked(doc.text, a) for a in gold]
    pairs, _ = match([(g.start, g.end) for g in quotes], [(a.start, a.end) for a in gold])
    qc.predicted += len(quotes)
    qc.gold += len(gold)
    qc.gold_marked += sum(marked)
    qc.matched += len(pairs)
    qc.gold_found += len(pairs)
    qc.gold_marked_found += sum(1 for j in pairs.values() if marked[j])
    for i, j in pairs.items():
        g, a = quotes[i], gold[j]
        gs = speaker.get(a.id)
        gold_name = a.attributes.get("speaker") or (gs.text if gs else None)
        if gs is not None or gold_name:
            qc.speaker_checked += 1
            ps = g.target("said_by")
            pred_name = g.head.attributes.get("speaker")
            if _speaker_right(ps, str(pred_name or ""), gs, str(gold_name or "")):
                qc.speaker_right += 1
        gc = cue.get(a.id)
        if gc is not None:
            qc.cue_checked += 1
            pc = g.target("cue")
            if pc is not None and _overlaps((pc.start, pc.end), (gc.start, gc.end)) > 0:
                qc.cue_right += 1


def _speaker_right(pred: SuggestedSpan | None, pred_name: str, gold: Annotation | None, gold_name: str) -> bool:
    """The same mention, or names that end in the same word ("Smith" and "John Smith")."""
    if pred is not None and gold is not None and _overlaps((pred.start, pred.end), (gold.start, gold.end)) > 0:
        return True
    keys = {_name_key(n) for n in (gold_name, gold.text if gold else "") if n}
    return bool(pred_name) and _name_key(pred_name) in keys
