"""Reading a project's work per document and annotator, fast (packed documents are decoded
with msgspec, rows read in one query), for agreement and adjudication."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsmark.core.packing import decode_annotations, decode_relations
from newsmark.store.project import Project

NO_ANNOTATOR = "(none)"


@dataclass(slots=True)
class Span:
    id: str
    start: int
    end: int
    label: str
    annotator: str
    attributes: dict[str, Any]


@dataclass(slots=True)
class Link:
    id: str
    type: str
    from_id: str
    to_id: str
    attributes: dict[str, Any]


@dataclass(slots=True)
class DocWork:
    """One document's annotations, grouped by annotator."""

    id: str
    title: str
    length: int
    text: str | None
    spans: dict[str, list[Span]] = field(default_factory=dict)  # annotator -> spans
    links: list[Link] = field(default_factory=list)

    def annotators(self) -> list[str]:
        return [a for a, s in self.spans.items() if s]


def load_work(project: Project, *, labels: Sequence[str] = (), layers: Sequence[str] = (),
              doc_ids: Iterable[str] | None = None, with_text: bool = True) -> list[DocWork]:
    """Every document (or those of ``doc_ids``) with its annotations by annotator, kept to the
    given labels and layers (none given: all)."""
    conn = project.conn
    wanted: set[str] | None = None
    if labels or layers:
        lay = project.label_layers()
        wanted = {name for name, layer in lay.items()
                  if (not labels or name in labels) and (not layers or layer in layers)}
    only = None if doc_ids is None else set(doc_ids)
    docs: dict[str, DocWork] = {}
    text_col = "text" if with_text else "NULL"
    for doc_id, title, text, length in conn.execute(
            f"SELECT id, title, {text_col}, length(text) FROM documents ORDER BY rowid"):
        if only is None or doc_id in only:
            docs[doc_id] = DocWork(doc_id, title, length, text)

    def add(doc: DocWork, s: Span) -> None:
        if wanted is None or s.label in wanted:
            doc.spans.setdefault(s.annotator, []).append(s)

    for doc_id, anns, rels in conn.execute("SELECT doc, annotations, relations FROM packed"):
        doc = docs.get(doc_id)
        if doc is None:
            continue
        for a in decode_annotations(anns):
            add(doc, Span(a.id, a.start, a.end, a.label, a.annotator or NO_ANNOTATOR, a.attributes or {}))
        for r in decode_relations(rels):
            doc.links.append(Link(r.id, r.type, r.from_, r.to, r.attributes or {}))
    import orjson

    for doc_id, ann_id, start, end, label, annotator, attrs in conn.execute(
            'SELECT doc, id, start, "end", label, annotator, attributes FROM annotations'):
        doc = docs.get(doc_id)
        if doc is not None:
            add(doc, Span(ann_id, start, end, label, annotator or NO_ANNOTATOR,
                          {} if attrs == "{}" else orjson.loads(attrs)))
    for doc_id, rel_id, rtype, from_id, to_id, attrs in conn.execute(
            "SELECT doc, id, type, from_id, to_id, attributes FROM relations"):
        doc = docs.get(doc_id)
        if doc is not None:
            doc.links.append(Link(rel_id, rtype, from_id, to_id, {} if attrs == "{}" else orjson.loads(attrs)))
    for doc in docs.values():
        for spans in doc.spans.values():
            spans.sort(key=lambda s: (s.start, s.end, s.label))
    return list(docs.values())
