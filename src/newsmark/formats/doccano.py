"""doccano JSONL: sequence labelling (``label: [[start, end, label]]``, older ``labels``) and
the relation form (``entities`` with ``start_offset``/``end_offset``, ``relations`` with
``from_id``/``to_id``/``type``).  Offsets are code points (doccano's backend is Python).

doccano has no place for attributes, notes, annotators, relation attributes or the document
status: the export report counts what was left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from newsmark.formats.base import (
    ExportReport,
    documents,
    read_converted_lines,
    write_jsonl,
)
from newsmark.formats.records import Record
from newsmark.store.project import Project

NAME = "doccano"


def looks_like(obj: Any) -> bool:
    return isinstance(obj, dict) and ("entities" in obj or "column_label" in obj or (
        "annotations" not in obj and isinstance(obj.get("label", obj.get("labels")), list)))


def to_native(obj: dict[str, Any]) -> dict[str, Any]:
    """A doccano record in native shape (validation happens on the native record)."""
    # "data"/"column_data" and "labels"/"column_label" are older doccano versions' names
    out: dict[str, Any] = {"text": obj.get("text", obj.get("data", obj.get("column_data")))}
    if "id" in obj:
        out["id"] = obj["id"]
    skip = {"id", "text", "data", "column_data", "label", "labels", "column_label", "entities", "relations"}
    meta = {k: v for k, v in obj.items() if k not in skip}
    if meta:
        out["meta"] = meta
    anns: list[Any] = []
    if "entities" in obj:
        for i, e in enumerate(obj["entities"] or []):
            if not isinstance(e, dict):
                anns.append(e)  # refused by validation with its position
                continue
            anns.append({"id": e.get("id", f"e{i}"), "start": e.get("start_offset"),
                         "end": e.get("end_offset"), "label": e.get("label")})
        rels = []
        for i, r in enumerate(obj.get("relations") or []):
            if not isinstance(r, dict):
                rels.append(r)
                continue
            rels.append({"id": r.get("id", f"r{i}"), "from": r.get("from_id"), "to": r.get("to_id"),
                         "type": r.get("type")})
        out["relations"] = rels
    else:
        for i, triple in enumerate(obj.get("label", obj.get("labels", obj.get("column_label"))) or []):
            if isinstance(triple, list) and len(triple) == 3:
                anns.append({"id": f"s{i}", "start": triple[0], "end": triple[1], "label": triple[2]})
            else:
                anns.append({"id": f"s{i}", "start": None, "end": None, "label": repr(triple)})
    out["annotations"] = anns
    return out


def read(path: str | Path) -> Iterator[Record]:
    return read_converted_lines(path, to_native)


def write(project: Project, out: BinaryIO, *, relations: bool = False, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    """Write doccano JSONL: the sequence-labelling form, or with ``relations`` the relation form."""
    report = ExportReport(NAME + (" (relations)" if relations else ""))

    def items() -> Iterator[dict[str, Any]]:
        for doc in documents(project, statuses=statuses, labels=labels, report=report):
            report.documents += 1
            report.annotations += len(doc.annotations)
            report.lose("annotation attributes", sum(1 for a in doc.annotations if a.attributes))
            report.lose("annotation notes", sum(1 for a in doc.annotations if a.note))
            report.lose("document statuses other than new", doc.status != "new")
            item: dict[str, Any] = {"id": doc.id, "text": doc.text}
            if relations:
                index = {a.id: i for i, a in enumerate(doc.annotations)}
                item["entities"] = [{"id": index[a.id], "label": a.label, "start_offset": a.start,
                                     "end_offset": a.end} for a in doc.annotations]
                item["relations"] = [{"id": i, "from_id": index[r.from_id], "to_id": index[r.to_id],
                                      "type": r.type} for i, r in enumerate(doc.relations)]
                report.relations += len(doc.relations)
                report.lose("relation attributes", sum(1 for r in doc.relations if r.attributes))
            else:
                item["label"] = [[a.start, a.end, a.label] for a in doc.annotations]
                report.lose("relations (use the doccano relation form)", len(doc.relations))
            item["title"] = doc.title
            item.update({k: v for k, v in doc.meta.items() if k not in item})
            yield item

    write_jsonl(out, items())
    if relations:
        report.notes.append("entity and relation ids are numbered per document, as doccano expects")
    return report
