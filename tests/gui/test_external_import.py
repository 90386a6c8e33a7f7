"""Another program imports annotations into the document the window has open: the window
shows them (the import marks the document changed), and again when a failed import takes
them back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from newsmark.core.errors import NewsmarkError
from newsmark.formats import jsonl
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from tests.gui.test_window import DOC


def _line(doc_id: str, text: str, start: int, end: int, label: str, ann_id: str) -> dict[str, Any]:
    return {"id": doc_id, "text": text, "annotations": [
        {"id": ann_id, "start": start, "end": end, "label": label, "text": text[start:end]}], "relations": []}


def test_an_import_into_the_open_document_shows_in_the_window(qtbot: Any, window: Any, sample_project: Project,
                                                             tmp_path: Path, monkeypatch: Any) -> None:
    from newsmark.gui import app

    monkeypatch.setattr(app, "WATCH_MS", 50)
    app._start_timers(window)
    window.open_document(DOC)
    text = window.session.document.text
    s = text.index("Private contractors")
    path = tmp_path / "more.jsonl"
    path.write_bytes(orjson.dumps(_line(DOC, text, s, s + len("Private contractors"), "ORG", "imported1")) + b"\n")
    with Project.open(sample_project.path) as other:
        import_records(other, jsonl.read(path), ImportSummary(), source=str(path))
    qtbot.waitUntil(lambda: window.session.annotation("imported1") is not None, timeout=3000)
    assert window.ann_model.rowCount() == 21
    # a second file: its first line adds to the open document, its second line is bad; the
    # import is taken back, and the window shows the document without what it had added
    bad = tmp_path / "bad.jsonl"
    e = text.index("immunity")
    bad.write_bytes(orjson.dumps(_line(DOC, text, e, e + len("immunity"), "ORG", "imported2")) + b"\n"
                    + b'{"id": "x", "text": "Short.", "annotations": [{"start": 0, "end": 99, "label": "ORG"}]}\n')
    from newsmark.store import importer

    take_back = importer._take_back

    def seen_then_taken_back(*args: Any) -> Any:  # the window shows the first batch, then it goes
        qtbot.waitUntil(lambda: window.session.annotation("imported2") is not None, timeout=3000)
        return take_back(*args)

    monkeypatch.setattr(importer, "_take_back", seen_then_taken_back)
    with Project.open(sample_project.path) as other, pytest.raises(NewsmarkError):
        import_records(other, jsonl.read(bad), ImportSummary(), source=str(bad), batch=1)
    assert "imported2" not in {a.id for a in sample_project.annotations(DOC)}
    qtbot.waitUntil(lambda: window.session.annotation("imported2") is None, timeout=3000)
    assert window.ann_model.rowCount() == 21
