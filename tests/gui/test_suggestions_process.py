"""The suggestions' worker process (issue #16): closing the window while it computes, a worker
killed (even inside a write), nothing heard after the end.  Moved here from
test_annotator_pass.py when the worker became a process instead of a thread."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from newsmark.store import Project
from newsmark.store import suggestions as store
from tests.gui.driving import qt_pos

DOC = "000_b24136a7fc6a8277"
LAST_QUOTE = "These issues are still very much in negotiation."


# ---------------------------------------------------------------- workers for the tests
# (run in the spawned process: module-level functions, imported there by name)
def slow_serve(conn: Any, project_path: str) -> None:
    """The real worker, but its quotes take a minute (a very long article): says when it starts."""
    from newsmark.suggest import quotes, worker

    def suggest(self: Any, doc: Any) -> Any:
        Path(project_path + ".computing").touch()
        time.sleep(60)
        return []

    quotes.QuotesRecommender.suggest = suggest  # type: ignore[method-assign]
    worker.serve(conn, project_path)


def dying_serve(conn: Any, project_path: str) -> None:
    """The real worker, killed inside its first write transaction once it has written rows."""
    from newsmark.store import suggestions as st
    from newsmark.suggest import worker

    write = st._write

    def write_then_die(project: Any, doc_id: str, gone: list[str], rows: list[Any], changes: Any) -> None:
        write(project, doc_id, gone, rows, changes)
        if rows:  # written, not committed
            os.kill(os.getpid(), signal.SIGKILL)  # linux-only: POSIX signals (its test is skipped on Windows)

    st._write = write_then_die  # type: ignore[assignment]
    worker.serve(conn, project_path)


def _open_window(qtbot: Any, project: Project, settings: Any) -> Any:
    from newsmark.gui.main_window import MainWindow

    w = MainWindow(project, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _intact(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


# ---------------------------------------------------------------- the tests
def test_closing_while_a_long_computation_runs_neither_hangs_nor_waits_for_it(
        qtbot: Any, sample_project: Project, settings: Any, monkeypatch: Any) -> None:
    """The thread version waited for the computation to end (an abort if it did not):
    the process is asked to stop, then killed."""
    from newsmark.gui.suggestions import controller

    monkeypatch.setattr(controller, "SERVE", slow_serve)
    marker = Path(str(sample_project.path) + ".computing")
    w = _open_window(qtbot, sample_project, settings)
    qtbot.waitUntil(marker.exists, timeout=20000)  # it computes (for a minute)
    pid = w.suggestions.worker.process.pid
    t = time.perf_counter()
    w.close()
    assert time.perf_counter() - t < 3
    assert _gone(pid)
    assert w.suggestions.worker is None
    _intact(sample_project.path)
    assert len(sample_project.annotations(DOC)) > 0  # the project reads as before


@pytest.mark.skipif(sys.platform == "win32", reason="kills the worker with SIGKILL (POSIX)")
def test_a_worker_killed_inside_a_write_leaves_the_project_as_it_was_and_the_window_says_so(
        qtbot: Any, sample_project: Project, settings: Any, monkeypatch: Any) -> None:
    from newsmark.gui.suggestions import controller

    before = sample_project.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0]
    monkeypatch.setattr(controller, "SERVE", dying_serve)
    w = _open_window(qtbot, sample_project, settings)
    qtbot.waitUntil(lambda: w.suggestions.stopped is not None, timeout=20000)
    assert "worker process ended (killed by signal 9)" in w.statusBar().currentMessage()
    assert w.suggestions.worker is None
    # what it had written in the transaction it died in is not there
    assert sample_project.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0] == before
    _intact(sample_project.path)
    # the window goes on: a label key tags, nothing is computed again
    text = w.session.document.text
    s = text.index("Panetta")
    cursor = w.article.textCursor()
    cursor.setPosition(qt_pos(text, s))
    cursor.setPosition(qt_pos(text, s + 7), cursor.MoveMode.KeepAnchor)
    w.article.setTextCursor(cursor)
    n = len(sample_project.annotations(DOC))
    qtbot.keyClick(w.article, "p")
    assert len(sample_project.annotations(DOC)) == n + 1
    qtbot.wait(400)
    assert w.suggestions.worker is None
    # switched off and on: a new worker, suggestions again
    monkeypatch.setattr(controller, "SERVE", controller.worker_module.serve)
    w.suggestions.show_action.trigger()
    w.suggestions.show_action.trigger()
    assert w.suggestions.worker is not None and w.suggestions.stopped is None
    qtbot.waitUntil(lambda: len(w.suggestions.items) >= 2, timeout=20000)
    w.close()


@pytest.mark.skipif(sys.platform == "win32", reason="kills the worker with SIGKILL (POSIX)")
def test_a_killed_worker_leaves_the_ghosts_drawn_and_they_can_still_be_accepted(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    qtbot.waitUntil(lambda: window.suggestions.latency_ms is not None, timeout=20000)
    text = window.session.document.text
    q = text.index(LAST_QUOTE)
    assert window.suggestions.at(q + 3) is not None
    os.kill(window.suggestions.worker.process.pid, signal.SIGKILL)  # linux-only: POSIX (skipped on Windows)
    qtbot.waitUntil(lambda: window.suggestions.stopped is not None, timeout=10000)
    assert "killed by signal 9" in window.statusBar().currentMessage()
    window.select_annotation(None)
    caret = window.article.textCursor()
    caret.setPosition(qt_pos(text, q + 3))
    window.article.setTextCursor(caret)
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_Return)
    assert [a.text for a in sample_project.annotations(DOC) if a.label == "QUOTE" and a.start == q] == [LAST_QUOTE]


def test_nothing_is_heard_from_a_stopped_worker(qtbot: Any, sample_project: Project) -> None:
    """A window closed while its worker answered: the answer went into a deleted window
    ("Signal source has been deleted" on stderr at exit)."""
    from newsmark.gui.suggestions.process import WorkerProcess
    from newsmark.suggest import worker

    job = WorkerProcess(worker.serve, (str(sample_project.path),), "test-worker")
    heard: list[Any] = []
    job.received.connect(heard.append)
    job.send(("compute", 1, DOC))
    qtbot.waitUntil(lambda: any(m[0] == "stored" and m[5] for m in heard), timeout=20000)
    assert {m[2] for m in heard if m[0] == "stored"} == {DOC}
    assert store.open_suggestions(sample_project, DOC)  # it stored them itself
    job.send(("compute", 2, DOC))  # answered after the stop: not heard
    count = len(heard)
    job.stop(0.5)
    qtbot.wait(300)
    assert len(heard) == count
    assert not job._reader.is_alive() and not job._writer.is_alive()
    job.send(("compute", 3, DOC))  # ignored, no error


def test_thousands_of_suggestions_are_read_back_in_slices(qtbot: Any, window: Any, sample_project: Project) -> None:
    """Every suggestion stored is drawn, read a slice per turn of the event loop: opening the
    document reads only the first slices, the rest come while the window stays responsive."""
    from newsmark.core.model import Document
    from newsmark.core.suggestion import SuggestedSpan, Suggestion
    from newsmark.gui.suggestions import controller

    text = "alpha " * 3000
    sample_project.add_document(Document("long", text, title="Long"))
    # a recommender the worker does not recompute here (a spaCy pipeline's, say)
    sugs = [Suggestion("spacy:x", 0.9, [SuggestedSpan("span", i, i + 5, "PERSON", "alpha")])
            for i in range(0, len(text), 6)]
    stored = store.replace(sample_project, "long", "spacy:x", sugs)
    assert len(stored) == 3000
    fired = []
    window.suggestions._reader.timeout.connect(lambda: fired.append(1))
    window.refresh_documents()
    window.open_document("long")
    first = len(window.suggestions.items)
    assert 0 < first < len(stored)  # not all in the turn that opened the document
    try:
        qtbot.waitUntil(lambda: len(window.suggestions.items) == len(stored), timeout=10000)
    except Exception:  # what the window was doing (a timing that was not understood)
        sg = window.suggestions
        print(f"read {len(sg.items)} of {len(store.open_suggestions(sample_project, 'long'))}, to read "
              f"{list(sg._to_read)[:2]}, reader active {sg._reader.isActive()} fired {len(fired)} times")
        raise
    assert len(window.suggestions.items) > controller.SLICE_ROWS
    assert len(window.suggestions.overlay._of) == len(stored)  # each drawn
    assert window.suggestions.at(6 * 1500 + 2).start == 6 * 1500


def test_the_workers_writes_are_not_taken_for_another_programs(
        qtbot: Any, sample_project: Project, settings: Any, monkeypatch: Any) -> None:
    """The window watches the project for other programs' changes (a list refreshed, "changed by
    another program"); the suggestions' worker writing beside it is the window's own doing."""
    from newsmark.core.model import Document
    from newsmark.gui import app

    monkeypatch.setattr(app, "WATCH_MS", 100)
    w = _open_window(qtbot, sample_project, settings)
    app._start_timers(w)
    qtbot.waitUntil(lambda: w.suggestions.latency_ms is not None and not w.suggestions.computing, timeout=20000)
    assert store.open_suggestions(sample_project, DOC)  # it wrote them
    qtbot.wait(400)  # the watcher looked
    assert "another program" not in w.statusBar().currentMessage()
    other = Project.open(sample_project.path)  # another program does write: still noticed
    try:
        other.add_document(Document("ext", "An article from elsewhere.", title="External"))
    finally:
        other.close()
    qtbot.waitUntil(lambda: "another program" in w.statusBar().currentMessage(), timeout=5000)
    assert w.doc_model.view_row("ext") is not None
    w.close()


def test_an_edit_and_the_workers_computation_after_it_are_not_taken_for_another_programs(
        qtbot: Any, sample_project: Project, settings: Any, monkeypatch: Any) -> None:
    """An edit's bookkeeping (the edit noted as the window's own) waits until the annotator
    pauses; the worker's computation after it is still the window's own doing."""
    from newsmark.gui import app

    monkeypatch.setattr(app, "WATCH_MS", 100)
    w = _open_window(qtbot, sample_project, settings)
    external: list[int] = []
    taken_in = w.external_change
    monkeypatch.setattr(w, "external_change", lambda: (external.append(1), taken_in()))
    app._start_timers(w)
    qtbot.waitUntil(lambda: w.suggestions.latency_ms is not None and not w.suggestions.computing, timeout=20000)
    w.set_status("in progress")  # (an edit of a new document also changes its status: noted at once)
    text = w.session.document.text
    start = text.index("Panetta")  # said three times, tagged nowhere yet
    cursor = w.article.textCursor()
    cursor.setPosition(qt_pos(text, start))
    cursor.setPosition(qt_pos(text, start + len("Panetta")), QTextCursor.MoveMode.KeepAnchor)
    w.article.setTextCursor(cursor)
    job = w.suggestions.job
    qtbot.keyClick(w.article, "p")
    assert any(a.text == "Panetta" for a in sample_project.annotations(DOC))
    # the worker learns it and stores its other two places as suggestions (it writes)
    qtbot.waitUntil(lambda: w.suggestions.job > job and not w.suggestions.computing, timeout=20000)
    qtbot.waitUntil(lambda: sum(s.head.text == "Panetta" for s in w.suggestions.items) == 2, timeout=5000)
    qtbot.wait(400)  # the watcher looked
    assert external == []  # (the message it shows would be gone already: the article is reloaded)
    w.close()
