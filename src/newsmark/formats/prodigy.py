"""Prodigy JSONL: ``text``, ``tokens``, ``spans`` (``token_start``/``token_end`` inclusive),
``relations`` by token index with ``head_span``/``child_span``, and ``answer``.

Tokens come from Newsmark's tokenizer, split at every span edge so that every span aligns,
with whitespace kept as spaCy keeps it (one space after a word is its ``ws``; other whitespace is
a token of its own), so that ``Doc(words, spaces).text`` is the document's text; a span whose
edge lies in whitespace is moved to the nearest word edge inside it (counted).
Task fields Newsmark has no place for (``options``/``accept`` of a choice task, hashes, a
recipe's own fields) are kept in the document's meta under ``prodigy`` and written back.
``answer``: a done document is ``accept``, any other ``ignore``; on import ``accept`` marks
the document done, ``reject`` puts it in review, ``ignore`` leaves it new.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from newsmark.core.errors import ValidationError
from newsmark.core.record import Record
from newsmark.formats.base import (
    TOKENIZER_NAME,
    ExportReport,
    add_categories,
    as_dict,
    as_int,
    as_label,
    as_list,
    categories,
    documents,
    read_converted_lines,
    tokenize,
    write_jsonl,
)
from newsmark.store.project import Project

NAME = "prodigy"
_ANSWER_TO_STATUS = {"accept": "done", "reject": "review", "ignore": "new"}
# the task fields this module reads; every other field of a task (``options``, ``accept``,
# ``_input_hash``, ``_view_id``, a recipe's own fields...) is kept in meta under EXTRA and
# written back as it was
_KNOWN = {"id", "text", "tokens", "spans", "relations", "answer", "meta"}
EXTRA = "prodigy"


def looks_like(obj: Any) -> bool:
    return isinstance(obj, dict) and ("spans" in obj or "tokens" in obj or "_input_hash" in obj)


def _ints(*values: Any) -> bool:
    return all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values)


def _tokens(obj: dict[str, Any]) -> list[tuple[int | None, int | None]]:
    out = []
    for i, t in enumerate(as_list(obj.get("tokens"), "'tokens'")):
        t = as_dict(t, f"token {i + 1}")
        out.append((as_int(t.get("start"), f"token {i + 1}: 'start'"),
                    as_int(t.get("end"), f"token {i + 1}: 'end'")))
    return out


def to_native(obj: dict[str, Any]) -> dict[str, Any]:
    """A Prodigy task in native shape (offsets and labels are checked on the native record;
    here the shapes native checks would not see)."""
    out: dict[str, Any] = {"text": obj.get("text")}
    raw_meta = obj.get("meta")
    meta = dict(raw_meta) if isinstance(raw_meta, dict) else {}
    extra = {k: v for k, v in obj.items() if k not in _KNOWN}
    if raw_meta is not None and not isinstance(raw_meta, dict):
        extra["meta"] = raw_meta
    if "id" in obj:
        out["id"] = obj["id"]
    elif isinstance(meta.get("id"), str | int) and not isinstance(meta.get("id"), bool):
        out["id"] = meta.pop("id")
    if isinstance(meta.get("title"), str):
        out["title"] = meta.pop("title")
    answer = obj.get("answer")
    if isinstance(answer, str) and answer in _ANSWER_TO_STATUS:
        out["status"] = _ANSWER_TO_STATUS[answer]
    elif answer is not None:
        extra["answer"] = answer
    tokens = _tokens(obj)
    anns: list[dict[str, Any]] = []
    by_tokens: dict[tuple[Any, ...], Any] = {}
    by_end_token: dict[int, Any] = {}
    for i, s in enumerate(as_list(obj.get("spans"), "'spans'")):
        what = f"span {i + 1}"
        s = as_dict(s, what)
        t0 = as_int(s.get("token_start"), f"{what}: 'token_start'")
        t1 = as_int(s.get("token_end"), f"{what}: 'token_end'")
        start, end = s.get("start"), s.get("end")
        if start is None and end is None and t0 is not None and t1 is not None:  # by tokens only
            if not (0 <= t0 <= t1 < len(tokens)):
                raise ValidationError(f"{what}: tokens {t0}-{t1} are not in the task's "
                                      f"{len(tokens)} tokens")
            start, end = tokens[t0][0], tokens[t1][1]
        ann_id = s.get("id", f"s{i}")
        ann = {"id": ann_id, "start": start, "end": end, "label": as_label(s.get("label"), what)}
        if isinstance(s.get("text"), str):
            ann["text"] = s["text"]  # checked against the document's text
        anns.append(ann)
        by_tokens[(t0, t1)] = ann_id
        if _ints(start, end):
            by_tokens[(start, end, "chars")] = ann_id
        if t1 is not None:
            by_end_token.setdefault(t1, ann_id)
    rels = []
    for i, r in enumerate(as_list(obj.get("relations"), "'relations'")):
        what = f"relation {i + 1}"
        r = as_dict(r, what)
        ends = []
        for key in ("head", "child"):
            span = as_dict(r.get(f"{key}_span"), f"{what}: '{key}_span'")
            token = as_int(r.get(key), f"{what}: '{key}'")
            ann_id = None
            if span and _ints(span.get("token_start"), span.get("token_end")):
                ann_id = by_tokens.get((span.get("token_start"), span.get("token_end")))
            if ann_id is None and span and _ints(span.get("start"), span.get("end")):
                ann_id = by_tokens.get((span.get("start"), span.get("end"), "chars"))
            if ann_id is None and token is not None:  # head/child: the span's last token
                ann_id = by_end_token.get(token)
            if ann_id is None:  # a relation between tokens no span covers: make the span
                if token is None or not (0 <= token < len(tokens)):
                    raise ValidationError(f"{what}: its {key} is neither a span nor one of the "
                                          f"task's {len(tokens)} tokens")
                ann_id = f"t{token}"
                if not any(a["id"] == ann_id for a in anns):
                    anns.append({"id": ann_id, "start": tokens[token][0], "end": tokens[token][1],
                                 "label": as_label(span.get("label"), what) or "TOKEN"})
                by_end_token.setdefault(token, ann_id)
            ends.append(ann_id)
        rels.append({"id": f"r{i}", "type": as_label(r.get("label"), what), "from": ends[0], "to": ends[1]})
    if extra:
        meta[EXTRA] = extra
    if meta:
        out["meta"] = meta
    out["annotations"] = anns
    out["relations"] = rels
    # a choice task without spans (text classification): what was chosen is the categories
    if not anns and isinstance(extra.get("options"), list):
        accepted = extra.get("accept")
        if isinstance(accepted, list) and all(isinstance(c, str) for c in accepted):
            add_categories(out, accepted)
    return out


def spacy_tokens(text: str, cuts: Sequence[int] = ()) -> list[tuple[int, int, bool]]:
    """Tokens as spaCy keeps them, so that ``Doc(words, spaces).text == text``: (start, end,
    followed by one space).  A word takes the single space after it as its ``ws``; any other
    whitespace (newlines, tabs, runs of spaces, leading space) is a token of its own, as
    spaCy's tokenizer makes it."""
    out: list[tuple[int, int, bool]] = []
    pos = 0
    for s, e in tokenize(text, cuts):
        if s > pos:  # whitespace before this word
            if out and not out[-1][2] and text[pos] == " " and not text[out[-1][0]:out[-1][1]].isspace():
                out[-1] = (out[-1][0], out[-1][1], True)
                pos += 1
            if s > pos:
                out.append((pos, s, False))
        out.append((s, e, False))
        pos = e
    if pos < len(text):
        if out and text[pos] == " " and not text[out[-1][0]:out[-1][1]].isspace():
            out[-1] = (out[-1][0], out[-1][1], True)
            pos += 1
        if pos < len(text):
            out.append((pos, len(text), False))
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
            toks = spacy_tokens(doc.text, cuts)
            tokens = [{"text": doc.text[s:e], "start": s, "end": e, "id": i, "ws": ws}
                      for i, (s, e, ws) in enumerate(toks)]
            # spans begin and end on words, never on whitespace tokens
            words = [i for i, (s, e, _) in enumerate(toks) if not doc.text[s:e].isspace()]
            starts = [toks[i][0] for i in words]
            ends = [toks[i][1] for i in words]
            spans, span_of = [], {}
            for a in doc.annotations:
                w0 = bisect.bisect_left(starts, a.start)
                w1 = bisect.bisect_right(ends, a.end) - 1
                if w0 > w1:
                    report.lose("spans without a whole token (only spaces or a part of one)")
                    continue
                t0, t1 = words[w0], words[w1]
                s, e = toks[t0][0], toks[t1][1]
                if (s, e) != (a.start, a.end):
                    report.lose("spans moved to token edges (they began or ended in whitespace)")
                span = {"start": s, "end": e, "text": doc.text[s:e], "label": a.label,
                        "token_start": t0, "token_end": t1, "id": a.id}
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
            extra = doc.meta.get(EXTRA)
            extra = dict(extra) if isinstance(extra, dict) else {}
            meta = {k: v for k, v in doc.meta.items() if k != EXTRA}
            cats = categories(doc)
            if cats and "accept" not in extra:  # as Prodigy's textcat choice tasks hold them
                extra["accept"] = cats
                extra.setdefault("options", [{"id": c, "text": c} for c in cats])
                extra.setdefault("_view_id", "choice")
            task = {k: v for k, v in extra.items() if k not in _KNOWN}
            task.update({"id": doc.id, "text": doc.text, "meta": {"id": doc.id, "title": doc.title, **meta},
                         "tokens": tokens, "spans": spans, "relations": rels,
                         "answer": "accept" if doc.status == "done" else extra.get("answer", "ignore")})
            yield task

    write_jsonl(out, items())
    return report
