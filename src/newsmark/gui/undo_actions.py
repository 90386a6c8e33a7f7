"""The Undo and Redo actions over the window's undo stack, giving the selection back.

A step that adds several annotations (a quote attributed with a new speaker mention, an accepted
suggestion) selects, when redone, the last one it adds (Session.annotation_added selects each
new annotation): Ctrl+Shift+Z after Ctrl+Z left the speaker selected instead of the quote, and
the next key acted on the speaker.  So a redo selects again what was selected when the step was
undone, the selection the annotator had with the step done.  An undo keeps the window's own
choice (what the step's undo brings back or takes away).

The stack is the window's, across documents: a step made in another document than the one open
(tag in one article, Ctrl+PgDn, Ctrl+Z) was undone out of sight, and the document list kept its
old count.  Its document is opened first, so the annotator sees what goes or comes back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QUndoCommand

if TYPE_CHECKING:
    from newsmark.gui.main_window import MainWindow


class UndoRedo(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.stack = stack = window.undo_stack
        self._selected: dict[int, str] = {}  # step (its stack index) -> the annotation selected when undone
        self._moving = False
        self.undo_action = QAction(window)
        self.redo_action = QAction(window)
        self.undo_action.triggered.connect(lambda _checked=False: self.undo())
        self.redo_action.triggered.connect(lambda _checked=False: self.redo())
        # as QUndoStack.createUndoAction's: enabled when there is a step, named after it
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(lambda text: self.undo_action.setText(self._text("&Undo", text)))
        stack.redoTextChanged.connect(lambda text: self.redo_action.setText(self._text("&Redo", text)))
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        self.undo_action.setText(self._text("&Undo", stack.undoText()))
        self.redo_action.setText(self._text("&Redo", stack.redoText()))
        stack.indexChanged.connect(self._on_stack_index_changed)

    @staticmethod
    def _text(verb: str, step: str) -> str:
        return f"{verb} {step}" if step else verb

    def _document_of(self, command: QUndoCommand | None) -> str | None:
        """The document a step edits (a macro's: its first child's with one), if any."""
        if command is None:
            return None
        doc_id = getattr(command, "doc_id", None)
        if isinstance(doc_id, str):
            return doc_id
        for i in range(command.childCount()):
            found = self._document_of(command.child(i))
            if found is not None:
                return found
        return None

    def _open_document_of(self, step: int) -> None:
        doc_id = self._document_of(self.stack.command(step))
        if doc_id is not None and doc_id != self.w.doc_id and doc_id in self.w.doc_model.row_of:
            self.w.open_document(doc_id)

    def undo(self) -> None:
        if not self.stack.canUndo():
            return
        step = self.stack.index() - 1
        self._open_document_of(step)
        current = self.w.current
        self._moving = True
        try:
            self.stack.undo()
        finally:
            self._moving = False
        if self.stack.index() == step and current is not None:
            self._selected[step] = current

    def redo(self) -> None:
        if not self.stack.canRedo():
            return
        step = self.stack.index()
        self._open_document_of(step)
        self._moving = True
        try:
            self.stack.redo()
        finally:
            self._moving = False
        chosen = self._selected.get(step)
        if self.stack.index() == step + 1 and chosen is not None and chosen in self.w.session.by_id:
            self.w.select_annotation(chosen, reveal=False)

    def _on_stack_index_changed(self, index: int) -> None:
        if self._moving:
            return
        # a new step (its redo steps are gone) or an undo or redo made elsewhere: what was
        # remembered from there on no longer holds
        for step in [s for s in self._selected if s >= index - 1]:
            del self._selected[step]
