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

from newsmark.core.errors import ValidationError
from newsmark.core.record import Record
from newsmark.formats.base import (
    CATEGORIES,
    ExportReport,
    _kind,
    add_categories,
    as_dict,
    as_label,
    as_list,
    categories,
    documents,
    read_converted_lines,
    string_list,
    write_jsonl,
)
from newsmark.store.project import Project

NAME = "doccano"


_LABEL_KEYS = ("label", "labels", "column_label")


def _is_doccano_annotation(a: Any) -> bool:
    """A doccano 1.x annotation object: offsets named ``start_offset``, or a document label
    (``{"label": ..., "user": ...}``) with no native ``start``."""
    return isinstance(a, dict) and ("start_offset" in a or ("user" in a and "start" not in a))


def looks_like(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if "entities" in obj or "column_label" in obj or "cats" in obj:
        return True
    anns = obj.get("annotations")
    if isinstance(anns, list):  # native JSONL, unless its items are doccano 1.x objects
        return bool(anns) and _is_doccano_annotation(anns[0])
    return isinstance(obj.get("label", obj.get("labels")), list)


def _span(item: Any, i: int, what: str, prefix: str) -> dict[str, Any] | str:
    """A native annotation from a doccano span (``[start, end, label]`` or an object with
    ``start_offset``/``end_offset``), or the category a document-level label names."""
    where = f"{what} {i + 1}"
    if isinstance(item, str):
        return item
    if isinstance(item, list):
        if len(item) != 3:
            raise ValidationError(f"{where} must be [start, end, label], not a list of {len(item)}")
        return {"id": f"{prefix}{i}", "start": item[0], "end": item[1], "label": as_label(item[2], where)}
    if not isinstance(item, dict):
        raise ValidationError(f"{where} must be [start, end, label] or an object, not {_kind(item)}")
    label = as_label(item.get("label"), where)
    if "start_offset" not in item and "end_offset" not in item and "start" not in item:
        if not isinstance(label, str):  # a document label without its name
            raise ValidationError(f"{where} has no label")
        return label
    out: dict[str, Any] = {"id": item.get("id", f"{prefix}{i}"),
                           "start": item.get("start_offset", item.get("start")),
                           "end": item.get("end_offset", item.get("end")), "label": label}
    user = item.get("user")
    if isinstance(user, str | int) and not isinstance(user, bool):
        out["annotator"] = str(user)
    return out


def to_native(obj: dict[str, Any]) -> dict[str, Any]:
    """A doccano record in native shape (the offsets and labels are checked on the native
    record; here only the shapes native checks would not see)."""
    # "data"/"column_data" and "labels"/"column_label" are older doccano versions' names
    out: dict[str, Any] = {"text": obj.get("text", obj.get("data", obj.get("column_data")))}
    if "id" in obj:
        out["id"] = obj["id"]
    skip = {"id", "text", "data", "column_data", *_LABEL_KEYS, "entities", "relations", "cats", "meta",
            "annotations"}
    meta = {k: v for k, v in obj.items() if k not in skip}
    if isinstance(obj.get("meta"), dict):
        meta.update(obj["meta"])
    elif obj.get("meta") is not None:
        meta["meta"] = obj["meta"]
    if meta:
        out["meta"] = meta
    anns: list[Any] = []
    cats: list[str] = string_list(obj.get("cats"), "'cats'")
    # (field, what one item is called in messages, prefix of the ids given to its spans)
    sources = [("entities", "entity", "e"), ("label", "label", "s"), ("labels", "label", "l"),
               ("column_label", "label", "c")]
    if isinstance(obj.get("annotations"), list) and any(map(_is_doccano_annotation, obj["annotations"])):
        sources.append(("annotations", "annotation", "a"))
    elif obj.get("annotations") not in (None, []):
        raise ValidationError("'annotations' must be a list of doccano annotation objects "
                              "(label, start_offset, end_offset, user)")
    for key, what, prefix in sources:
        items = obj.get(key)
        if isinstance(items, str):  # a text-classification label given alone
            cats.append(items)
            continue
        for i, item in enumerate(as_list(items, repr(key))):
            got = _span(item, i, what, prefix)
            if isinstance(got, str):
                cats.append(got)
            else:
                anns.append(got)
    rels: list[dict[str, Any]] = []
    for i, r in enumerate(as_list(obj.get("relations"), "'relations'")):
        r = as_dict(r, f"relation {i + 1}")
        rels.append({"id": r.get("id", f"r{i}"), "from": r.get("from_id"), "to": r.get("to_id"),
                     "type": as_label(r.get("type"), f"relation {i + 1}")})
    out["annotations"] = anns
    out["relations"] = rels
    add_categories(out, [c for c in cats if c])
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
            cats = categories(doc)
            if cats:  # as doccano's text classification and intent detection write them
                item["cats"] = cats
            item["title"] = doc.title
            item.update({k: v for k, v in doc.meta.items()
                         if k not in item and not (k == CATEGORIES and cats)})
            yield item

    write_jsonl(out, items())
    if relations:
        report.notes.append("entity and relation ids are numbered per document, as doccano expects")
    return report
