"""The real files other tools wrote (corpus/interop/MANIFEST.json, issue #14): each `ok` file
is recognised by its content, imports, and its spans and relations come out of a native JSONL
export unchanged; each `refuse` file is refused whole, with a message naming the file and the
problem."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any

import pytest

from newsmark.formats import jsonl
from newsmark.formats.registry import reader
from newsmark.ingest.batch import detect_kind, expand, import_paths
from newsmark.store import Project
from tests.conftest import CORPUS

MANIFEST = CORPUS / "interop" / "MANIFEST.json"
ENTRIES: list[dict[str, Any]] = json.loads(MANIFEST.read_text(encoding="utf-8"))["files"] if MANIFEST.exists() else []


def _spans(doc: dict[str, Any]) -> tuple[Counter[tuple[int, int, str]], Counter[tuple[str, Any, Any]]]:
    by_id = {a["id"]: (a["start"], a["end"], a["label"]) for a in doc["annotations"]}
    return (Counter(by_id.values()),
            Counter((r["type"], by_id.get(r["from"]), by_id.get(r["to"])) for r in doc["relations"]))


@pytest.mark.skipif(not ENTRIES, reason=f"the interop corpus is not at {MANIFEST}")
@pytest.mark.parametrize("entry", ENTRIES, ids=[e["path"] for e in ENTRIES])
def test_manifest_file(project: Project, entry: dict[str, Any]) -> None:
    path = CORPUS / "interop" / entry["path"]
    files = list(expand([path]))
    assert files, path
    assert {detect_kind(f) for f in files} == {entry["format"]}  # by content, no --format
    summary = import_paths(project, files)
    if entry.get("expect", "ok") == "refuse":
        assert project.count_documents() == 0, "refused whole"
        assert len(summary.failed) == len(files)
        for failure in summary.failed:
            assert failure.startswith(str(path)), failure  # names the file
            assert len(failure.removeprefix(str(path))) > 10, failure  # and the problem
        return
    assert summary.failed == []
    buf = io.BytesIO()
    jsonl.write(project, buf)
    exported = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert exported and len(exported) == summary.documents_added
    for doc in exported:
        for a in doc["annotations"]:
            assert doc["text"][a["start"]:a["end"]] == a["text"]
    # what the format's reader made of the file is what the store gives back
    read = [r for r in reader(entry["format"])(path) if r.error is None and r.document is not None]
    assert len(read) == len(exported)
    want = Counter()
    got = Counter()
    for rec in read:
        doc = rec.document
        assert doc is not None
        native = {"annotations": [{"id": a.id, "start": a.start, "end": a.end, "label": a.label}
                                  for a in doc.annotations],
                  "relations": [{"type": r.type, "from": r.from_id, "to": r.to_id} for r in doc.relations]}
        spans, rels = _spans(native)
        want[(doc.text, frozenset(spans.items()), frozenset(rels.items()))] += 1
    for doc in exported:
        spans, rels = _spans(doc)
        got[(doc["text"], frozenset(spans.items()), frozenset(rels.items()))] += 1
    assert got == want
    assert sum(len(d["annotations"]) for d in exported) > 0
