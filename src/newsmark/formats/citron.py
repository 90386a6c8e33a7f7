"""Quote attribution in the shape news-NLP tools use: BBC R&D's Citron data format.

Per document: ``{"text", "quotes": [{"id", "cue": span, "sources": [span], "contents": [span]}],
"coreference_groups": [[span]]}`` with spans ``{"start", "end", "text"}`` in code points.
Written as Citron reads it: a folder with one JSON file per document (``newsmark_id`` and
``title`` added, which Citron ignores), one document at a time.  Read: such a folder, one
such file, or JSON Lines with one document a line (Newsmark's earlier export).

From the quote layer: QUOTE annotations that share a cue (the ``cue`` relation) are one quote
with several contents (a mixed quote); its sources are the ``said_by`` targets.  Citron's
reader needs a cue for every quote, so a quote with no cue is left out (counted); one with no
linked source has no sources (counted).  On import, cues become CUE annotations, contents
QUOTE annotations and sources SOURCE annotations (entity layer; a source written by Newsmark
keeps its label, in an extra ``label`` key), linked by ``cue`` and ``said_by``; coreference
groups become ``coreference`` relations along each group.  Every value is checked: a span that
is not ``{"start": int, "end": int}`` is refused, naming the file, the line (JSON Lines) and
the quote.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from newsmark.core import jsonutil
from newsmark.core.atomicfile import atomic_folder
from newsmark.core.errors import InputError
from newsmark.core.names import SafeNamer, nfc_name
from newsmark.core.record import Record
from newsmark.formats.base import (
    ExportReport,
    documents,
    read_json_document,
    read_json_lines,
    record,
)
from newsmark.store.project import Project

NAME = "citron"
LAYERS = {"SOURCE": "entity", "QUOTE": "quote", "CUE": "quote"}


def looks_like(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("quotes"), list) and "text" in obj


def _span(a: Any, label: bool = False) -> dict[str, Any]:
    return {"start": a.start, "end": a.end, "text": a.text, **({"label": a.label} if label else {})}


def write(project: Project, folder: str | Path, *, statuses: Sequence[str] = (), labels: Sequence[str] = (),
          quote_label: str = "QUOTE") -> ExportReport:
    """One Citron JSON file per document in ``folder`` (whole or not at all)."""
    report = ExportReport(NAME)

    def items() -> Iterator[tuple[str, dict[str, Any]]]:
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
                    report.lose("quotes without a cue (left out: Citron's reader needs one)")
                    continue
                if not src_ids:
                    report.lose("quotes without a linked source (said_by)")
                quotes.append({"id": contents[0].id, "cue": _span(cue),
                               "sources": [_span(by_id[s], label=True) for s in src_ids],
                               "contents": [_span(c) for c in sorted(contents, key=lambda c: c.start)]})
                report.annotations += len(contents)
                report.relations += sum(len(sources_of.get(c.id, [])) + (c.id in cue_of) for c in contents)
            other = sum(1 for a in doc.annotations if a.label != quote_label)
            report.lose("annotations that are not quotes, cues or sources (not in the quote format)",
                        max(0, other - sum(1 for q in quotes for _ in q["sources"]) - sum(1 for q in quotes if q["cue"])))
            yield doc.id, {"newsmark_id": doc.id, "title": doc.title, "text": doc.text, "quotes": quotes}

    namer = SafeNamer()
    with atomic_folder(folder) as staging:
        for doc_id, item in items():
            (staging / f"{namer(doc_id)}.json").write_bytes(jsonutil.dumps(item).encode("utf-8") + b"\n")
    if namer.changed:
        report.notes.append("file names are the document ids made safe; each file keeps its id as 'newsmark_id'")
    return report


def _int(value: Any, what: str) -> int:
    if type(value) is not int:
        raise InputError(f"{what} must be an integer, not {jsonutil.dumps(value)[:40]}")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{what} must be a list, not {jsonutil.dumps(value)[:40]}")
    return value


def to_native(obj: Any) -> dict[str, Any]:
    """The native record of one Citron document; InputError naming the quote and field."""
    if not isinstance(obj, dict):
        raise InputError(f"a Citron document must be a JSON object, not {type(obj).__name__}")
    anns: dict[tuple[int, int, str], dict[str, Any]] = {}
    rels: list[dict[str, Any]] = []

    def span(s: Any, label: str, what: str) -> str:
        if not isinstance(s, dict):
            raise InputError(f"{what} must be a span object ({{\"start\", \"end\", \"text\"}}), "
                             f"not {jsonutil.dumps(s)[:40]}")
        if label == "SOURCE" and isinstance(s.get("label"), str) and s["label"]:
            label = s["label"]  # the source's own label, as Newsmark writes it
        key = (_int(s.get("start"), f"{what}'s start"), _int(s.get("end"), f"{what}'s end"), label)
        if "text" in s and not isinstance(s["text"], str):
            raise InputError(f"{what}'s text must be a string")
        if key not in anns:
            anns[key] = {"id": f"{label.lower()}{len(anns)}", "start": key[0], "end": key[1],
                         "label": label, **({"text": s["text"]} if "text" in s else {})}
        return str(anns[key]["id"])

    for qi, q in enumerate(_list(obj.get("quotes"), "'quotes'"), start=1):
        where = f"quote {qi}"
        if not isinstance(q, dict):
            raise InputError(f"{where} must be a JSON object")
        cue = span(q["cue"], "CUE", f"{where}: the cue") if q.get("cue") is not None else None
        sources = [span(s, "SOURCE", f"{where}: source {k}")
                   for k, s in enumerate(_list(q.get("sources"), f"{where}: 'sources'"), start=1)]
        for k, content in enumerate(_list(q.get("contents"), f"{where}: 'contents'"), start=1):
            cid = span(content, "QUOTE", f"{where}: content {k}")
            if cue:
                rels.append({"id": f"q{qi}-{cid}-cue", "type": "cue", "from": cid, "to": cue})
            for s in sources:
                rels.append({"id": f"q{qi}-{cid}-{s}", "type": "said_by", "from": cid, "to": s})
    for gi, group in enumerate(_list(obj.get("coreference_groups"), "'coreference_groups'"), start=1):
        ids = [span(s, "SOURCE", f"coreference group {gi}: member {k}")
               for k, s in enumerate(_list(group, f"coreference group {gi}"), start=1)]
        for k in range(len(ids) - 1):
            rels.append({"id": f"coref{gi}-{k}", "type": "coreference", "from": ids[k], "to": ids[k + 1]})
    out: dict[str, Any] = {"text": obj.get("text"), "annotations": list(anns.values()), "relations": rels}
    if "newsmark_id" in obj or "id" in obj:
        out["id"] = obj.get("newsmark_id", obj.get("id"))
    if isinstance(obj.get("title"), str):
        out["title"] = obj["title"]
    return out


def _record(obj: Any, path: Path, line: int | None, default_id: str | None = None) -> Record:
    try:
        native = to_native(obj)
    except InputError as e:
        return Record(line or 1, error=InputError(e.problem, file=path, line=line))
    if default_id is not None:
        native.setdefault("id", default_id)
    rec = record(native, path, line or 1)
    if rec.error is not None and line is None:
        rec.error = InputError(rec.error.problem, file=path)
    rec.label_layers = {**LAYERS, **rec.label_layers}
    return rec


def read(path: str | Path) -> Iterator[Record]:
    """A folder of Citron files (``*.json``, recursively), one Citron file (a JSON object),
    or JSON Lines of them."""
    path = Path(path)
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*.json") if not any(x.startswith(".") for x in p.relative_to(path).parts)):
            yield from read(f)
        return
    try:
        whole = read_json_document(path)
    except InputError:
        whole = None  # JSON Lines, or not JSON: read line by line, naming the bad line
    if isinstance(whole, dict):  # one document: a line number only if it is on one line
        one_line = b"\n" not in path.read_bytes().strip()
        yield _record(whole, path, 1 if one_line else None, nfc_name(path.with_suffix("")))
        return
    for item in read_json_lines(path):
        if isinstance(item, Record):
            yield item
        else:
            yield _record(item[1], path, item[0])
