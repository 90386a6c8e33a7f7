"""A suggestion: what a recommender proposes, as plain data the store keeps apart from
annotations until the annotator accepts it (issue #16).

A suggestion is a *group*: the spans and relations that go in together when it is accepted
(a quote with its cue, its speaker mention and the ``said_by`` and ``cue`` links).  A span
that an existing annotation already covers names it (``existing``) instead of being created
again.  Offsets are code points into the document's text, end exclusive (docs/adr/0001).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class SuggestedSpan:
    """One span of a group; ``key`` names it within the group (relations use keys)."""

    key: str
    start: int
    end: int
    label: str
    text: str
    attributes: dict[str, Any] = field(default_factory=dict)
    existing: str | None = None  # id of an existing annotation that is this span

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"key": self.key, "start": self.start, "end": self.end,
                             "label": self.label, "text": self.text}
        if self.attributes:
            d["attributes"] = self.attributes
        if self.existing:
            d["existing"] = self.existing
        return d

    @staticmethod
    def from_json(d: dict[str, Any]) -> SuggestedSpan:
        return SuggestedSpan(str(d["key"]), int(d["start"]), int(d["end"]), str(d["label"]),
                             str(d["text"]), dict(d.get("attributes") or {}), d.get("existing"))


@dataclass(slots=True)
class SuggestedRelation:
    type: str
    from_key: str
    to_key: str

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "from": self.from_key, "to": self.to_key}

    @staticmethod
    def from_json(d: dict[str, Any]) -> SuggestedRelation:
        return SuggestedRelation(str(d["type"]), str(d["from"]), str(d["to"]))


@dataclass(slots=True)
class Suggestion:
    """A group of suggested spans and relations, scored by the recommender that made it.

    The first span is the *head*: the one the group is shown, matched and rejected by (the
    QUOTE of a quote group)."""

    recommender: str
    score: float
    spans: list[SuggestedSpan]
    relations: list[SuggestedRelation] = field(default_factory=list)
    id: str = ""  # given by the store
    document: str = ""
    created: str = ""

    @property
    def head(self) -> SuggestedSpan:
        return self.spans[0]

    @property
    def label(self) -> str:
        return self.spans[0].label

    @property
    def start(self) -> int:
        return self.spans[0].start

    @property
    def end(self) -> int:
        return self.spans[0].end

    def span(self, key: str) -> SuggestedSpan | None:
        return next((s for s in self.spans if s.key == key), None)

    def target(self, relation_type: str) -> SuggestedSpan | None:
        """The span the head links to by ``relation_type`` (a quote's speaker or cue)."""
        for r in self.relations:
            if r.type == relation_type and r.from_key == self.head.key:
                return self.span(r.to_key)
        return None

    def group_json(self) -> dict[str, Any]:
        return {"spans": [s.to_json() for s in self.spans],
                "relations": [r.to_json() for r in self.relations]}

    @staticmethod
    def from_group_json(d: dict[str, Any], *, recommender: str, score: float, id: str = "",
                        document: str = "", created: str = "") -> Suggestion:
        return Suggestion(recommender, score, [SuggestedSpan.from_json(s) for s in d["spans"]],
                          [SuggestedRelation.from_json(r) for r in d.get("relations", [])],
                          id, document, created)
