"""Reading a project's work per document and annotator, fast, for agreement and adjudication.

Packed documents are decoded by msgspec into lean structs that keep only what these measures
need (attributes stay raw JSON until asked for); documents with rows are read in one query."""

from __future__ import annotations

import gc
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import msgspec
import orjson

from newsmark.store.packed import IN_MAX as _IN_MAX
from newsmark.store.packed import documents_parts
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


class _SpanWithout(Span, gc=False):
    """A Span read without its attributes (always ``{}``): agreement has no use for them, and
    decoding them makes an object per annotation."""

    attributes: msgspec.Raw = msgspec.field(default=_EMPTY, name="(attributes not read)")


_spans = msgspec.json.Decoder(list[Span]).decode
_spans_without = msgspec.json.Decoder(list[_SpanWithout]).decode
_links = msgspec.json.Decoder(list[Link]).decode


@dataclass(slots=True)
class DocWork:
    """One document's annotations, grouped by annotator, each one's in position order (start,
    end; ``load_work`` sorts them), which agreement relies on."""

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
              with_links: bool = True, with_attributes: bool = True) -> list[DocWork]:
    """Every document (or those of ``doc_ids``) with its annotations by annotator, kept to the
    given labels and layers (none given: all); without ``with_attributes``, every annotation's
    attributes are ``{}`` (not read)."""
    conn = project.conn
    wanted: set[str] | None = None
    if labels or layers:
        lay = project.label_layers()
        wanted = {name for name, layer in lay.items()
                  if (not labels or name in labels) and (not layers or layer in layers)}
    only = None if doc_ids is None else set(doc_ids)
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

    decode = _spans if with_attributes else _spans_without
    # packed JSON as bytes (no str between), a merged document's per source (docs/adr/0015):
    # ids take the source's name before them, annotations without an annotator take that name
    for doc_id, parts in documents_parts(conn, only, with_relations=with_links):
        doc = docs.get(doc_id)
        if doc is not None:
            # a merged document's annotators in the order its parts joined give them (by their
            # first span in the text, ties in the parts' order: adjudication breaks ties by it)
            first: dict[str, tuple[int, int, int, int]] | None = {} if len(parts) > 1 else None
            for k, part in enumerate(parts):
                links = _links(part.relations)
                if part.source is not None:  # as core.packing.part_items names a part's items
                    prefix = part.source + ":"
                    for link in links:
                        link.id, link.from_id, link.to_id = prefix + link.id, prefix + link.from_id, prefix + link.to_id
                _take(doc.spans, decode(part.annotations), part.source, wanted, first, k)
                doc.links += links
            if first:
                doc.spans = {name: doc.spans[name] for name in sorted(doc.spans, key=first.__getitem__)}
    where, asked = "", tuple[str, ...]()  # rows: of the documents asked for, in a full read's order
    if only is not None and len(only) <= _IN_MAX:
        where, asked = f" WHERE doc IN ({','.join('?' * len(only))}) ORDER BY rowid", tuple(only)
    rows: dict[str, list[Span]] = {}
    for doc_id, ann_id, start, end, label, annotator, attrs in conn.execute(
            'SELECT doc, id, start, "end", label, annotator, attributes FROM annotations' + where, asked):
        if doc_id in docs:
            rows.setdefault(doc_id, []).append(
                Span(ann_id, start, end, label, annotator,
                     msgspec.Raw(attrs.encode()) if with_attributes and attrs != "{}" else _EMPTY))
    for doc_id, spans in rows.items():
        _take(docs[doc_id].spans, spans, None, wanted, None, 0)
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


def _take(by: dict[str, list[Span]], spans: Sequence[Span], source: str | None, wanted: set[str] | None,
          first: dict[str, tuple[int, int, int, int]] | None, k: int) -> None:
    """Add a part's spans (or a document's) to its annotators' (``by``), kept to the labels
    ``wanted`` (None: all).  A merged document's part (``source``): ids take the source's name
    before them and spans without an annotator take that name; others without one are
    NO_ANNOTATOR's.  ``first``: note each annotator's first span of part ``k`` where it is the
    least so far, (start, end, part, index), to order the annotators (one pass for all of it)."""
    prefix = "" if source is None else source + ":"
    last: str | None = None  # the annotator of the span before: a part's are mostly one annotator's
    got: list[Span] = []
    seen: set[str] = set()
    for i, s in enumerate(spans):
        name = s.annotator
        if source is not None:
            s.id = prefix + s.id
            if not name:
                name = s.annotator = source
        elif name is None:
            name = s.annotator = NO_ANNOTATOR
        if wanted is not None and s.label not in wanted:
            continue
        if name != last:
            last = name
            mine = by.get(name)
            got = by[name] = [] if mine is None else mine
            if first is not None and name not in seen:
                seen.add(name)
                key = (s.start, s.end, k, i)
                if name not in first or key < first[name]:
                    first[name] = key
        got.append(s)
