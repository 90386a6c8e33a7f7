"""Find in the article: every match highlighted, match case and whole word, "3 of 15", and the
focus kept in the field so that Enter and Shift+Enter walk the matches (Esc closes)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

MAX_SHOWN = 20000  # matches highlighted at most (all are counted and walked)


def find_all(text: str, needle: str, match_case: bool = False, whole_word: bool = False) -> list[tuple[int, int]]:
    """Every match of ``needle`` in ``text`` as (start, end) in code points, left to right,
    not overlapping.  Case folding goes through ``re`` so a match keeps the length it has in
    the text (``str.lower`` changes the length of some letters, such as "İ")."""
    if not needle:
        return []
    pattern = re.escape(needle)
    if whole_word:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    flags = 0 if match_case else re.IGNORECASE
    return [m.span() for m in re.finditer(pattern, text, flags)]


def next_match(matches: list[tuple[int, int]], position: int, direction: int) -> int | None:
    """The index of the match after (direction +1: starting at or after ``position``) or
    before (-1: starting before ``position``) a position, wrapping around."""
    if not matches:
        return None
    import bisect

    starts = [m[0] for m in matches]
    if direction > 0:
        i = bisect.bisect_left(starts, position)
        return i if i < len(matches) else 0
    i = bisect.bisect_left(starts, position) - 1
    return i if i >= 0 else len(matches) - 1


class FindBar(QWidget):
    """The bar above the article.  It finds; the window shows the matches in the article."""

    search_changed = Signal()  # the text or an option changed: find again
    step_requested = Signal(int)  # +1 next, -1 previous
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 2, 24, 2)
        row.addWidget(QLabel("Find:"))
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText("text in the article (Enter: next, Shift+Enter: previous, Esc: close)")
        self.edit.installEventFilter(self)
        row.addWidget(self.edit, 1)
        self.count = QLabel("")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("99999 of 99999"))
        row.addWidget(self.count)
        self.previous = QToolButton()
        self.previous.setText("↑")
        self.previous.setToolTip("Previous match (Shift+Enter, Shift+F3)")
        self.next = QToolButton()
        self.next.setText("↓")
        self.next.setToolTip("Next match (Enter, F3)")
        self.match_case = QCheckBox("Match case")
        self.whole_word = QCheckBox("Whole word")
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close (Esc)")
        for w in (self.previous, self.next, self.match_case, self.whole_word, self.close_button):
            w.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click keeps the focus in the field
            row.addWidget(w)
        self.edit.textChanged.connect(lambda _t: self.search_changed.emit())
        self.match_case.toggled.connect(lambda _b: self.search_changed.emit())
        self.whole_word.toggled.connect(lambda _b: self.search_changed.emit())
        self.previous.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next.clicked.connect(lambda: self.step_requested.emit(+1))
        self.close_button.clicked.connect(self.close_bar)
        self.matches: list[tuple[int, int]] = []
        self.current: int | None = None
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.step_requested.emit(-1 if shift else +1)
                return True  # handled here: the focus stays in the field
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)

    def options(self) -> dict[str, Any]:
        return {"match_case": self.match_case.isChecked(), "whole_word": self.whole_word.isChecked()}

    def search(self, text: str) -> list[tuple[int, int]]:
        """Find the field's text in ``text`` with the bar's options; the count shows "n found"
        until a match is chosen."""
        self.matches = find_all(text, self.edit.text(), **self.options())
        self.current = None
        self._show_count()
        return self.matches

    def choose(self, index: int | None) -> None:
        self.current = index
        self._show_count()

    def _show_count(self) -> None:
        n = len(self.matches)
        if not self.edit.text():
            self.count.setText("")
        elif n == 0:
            self.count.setText("no match")
        elif self.current is None:
            self.count.setText(f"{n} found")
        else:
            self.count.setText(f"{self.current + 1} of {n}")
        self.count.setStyleSheet("color: #c0392b;" if self.edit.text() and n == 0 else "")

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()
