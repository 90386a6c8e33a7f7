"""What a reader hands the importer: one document read from a file.

The formats make these and the store takes them, so the type lives below both (the store never
imports the formats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsmark.core.errors import InputError
from newsmark.core.model import Document, NativeAnnotation, NativeRelation

if TYPE_CHECKING:  # (not imported at start: packing needs orjson, which --version does not)
    from newsmark.core.packing import Packed


@dataclass(slots=True)
class Record:
    """One document read from a file, with what the schema may need to learn from it."""

    line: int
    document: Document | None = None
    error: InputError | None = None
    label_layers: dict[str, str] = field(default_factory=dict)
    id_given: bool = True
    # the original file (a web page's HTML) to keep with the document: (kind, name, zlib bytes)
    source: tuple[str, str, bytes] | None = None
    # the checked annotations and relations as native objects (see Checked), when the reader
    # kept them in that form (native JSONL: the fast path); then document has none
    native: tuple[list[NativeAnnotation], list[NativeRelation]] | None = None
    # or already packed for the store by the reader (large native JSONL files), with the text's hash
    packed: Packed | None = None
    sha256: str | None = None
    # what breaks the schema's rules (core.rules), when the reader checked (None: it did not)
    rule_problems: list[str] | None = None
