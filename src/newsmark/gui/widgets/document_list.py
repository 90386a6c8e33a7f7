"""The document list's keys, as in a mail client's message list.

Each document opens as its row is reached; walking the list with the arrows keeps the focus in
it (the window gave it to the article at each document, so the second ↓ moved the caret in the
article instead of going to the next document), and Enter goes to the article.  Home and End go
to the first and the last document (a table's own Home and End go to the row's first and last
column, which does nothing here).  In the filter field above, ↓ goes to the list and Enter opens
the first document it shows (or the one open, if shown) in the article."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QTableView

from newsmark.gui.models.documents import DocumentListModel

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MOVES = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class DocumentListKeys(QObject):
    """Event filter on the document list and its filter field."""

    article_wanted = Signal()  # Enter: the annotator goes on in the article

    def __init__(self, view: QTableView, model: DocumentListModel, filter_edit: QLineEdit) -> None:
        super().__init__(view)
        self.view, self.model, self.filter_edit = view, model, filter_edit
        self._walking = False  # a key that moves in the list is being handled now
        view.installEventFilter(self)
        filter_edit.installEventFilter(self)

    def keeps_focus(self) -> bool:
        """Whether a document opened now leaves the focus where it is: in the list, walked with
        the keys.  A click on a row still takes the focus to the article (a letter typed in the
        list would search its titles and open another document)."""
        return self._walking and self.view.hasFocus()


    def go_to(self, row: int) -> None:
        """Make ``row`` the current one (which opens its document)."""
        rows = self.model.rowCount()
        if not rows:
            return
        index = self.model.index(max(0, min(rows - 1, row)), 0)
        flags = QItemSelectionModel.SelectionFlag
        self.view.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.view.scrollTo(index)

    def _shown_row(self) -> int:
        """The current row if the filter shows it, else the first."""
        row = self.view.currentIndex().row()
        return row if 0 <= row < self.model.rowCount() else 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        key = event.key()
        if obj is self.filter_edit:
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self._walk(self._enter_list)
                return True
            if key in _ENTER and self.model.rowCount():
                self.go_to(self._shown_row())
                self.article_wanted.emit()
                return True
            return False
        if obj is self.view:
            if key in _ENTER:
                self.article_wanted.emit()
                return True
            if key == Qt.Key.Key_Home:
                self._walk(lambda: self.go_to(0))
                return True
            if key == Qt.Key.Key_End:
                self._walk(lambda: self.go_to(self.model.rowCount() - 1))
                return True
            if key in _MOVES:  # the view's own move, the document it reaches opened meanwhile
                self._walk(lambda: self.view.keyPressEvent(event))
                return True
        return False

    def _enter_list(self) -> None:
        # the focus alone makes the view choose a current row, which opens its document
        self.view.setFocus()
        self.go_to(self._shown_row())

    def _walk(self, move: Callable[[], object]) -> None:
        self._walking = True
        try:
            move()
        finally:
            self._walking = False
