"""The window's suggestions: computed in a worker process when a document opens and after
edits, drawn as ghosts, accepted or rejected from the keyboard, the mouse or the menu.

The window's thread does only small pieces of work: it sends requests (never waiting), reads
back from the store the suggestions the worker says it changed, a slice per turn of the event
loop, and changes the ghosts of those only.  None of it runs in the turn of an edit or of the
annotator's input (a key, a click, the wheel) but what the annotator sees at once (the ghosts a
new span covers go with it): the rest waits until the input has paused (``INPUT_PAUSE_S``), so
that an add costs the window what it costs with suggestions off (issue #16)."""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QInputDialog, QToolTip

from newsmark.core.model import Annotation, Document
from newsmark.core.suggestion import Suggestion
from newsmark.gui.suggestions.commands import AcceptSuggestion, RejectSuggestion
from newsmark.gui.suggestions.ghosts import Ghosts, Shown
from newsmark.gui.suggestions.overlay import GhostOverlay
from newsmark.gui.suggestions.process import WorkerProcess
from newsmark.store import suggestions as store
from newsmark.suggest import worker as worker_module

if TYPE_CHECKING:
    from newsmark.gui.main_window import MainWindow

MIN_SCORE_DEFAULT = 0.5
RECOMPUTE_AFTER_EDIT_MS = 250
SHUTDOWN_PATIENCE_S = 0.5  # then the worker is killed (a long article's computation)
SLICE_ROWS = 50  # suggestions read from the store per piece
SLICE_BUDGET_S = 0.004  # pieces per turn of the event loop while the next should end within this
# reading back and an edit's bookkeeping wait this long after the annotator's last input or edit
# (never in the turn of a key press: an add's repaint comes first; a key pressed during a slice
# waits for at most the slice's budget)
INPUT_PAUSE_S = 0.05
# the function the worker process runs (tests put a slower one in its place)
SERVE = worker_module.serve
_INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.Wheel)


class Suggestions(QObject):
    shown = Signal(str, int)  # document id, number of suggestions drawn

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.article = window.article
        self.overlay = GhostOverlay(self.article)
        self.ghosts = Ghosts()
        self.worker: WorkerProcess | None = None
        self.stopped: str | None = None  # why the worker ended, if it did by itself
        self.job = 0
        self._last_sent: int | None = None  # the last job asked for, until the worker has stored it
        self._before: tuple[tuple[tuple[str, int], ...], str | None] = ((), None)
        self.opened_at = 0.0
        self.latency_ms: float | None = None  # from opening the document to its ghosts drawn
        self._latency_pending = False  # the document's first computed suggestions are being read
        self._press: QPoint | None = None
        self._known: dict[str, tuple[str, str]] = {}  # the open document's annotations: what to unlearn
        self._hidden: dict[str, list[str]] = {}  # annotation id -> suggestions it hid until recomputed
        self._spacy: tuple[str, set[str]] = ("", set())
        # reading back from the store: pages of a document's suggestions, ids the worker changed
        self._to_read: deque[tuple[str, Any]] = deque()
        self._reader = QTimer(self)
        self._reader.setSingleShot(True)
        self._reader.setInterval(0)
        self._reader.timeout.connect(self._read_some)
        self._recompute = QTimer(self)
        self._recompute.setSingleShot(True)
        self._recompute.setInterval(RECOMPUTE_AFTER_EDIT_MS)
        self._recompute.timeout.connect(self.compute)
        # the window's edits, told to the worker (and noted as the window's own) once input pauses
        self._edits: list[tuple[Any, ...]] = []
        self._edited = False
        self._after_edit = QTimer(self)
        self._after_edit.setSingleShot(True)
        self._after_edit.setInterval(round(INPUT_PAUSE_S * 1000))
        self._after_edit.timeout.connect(self._on_after_edit)
        self._input_at = 0.0  # perf_counter of the annotator's last input on the article, or edit
        self.session.annotation_added.connect(self._on_session_added)
        self.session.annotation_removed.connect(self._on_session_removed)
        self.session.annotation_changed.connect(self._on_session_changed)
        self.session.status_changed.connect(lambda _doc, _status: self.seen())  # the window's own
        self._viewport = self.article.viewport()
        self.article.installEventFilter(self)
        self._viewport.installEventFilter(self)
        self.article.cursorPositionChanged.connect(self._mark_at_caret)
        self._actions()
        self.settings_changed()
        if self.enabled:  # started now, while the window is built: it is ready sooner
            self._start_worker()

    # ------------------------------------------------------------ what tests and the window read
    @property
    def items(self) -> list[Suggestion]:
        """The open document's shown suggestions, by position."""
        return self.ghosts.items

    def at(self, pos: int) -> Suggestion | None:
        """The suggestion under a code-point position: a head first, then any of its spans."""
        return self.ghosts.at(pos)

    # ------------------------------------------------------------ settings and menu
    @property
    def enabled(self) -> bool:
        return bool(self.window.settings.value("suggestions/enabled", True, type=bool))

    @property
    def min_score(self) -> float:
        return float(str(self.window.settings.value("suggestions/min_score", MIN_SCORE_DEFAULT)))

    def settings_changed(self) -> None:
        """Preferences were saved: the minimum score, the spaCy pipeline, on or off."""
        self.show_action.setChecked(self.enabled)
        model = str(self.window.settings.value("suggestions/spacy_model", "") or "")
        self._spacy = (model, set(self.window.labels))
        if self.worker is not None:
            self.worker.send(("spacy", *self._spacy))
        self.reload()
        self.compute()

    def _actions(self) -> None:
        w = self.window
        bar = w.menuBar()
        menu = bar.addMenu("S&uggestions")
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, menu)
        self.show_action = w._action(menu, "&Show suggestions", self.toggle, None,
                                     "Suggested spans drawn dashed: Enter or a click accepts, Backspace rejects")
        self.show_action.setCheckable(True)
        w._action(menu, "&Accept the suggestion at the caret", self.accept_at_caret, None,
                  "Also Enter in the article, or a click on a suggestion")
        w._action(menu, "&Reject the suggestion at the caret", self.reject_at_caret, None,
                  "Also Backspace in the article")
        w._action(menu, "&Next suggestion", lambda: self.step(+1), "Alt+N")
        w._action(menu, "&Previous suggestion", lambda: self.step(-1), "Alt+Shift+N")
        menu.addSeparator()
        self.accept_label_action: QAction = w._action(
            menu, "Accept all suggestions of a &label…", self.accept_label, "Ctrl+Alt+A",
            "Accept every suggestion of one label in this document")
        menu.addSeparator()
        w._action(menu, "&Evaluate recommenders…", self.evaluate, None,
                  "Precision, recall and F1 of each recommender on the project's done documents")

    def toggle(self) -> None:
        self.window.settings.setValue("suggestions/enabled", self.show_action.isChecked())
        if self.show_action.isChecked():
            self.stopped = None  # switched on again: a worker that had ended is started anew
        self.reload()
        self.compute()

    # ------------------------------------------------------------ the worker
    def _start_worker(self) -> WorkerProcess | None:
        if self.worker is None and self.stopped is None:
            self.worker = WorkerProcess(SERVE, (str(self.window.project.path),), "newsmark-suggestions", self)
            self.worker.received.connect(self._on_worker_message)
            self.worker.ended.connect(self._on_worker_ended)
            self.worker.send(("spacy", *self._spacy))
        return self.worker

    @property
    def computing(self) -> bool:
        """Whether the worker may be writing to the project (its commits are then the window's
        own, not another program's: app.py's watcher leaves them alone)."""
        return self._last_sent is not None

    def _on_worker_ended(self, why: str) -> None:
        self._worker_gone(f"the suggestions' worker process ended ({why})")

    def _worker_gone(self, why: str) -> None:
        if self.worker is None:
            return
        self.worker.stop(0)
        self.worker.deleteLater()
        self.worker = None
        self._done_writing()
        self.stopped = why
        self.window.statusBar().showMessage(
            f"{why}: no new suggestions (those drawn can still be accepted); "
            "Suggestions > Show suggestions off and on starts it again", 15000)

    def _on_worker_message(self, msg: tuple[Any, ...]) -> None:
        if self.worker is None or self.worker.closing:
            return
        kind = msg[0]
        if kind == "stored":
            _kind, job, doc_id, removed, added, final = msg
            if final and self._last_sent is not None and job >= self._last_sent:
                self._done_writing()
            doc = self.session.document
            if doc is None or doc.id != doc_id or not self.enabled:
                return
            # both go through the queue, a slice at a time: thousands of ghosts taken away at once
            # cost 5 ms, and a message may come in the turn of a key press
            if removed:
                self._to_read.append(("gone", list(removed)))
            if added:
                self._to_read.append(("ids", list(added)))
            if final and self.latency_ms is None:
                self._latency_pending = True
            self._schedule_read(always=True)  # (said as shown even when nothing changed)
        elif kind == "failed":
            self.window.statusBar().showMessage(str(msg[1]), 8000)
        elif kind == "fatal":
            self._worker_gone(str(msg[1]))

    # ------------------------------------------------------------ computing
    def document_opened(self, doc: Document) -> None:
        self._known = {a.id: (a.text, a.label) for a in doc.annotations}
        self._hidden = {}
        self.opened_at = time.perf_counter()
        self.latency_ms = None
        self._latency_pending = False
        self._before = self._outline()  # what the window shows now
        self.reload()  # what was computed before shows at once, a slice at a time
        self.compute()

    def compute(self) -> None:
        """Ask the worker for the open document's suggestions (it reads the document from the
        store, where every edit already is)."""
        self._flush_edits()  # what it learns from the edits first
        doc = self.session.document
        self.job += 1
        if doc is None or not self.enabled:
            return
        worker = self._start_worker()
        if worker is not None:
            worker.send(("compute", self.job, doc.id))
            self._last_sent = self.job

    def _outline(self) -> tuple[tuple[tuple[str, int], ...], str | None]:
        """What another program's change would alter, cheaply read: how many documents of each
        status (the status index), and when the open document last changed."""
        rows = self.window.project.conn.execute("SELECT status, count(*) FROM documents GROUP BY status")
        return tuple(sorted((str(r[0]), int(r[1])) for r in rows)), self._updated()

    def _updated(self) -> str | None:
        doc = self.session.document
        if doc is None:
            return None
        # the one column, not the document (its text is a megabyte on a long article: every
        # add paid for reading it)
        row = self.window.project.conn.execute("SELECT updated FROM documents WHERE id = ?", (doc.id,)).fetchone()
        return None if row is None else str(row[0])

    def _done_writing(self) -> None:
        """The worker has stored the last job asked for: its commits are taken as the window's
        own, unless the project also changed otherwise since the window last looked (then
        app.py's watcher sees it, and the window refreshes)."""
        self._flush_edits()  # the window's own edits noted first: not taken for another program's
        self._last_sent = None
        if self._outline() == self._before:
            self.window.sync_data_version()

    def seen(self) -> None:
        """The window has taken in the project as it is now (its own import, a refresh)."""
        self._before = self._outline()

    def reload(self) -> None:
        """Read the open document's suggestions again from the store (a slice per turn)."""
        self._to_read.clear()
        self.ghosts.clear()
        self.overlay.clear()
        doc = self.session.document
        if doc is not None and self.enabled:
            self._to_read.append(("page", None))
            self._read_some(at_once=True)
        elif doc is not None:
            self.shown.emit(doc.id, 0)

    def refresh(self) -> None:
        """Everything read again (the window's data changed under it)."""
        self.reload()

    def _paused(self) -> float:
        """How long until the annotator's input has paused long enough (0: it has)."""
        return max(0.0, self._input_at + INPUT_PAUSE_S - time.perf_counter())

    def _schedule_read(self, always: bool = False) -> None:
        """Read what is to read in a later turn of the event loop, once input has paused."""
        if self._to_read or always:
            self._reader.start(max(0, round(self._paused() * 1000 + 0.5)))

    def _read_some(self, at_once: bool = False) -> None:
        """Read pieces of what is to read while they take less than a slice's budget; not while
        the annotator is at work (``at_once``: a document just opened, its first slice now)."""
        doc = self.session.document
        if doc is None or not self.enabled:
            self._to_read.clear()
            return
        if not at_once and self._paused():
            self._schedule_read()
            return
        project = self.window.project
        started = time.perf_counter()
        piece = 0.0  # how long the last piece took: the next is not begun if it would overrun
        while self._to_read and (now := time.perf_counter()) - started + piece < SLICE_BUDGET_S:
            kind, arg = self._to_read.popleft()
            if kind == "gone":
                gone: list[str] = arg
                if len(gone) > SLICE_ROWS:
                    self._to_read.appendleft(("gone", gone[SLICE_ROWS:]))
                self._show(self.ghosts.remove_ids(gone[:SLICE_ROWS]))
                piece = time.perf_counter() - now
                continue
            if kind == "page":
                rows = store.open_page(project, doc.id, min_score=self.min_score, after=arg, limit=SLICE_ROWS)
                if len(rows) == SLICE_ROWS:
                    last = rows[-1]
                    self._to_read.appendleft(("page", (last.label, last.start, last.end, last.id)))
            else:
                ids: list[str] = arg
                if len(ids) > SLICE_ROWS:
                    self._to_read.appendleft(("ids", ids[SLICE_ROWS:]))
                rows = store.open_by_id(project, doc.id, ids[:SLICE_ROWS], min_score=self.min_score)
            self._show(self.ghosts.put(rows))
            piece = time.perf_counter() - now
        # the ghosts are long-lived, as the document's objects (main_window.open_document): kept
        # out of the collector's full passes after each slice, not only once all are read (a
        # full pass over thousands of ghosts read meanwhile took 9 ms in the middle of a slice)
        gc.freeze()
        if self._to_read:
            self._schedule_read()
            return
        self.shown.emit(doc.id, len(self.ghosts))
        if self._latency_pending:
            self._latency_pending = False
            self.latency_ms = (time.perf_counter() - self.opened_at) * 1000
            if len(self.ghosts):  # once per opened document, not after every edit
                self.window.statusBar().showMessage(
                    f"{len(self.ghosts)} suggestions (dashed): Alt+N goes to the next, Enter or a click "
                    "accepts, Backspace rejects", 8000)

    def _show(self, change: Shown) -> None:
        gone, came = change
        to_qt = self.article.map.to_qt
        grey = QColor("gray")
        colours = self.window.colours
        self.overlay.change([s.id for s in gone], [
            (s.id, [(to_qt(sp.start), to_qt(sp.end), colours.get(sp.label, grey), i)
                    for i, sp in enumerate(s.spans) if sp.existing is None]) for s in came])
        self._mark_at_caret()

    def _mark_at_caret(self) -> None:
        """Fill the suggestion at the caret: the one Enter accepts and Backspace rejects."""
        sug = self.at(self._caret()) if len(self.ghosts) else None
        self.overlay.set_current(sug.id if sug is not None else None)

    def recolour(self) -> None:
        """The labels' colours changed (light or dark): the ghosts drawn are drawn again in them
        (they kept the colours of the theme they were first drawn in, dark red on a dark page)."""
        self._show(([], self.ghosts.items))

    def _on_decided(self, sug: Suggestion, open_now: bool) -> None:
        """An accept or a reject (or its undo) changed this suggestion's head in the store."""
        doc = self.session.document
        if doc is None or doc.id != sug.document and sug.document:
            return
        if open_now:
            self._show(self.ghosts.put(store.open_at_head(self.window.project, doc.id, sug.label, sug.start,
                                                          sug.end, min_score=self.min_score)))
        else:
            self._show(self.ghosts.remove_head(sug.label, sug.start, sug.end))
        self.shown.emit(doc.id, len(self.ghosts))

    def _on_session_added(self, ann: Annotation) -> None:
        self._known[ann.id] = (ann.text, ann.label)
        self._note(ann.text, ann.label, 1)
        # what the store leaves out (a suggestion over a span tagged with its label) goes at
        # once, in the add's own turn (a bisection and the few ghosts it covers), not when the
        # worker has computed again (seconds for a long article)
        hidden = self.ghosts.overlapping(ann.label, ann.start, ann.end)
        if hidden:
            self._hidden[ann.id] = [s.id for s in hidden]
            self._show(self.ghosts.remove_ids(s.id for s in hidden))

    def _on_session_removed(self, ann_id: str) -> None:
        known = self._known.pop(ann_id, None)
        if known is not None:  # unlearnt: a deleted tag no longer counts for its string
            self._note(known[0], known[1], -1)
        else:
            self._edited_now()
        hidden = self._hidden.pop(ann_id, None)
        doc = self.session.document
        if hidden and doc is not None:  # still open in the store: back (the worker keeps them as they are)
            self._show(self.ghosts.put(store.open_by_id(self.window.project, doc.id, hidden,
                                                        min_score=self.min_score)))

    def _on_session_changed(self, old: Annotation, new: Annotation) -> None:
        self._known[new.id] = (new.text, new.label)
        if (old.text, old.label) != (new.text, new.label):
            self._note(old.text, old.label, -1)
            self._note(new.text, new.label, 1)
        else:
            self._edited_now()

    def _note(self, text: str, label: str, times: int) -> None:
        """An edit for the worker's ``strings`` to learn: sent with the others once input pauses."""
        self._edits.append(("note", text, label, times))
        self._edited_now()

    def _edited_now(self) -> None:
        """The window edited the open document: its bookkeeping (noting the edit as the window's
        own, telling the worker, computing again) waits until the annotator pauses."""
        self._edited = True
        self._input_at = time.perf_counter()
        self._recompute.stop()  # started again by the bookkeeping: RECOMPUTE_AFTER_EDIT_MS after it
        if not self._after_edit.isActive():
            self._after_edit.start()

    def _on_after_edit(self) -> None:
        wait = self._paused()
        if wait:  # still at work: later
            self._after_edit.start(max(1, round(wait * 1000 + 0.5)))
        else:
            self._flush_edits()

    def _flush_edits(self) -> None:
        """The bookkeeping of the edits made since the last: the open document's 'updated' read
        (the window's own change, not another program's), the notes sent to the worker in one
        message each, the computation asked for a moment later."""
        self._after_edit.stop()
        if not self._edited:
            return
        self._edited = False
        self._before = (self._before[0], self._updated())
        edits, self._edits = self._edits, []
        if self.worker is not None:
            for edit in edits:
                self.worker.send(edit)
        self._recompute.start()

    # ------------------------------------------------------------ accepting and rejecting
    def _caret(self) -> int:
        return self.article.map.from_qt(self.article.textCursor().position())

    def _settle_gone(self) -> None:
        """Take away now the ghosts the worker removed that wait to be taken away (the annotator
        acts on a ghost: never on one no longer in the store)."""
        if not any(kind == "gone" for kind, _arg in self._to_read):
            return
        gone = [sid for kind, arg in self._to_read if kind == "gone" for sid in arg]
        self._to_read = deque(item for item in self._to_read if item[0] != "gone")
        self._show(self.ghosts.remove_ids(gone))

    def accept(self, sug: Suggestion) -> None:
        doc_id = self.window.doc_id
        if doc_id is None:
            return
        if self.window._push(AcceptSuggestion(self.session, doc_id, sug, self._on_decided)):
            # the group's head is what was accepted (the quote, not its speaker or cue, added
            # after it): the next key (Ctrl+Shift+D, a label's key, Del) acts on it
            head = self._annotation_of(sug.head.start, sug.head.end, sug.head.label)
            if head is not None:
                self.window.select_annotation(head.id, reveal=False)
            self.window.statusBar().showMessage(
                f"accepted the suggested {sug.label} ({sug.recommender}, score {sug.score:.2f}); Ctrl+Z takes it back",
                5000)

    def _annotation_of(self, start: int, end: int, label: str) -> Annotation | None:
        doc = self.session.document
        if doc is None:
            return None
        return next((a for a in doc.annotations if (a.start, a.end, a.label) == (start, end, label)), None)

    def reject(self, sug: Suggestion) -> None:
        doc_id = self.window.doc_id
        if doc_id is None:
            return
        if self.window._push(RejectSuggestion(self.session, doc_id, sug, self._on_decided)):
            # said, as an accept is (the status bar went on offering the rejected suggestion)
            what = " ".join(sug.head.text.split())
            what = what if len(what) <= 40 else what[:39] + "…"
            self.window.statusBar().showMessage(
                f"rejected the suggested {sug.label} “{what}”; Ctrl+Z takes it back", 5000)
            if self.worker is not None:
                self.worker.send(("note_rejected", sug.head.text, sug.label))

    def accept_at_caret(self) -> bool:
        self._settle_gone()
        sug = self.at(self._caret())
        if sug is not None:
            self.accept(sug)
        return sug is not None

    def reject_at_caret(self) -> bool:
        self._settle_gone()
        sug = self.at(self._caret())
        if sug is not None:
            self.reject(sug)
        return sug is not None

    def accept_label(self, label: str | None = None) -> int:
        """Accept every drawn suggestion of a label (asked for when not given); one undo step."""
        counts: dict[str, int] = {}
        for s in self.items:
            counts[s.label] = counts.get(s.label, 0) + 1
        if not counts:
            self.window.statusBar().showMessage("no suggestions in this document", 4000)
            return 0
        if label is None:
            choices = [f"{name} ({n})" for name, n in sorted(counts.items())]
            item, ok = QInputDialog.getItem(self.window, "Accept all suggestions of a label", "Label:",
                                            choices, 0, False)
            if not ok:
                return 0
            label = item.rsplit(" (", 1)[0]
        chosen = [s for s in self.items if s.label == label]
        if not chosen:
            return 0
        doc_id = self.window.doc_id
        assert doc_id is not None
        accepted = 0
        with self.window._macro(f"accept {len(chosen)} suggested {label}"):  # one undo step
            for s in chosen:
                if not self.window._push(AcceptSuggestion(self.session, doc_id, s, self._on_decided)):
                    break
                accepted += 1
        self.window.statusBar().showMessage(f"accepted {accepted} suggested {label}", 5000)
        return accepted

    def step(self, delta: int) -> None:
        """Move the caret to the next (or previous) suggestion."""
        self._settle_gone()
        sug = self.ghosts.heads_after(self._caret(), delta)
        if sug is None:
            return
        # the caret is on a suggestion now: let go of the selected annotation, or Backspace
        # (which the status bar says rejects) would delete it when the suggestion lies inside it
        self.window.select_annotation(None, reveal=False)
        self.article.select_span(sug.start, sug.start)
        self.article.setFocus()  # from the document list too: Enter and Backspace then act on it
        what = " ".join(sug.head.text.split())
        what = what if len(what) <= 40 else what[:39] + "…"
        self.window.statusBar().showMessage(
            f"suggested {sug.label} “{what}” ({sug.recommender}, score {sug.score:.2f}): Enter accepts, "
            "Backspace rejects", 5000)

    # ------------------------------------------------------------ keys, clicks, tooltips
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in _INPUT:  # the annotator at work: reading back waits (_read_some)
            self._input_at = time.perf_counter()
        if obj is self.article and isinstance(event, QKeyEvent) and kind in (
                QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return self._on_key(event, kind == QEvent.Type.KeyPress)
        if obj is self._viewport and isinstance(event, QMouseEvent):
            if kind == QEvent.Type.MouseButtonPress:
                self._press = event.position().toPoint()
            elif kind == QEvent.Type.MouseButtonRelease and self._press is not None:
                moved = (event.position().toPoint() - self._press).manhattanLength()
                self._press = None
                if moved <= 4 and event.button() == Qt.MouseButton.LeftButton and not event.modifiers():
                    qpos = self.article.cursorForPosition(event.position().toPoint()).position()
                    if not self.article.highlighter.spans_at(qpos):
                        self._settle_gone()
                        sug = self.at(self.article.map.from_qt(qpos))
                        if sug is not None:
                            self.accept(sug)
        if obj is self._viewport and kind == QEvent.Type.ToolTip and len(self.ghosts):
            help_event: Any = event
            qpos = self.article.cursorForPosition(help_event.pos()).position()
            sug = self.at(self.article.map.from_qt(qpos))
            if sug is not None:
                QToolTip.showText(help_event.globalPos(), self._describe(sug), self.article)
                return True
        return False

    def _on_key(self, event: QKeyEvent, press: bool) -> bool:
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier or key not in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace):
            return False
        pos = self._caret()
        current = self.window._current_annotation()
        if current is not None and current.start <= pos <= current.end and key == Qt.Key.Key_Backspace:
            return False  # Backspace on the selected annotation deletes it, as before
        self._settle_gone()
        if self.at(pos) is None:
            return False
        if not press:  # ShortcutOverride: the key is ours, not the window's shortcut
            event.accept()
            return True
        if key == Qt.Key.Key_Backspace:
            self.reject_at_caret()
        else:
            self.accept_at_caret()
        return True

    @staticmethod
    def _describe(s: Suggestion) -> str:
        parts = [f"<b>suggested {s.label}</b> — {s.recommender}, score {s.score:.2f}"]
        for sp in s.spans[1:]:
            parts.append(f"{sp.key}: {sp.label} “{sp.text}”" + (" (tagged)" if sp.existing else ""))
        speaker = s.head.attributes.get("speaker")
        if speaker:
            parts.append(f"speaker: {speaker}")
        parts.append("Enter or click: accept · Backspace: reject")
        return "<br>".join(parts)

    # ------------------------------------------------------------ evaluation and shutdown
    def evaluate(self) -> None:
        from newsmark.gui.dialogs.evaluation import EvaluationDialog

        EvaluationDialog(self.window.project, self.window).exec()

    def shutdown(self) -> None:
        """The window closes: the worker is asked to end, and killed if it is still computing
        after a moment (never waited for longer: every edit is already stored)."""
        self._recompute.stop()
        self._reader.stop()
        self._after_edit.stop()
        self._to_read.clear()
        self.article.removeEventFilter(self)
        self._viewport.removeEventFilter(self)
        self._viewport.removeEventFilter(self.overlay)
        if self.worker is not None:
            self.worker.stop(SHUTDOWN_PATIENCE_S)
            self.worker = None
