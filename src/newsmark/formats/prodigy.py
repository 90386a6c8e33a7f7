"""Prodigy JSONL: ``text``, ``tokens``, ``spans`` (``token_start``/``token_end`` inclusive),
``relations`` by token index with ``head_span``/``child_span``, and ``answer``.

Tokens come from Newsmark's tokenizer, split at every span edge so that every span aligns;
a span whose edge lies in whitespace is moved to the nearest token edge inside it (counted).
``answer``: a done document is ``accept``, any other ``ignore``; on import ``accept`` marks
the document done, ``reject`` puts it in review, ``ignore`` leaves it new.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from newsmark.formats.base import (
    TOKENIZER_NAME,
    ExportReport,
    documents,
    read_converted_lines,
    tokenize,
    write_jsonl,
)
from newsmark.formats.records import Record
from newsmark.store.project import Project

NAME = "prodigy"
_ANSWER_TO_STATUS = {"accept": "done", "reject": "review", "ignore": "new"}


def looks_like(obj: Any) -> bool:
    return isinstance(obj, dict) and ("spans" in obj or "tokens" in obj or "_input_hash" in obj)


def to_native(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": obj.get("text")}
    meta = dict(obj.get("meta") or {}) if isinstance(obj.get("meta"), dict) else {}
    for key in ("_input_hash", "_task_hash", "_view_id", "_session_id"):
        if key in obj:
            meta[key] = obj[key]
    out["meta"] = meta
    if "id" in obj:
        out["id"] = obj["id"]
    elif isinstance(meta.get("id"), str | int):
        out["id"] = meta["id"]
    answer = obj.get("answer")
    if answer in _ANSWER_TO_STATUS:
        out["status"] = _ANSWER_TO_STATUS[answer]
    anns: list[Any] = []
    by_tokens: dict[tuple[Any, ...], Any] = {}
    for i, s in enumerate(obj.get("spans") or []):
        if not isinstance(s, dict):
            anns.append(s)
            continue
        ann_id = s.get("id", f"s{i}")
        anns.append({"id": ann_id, "start": s.get("start"), "end": s.get("end"), "label": s.get("label")})
        by_tokens[(s.get("token_start"), s.get("token_end"))] = ann_id
        by_tokens[(s.get("start"), s.get("end"), "chars")] = ann_id
    rels = []
    for i, r in enumerate(obj.get("relations") or []):
        if not isinstance(r, dict):
            rels.append(r)
            continue
        ends = []
        for key in ("head", "child"):
            span = r.get(f"{key}_span") or {}
            ann_id = by_tokens.get((span.get("token_start"), span.get("token_end"))) or \
                by_tokens.get((span.get("start"), span.get("end"), "chars"))
            if ann_id is None:  # a relation between tokens no span covers: make the span
                token = r.get(key)
                tokens = obj.get("tokens") or []
                if isinstance(token, int) and 0 <= token < len(tokens):
                    ann_id = f"t{token}"
                    if ann_id not in {a.get("id") for a in anns if isinstance(a, dict)}:
                        anns.append({"id": ann_id, "start": tokens[token].get("start"),
                                     "end": tokens[token].get("end"), "label": span.get("label") or "TOKEN"})
            ends.append(ann_id)
        rels.append({"id": f"r{i}", "type": r.get("label"), "from": ends[0], "to": ends[1]})
    out["annotations"] = anns
    out["relations"] = rels
    return out


def read(path: str | Path) -> Iterator[Record]:
    return read_converted_lines(path, to_native)


def write(project: Project, out: BinaryIO, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    report = ExportReport(NAME)
    report.notes.append(f"tokenizer: {TOKENIZER_NAME}")

    def items() -> Iterator[dict[str, Any]]:
        for doc in documents(project, statuses=statuses, labels=labels, report=report):
            report.documents += 1
            cuts = [x for a in doc.annotations for x in (a.start, a.end)]
            toks = tokenize(doc.text, cuts)
            starts = [s for s, _ in toks]
            ends = [e for _, e in toks]
            tokens = [{"text": doc.text[s:e], "start": s, "end": e, "id": i,
                       "ws": e < len(doc.text) and doc.text[e].isspace()} for i, (s, e) in enumerate(toks)]
            spans, span_of = [], {}
            for a in doc.annotations:
                t0 = bisect.bisect_left(starts, a.start)
                t1 = bisect.bisect_right(ends, a.end) - 1
                if t0 > t1:
                    report.lose("spans without a whole token (only spaces or a part of one)")
                    continue
                s, e = toks[t0][0], toks[t1][1]
                if (s, e) != (a.start, a.end):
                    report.lose("spans moved to token edges (they began or ended in whitespace)")
                span = {"start": s, "end": e, "label": a.label, "token_start": t0, "token_end": t1,
                        "id": a.id}
                spans.append(span)
                span_of[a.id] = span
                report.annotations += 1
            report.lose("annotation attributes", sum(1 for a in doc.annotations if a.attributes))
            report.lose("annotation notes", sum(1 for a in doc.annotations if a.note))
            rels = []
            for r in doc.relations:
                head, child = span_of.get(r.from_id), span_of.get(r.to_id)
                if head is None or child is None:
                    report.lose("relations to spans that could not be exported")
                    continue
                rels.append({"head": head["token_end"], "child": child["token_end"], "label": r.type,
                             "head_span": {k: head[k] for k in ("start", "end", "token_start", "token_end", "label")},
                             "child_span": {k: child[k] for k in ("start", "end", "token_start", "token_end", "label")}})
                report.relations += 1
                report.lose("relation attributes", bool(r.attributes))
            yield {"id": doc.id, "text": doc.text, "meta": {"id": doc.id, "title": doc.title, **doc.meta},
                   "tokens": tokens, "spans": spans, "relations": rels,
                   "answer": "accept" if doc.status == "done" else "ignore"}

    write_jsonl(out, items())
    return report
