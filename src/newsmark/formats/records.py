"""Checking one native record (a dict) and turning it into a Document.

Shared by every reader that produces native-shaped records.  Raises ValidationError with a
message naming the annotation or relation at fault; readers add the file and line.
"""

from __future__ import annotations

import hashlib
import operator
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from newsmark.core.errors import ValidationError
from newsmark.core.jsonutil import MAX_DEPTH, depth
from newsmark.core.model import (
    STATUSES,
    Annotation,
    Document,
    NativeAnnotation,
    NativeRelation,
    Relation,
    new_id,
    normalise_status,
    now,
)
from newsmark.core.offsets import check_span
from newsmark.core.packing import (
    Packed,
    finish_packing,
    layers_of,
    speaker_name,
)
from newsmark.core.record import Record
from newsmark.core.rules import Rules

_MAX_SHOWN = 40


def _short(s: str) -> str:
    return repr(s if len(s) <= _MAX_SHOWN else s[: _MAX_SHOWN - 1] + "…")


def _id(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationError(f"{what} id {value!r} must be a string or an integer")
    s = str(value)
    if not s:
        raise ValidationError(f"{what} id is empty")
    return s


def _opt_str(d: dict[str, Any], key: str, what: str) -> str | None:
    value = d.get(key)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{what}: {key!r} must be a string, not {type(value).__name__}")
    return value


def _dict(d: dict[str, Any], key: str, what: str) -> dict[str, Any]:
    value = d.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{what}: {key!r} must be an object, not {type(value).__name__}")
    return value


def _check_encodable(s: str, what: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValidationError(
            f"{what} holds a lone surrogate (U+{ord(s[e.start]):04X}) at character {e.start}, "
            "which is not a Unicode character"
        ) from None


def _check_annotation(a: dict[str, Any], i: int, text: str) -> tuple[str | None, int, int, str]:
    """The slow path: find what is wrong with an annotation, or return its checked fields."""
    what = f"annotation {i + 1}"
    ann_id = _id(a.get("id"), what)
    if ann_id is not None:
        what = f"annotation {ann_id!r}"
    try:
        start, end = check_span(text, a.get("start"), a.get("end"))
    except ValidationError as e:
        raise ValidationError(f"{what}: {e}") from None
    label = a.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ValidationError(f"{what}: 'label' must be a non-empty string")
    _dict(a, "attributes", what)
    for key in ("annotator", "note", "created", "updated"):
        _opt_str(a, key, what)
    return ann_id, start, end, label


NATIVE_KEYS = frozenset({"id", "title", "text", "meta", "status", "created", "updated",
                         "annotations", "relations"})


def remap_fields(obj: dict[str, Any], text: str, title: str, id: str) -> dict[str, Any]:
    """A collection's record in native shape: its text, title and id fields renamed, and every
    other field that is not native moved into ``meta``."""
    out = {k: v for k, v in obj.items() if k in NATIVE_KEYS}
    for native, given in (("text", text), ("title", title), ("id", id)):
        if given != native:
            out.pop(native, None)
            if given in obj:
                out[native] = obj[given]
    extra = {k: v for k, v in obj.items() if k not in NATIVE_KEYS and k not in (text, title, id)}
    if extra:
        meta = out.get("meta")
        if meta is None:
            out["meta"] = extra
        elif isinstance(meta, dict):
            out["meta"] = {**extra, **meta}
        # a meta that is not an object is left for document_from_record to refuse
    return out


def _check_depth(meta: dict[str, Any], annotations: list[NativeAnnotation],
                 relations: list[NativeRelation]) -> None:
    """Refuse stored values (meta, attributes) that put the record more than MAX_DEPTH levels
    deep; fields that are not stored may nest as deep as the JSON parser allows."""
    if depth(meta) + 1 > MAX_DEPTH:
        raise ValidationError(f"the record's meta nests lists and objects more than {MAX_DEPTH} levels deep")
    for kind, items in (("annotation", annotations), ("relation", relations)):
        for item in items:
            attrs = item.attributes
            # the record, its list of annotations/relations, the item: attributes start at level 4
            if attrs and any(type(v) in _CONTAINERS for v in attrs.values()) and depth(attrs) + 3 > MAX_DEPTH:
                raise ValidationError(f"{kind} {item.id!r}: its attributes put the record more than "
                                      f"{MAX_DEPTH} levels deep (lists and objects nest too deeply)")


_CONTAINERS = (dict, list)


@dataclass(slots=True)
class Checked:
    """A checked native record.  Its annotations and relations are native objects in the
    export's shape, with ids filled in; ``layer`` is None (the store fills in the label's) and
    ``created``/``updated`` may be None (the importer stamps them)."""

    document: Document  # without annotations and relations
    annotations: list[NativeAnnotation]
    relations: list[NativeRelation]
    layers: dict[str, str]  # the layer the record names for each label
    id_given: bool


def document_from_record(obj: Any, *, check_depth: bool = True) -> tuple[Document, dict[str, str], bool]:
    """Validate a native record; returns the document, the layers named for its labels, and
    whether the record gave the document's id.  ``check_depth=False`` skips the nesting check
    when the caller knows the record cannot be that deep (fewer brackets than MAX_DEPTH)."""
    checked = check_record(obj, check_depth=check_depth)
    doc = checked.document
    doc.annotations = [Annotation.from_native(a, doc.id) for a in checked.annotations]
    doc.relations = [Relation.from_native(r, doc.id) for r in checked.relations]
    return doc, checked.layers, checked.id_given


def check_record(obj: Any, *, check_depth: bool = True) -> Checked:
    """Validate a native record (see ``document_from_record``), keeping its annotations and
    relations as native objects: building no Annotation objects made imports of large files
    ~25% faster (benchmarks/bench_jsonl.py)."""
    if not isinstance(obj, dict):
        raise ValidationError(f"a record must be a JSON object, not {type(obj).__name__}")
    text = obj.get("text")
    if text is None:
        raise ValidationError("the record has no 'text'")
    if not isinstance(text, str):
        raise ValidationError(f"'text' must be a string, not {type(text).__name__}")
    _check_encodable(text, "the text")
    doc_id = _id(obj.get("id"), "document")
    status = obj.get("status") or "new"
    if not isinstance(status, str) or normalise_status(status) is None:
        raise ValidationError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    doc = Document(
        id=doc_id or "",
        text=text,
        title=_opt_str(obj, "title", "the record") or "",
        meta=_dict(obj, "meta", "the record"),
        status=normalise_status(status) or "new",
        created=_opt_str(obj, "created", "the record") or "",
        updated=_opt_str(obj, "updated", "the record") or "",
    )
    layers: dict[str, str] = {}
    annotations: list[NativeAnnotation] = []
    raw_anns = obj.get("annotations") or []
    if not isinstance(raw_anns, list):
        raise ValidationError("'annotations' must be a list")
    seen: set[str] = set()
    n = len(text)
    for i, a in enumerate(raw_anns):
        if type(a) is not dict:
            raise ValidationError(f"annotation {i + 1} must be an object")
        # fast path for well-formed annotations; anything unusual goes through the checks below
        ann_id, start, end, label = a.get("id"), a.get("start"), a.get("end"), a.get("label")
        attributes, annotator, note = a.get("attributes"), a.get("annotator"), a.get("note")
        created, updated, given = a.get("created"), a.get("updated"), a.get("text")
        if not (type(ann_id) is str and ann_id and type(start) is int and type(end) is int
                and 0 <= start < end <= n and type(label) is str and label.strip()
                and (attributes is None or type(attributes) is dict)
                and (annotator is None or type(annotator) is str)
                and (note is None or type(note) is str)
                and (created is None or type(created) is str)
                and (updated is None or type(updated) is str)):
            ann_id, start, end, label = _check_annotation(a, i, text)
        span_text = text[start:end]
        if given is not None and given != span_text:
            what = f"annotation {ann_id!r}" if "id" in a else f"annotation {i + 1}"
            raise ValidationError(
                f"{what}: its text {_short(given) if isinstance(given, str) else repr(given)} does "
                f"not match the document's text at {start}-{end}, which is {_short(span_text)}"
            )
        ann_id = ann_id or new_id()
        if ann_id in seen:
            raise ValidationError(f"annotation id {ann_id!r} appears twice in the record")
        seen.add(ann_id)
        layer = a.get("layer")
        if layer and type(layer) is str and label not in layers:
            layers[label] = layer
        annotations.append(NativeAnnotation(ann_id, start, end, label, None, span_text, attributes or {},
                                            annotator, note, created, updated))
    raw_rels = obj.get("relations") or []
    if not isinstance(raw_rels, list):
        raise ValidationError("'relations' must be a list")
    rel_ids: set[str] = set()
    relations: list[NativeRelation] = []
    for i, r in enumerate(raw_rels):
        what = f"relation {i + 1}"
        if not isinstance(r, dict):
            raise ValidationError(f"{what} must be an object")
        rel_id = _id(r.get("id"), what)
        if rel_id is not None:
            what = f"relation {rel_id!r}"
        rtype = r.get("type")
        if not isinstance(rtype, str) or not rtype.strip():
            raise ValidationError(f"{what}: 'type' must be a non-empty string")
        ends = []
        for key in ("from", "to"):
            end_id = _id(r.get(key), f"{what} '{key}'")
            if end_id is None:
                raise ValidationError(f"{what} has no '{key}'")
            if end_id not in seen:
                raise ValidationError(f"{what}: its '{key}' annotation {end_id!r} is not in this document")
            ends.append(end_id)
        if ends[0] == ends[1]:
            raise ValidationError(f"{what} links annotation {ends[0]!r} to itself (a relation needs two)")
        rel_id = rel_id or new_id()
        if rel_id in rel_ids:
            raise ValidationError(f"relation id {rel_id!r} appears twice in the record")
        rel_ids.add(rel_id)
        relations.append(NativeRelation(rel_id, rtype, ends[0], ends[1], _dict(r, "attributes", what),
                                        _opt_str(r, "created", what), _opt_str(r, "updated", what)))
    if check_depth:
        _check_depth(doc.meta, annotations, relations)
    return Checked(doc, annotations, relations, layers, doc_id is not None)


class _FastRecord(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A native record as the fast path takes it: only native fields, strict types.  The text
    is kept as its JSON (_check_fast reads it): without escapes, the JSON string's bytes are the
    text's UTF-8, which the text's hash and the worker's pickle need (no encoding back)."""

    text: msgspec.Raw
    id: str | None = None
    title: str | None = None
    meta: dict[str, Any] | None = None
    status: str | None = None
    created: str | None = None
    updated: str | None = None
    annotations: list[NativeAnnotation] | None = None
    relations: list[NativeRelation] | None = None


_fast_decoder = msgspec.json.Decoder(_FastRecord)
_decode_str = msgspec.json.Decoder(str).decode


def _has_long_int(value: Any) -> bool:
    """Whether a JSON value holds an integer beyond 64 bits: msgspec keeps those, where orjson
    (the full path, and the store's writer) turns them into floats."""
    t = type(value)
    if t is int:
        return not -(1 << 63) <= value < (1 << 64)
    if t is not dict and t is not list:
        return False
    # without recursion: a value nested deeper than Python's recursion limit (the JSON parsers
    # read 1,024 levels) is for the full path to refuse with its line, not a RecursionError
    stack = [value]
    while stack:
        item = stack.pop()
        for v in item.values() if type(item) is dict else item:
            tv = type(v)
            if tv is int:
                if not -(1 << 63) <= v < (1 << 64):
                    return True
            elif tv is dict or tv is list:
                stack.append(v)
    return False


_NUMERIC_OR_CONTAINER = (int, dict, list)

# Columns of the decoded annotations and relations, taken in C (map over a getter): a Python
# loop over a million annotations was a third of a large import's workers' time (docs/adr/0008).
_ID, _LABEL, _TEXT = operator.attrgetter("id"), operator.attrgetter("label"), operator.attrgetter("text")
_START, _END = operator.attrgetter("start"), operator.attrgetter("end")
_LAYER, _ATTRIBUTES = operator.attrgetter("layer"), operator.attrgetter("attributes")
_ANNOTATOR = operator.attrgetter("annotator")
_CREATED, _UPDATED = operator.attrgetter("created"), operator.attrgetter("updated")
_FROM, _TO, _TYPE = operator.attrgetter("from_"), operator.attrgetter("to"), operator.attrgetter("type")


def _given_layers(given: dict[str, str], labels: list[str], layers: list[Any]) -> None:
    """The layer a record names for each label: the first that is a non-empty string."""
    for label, layer in zip(labels, layers, strict=True):
        if layer and type(layer) is str and label not in given:
            given[label] = layer


def check_record_bytes(raw: bytes) -> Checked | None:
    """The fast path for one line of native JSONL: the same result as ``check_record`` on
    its parsed JSON, or None when anything about the line is unusual (unknown fields, ids
    that are integers or missing, a bad span, deep nesting...) and the full path must decide,
    and word any error.  Decoding into typed structs with msgspec made imports of large files
    ~2x faster than building and checking dicts (benchmarks/bench_jsonl.py, docs/adr/0008)."""
    result = _check_fast(raw, None)
    if result is None:
        return None
    rec, text, anns, rels, meta, status, given = result
    doc = Document(id=rec.id or "", text=text, title=rec.title or "", meta=meta, status=status,
                   created=rec.created or "", updated=rec.updated or "")
    return Checked(doc, anns, rels, given, rec.id is not None)


@dataclass(slots=True)
class _PackAlong:
    """Packing done in the checking pass (``pack_lines``), from the columns it takes."""

    layers: dict[str, str]  # the schema's layers, and those given to new labels
    stamp: str
    # the labels with a speaker attribute, and the speaker marks found (core.packing.speaker_marks)
    speaker_labels: frozenset[str] | None = None
    # found by _check_fast for the record it checked last:
    written: dict[str, str] = field(default_factory=dict)
    by_label: dict[tuple[str, str | None], int] = field(default_factory=dict)
    speakers: set[str] = field(default_factory=set)
    order: list[int] | None = None  # the annotations' indices in export order (None: as they are)
    label_of: dict[str, str] = field(default_factory=dict)  # each annotation's label by id
    names: set[str] = field(default_factory=set)  # the attribute names the annotations use
    utf8: bytes = b""  # the text's UTF-8 bytes


def _check_fast(raw: bytes, along: _PackAlong | None
                ) -> tuple[_FastRecord, str, list[NativeAnnotation], list[NativeRelation], dict[str, Any], str,
                           dict[str, str]] | None:
    """The fast path's checks (``check_record_bytes``): the decoded record, its text, its annotations
    and relations with ids, texts and attributes filled in, its meta, its status and the
    layers it names; None when the full path must read the line.  Given ``along`` (packing),
    the annotations also get their layers and times, and ``along`` what packing needs.

    One lean Python loop over the annotations (CPython's specialised attribute access makes it
    cheaper than ``map`` over getters), and what can be done over the lists it makes is done in
    C after it: uniqueness (sets), counts (Counter), the export order (a sort of integers)."""
    try:
        rec = _fast_decoder.decode(raw)
    except (msgspec.MsgspecError, ValueError, RecursionError):  # bytes that are not UTF-8, deep nesting
        return None
    status = rec.status or "new"
    if rec.id == "" or (status not in STATUSES and normalise_status(status) is None):
        return None
    json_text = memoryview(rec.text)  # a JSON value: control characters were refused by msgspec
    if json_text[0] != 0x22 or json_text[-1] != 0x22:  # '"': not a string
        return None
    utf8 = bytes(json_text[1:-1])
    try:
        if b"\\" in utf8:  # escapes (\n, \u00e9, a lone surrogate \ud800...)
            text = _decode_str(json_text)
            utf8 = text.encode("utf-8")
        else:
            text = utf8.decode("utf-8")
    except (msgspec.MsgspecError, UnicodeError):  # a lone surrogate, bytes that are not UTF-8
        return None
    n = len(text)
    anns = rec.annotations or []
    given: dict[str, str] = {}  # the layer the record names for each label
    nested = False  # whether a stored value (attributes, meta) holds a list or an object
    ids: list[str] = []
    labels: list[str] = []
    if anns:
        m, n1 = len(anns), n + 1
        annotators: list[str | None] = []
        keys: list[int] = []  # (start, end) as one integer (end <= n): the export order's sort key
        with_attributes: list[NativeAnnotation] = []
        schema_layers = along.layers if along is not None else None
        stamp = along.stamp if along is not None else ""
        for a in anns:
            start, end = a.start, a.end
            if not 0 <= start < end <= n:
                return None
            span = text[start:end]
            if a.text != span:
                if a.text is not None:
                    return None
                a.text = span
            keys.append(start * n1 + end)
            ids.append(a.id)
            label = a.label
            labels.append(label)
            annotators.append(a.annotator)
            if a.attributes:
                with_attributes.append(a)
            elif a.attributes is None:
                a.attributes = {}
            layer = a.layer
            if layer is not None:
                if layer and type(layer) is str and label not in given:
                    given[label] = layer
                a.layer = None
            if schema_layers is not None:
                a.layer = schema_layers.get(label)  # a label the schema lacks: below
                if not a.created:
                    a.created = stamp
                if not a.updated:
                    a.updated = stamp
        seen = dict(zip(ids, labels, strict=True))  # each id's label (for the rules)
        if "" in seen or len(seen) != m:
            return None
        if len(set(keys)) != m and len(set(zip(keys, labels, annotators, strict=True))) != m:
            return None  # two annotations identical (span, label and annotator): the full path, and
            # the importer keeps one
        # the labels used, in order, and (packing) how many of each
        used: Mapping[str, Any] = Counter(labels) if along is not None else dict.fromkeys(labels)
        for label in used:
            if not label.strip():
                return None
        speaker_labels = along.speaker_labels if along is not None else None
        speakers: set[str] = set()
        with_speaker = 0  # annotations of a label with a speaker attribute that have one
        names: set[str] = set()  # the attribute names used
        given_names: set[str] = set()  # the speakers that are strings
        for a in with_attributes:
            attrs = a.attributes or {}  # (not empty: with_attributes)
            for v in attrs.values():
                if type(v) in _NUMERIC_OR_CONTAINER:
                    if _has_long_int(v):
                        return None
                    nested = nested or type(v) is not int
            if along is not None:
                names.update(attrs)
                if speaker_labels is not None:  # as core.packing.speaker_marks finds them
                    speaker = attrs.get("speaker")
                    if speaker is not None:
                        if type(speaker) is str:  # named once each, below
                            given_names.add(speaker)
                        else:
                            speakers.add("s:" + speaker_name(speaker))
                        if a.label in speaker_labels:
                            with_speaker += 1
        if along is not None:
            # counted by (label, annotator), in the order they come (C loops)
            if annotators.count(annotators[0]) == m:  # one annotator: counting labels is enough
                who = annotators[0]
                by_label = {(label, who): k for label, k in used.items()}
            else:
                by_label = dict(Counter(zip(labels, annotators, strict=True)))
            speakers.update(["s:" + speaker_name(name) for name in given_names])
            if speaker_labels is not None and with_speaker < sum(
                    k for (label, _), k in by_label.items() if label in speaker_labels):
                speakers.add("s?")  # an annotation of a label with a speaker attribute has none
            along.utf8, along.speakers, along.names, along.by_label = utf8, speakers, names, by_label
            along.order = sorted(range(m), key=keys.__getitem__)  # stable: then as they came
    else:
        seen = {}
        used = {}
        if along is not None:
            along.utf8, along.speakers, along.names, along.by_label, along.order = utf8, set(), set(), {}, None
    rels = rec.relations or []
    if rels:
        rel_ids: set[str] = set()
        for r in rels:
            if not (r.id and r.type.strip() and r.from_ in seen and r.to in seen) or r.id in rel_ids \
                    or r.from_ == r.to:  # a link to itself: the full path words the error
                return None
            rel_ids.add(r.id)
            if r.attributes is None:
                r.attributes = {}
            elif r.attributes:
                if _has_long_int(r.attributes):
                    return None
                nested = nested or any(type(v) in _CONTAINERS for v in r.attributes.values())
    meta = rec.meta or {}
    if meta:
        if _has_long_int(meta):
            return None
        nested = nested or any(type(v) in _CONTAINERS for v in meta.values())
    # only stored values nested in lists or objects can put the record too deep (_check_depth)
    if nested and raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:
        try:
            _check_depth(meta, anns, rels)
        except ValidationError:
            return None
    if along is not None:
        along.label_of = seen
        # each label's layer, once the line is sure to be packed: a label the schema lacks gets
        # the one this record names, which holds for the next records (a line left to the full
        # path, which the importer reads, guesses nothing for the others)
        unknown = not along.layers.keys() >= used.keys()
        written = along.written = layers_of(used, along.layers, given)  # (adds them to along.layers)
        if unknown:  # their layers are known now
            for a in anns:
                a.layer = written[a.label]
    return rec, text, anns, rels, meta, normalise_status(status) or "new", given


# A packed line as a worker sends it, one tuple of plain values (they pickle ~10x faster than
# dataclasses): the document's id, title, text (UTF-8: pickling it as a string would encode it
# again), meta, status, created, updated; the layers the record names, whether it gave its id; the
# packed annotations and relations, the counts by label and annotator and by type, the numbers of
# annotations and relations, the layers written, the speaker marks (core.packing.Packed); the
# text's hash; what breaks the schema's rules.
PackedLine = tuple[str, str, bytes, dict[str, Any], str, str, str, dict[str, str], bool, bytes, bytes,
                   list[tuple[str, str | None, int]], list[tuple[str, int]], int, int, dict[str, str],
                   list[str] | None, str, list[str] | None]


def pack_lines(lines: list[bytes], layers: dict[str, str], rules: Rules | None = None,
               speaker_labels: frozenset[str] | None = None) -> list[PackedLine | None]:
    """Check and pack native JSONL lines by the fast path (run in worker processes for large
    files): each as a ``PackedLine`` (``unpack_line`` makes the Record), or None for a line
    the full path must read.  ``layers`` is the schema's; a label it lacks gets the layer its
    first record names, as the importer will give it (the importer checks).  Given the labels
    with a speaker attribute, the search index's speaker marks (``core.packing.speaker_marks``)."""
    stamp = now()
    out: list[PackedLine | None] = []
    along = _PackAlong(layers, stamp, speaker_labels=speaker_labels)
    for raw in lines:
        result = _check_fast(raw, along)
        if result is None:
            out.append(None)
            continue
        rec, _, anns, rels, meta, status, given = result
        problems = None if rules is None else rules.problems(anns, rels, label_of=along.label_of,
                                                             attribute_names=along.names)
        if along.order is not None:
            anns = list(map(anns.__getitem__, along.order))
            along.order = None
        p = finish_packing(anns, rels, along.by_label, along.written, stamp, ordered=True)
        utf8 = along.utf8
        out.append((rec.id or "", rec.title or "", utf8, meta, status, rec.created or "", rec.updated or "",
                    given, rec.id is not None, p.annotations, p.relations, p.label_counts, p.type_counts,
                    p.annotation_count, p.relation_count, p.layers,
                    None if speaker_labels is None else sorted(along.speakers),
                    hashlib.sha256(utf8).hexdigest(), problems))
    return out


def unpack_line(number: int, line: PackedLine, speaker_labels: frozenset[str] | None = None) -> Record:
    """The Record for a line packed by ``pack_lines`` (given the same ``speaker_labels``)."""
    (doc_id, title, utf8, meta, status, created, updated, given, id_given, annotations, relations, label_counts,
     type_counts, annotation_count, relation_count, layers, speakers, sha, problems) = line
    doc = Document(id=doc_id, text=utf8.decode("utf-8"), title=title, meta=meta, status=status, created=created,
                   updated=updated)
    pk = Packed(annotations, relations, label_counts, type_counts, annotation_count, relation_count, layers,
                speakers, speaker_labels)
    return Record(number, document=doc, label_layers=given, id_given=id_given, packed=pk, sha256=sha,
                  rule_problems=problems)
