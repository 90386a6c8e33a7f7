"""The annotator's objects, as plain dataclasses (no Qt, no SQL).

Offsets are Unicode code point indices into ``Document.text`` (Python ``str`` indexing),
``end`` exclusive: ``annotation.text == document.text[annotation.start:annotation.end]``.
See docs/adr/0001-offsets-are-code-points.md.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

import msgspec

STATUSES: tuple[str, ...] = ("new", "in progress", "done", "review")
_STATUS_ALIASES = {"in_progress": "in progress", "in-progress": "in progress", "inprogress": "in progress"}


def normalise_status(value: str) -> str | None:
    """The canonical status for ``value`` (case-insensitive, ``in_progress`` accepted), or None."""
    v = value.strip().lower()
    v = _STATUS_ALIASES.get(v, v)
    return v if v in STATUSES else None


def now() -> str:
    """The current time as an ISO 8601 UTC timestamp with milliseconds."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    """A fresh random id for an annotation or relation."""
    return uuid.uuid4().hex[:16]


def text_sha256(text: str) -> str:
    """The SHA-256 of the text's UTF-8 bytes: how duplicates are recognised."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(slots=True)
class AttributeDef:
    """One attribute a label or relation type can carry (built into the attribute editor)."""

    name: str
    type: str = "text"  # text | choice | number | boolean | list | entity
    values: list[str] = field(default_factory=list)
    required: bool = False
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.values:
            d["values"] = list(self.values)
        if self.required:
            d["required"] = True
        if self.description:
            d["description"] = self.description
        return d


@dataclass(slots=True)
class Label:
    name: str
    layer: str = "entity"
    colour: str = "#9e9e9e"
    shortcut: str = ""
    description: str = ""
    attributes: list[AttributeDef] = field(default_factory=list)


@dataclass(slots=True)
class RelationType:
    name: str
    from_labels: list[str] = field(default_factory=list)  # label or layer names; empty = any
    to_labels: list[str] = field(default_factory=list)
    description: str = ""
    attributes: list[AttributeDef] = field(default_factory=list)


@dataclass(slots=True)
class Annotation:
    id: str
    document: str
    start: int
    end: int
    label: str
    text: str
    attributes: dict[str, Any] = field(default_factory=dict)
    annotator: str | None = None
    note: str | None = None
    created: str = ""
    updated: str = ""

    def to_native(self, layer: str | None = None) -> NativeAnnotation:
        return NativeAnnotation(self.id, self.start, self.end, self.label, layer, self.text, self.attributes,
                                self.annotator, self.note, self.created or None, self.updated or None)

    @staticmethod
    def from_native(a: NativeAnnotation, document: str) -> Annotation:
        return Annotation(a.id, document, a.start, a.end, a.label, a.text or "", a.attributes or {},
                          a.annotator, a.note, a.created or "", a.updated or "")


@dataclass(slots=True)
class Relation:
    id: str
    document: str
    type: str
    from_id: str
    to_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    updated: str = ""

    def to_native(self) -> NativeRelation:
        return NativeRelation(self.id, self.type, self.from_id, self.to_id, self.attributes,
                              self.created or None, self.updated or None)

    @staticmethod
    def from_native(r: NativeRelation, document: str) -> Relation:
        return Relation(r.id, document, r.type, r.from_, r.to, r.attributes or {}, r.created or "", r.updated or "")


class NativeAnnotation(msgspec.Struct, gc=False):
    """An annotation as native JSONL has it (the export's shape and field order, with its
    label's layer).  Imports and packed documents (docs/adr/0008) keep annotations in this
    form: msgspec decodes, type-checks and encodes it without building dicts.  Not tracked by
    Python's cycle collector (it holds only JSON values, which cannot refer back to it): the
    collector's passes over a million of them doubled the time of a large import."""

    id: str
    start: int
    end: int
    label: str
    layer: Any = None
    text: str | None = None
    attributes: dict[str, Any] | None = None
    annotator: str | None = None
    note: str | None = None
    created: str | None = None
    updated: str | None = None


class NativeRelation(msgspec.Struct, gc=False):
    """A relation as native JSONL has it (see NativeAnnotation)."""

    id: str
    type: str
    from_: str = msgspec.field(name="from")
    to: str
    attributes: dict[str, Any] | None = None
    created: str | None = None
    updated: str | None = None


@dataclass(slots=True)
class Document:
    id: str
    text: str
    title: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    status: str = "new"
    created: str = ""
    updated: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


def default_title(text: str, limit: int = 120) -> str:
    """A title for a document that has none: its first non-blank line, shortened."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return "(untitled)"
