"""Reading a project's work per document and annotator, fast, for agreement and adjudication.

Packed documents are decoded by msgspec into lean structs that keep only what these measures
need (attributes stay raw JSON until asked for); documents with rows are read in one query."""

from __future__ import annotations

import gc
import operator
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import msgspec
import orjson

from newsmark.store.project import Project

NO_ANNOTATOR = "(none)"


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bulk read or merge makes its hundreds of thousands
    of objects (none of them in cycles): each collection would walk them all again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
_EMPTY = msgspec.Raw(b"{}")


class Span(msgspec.Struct, gc=False):
    """An annotation as team work sees it."""

    id: str
    start: int
    end: int
    label: str
    annotator: str | None = None
    attributes: msgspec.Raw = _EMPTY

    def attrs(self) -> dict[str, Any]:
        raw = self.attributes
        if raw == b"{}" or raw == b"null":
            return {}
        value = orjson.loads(bytes(raw))
        return value if isinstance(value, dict) else {}


class Link(msgspec.Struct, gc=False):
    """A relation as team work sees it."""

    id: str
    type: str
    from_id: str = msgspec.field(name="from")
    to_id: str = msgspec.field(name="to")
    attributes: msgspec.Raw = _EMPTY

    def value(self) -> Any:
        raw = self.attributes
        if raw == b"{}" or raw == b"null":
            return None
        value = orjson.loads(bytes(raw))
        return value.get("value") if isinstance(value, dict) else None


_spans = msgspec.json.Decoder(list[Span]).decode
_links = msgspec.json.Decoder(list[Link]).decode


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
              doc_ids: Iterable[str] | None = None, with_text: bool = True,
              with_links: bool = True) -> list[DocWork]:
    """Every document (or those of ``doc_ids``) with its annotations by annotator, kept to the
    given labels and layers (none given: all)."""
    conn = project.conn
    wanted: set[str] | None = None
    if labels or layers:
        lay = project.label_layers()
        wanted = {name for name, layer in lay.items()
                  if (not labels or name in labels) and (not layers or layer in layers)}
    only = None if doc_ids is None else set(doc_ids)
    rel_col = "CAST(relations AS BLOB)" if with_links else "NULL"
    docs: dict[str, DocWork] = {}
    text_col = "text" if with_text else "NULL"
    select = f"SELECT id, title, {text_col}, length(text) FROM documents"
    if only is not None and len(only) <= _IN_MAX:  # looked up by id, not every text read
        found = conn.execute(f"{select} WHERE id IN ({','.join('?' * len(only))}) ORDER BY rowid", tuple(only))
    else:
        found = conn.execute(f"{select} ORDER BY rowid")
    for doc_id, title, text, length in found:
        if only is None or doc_id in only:
            docs[doc_id] = DocWork(doc_id, title, length, text)

    def group(doc: DocWork, spans: list[Span]) -> None:
        by = doc.spans
        for s in spans:
            name = s.annotator
            if name is None:
                name = s.annotator = NO_ANNOTATOR
            if wanted is None or s.label in wanted:
                got = by.get(name)
                if got is None:
                    by[name] = [s]
                else:
                    got.append(s)

    if only is not None and len(only) <= _IN_MAX:
        marks = ",".join("?" * len(only))
        packed = conn.execute(f"SELECT doc, CAST(annotations AS BLOB), {rel_col} FROM packed WHERE doc IN ({marks})",
                              tuple(only))
    else:
        packed = conn.execute(f"SELECT doc, CAST(annotations AS BLOB), {rel_col} FROM packed")  # bytes: no str between
    for doc_id, anns, rels in packed:
        doc = docs.get(doc_id)
        if doc is not None:
            group(doc, _spans(anns))
            if rels is not None:
                doc.links = _links(rels)
    where, asked = "", tuple[str, ...]()  # rows: of the documents asked for, in a full read's order
    if only is not None and len(only) <= _IN_MAX:
        where, asked = f" WHERE doc IN ({','.join('?' * len(only))}) ORDER BY rowid", tuple(only)
    rows: dict[str, list[Span]] = {}
    for doc_id, ann_id, start, end, label, annotator, attrs in conn.execute(
            'SELECT doc, id, start, "end", label, annotator, attributes FROM annotations' + where, asked):
        if doc_id in docs:
            rows.setdefault(doc_id, []).append(
                Span(ann_id, start, end, label, annotator, msgspec.Raw(attrs.encode()) if attrs != "{}" else _EMPTY))
    for doc_id, spans in rows.items():
        group(docs[doc_id], spans)
    for doc_id, rel_id, rtype, from_id, to_id, attrs in conn.execute(
            "SELECT doc, id, type, from_id, to_id, attributes FROM relations" + (where if with_links else " LIMIT 0"),
            asked if with_links else ()):
        doc = docs.get(doc_id)
        if doc is not None:
            doc.links.append(Link(rel_id, rtype, from_id, to_id,
                                  msgspec.Raw(attrs.encode()) if attrs != "{}" else _EMPTY))
    key = _ORDER
    for doc in docs.values():
        for spans in doc.spans.values():
            spans.sort(key=key)
    return list(docs.values())


_ORDER = operator.attrgetter("start", "end")
_IN_MAX = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 900  # SQLite's limit of parameters
"""Documents asked for by id (up to this many) are looked up in ``packed`` by its index; more are
read in one scan, the others skipped (half a project, as agreement's second process reads it,
takes half the time looked up)."""
