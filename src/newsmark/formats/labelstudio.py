"""Label Studio JSON: a list of tasks with ``data.text`` and ``annotations[].result``.

Offsets in Label Studio are JavaScript string indices, i.e. UTF-16 code units: they are
converted on the way out and in (an emoji counts two).  Region attributes travel as
per-region ``choices`` (choice attributes) and ``textarea`` (other scalar values, and notes)
results sharing the region's id; relation attributes as extra relation labels ``key=value``.
``labeling_config(schema)`` writes the matching labelling configuration.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import quoteattr

from newsmark.core import jsonutil
from newsmark.core.offsets import Utf16Map
from newsmark.core.schema import Schema
from newsmark.formats.base import ExportReport, documents, read_json_items
from newsmark.formats.records import Record
from newsmark.store.project import Project

NAME = "label-studio"
FROM_LABELS = "label"
NOTE = "note"


def _attr_control(key: str) -> str:
    return f"attr_{key}"


def looks_like(obj: Any) -> bool:
    items = obj if isinstance(obj, list) else [obj]
    return bool(items) and isinstance(items[0], dict) and "data" in items[0]


def _task_text(data: dict[str, Any]) -> tuple[str | None, str | None]:
    if isinstance(data.get("text"), str):
        return "text", data["text"]
    for key, value in data.items():
        if isinstance(value, str) and len(value) > 0 and not key.startswith("newsmark_"):
            return key, value
    return None, None


def task_to_native(task: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = task["data"] if isinstance(task.get("data"), dict) else {}
    key, text = _task_text(data)
    out: dict[str, Any] = {"text": text}
    doc_id = data.get("newsmark_id", task.get("id"))
    if doc_id is not None:
        out["id"] = doc_id
    if isinstance(data.get("title"), str):
        out["title"] = data["title"]
    meta = {k: v for k, v in data.items() if k not in {key, "title", "newsmark_id", "newsmark_status"}}
    if meta:
        out["meta"] = meta
    if isinstance(data.get("newsmark_status"), str):
        out["status"] = data["newsmark_status"]
    umap = Utf16Map(text) if isinstance(text, str) else None
    anns: dict[str, dict[str, Any]] = {}
    extras: list[dict[str, Any]] = []
    rels: list[Any] = []
    annotations = task.get("annotations", task.get("completions")) or []
    for k, annotation in enumerate(annotations if isinstance(annotations, list) else []):
        if not isinstance(annotation, dict):
            continue
        annotator = annotation.get("completed_by")
        if isinstance(annotator, dict):
            annotator = annotator.get("email") or annotator.get("id")
        for item in annotation.get("result") or []:
            if not isinstance(item, dict):
                continue
            value: dict[str, Any] = item["value"] if isinstance(item.get("value"), dict) else {}
            region = str(item.get("id", f"{k}-{len(anns)}"))
            if item.get("type") == "relation":
                labels = item.get("labels") or ["related"]
                attrs = dict(lab.split("=", 1) for lab in labels[1:] if isinstance(lab, str) and "=" in lab)
                rels.append({"id": f"{item.get('from_id')}-{item.get('to_id')}-{len(rels)}",
                             "type": labels[0], "from": item.get("from_id"), "to": item.get("to_id"),
                             "attributes": attrs})
                continue
            label_list = next((v for key2, v in value.items() if key2.endswith("labels")), None)
            if label_list is not None and "start" in value and region not in anns:
                s, e = value.get("start"), value.get("end")
                if umap is not None and isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= umap.length16:
                    s, e = umap.from_utf16(s), umap.from_utf16(e)
                anns[region] = {"id": region, "start": s, "end": e,
                                "label": label_list[0] if label_list else None, "attributes": {},
                                "annotator": str(annotator) if annotator is not None else None}
                if "text" in value and umap is not None:
                    anns[region]["text"] = value["text"]
                for extra_label in (label_list or [])[1:]:
                    anns[region]["attributes"].setdefault("labels", [label_list[0]]).append(extra_label)
            else:
                extras.append(item)
    for item in extras:  # per-region choices and text areas: attributes and notes
        value = item.get("value") or {}
        target = anns.get(str(item.get("id")))
        name = str(item.get("from_name", ""))
        if target is None:
            if item.get("type") == "choices":
                out.setdefault("meta", {})[name] = value.get("choices")
            continue
        if name == NOTE:
            target["note"] = "\n".join(value.get("text") or [])
        elif item.get("type") == "choices":
            choices = value.get("choices") or []
            target["attributes"][name.removeprefix("attr_")] = choices[0] if len(choices) == 1 else choices
        elif item.get("type") == "textarea":
            texts = value.get("text") or []
            target["attributes"][name.removeprefix("attr_")] = texts[0] if len(texts) == 1 else texts
    out["annotations"] = list(anns.values())
    out["relations"] = rels
    return out


def read(path: str | Path) -> Iterator[Record]:
    return read_json_items(path, lambda data: data if isinstance(data, list) else [data], task_to_native, "task")


def _result_value(a_start: int, a_end: int, umap: Utf16Map) -> dict[str, int]:
    return {"start": umap.to_utf16(a_start), "end": umap.to_utf16(a_end)}


def write(project: Project, out: BinaryIO, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    report = ExportReport(NAME)
    report.notes.append("offsets are UTF-16 code units, as Label Studio counts them")
    choice_attrs = {(lab.name, d.name) for lab in project.labels() for d in lab.attributes if d.type == "choice"}
    tasks = []
    for doc in documents(project, statuses=statuses, labels=labels, report=report):
        report.documents += 1
        umap = Utf16Map(doc.text)
        result: list[dict[str, Any]] = []
        for a in doc.annotations:
            span = _result_value(a.start, a.end, umap)
            result.append({"id": a.id, "from_name": FROM_LABELS, "to_name": "text", "type": "labels",
                           "value": {**span, "text": a.text, "labels": [a.label]}})
            report.annotations += 1
            for key, value in a.attributes.items():
                if (a.label, key) in choice_attrs and isinstance(value, str):
                    result.append({"id": a.id, "from_name": _attr_control(key), "to_name": "text",
                                   "type": "choices", "value": {**span, "choices": [value]}})
                elif isinstance(value, str | int | float | bool) and value is not None:
                    result.append({"id": a.id, "from_name": _attr_control(key), "to_name": "text",
                                   "type": "textarea", "value": {**span, "text": [str(value)]}})
                    if not isinstance(value, str):
                        report.lose("attribute values turned into text (numbers, true/false)")
                else:
                    report.lose("attributes that are lists, objects or null")
            if a.note:
                result.append({"id": a.id, "from_name": NOTE, "to_name": "text", "type": "textarea",
                               "value": {**span, "text": [a.note]}})
        for r in doc.relations:
            extra = [f"{k}={v}" for k, v in r.attributes.items() if isinstance(v, str)]
            report.lose("relation attributes that are not text", len(r.attributes) - len(extra))
            result.append({"from_id": r.from_id, "to_id": r.to_id, "type": "relation",
                           "direction": "right", "labels": [r.type, *extra]})
            report.relations += 1
        annotators = sorted({a.annotator for a in doc.annotations if a.annotator})
        report.lose("annotators beyond the first of a document (Label Studio has one a result set)",
                    max(0, len(annotators) - 1))
        tasks.append({"data": {"text": doc.text, "title": doc.title, "newsmark_id": doc.id,
                               "newsmark_status": doc.status, **{k: v for k, v in doc.meta.items()
                                                                 if k not in ("text", "title")}},
                      "annotations": [{"result": result, "completed_by": annotators[0] if annotators else None,
                                       "ground_truth": False}]})
    out.write(jsonutil.dumps(tasks).encode("utf-8"))
    out.write(b"\n")
    return report


def labeling_config(schema: Schema) -> str:
    """The Label Studio labelling configuration (XML) for a project's schema."""
    lines = ["<View>", '  <Header value="$title"/>',
             f'  <Labels name="{FROM_LABELS}" toName="text">']
    for lab in schema.labels:
        hotkey = f" hotkey={quoteattr(lab.shortcut)}" if lab.shortcut else ""
        lines.append(f"    <Label value={quoteattr(lab.name)} background={quoteattr(lab.colour)}{hotkey}/>")
    lines.append("  </Labels>")
    lines.append('  <Text name="text" value="$text"/>')
    rel_labels = [rt.name for rt in schema.relation_types]
    for rt in schema.relation_types:
        for d in rt.attributes:
            rel_labels += [f"{d.name}={v}" for v in d.values]
    lines.append("  <Relations>")
    lines += [f"    <Relation value={quoteattr(v)}/>" for v in dict.fromkeys(rel_labels)]
    lines.append("  </Relations>")
    seen: set[str] = set()
    for lab in schema.labels:
        for d in lab.attributes:
            if d.name in seen:
                continue
            seen.add(d.name)
            when = f' visibleWhen="region-selected" whenLabelValue={quoteattr(lab.name)}'
            if d.type == "choice":
                lines.append(f'  <Choices name={quoteattr(_attr_control(d.name))} toName="text" perRegion="true"{when}>')
                lines += [f"    <Choice value={quoteattr(v)}/>" for v in d.values]
                lines.append("  </Choices>")
            else:
                lines.append(f'  <TextArea name={quoteattr(_attr_control(d.name))} toName="text" perRegion="true"'
                             f' placeholder={quoteattr(d.name)}{when}/>')
    lines.append(f'  <TextArea name="{NOTE}" toName="text" perRegion="true" placeholder="note"/>')
    lines.append("</View>")
    return "\n".join(lines) + "\n"
