"""``strings``: learns from the project's own annotations, as INCEpTION's string matcher.

Each tagged surface string is suggested with its label at its other occurrences, in this
and other documents, scored by how consistently it was tagged so: the times it was tagged
with the label, over the times it was tagged at all, plus the times a suggestion of it was
rejected, plus its untagged occurrences in finished (``done``) documents.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from itertools import accumulate

from newsmark.core.model import Document
from newsmark.core.suggestion import SuggestedSpan, Suggestion

NAME = "strings"
# Long spans (quotes) repeat rarely and verbatim repeats are not the same quote: entities
# and short phrases only.
MAX_LENGTH = 60
SKIP_LABELS = frozenset({"QUOTE", "DISPUTE"})


def _learnable(text: str, label: str) -> bool:
    """Whether a tag is one to learn: a short string without blanks at its ends, of a label
    that names things (not a quote or a disputed point)."""
    return label not in SKIP_LABELS and bool(text) and len(text) <= MAX_LENGTH and text == text.strip()


class StringsRecommender:
    """Suggests known strings with the labels they were tagged with."""

    name = NAME

    def __init__(self) -> None:
        self.tagged: Counter[tuple[str, str]] = Counter()  # (text, label) -> times
        self.any_label: Counter[str] = Counter()  # text -> times tagged with any label
        self.misses: Counter[str] = Counter()  # text -> untagged occurrences in done documents
        self.rejected: Counter[tuple[str, str]] = Counter()
        self._pattern: re.Pattern[str] | None = None
        self._dirty = False
        self._misses_by_doc: dict[str, Counter[str]] = {}

    @classmethod
    def learn(cls, documents: Iterable[Document], rejected: Iterable[tuple[str, str, int]] = (),
              *, skip: str | None = None) -> StringsRecommender:
        """Learn from documents (with annotations), but the one with id ``skip``;
        ``rejected``: (text, label, times)."""
        rec = cls()
        done: list[Document] = []
        for doc in documents:
            if doc.id == skip:
                continue
            for a in doc.annotations:
                if not _learnable(a.text, a.label):
                    continue
                t = a.text
                rec.tagged[(t, a.label)] += 1
                rec.any_label[t] += 1
            if doc.status == "done":
                done.append(doc)
        for text, label, times in rejected:
            rec.rejected[(text, label)] += times
        pattern = rec._compile()
        if pattern is not None:
            for doc in done:
                spans = {(a.start, a.end) for a in doc.annotations}
                mine: Counter[str] = Counter()
                for m in pattern.finditer(doc.text):
                    if (m.start(), m.end()) not in spans:
                        mine[m.group()] += 1
                rec.misses.update(mine)
                rec._misses_by_doc[doc.id] = mine
        return rec

    def without(self, doc: Document) -> StringsRecommender:
        """This recommender as if it had learnt from every document but ``doc`` (to evaluate
        it on ``doc``: leave one out, without learning everything again)."""
        rec = StringsRecommender()
        rec.tagged = self.tagged.copy()
        rec.any_label = self.any_label.copy()
        rec.misses = self.misses - self._misses_by_doc.get(doc.id, Counter())
        rec.rejected = self.rejected
        for a in doc.annotations:
            if not _learnable(a.text, a.label):
                continue
            t = a.text
            rec.tagged[(t, a.label)] -= 1
            rec.any_label[t] -= 1
        rec.tagged = +rec.tagged  # drop what is left at zero
        rec.any_label = +rec.any_label
        rec._compile()
        return rec

    def plus(self, doc: Document) -> StringsRecommender:
        """This recommender with one more document's annotations learnt (the open document,
        as it is being annotated)."""
        rec = StringsRecommender()
        rec.tagged = self.tagged.copy()
        rec.any_label = self.any_label.copy()
        rec.misses = self.misses
        rec.rejected = self.rejected
        for a in doc.annotations:
            if not _learnable(a.text, a.label):
                continue
            t = a.text
            rec.tagged[(t, a.label)] += 1
            rec.any_label[t] += 1
        rec._compile()
        return rec

    def note(self, text: str, label: str, times: int = 1) -> None:
        """An annotation was made (``times`` 1) or taken back (-1): learn it as it happens."""
        if not _learnable(text, label):
            return
        t = text
        self.tagged[(t, label)] += times
        self.any_label[t] += times
        if self.tagged[(t, label)] <= 0:
            del self.tagged[(t, label)]
        if self.any_label[t] <= 0:
            del self.any_label[t]
        self._dirty = True

    def note_rejected(self, text: str, label: str) -> None:
        self.rejected[(text, label)] += 1

    def _compile(self) -> re.Pattern[str] | None:
        strings = sorted(self.any_label, key=len, reverse=True)
        if not strings:
            self._pattern = None
            return None
        # whole words only: "Iran" is not suggested inside "Iranian"
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, strings)) + r")(?!\w)")
        return self._pattern

    def score(self, text: str, label: str) -> float:
        n = self.tagged[(text, label)]
        total = self.any_label[text] + self.misses[text] + self.rejected[(text, label)]
        return n / total if total else 0.0

    def suggest(self, doc: Document) -> list[Suggestion]:
        if self._dirty:
            self._compile()
            self._dirty = False
        if self._pattern is None:
            return []
        labels_of: dict[str, list[str]] = {}
        for (text, label), _n in self.tagged.items():
            labels_of.setdefault(text, []).append(label)
        have = {(a.start, a.end) for a in doc.annotations}
        covered = sorted((a.start, a.end) for a in doc.annotations if a.label not in SKIP_LABELS)
        # inside a longer annotation: one of those starting at or before s ends at or after e
        # (the furthest end of those, by bisection: not a scan of them all for every match)
        starts = [cs for cs, _ in covered]
        furthest = list(accumulate((ce for _, ce in covered), max))
        out = []
        for m in self._pattern.finditer(doc.text):
            s, e = m.start(), m.end()
            if (s, e) in have:
                continue
            i = bisect_right(starts, s)
            if i and furthest[i - 1] >= e:  # not the same span (that is in ``have``): a longer one
                continue
            for label in sorted(labels_of.get(m.group(), [])):
                sc = self.score(m.group(), label)
                if sc > 0:
                    out.append(Suggestion(self.name, round(sc, 3),
                                          [SuggestedSpan("span", s, e, label, m.group())]))
        return out
