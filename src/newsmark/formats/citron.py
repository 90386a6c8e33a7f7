"""Quote attribution in the shape news-NLP tools use: BBC R&D's Citron data format.

Per document: ``{"text", "quotes": [{"id", "cue": span, "sources": [span], "contents": [span]}]}``
with spans ``{"start", "end", "text"}`` in code points.  Written as JSON Lines (one document a
line; ``newsmark_id`` and ``title`` added).

From the quote layer: QUOTE annotations that share a cue (the ``cue`` relation) are one quote
with several contents (a mixed quote); its sources are the ``said_by`` targets.  A quote with
no cue has ``"cue": null`` and one with no linked source has no sources: both are counted.
On import, cues become CUE annotations, contents QUOTE annotations and sources SOURCE
annotations (entity layer; a source written by Newsmark keeps its label, in an extra ``label``
key), linked by ``cue`` and ``said_by``; coreference groups become
``coreference`` relations along each group.
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

NAME = "citron"


def looks_like(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("quotes"), list) and "text" in obj


def _span(a: Any, label: bool = False) -> dict[str, Any]:
    return {"start": a.start, "end": a.end, "text": a.text, **({"label": a.label} if label else {})}


def write(project: Project, out: BinaryIO, *, statuses: Sequence[str] = (), labels: Sequence[str] = (),
          quote_label: str = "QUOTE") -> ExportReport:
    report = ExportReport(NAME)

    def items() -> Iterator[dict[str, Any]]:
        for doc in documents(project, statuses=statuses, labels=labels, report=report):
            report.documents += 1
            by_id = {a.id: a for a in doc.annotations}
            cue_of: dict[str, str] = {}
            sources_of: dict[str, list[str]] = {}
            for r in doc.relations:
                if r.type == "cue":
                    cue_of[r.from_id] = r.to_id
                elif r.type == "said_by":
                    sources_of.setdefault(r.from_id, []).append(r.to_id)
            groups: dict[str, list[Any]] = {}
            for a in doc.annotations:
                if a.label == quote_label:
                    groups.setdefault(cue_of.get(a.id, "solo:" + a.id), []).append(a)
            quotes = []
            for key, contents in groups.items():
                cue = by_id.get(key)
                src_ids = list(dict.fromkeys(s for c in contents for s in sources_of.get(c.id, [])))
                if cue is None:
                    report.lose("quotes without a cue (written with \"cue\": null)")
                if not src_ids:
                    report.lose("quotes without a linked source (said_by)")
                quotes.append({"id": contents[0].id, "cue": _span(cue) if cue else None,
                               "sources": [_span(by_id[s], label=True) for s in src_ids],
                               "contents": [_span(c) for c in sorted(contents, key=lambda c: c.start)]})
                report.annotations += len(contents)
                report.relations += sum(len(sources_of.get(c.id, [])) + (c.id in cue_of) for c in contents)
            other = sum(1 for a in doc.annotations if a.label != quote_label)
            report.lose("annotations that are not quotes, cues or sources (not in the quote format)",
                        max(0, other - sum(1 for q in quotes for _ in q["sources"]) - sum(1 for q in quotes if q["cue"])))
            yield {"newsmark_id": doc.id, "title": doc.title, "text": doc.text, "quotes": quotes}

    write_jsonl(out, items())
    return report


def to_native(obj: dict[str, Any]) -> dict[str, Any]:
    anns: dict[tuple[Any, ...], dict[str, Any]] = {}
    rels: list[dict[str, Any]] = []

    def span(s: Any, label: str) -> str | None:
        if not isinstance(s, dict):
            return None
        if label == "SOURCE" and isinstance(s.get("label"), str) and s["label"]:
            label = s["label"]  # the source's own label, as Newsmark writes it
        key = (s.get("start"), s.get("end"), label)
        if key not in anns:
            anns[key] = {"id": f"{label.lower()}{len(anns)}", "start": s.get("start"), "end": s.get("end"),
                         "label": label, **({"text": s["text"]} if "text" in s else {})}
        return str(anns[key]["id"])

    for qi, q in enumerate(obj.get("quotes") or []):
        if not isinstance(q, dict):
            continue
        cue = span(q.get("cue"), "CUE")
        sources = [span(s, "SOURCE") for s in q.get("sources") or []]
        for content in q.get("contents") or []:
            cid = span(content, "QUOTE")
            if cid is None:
                continue
            if cue:
                rels.append({"id": f"q{qi}-{cid}-cue", "type": "cue", "from": cid, "to": cue})
            for s in sources:
                if s:
                    rels.append({"id": f"q{qi}-{cid}-{s}", "type": "said_by", "from": cid, "to": s})
    for gi, group in enumerate(obj.get("coreference_groups") or []):
        ids = [span(s, "SOURCE") for s in group or []]
        for k in range(len(ids) - 1):
            if ids[k] and ids[k + 1]:
                rels.append({"id": f"coref{gi}-{k}", "type": "coreference", "from": ids[k], "to": ids[k + 1]})
    out: dict[str, Any] = {"text": obj.get("text"), "annotations": list(anns.values()), "relations": rels}
    if "newsmark_id" in obj or "id" in obj:
        out["id"] = obj.get("newsmark_id", obj.get("id"))
    if isinstance(obj.get("title"), str):
        out["title"] = obj["title"]
    return out


def read(path: str | Path) -> Iterator[Record]:
    return read_converted_lines(path, to_native, {"SOURCE": "entity", "QUOTE": "quote", "CUE": "quote"})
