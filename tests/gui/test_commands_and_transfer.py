"""Undo commands with no widget at all; import and export in a worker thread; startup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack

from newsmark.core.model import Document
from newsmark.gui import commands as cmd
from newsmark.gui.models.session import Session
from newsmark.store import Project
from tests.conftest import SEED_JSONL, SEED_TXT


def test_commands_push_undo_redo_without_widgets(qapp: Any, tmp_path: Path) -> None:
    with Project.create(tmp_path / "c.newsmark") as p:
        p.add_document(Document(id="d", text="Ann said yes. Bob said no."))
        session = Session(p, annotator="tester")
        session.open_document("d")
        stack = QUndoStack()
        add = cmd.AddAnnotation(session, "d", 0, 3, "PERSON")
        stack.push(add)
        assert add.annotation is not None
        first = p.annotation("d", add.annotation.id)
        assert first.annotator == "tester"
        stack.push(cmd.AddAnnotation(session, "d", 4, 12, "QUOTE"))
        quote_id = session.document.annotations[-1].id
        stack.push(cmd.AddRelation(session, "d", "said_by", quote_id, first.id))
        stack.push(cmd.UpdateAnnotation(session, "d", quote_id, label="CUE"))
        stack.push(cmd.SetStatus(session, "d", "done"))
        stack.push(cmd.DeleteAnnotation(session, "d", first.id))
        assert p.relations("d") == []
        for _ in range(6):
            stack.undo()
        assert p.annotations("d") == [] and p.document("d").status == "new"
        for _ in range(5):
            stack.redo()
        assert p.annotation("d", first.id) == first  # the same annotation, id and times
        assert p.annotation("d", quote_id).label == "CUE"
        assert len(p.relations("d")) == 1 and p.document("d").status == "done"
        stack.redo()
        assert p.relations("d") == []
        stack.undo()
        assert len(p.relations("d")) == 1  # the delete's undo brought the link back too


def test_import_in_a_worker_thread(qtbot: Any, window: Any, tmp_path: Path) -> None:
    from newsmark.gui.dialogs.transfer import run_import

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"a{i}.txt").write_text(f"Article number {i} about the budget.", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    worker = run_import(window, folder=True, paths=[folder])
    assert worker is not None
    qtbot.waitUntil(lambda: "a4" in window.doc_model.row_of, timeout=10000)
    qtbot.waitUntil(lambda: window._transfer[0].isFinished(), timeout=10000)
    assert "empty.txt: the file is empty" in window._notice.text()  # the summary names the bad file
    window._notice.close()


@pytest.mark.parametrize("cut", [True, False])
def test_window_import_follows_the_chrome_preference(qtbot: Any, window: Any, sample_project: Project,
                                                     tmp_path: Path, cut: bool) -> None:
    """Preferences' "keep only the article" decides how a saved page's text comes in."""
    from newsmark.gui.dialogs.transfer import run_import

    if not cut:
        window.settings.setValue("cut_chrome", False)
    page = tmp_path / "page.txt"
    # not the sample's text, whole or cut
    page.write_bytes(SEED_TXT.read_bytes().replace(b"Leon Panetta", b"Leon E. Panetta", 1) + b"\n\nShare this page")
    run_import(window, folder=False, paths=[page])
    qtbot.waitUntil(lambda: "page" in window.doc_model.row_of, timeout=10000)
    qtbot.waitUntil(lambda: window._transfer[0].isFinished(), timeout=10000)
    text = sample_project.document("page").text
    assert text.endswith("still very much in negotiation.\"") == cut and ("Copyright ©" in text) != cut
    if cut:
        assert "kept only the article of 1 text file" in window._notice.text()
    if window._notice is not None:
        window._notice.close()


def test_import_can_be_cancelled(qtbot: Any, window: Any, tmp_path: Path, sample_project: Project) -> None:
    from newsmark.gui.dialogs.transfer import run_import

    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"id": f"n{i}", "text": f"Text {i}."}) + "\n" for i in range(3000)), encoding="utf-8")
    worker = run_import(window, folder=False, paths=[big])
    assert worker is not None
    worker.cancelled = True
    qtbot.waitUntil(lambda: window._transfer[0].isFinished(), timeout=10000)
    assert not any(i.startswith("n") for i in sample_project.document_ids())
    assert "cancelled" in window._notice.text()
    window._notice.close()


def test_export_in_a_worker_thread(qtbot: Any, window: Any, tmp_path: Path) -> None:
    from newsmark.gui.dialogs.transfer import run_export

    target = tmp_path / "out.jsonl"
    run_export(window, ("jsonl", [], ["QUOTE"], str(target)))
    qtbot.waitUntil(lambda: target.exists(), timeout=10000)
    qtbot.waitUntil(lambda: window._transfer[0].isFinished(), timeout=10000)
    lines = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    assert {a["label"] for rec in lines for a in rec["annotations"]} == {"QUOTE"}
    folder = tmp_path / "brat"
    run_export(window, ("brat", ["new"], [], str(folder)))
    qtbot.waitUntil(lambda: (folder / "annotation.conf").exists(), timeout=10000)
    qtbot.waitUntil(lambda: window._transfer[0].isFinished(), timeout=10000)


def test_startup_opens_the_sample_then_the_last_project(qapp: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """The real startup path, as `newsmark` with no arguments runs it (app.exec stubbed)."""
    from PySide6.QtWidgets import QApplication

    from newsmark.cli import main
    from newsmark.gui import main_window

    opened: list[Any] = []
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(QApplication, "exec", lambda *a: 0)
    real_init = main_window.MainWindow.__init__

    def spy(self: Any, *args: Any, **kw: Any) -> None:
        real_init(self, *args, **kw)
        opened.append(self)

    monkeypatch.setattr(main_window.MainWindow, "__init__", spy)
    try:
        main([])
    except SystemExit as e:
        assert e.code == 0
    (first,) = opened
    assert first.project.path.name == "default.newsmark"
    assert first.doc_id == "000_b24136a7fc6a8277" and first.ann_model.rowCount() == 20
    first.close()
    # `newsmark open PROJECT` opens another; plain `newsmark` then reopens that one
    other = tmp_path / "other.newsmark"
    with Project.create(other) as p:
        p.add_document(Document(id="o", text=SEED_TXT.read_text(encoding="utf-8")))
    for argv in (["open", str(other)], []):
        try:
            main(argv)
        except SystemExit as e:
            assert e.code == 0
        assert opened[-1].project.path.resolve() == other.resolve()
        opened[-1].close()
    assert SEED_JSONL.exists()
