"""Parquet tables for the data stack (issue #18): ``documents.parquet``, ``annotations.parquet``
and ``relations.parquet`` in a folder, read as they are by DuckDB, Polars, Spark or pandas.

Offsets are code points (int64), as everywhere in Newsmark (a Python ``str`` slice, DuckDB's
``substring`` with 1-based positions).  JSON values (a document's meta, attributes) are JSON
text columns; a relation's ``value`` (the stance) and a quote's ``speaker`` are also columns of
their own, the questions these tables are mostly asked.  Needs pyarrow (the ``parquet`` extra);
written a batch of documents at a time, whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsmark.core import jsonutil
from newsmark.core.atomicfile import atomic_folder
from newsmark.core.errors import NewsmarkError
from newsmark.formats.base import ExportReport, documents
from newsmark.store.project import Project

NAME = "Parquet"
BATCH = 1000  # documents per row group


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise NewsmarkError("the Parquet export needs pyarrow: pip install 'newsmark[parquet]'") from None
    return pa, pq


def schemas(pa: Any) -> dict[str, Any]:
    s, i = pa.string(), pa.int64()
    return {
        "documents": pa.schema([("id", s), ("title", s), ("text", s), ("meta", s), ("status", s),
                                ("created", s), ("updated", s)]),
        "annotations": pa.schema([("document", s), ("id", s), ("start", i), ("end", i), ("label", s),
                                  ("layer", s), ("text", s), ("attributes", s), ("speaker", s),
                                  ("annotator", s), ("note", s), ("created", s), ("updated", s)]),
        "relations": pa.schema([("document", s), ("id", s), ("type", s), ("from", s), ("to", s),
                                ("value", s), ("attributes", s), ("created", s), ("updated", s)]),
    }


def _json(value: Any) -> str:
    return str(jsonutil.dumps(value))


def _str_or_none(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else _json(value)


def _append(cols: dict[str, list[Any]], row: dict[str, Any]) -> None:
    for key, value in row.items():
        cols[key].append(value)


def write(project: Project, folder: str | Path, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    pa, pq = _pyarrow()
    report = ExportReport(NAME)
    layers = project.label_layers()
    tables = schemas(pa)
    with atomic_folder(folder) as staging:
        writers = {name: pq.ParquetWriter(str(staging / f"{name}.parquet"), schema, compression="zstd")
                   for name, schema in tables.items()}
        cols: dict[str, dict[str, list[Any]]] = {n: {f.name: [] for f in s} for n, s in tables.items()}

        def flush() -> None:
            for name, c in cols.items():
                if next(iter(c.values())):
                    writers[name].write_table(pa.table(c, schema=tables[name]))
                    for v in c.values():
                        v.clear()

        try:
            n = 0
            for doc in documents(project, statuses=statuses, labels=labels, report=report):
                _append(cols["documents"], {
                    "id": doc.id, "title": doc.title, "text": doc.text, "meta": _json(doc.meta),
                    "status": doc.status, "created": doc.created, "updated": doc.updated})
                for ann in doc.annotations:
                    _append(cols["annotations"], {
                        "document": doc.id, "id": ann.id, "start": ann.start, "end": ann.end,
                        "label": ann.label, "layer": layers.get(ann.label), "text": ann.text,
                        "attributes": _json(ann.attributes),
                        "speaker": _str_or_none(ann.attributes.get("speaker")),
                        "annotator": ann.annotator, "note": ann.note, "created": ann.created,
                        "updated": ann.updated})
                for rel in doc.relations:
                    _append(cols["relations"], {
                        "document": doc.id, "id": rel.id, "type": rel.type, "from": rel.from_id,
                        "to": rel.to_id, "value": _str_or_none(rel.attributes.get("value")),
                        "attributes": _json(rel.attributes), "created": rel.created,
                        "updated": rel.updated})
                report.documents += 1
                report.annotations += len(doc.annotations)
                report.relations += len(doc.relations)
                n += 1
                if n % BATCH == 0:
                    flush()
            flush()
        finally:
            for w in writers.values():
                w.close()
    return report
