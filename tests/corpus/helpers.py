"""A small corpus of articles with quotes, speakers, cues, entities and stances, as native JSONL."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import orjson

from newsmark.formats import jsonl
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from tests.conftest import NAUGHTY

PROP = "US troops keep immunity"


def article(doc_id: str, speaker: str, quote: str, cue: str, stance: str, *, attr_speaker: bool = True,
            prefix: str = "", annotator: str | None = "ann", status: str = "new",
            proposition: str = PROP) -> dict[str, Any]:
    """An article: PERSON speaker, CUE, QUOTE (speaker attribute or said_by only), DISPUTE and a
    stance of the quote on it."""
    text = f"{prefix}{speaker} {cue} that “{quote}”. The dispute: {proposition}."
    s = text.index(speaker, len(prefix))
    c = text.index(cue, s + len(speaker))
    q = text.index(quote, c)
    d = text.index(proposition, q + len(quote))
    qattrs: dict[str, Any] = {"cue": cue, "type": "direct"}
    if attr_speaker:
        qattrs["speaker"] = speaker
    anns = [
        {"id": "p", "start": s, "end": s + len(speaker), "label": "PERSON", "text": speaker, "annotator": annotator},
        {"id": "c", "start": c, "end": c + len(cue), "label": "CUE", "text": cue, "annotator": annotator},
        {"id": "q", "start": q, "end": q + len(quote), "label": "QUOTE", "text": quote, "attributes": qattrs,
         "annotator": annotator},
        {"id": "x", "start": d, "end": d + len(proposition), "label": "DISPUTE", "text": proposition,
         "attributes": {"proposition": proposition, "parties": ["US", "Iraq"]}, "annotator": annotator},
    ]
    rels = [
        {"id": "r1", "type": "said_by", "from": "q", "to": "p"},
        {"id": "r2", "type": "cue", "from": "q", "to": "c"},
        {"id": "r3", "type": "stance", "from": "q", "to": "x", "attributes": {"value": stance}},
    ]
    return {"id": doc_id, "title": f"Article {doc_id}", "text": text, "status": status,
            "annotations": anns, "relations": rels}


def records() -> list[dict[str, Any]]:
    return [
        article("d1", "Leon Panetta", "we protect and provide the appropriate immunity", "insisted", "supports",
                prefix=NAUGHTY + " Cafe\u0301 crème. "),
        article("d2", "Mr Panetta", "immunity is vital for our soldiers", "said", "supports", attr_speaker=False),
        article("d3", "Ali al-Dabbagh", "Immunity is the main disputed point", "said", "neutral",
                annotator="bob", status="done"),
        article("d4", "Nouri al-Maliki", "no immunity for foreign troops, café or not", "declared", "opposes",
                prefix="Le café était fermé. "),
    ]


def write_jsonl(path: Path, recs: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    return path


def import_jsonl(project: Project, path: Path) -> ImportSummary:
    summary = ImportSummary()
    import_records(project, jsonl.read(path), summary, source=str(path))
    return summary


def unpacked_copy(project: Project, tmp_path: Path) -> Project:
    project.conn.execute("PRAGMA wal_checkpoint(FULL)")
    copy = tmp_path / "rows.newsmark"
    shutil.copy(project.path, copy)
    other = Project.open(copy)
    with other.write():
        other._unpack(other.document_ids())
    assert not any(other.is_packed(d) for d in other.document_ids())
    return other


def export(project: Project) -> bytes:
    buf = io.BytesIO()
    jsonl.write(project, buf)
    return buf.getvalue()
