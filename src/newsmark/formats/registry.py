"""Every interchange format: how to read it, how to write it, how to recognise it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from newsmark.core.record import Record

# name -> (what the output is, description)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "jsonl": ("file", "native JSONL: everything, one document a line"),
    "doccano": ("file", "doccano JSONL, sequence labelling (label: [[start, end, label]])"),
    "doccano-rel": ("file", "doccano JSONL, relation form (entities, relations)"),
    "prodigy": ("file", "Prodigy JSONL (tokens, spans, relations, answer)"),
    "label-studio": ("file", "Label Studio JSON tasks (the CLI writes the labelling config beside them: -o tasks.json -> tasks.label-config.xml)"),
    "brat": ("folder", "brat standoff: .txt/.ann per document, annotation.conf, visual.conf"),
    "w3c": ("file", "W3C Web Annotation JSON-LD (AnnotationCollection)"),
    "conll": ("file", "CoNLL BIO (IOB2) of the entity layer"),
    "citron": ("folder", "quote attribution, BBC R&D Citron format: one JSON file per document"),
    "spacy": ("binary", "spaCy DocBin (.spacy); needs spaCy"),
    "parquet": ("folder", "Parquet tables (documents, annotations, relations) for DuckDB, Polars, Spark; needs pyarrow"),
}
IMPORT_FORMATS = ("jsonl", "csv", "html", "text", "doccano", "prodigy", "label-studio", "brat", "w3c",
                  "conll", "citron")


def reader(kind: str) -> Callable[[Path], Iterator[Record]]:
    """The record reader of an annotated format (the ingest layer handles text, html, csv)."""
    from newsmark.formats import brat, citron, conll, doccano, labelstudio, prodigy, w3c

    readers: dict[str, Callable[[Path], Iterator[Record]]] = {
        "doccano": doccano.read, "prodigy": prodigy.read, "label-studio": labelstudio.read,
        "brat": brat.read, "w3c": w3c.read, "conll": conll.read, "citron": citron.read,
    }
    return readers[kind]


def sniff_json(first: Any) -> str:
    """The format of a JSON or JSONL file from its first value."""
    from newsmark.formats import citron, doccano, labelstudio, prodigy, w3c

    if isinstance(first, list):
        return "label-studio" if labelstudio.looks_like(first) else "jsonl"
    for name, module in (("w3c", w3c), ("citron", citron), ("prodigy", prodigy), ("doccano", doccano)):
        if module.looks_like(first):
            return name
    if labelstudio.looks_like(first):
        return "label-studio"
    return "jsonl"


def sniff_text(head: bytes) -> str | None:
    """The annotated format of a file that is not JSON, from its first bytes, or None (plain
    text): token-per-line BIO files go by many names (``eng.train``, ``train.txt``)."""
    from newsmark.formats import conll

    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return "conll" if conll.looks_like(text) else None


def write(fmt: str, project: Any, target: Any, **filters: Any) -> Any:
    """Export ``project`` as ``fmt`` to ``target`` (a binary stream, or a path for folders
    and binary formats); returns the report."""
    from newsmark.formats import (
        brat,
        citron,
        conll,
        doccano,
        labelstudio,
        parquet,
        prodigy,
        spacy_docbin,
        w3c,
    )

    if fmt == "doccano":
        return doccano.write(project, target, **filters)
    if fmt == "doccano-rel":
        return doccano.write(project, target, relations=True, **filters)
    writers: dict[str, Any] = {"prodigy": prodigy.write, "label-studio": labelstudio.write,
                               "brat": brat.write, "w3c": w3c.write, "conll": conll.write,
                               "citron": citron.write, "spacy": spacy_docbin.write,
                               "parquet": parquet.write}
    return writers[fmt](project, target, **filters)
