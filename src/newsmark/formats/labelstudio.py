"""Label Studio JSON: a list of tasks with ``data.text`` and ``annotations[].result``.

Offsets in Label Studio are JavaScript string indices, i.e. UTF-16 code units: they are
converted on the way out and in (an emoji counts two).  Region attributes travel as
per-region ``choices`` (choice attributes) and ``textarea`` (other scalar values, and notes)
results sharing the region's id; relation attributes as extra relation labels ``key=value``.
``labeling_config(schema)`` writes the matching labelling configuration.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import quoteattr

from newsmark.core import jsonutil
from newsmark.core.errors import ValidationError
from newsmark.core.offsets import Utf16Map
from newsmark.core.record import Record
from newsmark.core.schema import Schema
from newsmark.formats.base import (
    CATEGORIES,
    ExportReport,
    add_categories,
    as_dict,
    as_list,
    categories,
    documents,
    read_json_items,
    string_list,
)
from newsmark.store.project import Project

NAME = "label-studio"
FROM_LABELS = "label"
NOTE = "note"
CATEGORY = "category"  # the document-level Choices control holding the document's categories
ANNOTATORS = "newsmark_annotators"  # task meta: each region's annotator


def _attr_control(key: str) -> str:
    return f"attr_{key}"


@dataclass(slots=True)
class LabelStudioReport(ExportReport):
    """The export report, with what the tasks use, so that the labelling configuration
    declares every label, attribute control, choice and relation label written."""

    labels: set[str] = field(default_factory=set)
    choices: dict[str, set[str]] = field(default_factory=dict)  # attribute -> values written
    texts: set[str] = field(default_factory=set)  # attributes written as text
    relation_labels: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)


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


def _annotator(completed_by: Any) -> str | None:
    """The annotator as Label Studio names them: an object with an email (or an id), or a user id."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if isinstance(completed_by, str | int) and not isinstance(completed_by, bool) and completed_by != "":
        return str(completed_by)
    return None


def task_to_native(task: dict[str, Any]) -> dict[str, Any]:
    """A Label Studio task in native shape (offsets and labels are checked on the native record;
    here the shapes native checks would not see)."""
    data = as_dict(task.get("data"), "'data'")
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
    # the annotator of each region, kept by Newsmark's export in the task's meta (Label Studio
    # gives an imported annotation to the user who imports it)
    task_meta = as_dict(task.get("meta"), "the task's 'meta'")
    names = task_meta.get(ANNOTATORS)
    names = names if isinstance(names, dict) else {}
    umap = Utf16Map(text) if isinstance(text, str) else None
    anns: dict[str, dict[str, Any]] = {}
    rels: list[Any] = []
    cats: list[str] = []
    annotations = task.get("annotations", task.get("completions"))
    for k, annotation in enumerate(as_list(annotations, "'annotations'")):
        where = f"annotation {k + 1}"
        annotation = as_dict(annotation, where)
        annotator = _annotator(annotation.get("completed_by"))
        ids: dict[str, str] = {}  # this annotation's region ids -> the annotations' ids
        extras: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        for j, item in enumerate(as_list(annotation.get("result"), f"{where}: 'result'")):
            what = f"{where}, result {j + 1}"
            item = as_dict(item, what)
            value = as_dict(item.get("value"), f"{what}: 'value'")
            if item.get("type") == "relation":
                labels = string_list(item.get("labels"), f"{what}: 'labels'") or ["related"]
                attrs = dict(lab.split("=", 1) for lab in labels[1:] if "=" in lab)
                ends = [item.get("from_id"), item.get("to_id")]
                rels.append({"id": f"{ends[0]}-{ends[1]}-{len(rels)}", "type": labels[0], "ends": ends,
                             "ids": ids, "attributes": attrs})
                continue
            region = item.get("id", f"{k}-{j}")
            if isinstance(region, bool) or not isinstance(region, str | int):
                raise ValidationError(f"{what}: 'id' must be a string or an integer")
            region = str(region)
            label_key = next((name for name in value if name.endswith("labels")), None)
            if label_key is not None and "start" in value and region not in ids:
                label_list = string_list(value[label_key], f"{what}: {label_key!r}")
                s, e = value.get("start"), value.get("end")
                if umap is not None and isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= umap.length16:
                    s, e = umap.from_utf16(s), umap.from_utf16(e)
                ann_id = region if region not in anns else f"{region}-{k + 1}"
                ids[region] = ann_id
                who = names[region] if region in names else annotator
                anns[ann_id] = {"id": ann_id, "start": s, "end": e,
                                "label": label_list[0] if label_list else None, "attributes": {},
                                "annotator": who if isinstance(who, str) else None}
                if "text" in value and umap is not None:
                    anns[ann_id]["text"] = value["text"]
                if len(label_list) > 1:
                    anns[ann_id]["attributes"]["labels"] = label_list
            else:
                extras.append((region, item, value))
        for region, item, value in extras:  # per-region choices and text areas: attributes and notes
            name = str(item.get("from_name", ""))
            what = f"{where}, {name or 'result'} of region {region}"
            kind = item.get("type")
            target = anns.get(ids.get(region, ""))
            if kind == "choices":
                got = string_list(value.get("choices"), f"{what}: 'choices'")
            elif kind == "textarea":
                got = string_list(value.get("text"), f"{what}: 'text'")
            else:
                continue
            if target is None:  # about the whole document
                if name == CATEGORY and kind == "choices":
                    cats += got
                else:
                    out.setdefault("meta", {})[name] = got[0] if len(got) == 1 else got
            elif name == NOTE:
                target["note"] = "\n".join(got)
            else:
                target["attributes"][name.removeprefix("attr_")] = got[0] if len(got) == 1 else got
    for r in rels:
        r["from"], r["to"] = (r["ids"].get(str(end), end) if isinstance(end, str | int) else end
                              for end in r.pop("ends"))
        del r["ids"]
    out["annotations"] = list(anns.values())
    out["relations"] = rels
    add_categories(out, cats)
    return out


def read(path: str | Path) -> Iterator[Record]:
    return read_json_items(path, lambda data: data if isinstance(data, list) else [data], task_to_native, "task")


def _result_value(a_start: int, a_end: int, umap: Utf16Map) -> dict[str, int]:
    return {"start": umap.to_utf16(a_start), "end": umap.to_utf16(a_end)}


def write(project: Project, out: BinaryIO, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> LabelStudioReport:
    """Write the tasks as one JSON list, a task at a time (the project is never held whole)."""
    report = LabelStudioReport(NAME)
    report.notes.append("offsets are UTF-16 code units, as Label Studio counts them")
    choice_attrs = {(lab.name, d.name) for lab in project.labels() for d in lab.attributes if d.type == "choice"}
    out.write(b"[")
    for doc in documents(project, statuses=statuses, labels=labels, report=report):
        report.documents += 1
        umap = Utf16Map(doc.text)
        result: list[dict[str, Any]] = []
        for a in doc.annotations:
            span = _result_value(a.start, a.end, umap)
            result.append({"id": a.id, "from_name": FROM_LABELS, "to_name": "text", "type": "labels",
                           "value": {**span, "text": a.text, "labels": [a.label]}})
            report.labels.add(a.label)
            report.annotations += 1
            for key, value in a.attributes.items():
                if (a.label, key) in choice_attrs and isinstance(value, str):
                    result.append({"id": a.id, "from_name": _attr_control(key), "to_name": "text",
                                   "type": "choices", "value": {**span, "choices": [value]}})
                    report.choices.setdefault(key, set()).add(value)
                elif isinstance(value, str | int | float | bool):
                    result.append({"id": a.id, "from_name": _attr_control(key), "to_name": "text",
                                   "type": "textarea", "value": {**span, "text": [str(value)]}})
                    report.texts.add(key)
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
            report.relation_labels.update([r.type, *extra])
            report.relations += 1
        cats = categories(doc)
        if cats:
            result.append({"id": "newsmark-categories", "from_name": CATEGORY, "to_name": "text",
                           "type": "choices", "value": {"choices": cats}})
            report.categories.update(cats)
        task: dict[str, Any] = {
            "id": report.documents,
            "data": {"text": doc.text, "title": doc.title, "newsmark_id": doc.id, "newsmark_status": doc.status,
                     **{k: v for k, v in doc.meta.items()
                        if k not in ("text", "title", "newsmark_id", "newsmark_status")
                        and not (k == CATEGORIES and cats)}},
            # no completed_by: Label Studio accepts only its own users' ids or emails there, and
            # gives the annotation to the user who imports it; the annotators go in the task's meta
            "annotations": [{"result": result, "ground_truth": False}],
            "meta": {ANNOTATORS: {a.id: a.annotator for a in doc.annotations}},
        }
        if report.documents > 1:
            out.write(b",")
        out.write(b"\n")
        out.write(jsonutil.dumps(task).encode("utf-8"))
    out.write(b"\n]\n")
    return report


def labeling_config(schema: Schema, written: LabelStudioReport | None = None) -> str:
    """The Label Studio labelling configuration (XML) for a project's schema, declaring also
    every label, attribute, choice and relation label an export wrote (``written``), so that
    Label Studio's validation accepts each region."""
    w = written or LabelStudioReport(NAME)
    lines = ["<View>", '  <Header value="$title"/>',
             f'  <Labels name="{FROM_LABELS}" toName="text">']
    known = {lab.name for lab in schema.labels}
    for lab in schema.labels:
        hotkey = f" hotkey={quoteattr(lab.shortcut)}" if lab.shortcut else ""
        lines.append(f"    <Label value={quoteattr(lab.name)} background={quoteattr(lab.colour)}{hotkey}/>")
    lines += [f"    <Label value={quoteattr(name)}/>" for name in sorted(w.labels - known)]
    lines.append("  </Labels>")
    lines.append('  <Text name="text" value="$text"/>')
    rel_labels = [rt.name for rt in schema.relation_types]
    for rt in schema.relation_types:
        for d in rt.attributes:
            rel_labels += [f"{d.name}={v}" for v in d.values]
    rel_labels += sorted(w.relation_labels)
    lines.append("  <Relations>")
    lines += [f"    <Relation value={quoteattr(v)}/>" for v in dict.fromkeys(rel_labels)]
    lines.append("  </Relations>")
    choices: dict[str, list[str]] = {}
    texts: dict[str, None] = {}
    for lab in schema.labels:
        for d in lab.attributes:
            if d.type == "choice":
                choices.setdefault(d.name, []).extend(d.values)
            else:
                texts[d.name] = None
    for key, written_values in sorted(w.choices.items()):
        choices.setdefault(key, []).extend(sorted(written_values))
    for key in sorted(w.texts):
        texts[key] = None
    for key, values in choices.items():
        lines.append(f'  <Choices name={quoteattr(_attr_control(key))} toName="text" perRegion="true"'
                     ' choice="single" visibleWhen="region-selected">')
        lines += [f"    <Choice value={quoteattr(v)}/>" for v in dict.fromkeys(values)]
        lines.append("  </Choices>")
    for key in texts:
        if key in choices:
            continue  # values of a choice attribute that were not among its choices: as text below
        lines.append(f'  <TextArea name={quoteattr(_attr_control(key))} toName="text" perRegion="true"'
                     f' placeholder={quoteattr(key)} visibleWhen="region-selected"/>')
    lines.append(f'  <TextArea name="{NOTE}" toName="text" perRegion="true" placeholder="note"/>')
    if w.categories:
        lines.append(f'  <Choices name="{CATEGORY}" toName="text" choice="multiple">')
        lines += [f"    <Choice value={quoteattr(v)}/>" for v in sorted(w.categories)]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"
