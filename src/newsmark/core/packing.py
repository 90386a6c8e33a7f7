"""A document's annotations and relations packed as native JSON, as the store keeps imported
documents until their first edit (docs/adr/0008).  Qt-free and store-free, so that worker
processes can pack the records of a large file while the importer writes."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass

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
                   by_label: dict[tuple[str, str | None], int], written: dict[str, str], stamp: str) -> Packed:
    """The rest of ``pack`` once the annotations have their layers and timestamps and are
    counted (``formats.records`` does that while it checks them)."""
    by_type: dict[str, int] = {}
    for r in relations:
        if not r.created:
            r.created = stamp
        if not r.updated:
            r.updated = stamp
        by_type[r.type] = by_type.get(r.type, 0) + 1
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
