"""``strings``: learns from the project's own annotations, as INCEpTION's string matcher.

Each tagged surface string is suggested with its label at its other occurrences, in this
and other documents, scored by how consistently it was tagged so: the times it was tagged
with the label, over the times it was tagged at all, plus the times a suggestion of it was
rejected, plus its untagged occurrences in finished (``done``) documents.  Pronouns and other
function words are never learnt (``attribution.names``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import accumulate

from newsmark.attribution.names import is_function_word
from newsmark.core.model import Document
from newsmark.core.suggestion import SuggestedSpan, Suggestion

NAME = "strings"
# Long spans (quotes) repeat rarely and verbatim repeats are not the same quote: entities
# and short phrases only.
MAX_LENGTH = 60
SKIP_LABELS = frozenset({"QUOTE", "DISPUTE"})


_END = ""  # a trie node's key for "a string ends here" (no character is "")
_Node = dict[str, "_Node"]


class StringTrie:
    """The known strings, found in a text as ``(?<!\\w)(?:s1|s2|…)(?!\\w)`` finds them with
    the strings longest first (left to right; at each position the longest that ends a word),
    without compiling a regular expression of thousands of alternatives (a second for a
    project's strings, again after each edit) nor trying each at every position (15 s on a
    1 MB article with 10,000 strings; ~1 s walking the trie).  Changed in place as the
    annotator tags."""

    def __init__(self, strings: Iterable[str] = ()) -> None:
        self.root: _Node = {}
        self._starts: re.Pattern[str] | None = None
        for text in strings:
            self.add(text)

    def add(self, text: str) -> None:
        node = self.root
        for ch in text:
            child = node.get(ch)
            if child is None:
                child = node[ch] = {}
                if node is self.root:
                    self._starts = None
            node = child
        node[_END] = {}

    def discard(self, text: str) -> None:
        node: _Node | None = self.root
        for ch in text:
            if node is None:
                return
            node = node.get(ch)
        if node is not None:
            node.pop(_END, None)  # the nodes stay: a walk through them finds nothing

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each string found, left to right, not overlapping."""
        if not self.root:
            return
        if self._starts is None:  # a word's start whose character starts some string
            first = "".join(re.escape(c) for c in sorted(self.root))
            self._starts = re.compile(f"(?<!\\w)[{first}]")
        n = len(text)
        after = 0
        root = self.root
        for m in self._starts.finditer(text):
            p = m.start()
            if p < after:
                continue
            node = root[text[p]]
            i = p + 1
            best = -1
            while True:
                if _END in node and (i == n or not (text[i].isalnum() or text[i] == "_")):
                    best = i  # a word character (\\w) is what isalnum() says, and "_"
                if i == n:
                    break
                child = node.get(text[i])
                if child is None:
                    break
                node = child
                i += 1
            if best > 0:
                yield p, best
                after = best


def _learnable(text: str, label: str) -> bool:
    """Whether a tag is one to learn: a short string without blanks at its ends, of a label
    that names things (not a quote or a disputed point), and a name: a pronoun tagged as a
    quote's speaker ("it said") is the annotator's coreference, not a string to find in every
    article (every "it" proposed as an organisation at 1.00), nor is another function word."""
    return (label not in SKIP_LABELS and bool(text) and len(text) <= MAX_LENGTH and text == text.strip()
            and not is_function_word(text))


class StringsRecommender:
    """Suggests known strings with the labels they were tagged with."""

    name = NAME

    def __init__(self) -> None:
        self.tagged: Counter[tuple[str, str]] = Counter()  # (text, label) -> times
        self.any_label: Counter[str] = Counter()  # text -> times tagged with any label
        self.misses: Counter[str] = Counter()  # text -> untagged occurrences in done documents
        self.rejected: Counter[tuple[str, str]] = Counter()
        self._trie: StringTrie | None = None
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
        trie = rec._compile()
        if trie is not None:
            for doc in done:
                spans = {(a.start, a.end) for a in doc.annotations}
                mine: Counter[str] = Counter()
                for s, e in trie.finditer(doc.text):
                    if (s, e) not in spans:
                        mine[doc.text[s:e]] += 1
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
        known = t in self.any_label
        self.tagged[(t, label)] += times
        self.any_label[t] += times
        if self.tagged[(t, label)] <= 0:
            del self.tagged[(t, label)]
        if self.any_label[t] <= 0:
            del self.any_label[t]
        if self._trie is not None:  # the strings to find change in place, not all made again
            if t in self.any_label and not known:
                self._trie.add(t)
            elif known and t not in self.any_label:
                self._trie.discard(t)

    def note_rejected(self, text: str, label: str) -> None:
        self.rejected[(text, label)] += 1

    def _compile(self) -> StringTrie | None:
        self._trie = StringTrie(self.any_label) if self.any_label else None
        return self._trie

    def score(self, text: str, label: str) -> float:
        n = self.tagged[(text, label)]
        total = self.any_label[text] + self.misses[text] + self.rejected[(text, label)]
        return n / total if total else 0.0

    def suggest(self, doc: Document) -> list[Suggestion]:
        if self._trie is None:
            self._compile()
        if self._trie is None:
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
        text = doc.text
        for s, e in self._trie.finditer(text):
            found = text[s:e]
            if (s, e) in have:
                continue
            i = bisect_right(starts, s)
            if i and furthest[i - 1] >= e:  # not the same span (that is in ``have``): a longer one
                continue
            for label in sorted(labels_of.get(found, [])):
                sc = self.score(found, label)
                if sc > 0:
                    out.append(Suggestion(self.name, round(sc, 3),
                                          [SuggestedSpan("span", s, e, label, found)]))
        return out
