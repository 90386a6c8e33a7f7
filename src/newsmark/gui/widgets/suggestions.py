"""Suggestions in the window (issue #16): ghost spans over the article, accepted with Enter
or a click, rejected with Backspace, computed in a background thread.

- ``SuggestionWorker`` lives in its own thread: it learns the ``strings`` recommender from the
  project (its own read-only connection), keeps it up to date as annotations are made, and
  computes a document's suggestions (``quotes``, ``strings``, a spaCy pipeline if one is set
  in Preferences) from a snapshot of the document.  Nothing it does touches the store.
- ``GhostOverlay`` paints the suggestions as dashed outlines in their label's colour on top of
  the article (transparent to the mouse), only for the lines on screen.
- ``Suggestions`` wires them to the window: it stores the computed suggestions (the only
  writes, a few ms, on the window's thread), draws them, and handles the keys, clicks and
  menu actions, each accept or reject an undo command.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QUndoCommand,
)
from PySide6.QtWidgets import QInputDialog, QToolTip, QWidget

from newsmark.core.model import Annotation, Document, Relation
from newsmark.core.suggestion import Suggestion
from newsmark.gui.models.session import Session
from newsmark.store import suggestions as store

if TYPE_CHECKING:
    from newsmark.gui.main_window import MainWindow
    from newsmark.gui.widgets.article import ArticleView

MIN_SCORE_DEFAULT = 0.5
RECOMPUTE_AFTER_EDIT_MS = 250
SHUTDOWN_PATIENCE_MS = 5000  # then the window is hidden while the last computation ends


# ---------------------------------------------------------------- the background thread
class SuggestionWorker(QObject):
    computed = Signal(int, str, object)  # job number, document id, list[Suggestion]
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.strings: Any = None
        self.spacy: Any = None
        self._pending_notes: list[tuple[str, str, int]] = []
        self.stopping = False  # set by the window's thread when it closes: learning stops early

    @Slot(str)
    def learn(self, project_path: str) -> None:
        """Learn ``strings`` from every document of the project (a read-only connection of
        this thread's own)."""
        from newsmark.store.project import Project
        from newsmark.suggest.strings import StringsRecommender

        try:
            with Project.open(project_path, readonly=True) as p:
                rec = StringsRecommender.learn((p.document(d) for d in p.document_ids() if not self.stopping),
                                               store.rejected_strings(p))
        except Exception as e:  # noqa: BLE001 (a problem here must not stop the window)
            self.failed.emit(f"suggestions: could not learn from the project ({e})")
            return
        for text, label, times in self._pending_notes:  # edits made while learning
            rec.note(text, label, times)
        self._pending_notes = []
        self.strings = rec

    @Slot(str, str, int)
    def note(self, text: str, label: str, times: int) -> None:
        if self.strings is None:
            self._pending_notes.append((text, label, times))
        else:
            self.strings.note(text, label, times)

    @Slot(str, str)
    def note_rejected(self, text: str, label: str) -> None:
        if self.strings is not None:
            self.strings.note_rejected(text, label)

    @Slot(str, object)
    def use_spacy(self, model: str, labels: object) -> None:
        from newsmark.suggest.spacy_ner import SpacyRecommender

        self.spacy = SpacyRecommender(model, labels if isinstance(labels, set) else None) if model else None

    @Slot(int, object)
    def compute(self, job: int, doc: Document) -> None:
        from newsmark.suggest.quotes import QuotesRecommender

        out: list[Suggestion] = []
        recs: list[Any] = [QuotesRecommender()]
        if self.strings is not None:
            recs.append(self.strings)
        if self.spacy is not None:
            recs.append(self.spacy)
        for rec in recs:
            try:
                out.extend(rec.suggest(doc))
            except Exception as e:  # noqa: BLE001 (a spaCy model that will not load: say so once)
                self.failed.emit(f"suggestions from {rec.name}: {e}")
                if rec is self.spacy:
                    self.spacy = None
            if self.stopping:
                return
        if self.stopping:  # the window closed while this ran (a long article): no one listens, and
            return  # the window may be gone ("Signal source has been deleted" on stderr at exit)
        self.computed.emit(job, doc.id, out)


# ---------------------------------------------------------------- drawing
class GhostOverlay(QWidget):
    """Dashed outlines in the label's colour over the article's viewport, never taking the mouse."""

    def __init__(self, article: ArticleView) -> None:
        super().__init__(article.viewport())
        self.article = article
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.spans: list[tuple[int, int, QColor, bool]] = []  # Qt start, end, colour, head
        self._viewport = article.viewport()
        self._viewport.installEventFilter(self)
        article.verticalScrollBar().valueChanged.connect(lambda _v: self.update())
        self.resize(article.viewport().size())

    def set_spans(self, spans: list[tuple[int, int, QColor, bool]]) -> None:
        self.spans = sorted(spans, key=lambda s: s[0])
        self.update()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self._viewport and event.type() == QEvent.Type.Resize:
            self.resize(self._viewport.size())
        return False

    def rects(self, start: int, end: int) -> list[QRectF]:
        """The rectangles (viewport coordinates) of a Qt text range, one per line on screen."""
        art = self.article
        doc = art.document()
        offset = art.contentOffset()
        height = art.viewport().height()
        out: list[QRectF] = []
        block = doc.findBlock(start)
        while block.isValid() and block.position() < end:
            geo = art.blockBoundingGeometry(block).translated(offset)
            if geo.top() > height:
                break
            if geo.bottom() >= 0:
                layout = block.layout()
                bpos = block.position()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    ls = bpos + line.textStart()
                    le = ls + line.textLength()
                    s, e = max(start, ls), min(end, le)
                    if s >= e and not (s == e == ls and start <= ls < end and line.textLength() == 0):
                        continue
                    x1 = _x(line.cursorToX(s - bpos))
                    x2 = _x(line.cursorToX(e - bpos))
                    out.append(QRectF(geo.left() + x1, geo.top() + line.y(), max(2.0, x2 - x1), line.height()))
            block = block.next()
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self.spans:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        first = self.article.firstVisibleBlock().position()
        for start, end, colour, head in self.spans:
            if end < first:
                continue
            pen = QPen(colour, 1.6 if head else 1.2, Qt.PenStyle.DashLine)
            pen.setDashPattern([3.0, 2.5])
            painter.setPen(pen)
            rects = self.rects(start, end)
            if not rects and start > first:
                break  # below the screen
            for r in rects:
                painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.end()


def _x(result: Any) -> float:
    # PySide6 returns (x, position) for QTextLine.cursorToX's in-out argument
    return float(result[0] if isinstance(result, tuple) else result)


# ---------------------------------------------------------------- undo commands
def _adopt(session: Session, anns: list[Annotation], rels: list[Relation]) -> None:
    """Tell the window about annotations and relations the store made."""
    doc = session.document
    if doc is None or not anns and not rels or (anns[0].document if anns else rels[0].document) != doc.id:
        return
    for a in anns:
        doc.annotations.append(a)
        session.by_id[a.id] = a
        session.annotation_added.emit(a)
    doc.relations.extend(rels)
    if rels:
        session.relations_changed.emit()


def _drop(session: Session, anns: list[Annotation], rels: list[Relation]) -> None:
    doc = session.document
    if doc is None or not anns and not rels or (anns[0].document if anns else rels[0].document) != doc.id:
        return
    gone_rels = {r.id for r in rels}
    gone = {a.id for a in anns}
    doc.relations = [r for r in doc.relations if r.id not in gone_rels and r.from_id not in gone and r.to_id not in gone]
    doc.annotations = [a for a in doc.annotations if a.id not in gone]
    for a in anns:
        session.by_id.pop(a.id, None)
        session.annotation_removed.emit(a.id)
    session.relations_changed.emit()


class AcceptSuggestion(QUndoCommand):
    """Accept a suggestion: its spans and links become annotations in one transaction."""

    def __init__(self, session: Session, doc_id: str, suggestion: Suggestion, changed: Any,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(f"accept suggested {suggestion.label}", parent)
        self.session, self.doc_id, self.sid = session, doc_id, suggestion.id
        self.annotator = session.annotator
        self.changed = changed
        self.done: store.Accepted | None = None

    def redo(self) -> None:
        if self.done is None:  # the first time: new annotations
            self.done = store.accept(self.session.project, self.doc_id, self.sid, annotator=self.annotator)
        else:  # after an undo: the same ones again (later commands refer to their ids)
            store.redo_accept(self.session.project, self.done)
        _adopt(self.session, self.done.annotations, self.done.relations)
        self.changed()

    def undo(self) -> None:
        assert self.done is not None
        store.undo_accept(self.session.project, self.done)
        _drop(self.session, self.done.annotations, self.done.relations)
        self.changed()


class RejectSuggestion(QUndoCommand):
    def __init__(self, session: Session, doc_id: str, suggestion: Suggestion, changed: Any,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(f"reject suggested {suggestion.label}", parent)
        self.session, self.doc_id, self.sid = session, doc_id, suggestion.id
        self.changed = changed

    def redo(self) -> None:
        store.reject(self.session.project, self.doc_id, self.sid)
        self.changed()

    def undo(self) -> None:
        store.reopen(self.session.project, self.doc_id, self.sid)
        self.changed()


# ---------------------------------------------------------------- the controller
class Suggestions(QObject):
    """The window's suggestions: computed when a document opens and after edits, drawn as
    ghosts, accepted or rejected from the keyboard, the mouse or the Suggestions menu."""

    shown = Signal(str, int)  # document id, number of suggestions drawn
    _learn = Signal(str)
    _compute = Signal(int, object)
    _note = Signal(str, str, int)
    _note_rejected = Signal(str, str)
    _use_spacy = Signal(str, object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.article = window.article
        self.overlay = GhostOverlay(self.article)
        self.items: list[Suggestion] = []  # the open document's, as drawn
        self.job = 0
        self.opened_at = 0.0
        self.latency_ms: float | None = None  # from opening the document to its ghosts drawn
        self._press: QPoint | None = None
        self._known: dict[str, tuple[str, str]] = {}  # the open document's annotations: what to unlearn
        self._thread = QThread(self)
        self._thread.setObjectName("newsmark-suggestions")
        self.worker = SuggestionWorker()
        self.worker.moveToThread(self._thread)
        self._learn.connect(self.worker.learn)
        self._compute.connect(self.worker.compute)
        self._note.connect(self.worker.note)
        self._note_rejected.connect(self.worker.note_rejected)
        self._use_spacy.connect(self.worker.use_spacy)
        self.worker.computed.connect(self._on_worker_computed)
        self.worker.failed.connect(lambda msg: window.statusBar().showMessage(msg, 8000))
        self._thread.start(QThread.Priority.LowPriority)
        self._recompute = QTimer(self)
        self._recompute.setSingleShot(True)
        self._recompute.setInterval(RECOMPUTE_AFTER_EDIT_MS)
        self._recompute.timeout.connect(self.compute)
        self.session.annotation_added.connect(lambda a: self._on_session_edit(a, 1))
        self.session.annotation_removed.connect(self._on_session_removed)
        self.session.annotation_changed.connect(self._on_session_changed)
        self._viewport = self.article.viewport()
        self.article.installEventFilter(self)
        self._viewport.installEventFilter(self)
        self._actions()
        self.settings_changed()
        self._learn.emit(str(window.project.path))

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
        self._use_spacy.emit(model, set(self.window.labels))
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
        self.compute()

    # ------------------------------------------------------------ computing
    def document_opened(self, doc: Document) -> None:
        self._known = {a.id: (a.text, a.label) for a in doc.annotations}
        self.items = []
        self.overlay.set_spans([])
        self.opened_at = time.perf_counter()
        self.latency_ms = None
        self.compute()

    def compute(self) -> None:
        """Ask the worker for the open document's suggestions (on a snapshot of it)."""
        doc = self.session.document
        self.job += 1
        if doc is None or not self.enabled:
            self.items = []
            self.overlay.set_spans([])
            return
        snapshot = Document(doc.id, doc.text, doc.title, doc.meta, doc.status,
                            annotations=list(doc.annotations), relations=list(doc.relations))
        self._compute.emit(self.job, snapshot)

    def _on_worker_computed(self, job: int, doc_id: str, sugs: list[Suggestion]) -> None:
        if job != self.job or self.session.document is None or self.session.document.id != doc_id:
            return  # a later edit or another document: a newer job is on its way
        project = self.window.project
        by_rec: dict[str, list[Suggestion]] = {}
        for s in sugs:
            by_rec.setdefault(s.recommender, []).append(s)
        # every recommender that ran, also one that made nothing this time (its earlier ones go)
        names = {"quotes", "strings"} | set(by_rec)
        model = str(self.window.settings.value("suggestions/spacy_model", "") or "")
        if model:
            names.add(f"spacy:{model}")
        try:
            with project.write():
                for name in sorted(names):
                    store.replace(project, doc_id, name, by_rec.get(name, []))
        except Exception as e:  # noqa: BLE001 (the text changed under us, a locked file: show, go on)
            self.window.statusBar().showMessage(f"suggestions not stored: {e}", 8000)
            return
        self.refresh()
        if self.latency_ms is None:
            self.latency_ms = (time.perf_counter() - self.opened_at) * 1000
            if self.items:  # once per opened document, not after every edit
                self.window.statusBar().showMessage(
                    f"{len(self.items)} suggestions (dashed): Alt+N goes to the next, Enter or a click "
                    "accepts, Backspace rejects", 8000)

    def refresh(self) -> None:
        """Draw the open document's open suggestions scored at least the minimum."""
        doc = self.session.document
        if doc is None or not self.enabled:
            self.items = []
            self.overlay.set_spans([])
            return
        self.items = store.open_suggestions(self.window.project, doc.id, min_score=self.min_score)
        to_qt = self.article.map.to_qt
        grey = QColor("gray")
        spans = []
        for s in self.items:
            for span in s.spans:
                if span.existing is None:
                    spans.append((to_qt(span.start), to_qt(span.end),
                                  self.window.colours.get(span.label, grey), span is s.head))
        self.overlay.set_spans(spans)
        self.shown.emit(doc.id, len(self.items))

    def _on_session_edit(self, ann: Annotation, times: int) -> None:
        self._known[ann.id] = (ann.text, ann.label)
        self._note.emit(ann.text, ann.label, times)
        self._recompute.start()

    def _on_session_removed(self, ann_id: str) -> None:
        known = self._known.pop(ann_id, None)
        if known is not None:  # unlearnt: a deleted tag no longer counts for its string
            self._note.emit(known[0], known[1], -1)
        self._recompute.start()

    def _on_session_changed(self, old: Annotation, new: Annotation) -> None:
        self._known[new.id] = (new.text, new.label)
        if (old.text, old.label) != (new.text, new.label):
            self._note.emit(old.text, old.label, -1)
            self._note.emit(new.text, new.label, 1)
        self._recompute.start()

    # ------------------------------------------------------------ accepting and rejecting
    def at(self, pos: int) -> Suggestion | None:
        """The suggestion under a code-point position: a head first, then any of its spans."""
        heads = [s for s in self.items if s.start <= pos <= s.end]
        if heads:
            return min(heads, key=lambda s: s.end - s.start)
        return next((s for s in self.items for sp in s.spans[1:]
                     if sp.existing is None and sp.start <= pos <= sp.end), None)

    def _caret(self) -> int:
        return self.article.map.from_qt(self.article.textCursor().position())

    def accept(self, sug: Suggestion) -> None:
        doc_id = self.window.doc_id
        if doc_id is None:
            return
        if self.window._push(AcceptSuggestion(self.session, doc_id, sug, self.refresh)):
            self.window.statusBar().showMessage(
                f"accepted the suggested {sug.label} ({sug.recommender}, score {sug.score:.2f}); Ctrl+Z takes it back",
                5000)

    def reject(self, sug: Suggestion) -> None:
        doc_id = self.window.doc_id
        if doc_id is None:
            return
        if self.window._push(RejectSuggestion(self.session, doc_id, sug, self.refresh)):
            self._note_rejected.emit(sug.head.text, sug.label)

    def accept_at_caret(self) -> bool:
        sug = self.at(self._caret())
        if sug is not None:
            self.accept(sug)
        return sug is not None

    def reject_at_caret(self) -> bool:
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
                if not self.window._push(AcceptSuggestion(self.session, doc_id, s, lambda: None)):
                    break
                accepted += 1
        self.refresh()
        self.window.statusBar().showMessage(f"accepted {accepted} suggested {label}", 5000)
        return accepted

    def step(self, delta: int) -> None:
        """Move the caret to the next (or previous) suggestion."""
        if not self.items:
            return
        pos = self._caret()
        heads = sorted(s.start for s in self.items)
        after = [p for p in heads if p > pos] if delta > 0 else [p for p in heads if p < pos]
        target = (after[0] if delta > 0 else after[-1]) if after else (heads[0] if delta > 0 else heads[-1])
        sug = next(s for s in self.items if s.start == target)
        # the caret is on a suggestion now: let go of the selected annotation, or Backspace
        # (which the status bar says rejects) would delete it when the suggestion lies inside it
        self.window.select_annotation(None, reveal=False)
        self.article.select_span(sug.start, sug.start)
        self.window.statusBar().showMessage(
            f"suggested {sug.label} ({sug.recommender}, score {sug.score:.2f}): Enter accepts, Backspace rejects",
            5000)

    # ------------------------------------------------------------ keys, clicks, tooltips
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
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
                        sug = self.at(self.article.map.from_qt(qpos))
                        if sug is not None:
                            self.accept(sug)
        if obj is self._viewport and kind == QEvent.Type.ToolTip and self.items:
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
        self.worker.stopping = True
        self._recompute.stop()
        self.article.removeEventFilter(self)
        self._viewport.removeEventFilter(self)
        self._viewport.removeEventFilter(self.overlay)
        self._thread.quit()
        if not self._thread.wait(SHUTDOWN_PATIENCE_MS):
            # a long article's suggestions still being computed (one recommender's run: the
            # worker stops between them).  Destroying a running QThread aborts the program
            # ("QThread: Destroyed while thread is still running"): the window goes away and
            # the thread is waited for; every edit is already stored.
            self.window.hide()
            self._thread.wait()
