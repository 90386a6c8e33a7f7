"""A document's annotations and relations packed as native JSON, as the store keeps imported
documents until their first edit (docs/adr/0008).  Qt-free and store-free, so that worker
processes can pack the records of a large file while the importer writes."""

from __future__ import annotations

import contextlib
import functools
import operator
import sqlite3
from collections.abc import Collection, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import msgspec

from newsmark.core.model import NativeAnnotation, NativeRelation

_encode = msgspec.json.Encoder().encode
decode_annotations = msgspec.json.Decoder(list[NativeAnnotation]).decode
decode_relations = msgspec.json.Decoder(list[NativeRelation]).decode
_export_order = operator.attrgetter("start", "end")


@dataclass(slots=True)
class Packed:
    """What the store keeps of a new document's annotations and relations."""

    annotations: bytes  # JSON list of native annotations in the export's order (start, end, as given)
    relations: bytes  # JSON list of native relations
    label_counts: list[tuple[str, str | None, int]]  # (label, annotator, count), for statistics
    type_counts: list[tuple[str, int]]  # (relation type, count)
    annotation_count: int
    relation_count: int
    layers: dict[str, str]  # the layer written into the annotations for each label
    # the search index's speaker marks (``s:name``, ``s?``: ``speaker_marks``), found where the
    # annotations were decoded (an import's worker processes), and the labels with a speaker
    # attribute they were found with (the importer checks them against the schema's); None: not
    # found, the store decodes the JSON for them
    speakers: list[str] | None = None
    speaker_labels: frozenset[str] | None = None


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def speaker_name(value: Any) -> str:
    """A speaker attribute as the search index's mark names it: what SQLite's ``->>`` then
    ``lower()`` make of the JSON value (the triggers' marks of documents with rows, and the
    index's rebuild).  A string, a boolean or an integer here; a real number (SQLite writes
    1.0e+100, 0.3, 0.0 where Python writes 1e+100, 0.30000000000000004, -0.0) and a list or an
    object (their numbers) as SQLite makes them of their stored JSON."""
    if isinstance(value, str):
        return value.translate(_ASCII_LOWER)
    if isinstance(value, bool):
        return "1" if value else "0"
    if type(value) is int and -(1 << 63) <= value < 1 << 63:
        return str(value)
    return _sql_text(_encode(value).decode())


@functools.lru_cache(maxsize=4096)
def _sql_text(json_text: str) -> str:
    """What SQLite's ``->>`` then ``lower()`` make of a JSON value (its real numbers are
    written by the SQLite that runs, which differs between versions)."""
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:  # not kept: any thread, any process
        (name,) = conn.execute("SELECT lower(? ->> '$')", (json_text,)).fetchone()
    return str(name)


def speaker_marks(annotations: Iterable[NativeAnnotation], speaker_labels: Collection[str]) -> list[str]:
    """A document's speaker marks for the search index (docs/adr/0013): ``s:NAME`` for each
    speaker attribute, ``s?`` for an annotation of a label with a speaker attribute that has
    none (``speaker_labels``)."""
    marks: set[str] = set()
    for a in annotations:
        attributes = a.attributes
        speaker = attributes.get("speaker") if attributes else None
        if speaker is not None:
            marks.add("s:" + speaker_name(speaker))
        elif a.label in speaker_labels:
            marks.add("s?")
    return sorted(marks)


def has_identical(annotations: Iterable[NativeAnnotation]) -> bool:
    """Whether two of a record's annotations are identical (span, label and annotator): such a
    record is not packed as it came, the importer keeps one of each."""
    seen: set[tuple[int, int, str, str | None]] = set()
    for a in annotations:
        key = (a.start, a.end, a.label, a.annotator)
        if key in seen:
            return True
        seen.add(key)
    return False


def pack(annotations: list[NativeAnnotation], relations: list[NativeRelation],
         layers: MutableMapping[str, str], given: Mapping[str, str], stamp: str) -> Packed:
    """Pack checked annotations and relations (``formats.records``).  Each annotation gets its
    label's layer (``layers_of``); annotations and relations without a time of creation get
    ``stamp``."""
    written = layers_of(dict.fromkeys(a.label for a in annotations), layers, given)
    by_label: dict[tuple[str, str | None], int] = {}
    for a in annotations:
        label = a.label
        a.layer = written[label]
        if not a.created:
            a.created = stamp
        if not a.updated:
            a.updated = stamp
        key = (label, a.annotator)
        by_label[key] = by_label.get(key, 0) + 1
    return finish_packing(annotations, relations, by_label, written, stamp)


def layers_of(labels: Iterable[str], layers: MutableMapping[str, str], given: Mapping[str, str]) -> dict[str, str]:
    """Each label's layer: the schema's (``layers``), else the one the record names (``given``),
    else "entity", as the importer adds labels to the schema; a label new to ``layers`` is added
    to it, so that later records agree."""
    written = {}
    for label in labels:
        layer = layers.get(label)
        if layer is None:
            layer = layers[label] = given.get(label) or "entity"
        written[label] = layer
    return written


def finish_packing(annotations: list[NativeAnnotation], relations: list[NativeRelation],
                   by_label: dict[tuple[str, str | None], int], written: dict[str, str], stamp: str,
                   ordered: bool = False) -> Packed:
    """The rest of ``pack`` once the annotations have their layers and timestamps and are
    counted (``formats.records`` does that while it checks them, and puts them in the
    export's order: ``ordered``)."""
    by_type: dict[str, int] = {}
    for r in relations:
        if not r.created:
            r.created = stamp
        if not r.updated:
            r.updated = stamp
        by_type[r.type] = by_type.get(r.type, 0) + 1
    if not ordered:
        annotations = sorted(annotations, key=_export_order)
    return Packed(_encode(annotations), _encode(relations),
                  [(label, annotator, n) for (label, annotator), n in by_label.items()],
                  list(by_type.items()), len(annotations), len(relations), written)


def relayer(packed: Packed, layers: Mapping[str, str]) -> Packed:
    """The same annotations with the layers the schema has now (when another process changed
    a label's layer, or two workers guessed a new label's layer differently)."""
    annotations = decode_annotations(packed.annotations)
    for a in annotations:
        a.layer = layers[a.label]
    packed.annotations = _encode(annotations)
    packed.layers = {label: layers[label] for label in packed.layers}
    return packed


# ---------------------------------------------------------------- documents kept in parts
# A merged document is stored as parts (docs/adr/0015): each source's packed JSON as it was
# in that source, with the source's name, which the reads put before every id (``alice:a12``)
# and give to annotations without an annotator, and the merge's time for items without one.
# ``join_parts`` makes of them the JSON the document would have had packed whole: the same
# bytes the merge stored before parts existed.

_NULL = msgspec.Raw(b"null")


class LeanAnnotation(msgspec.Struct, gc=False):
    """A native annotation with everything that joining parts does not touch kept as raw JSON
    (the export's field order, so that encoding gives the packed form back)."""

    id: str
    start: int
    end: int
    label: str
    layer: msgspec.Raw = _NULL
    text: msgspec.Raw = _NULL
    attributes: msgspec.Raw = _NULL
    annotator: str | None = None
    note: msgspec.Raw = _NULL
    created: msgspec.Raw = _NULL
    updated: msgspec.Raw = _NULL


class LeanRelation(msgspec.Struct, gc=False):
    id: str
    type: str
    from_: str = msgspec.field(name="from")
    to: str = ""
    attributes: msgspec.Raw = _NULL
    created: msgspec.Raw = _NULL
    updated: msgspec.Raw = _NULL


decode_lean_annotations = msgspec.json.Decoder(list[LeanAnnotation]).decode
decode_lean_relations = msgspec.json.Decoder(list[LeanRelation]).decode
encode = _encode


@dataclass(slots=True)
class Part:
    """One source's share of a merged document: its packed JSON as the source had it."""

    source: str | None  # the source file's name: ids become "source:id", annotators default to
    # it (None: a document packed whole, read as it is)
    stamp: str | None  # given to items without a time of creation or change (None: all have one)
    annotations: bytes
    relations: bytes


def timeless(packed: bytes) -> bool:
    """Whether some annotation or relation of packed JSON lacks a time of creation or change
    (a plain byte search: the key cannot occur inside a JSON string, whose quotes are escaped)."""
    return b'ed":null' in packed and (b'"created":null' in packed or b'"updated":null' in packed)


def prefix_items(anns: list[Any], rels: list[Any], name: str) -> None:
    """A source's annotations and relations as a merged document names them: ids (relations'
    ends too) after ``name:``, and ``name`` the annotator of annotations without one."""
    prefix = name + ":"
    for a in anns:
        a.id = prefix + a.id
        if not a.annotator:
            a.annotator = name
    for r in rels:
        r.id = prefix + r.id
        r.from_ = prefix + r.from_
        r.to = prefix + r.to


def part_items(part: Part) -> tuple[list[LeanAnnotation], list[LeanRelation]]:
    """A part's annotations and relations as the merged document has them: ids prefixed with
    the source's name, annotators and times filled in."""
    anns, rels = decode_lean_annotations(part.annotations), decode_lean_relations(part.relations)
    name = part.source
    if name is None:
        return anns, rels
    prefix_items(anns, rels, name)
    if part.stamp is not None:
        stamp = msgspec.Raw(msgspec.json.encode(part.stamp))
        items: list[LeanAnnotation | LeanRelation] = [*anns, *rels]
        for item in items:
            if item.created == _NULL:
                item.created = stamp
            if item.updated == _NULL:
                item.updated = stamp
    return anns, rels


def join_parts(parts: Iterable[Part]) -> tuple[bytes, bytes]:
    """A merged document's annotations and relations as one packed JSON (export order: by
    start and end, then in the parts' order) from its parts."""
    anns: list[LeanAnnotation] = []
    rels: list[LeanRelation] = []
    for part in parts:
        more_a, more_r = part_items(part)
        anns += more_a
        rels += more_r
    anns.sort(key=_export_order)
    return _encode(anns), _encode(rels)


def part_label_counts(source: str, counts: Iterable[tuple[str, str | None, int]]
                      ) -> list[tuple[str, str | None, int]]:
    """A part's counts by label and annotator (the source's, ``counts``) as the merged document
    has them: annotations without an annotator are the source's."""
    out: dict[tuple[str, str | None], int] = {}
    for label, annotator, n in counts:
        key = (label, annotator or source)
        out[key] = out.get(key, 0) + n
    return [(label, who, n) for (label, who), n in out.items()]
