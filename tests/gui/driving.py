"""Driving the window as a user does: where a span is on screen, keys pressed in the next modal
dialog, and a count of the user's actions (a key press or a click each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

Key = tuple[Any, Any] | str  # (Qt key, modifiers) or a character


def qt_pos(text: str, cp: int) -> int:
    """The Qt position of code point ``cp``, counted independently of the app's mapping."""
    return len(text[:cp].encode("utf-16-le")) // 2


def select(window: Any, start: int, end: int) -> None:
    """Select like a user: put the cursor at Qt positions in the article widget."""
    text = window.session.document.text
    cursor = window.article.textCursor()
    cursor.setPosition(qt_pos(text, start))
    cursor.setPosition(qt_pos(text, end), QTextCursor.MoveMode.KeepAnchor)
    window.article.setTextCursor(cursor)
    window.article.setFocus()


def quote_groups(window: Any) -> dict[str, list[str]]:
    """The Quotes panel as shown: each speaker row's text -> its quotes' texts."""
    tree = window.quotes_panel.tree
    out = {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        out[top.text(0)] = [top.child(j).text(0) for j in range(top.childCount())]
    return out


def span_point(window: Any, cp: int) -> QPoint:
    """The pixel (in the article's viewport) of the character at code point ``cp``, scrolled into
    view first when it is not on screen."""
    art = window.article
    text = window.session.document.text
    cursor = QTextCursor(art.document())
    cursor.setPosition(qt_pos(text, cp))
    rect = art.cursorRect(cursor)
    if not art.viewport().rect().adjusted(0, 30, 0, -30).contains(rect.center()):
        bar = art.verticalScrollBar()
        bar.setValue(bar.value() + rect.center().y() - art.viewport().height() // 2)
        QApplication.processEvents()
        rect = art.cursorRect(cursor)
    cursor.setPosition(qt_pos(text, cp + 1))
    right = art.cursorRect(cursor)
    x = (rect.center().x() + right.center().x()) // 2 if right.center().y() == rect.center().y() else rect.center().x() + 2
    return QPoint(x, rect.center().y())


class User:
    """Presses keys and clicks, counting each as one action."""

    def __init__(self, qtbot: Any, window: Any) -> None:
        self.qtbot, self.window, self.actions = qtbot, window, 0
        self.seen_dialogs: list[QWidget] = []

    def _active(self) -> None:
        # a closed dialog gives the focus back to the window (the window manager's job)
        if QApplication.activeWindow() is not self.window:
            self.window.activateWindow()
            QApplication.processEvents()

    def key(self, key: Key, widget: QWidget | None = None) -> None:
        self.actions += 1
        self._active()
        target = widget or self.window.article
        if isinstance(key, str):
            self.qtbot.keyClick(target, key)
        else:
            self.qtbot.keyClick(target, key[0], key[1])

    def click(self, cp: int, modifiers: Any = Qt.KeyboardModifier.NoModifier) -> None:
        """Click the character at code point ``cp`` in the article."""
        self.actions += 1
        self._active()
        pos = span_point(self.window, cp)
        self.qtbot.mouseClick(self.window.article.viewport(), Qt.MouseButton.LeftButton, modifiers, pos)

    def in_next_dialog(self, *keys: Key, check: Callable[[QWidget], None] | None = None) -> None:
        """When the next modal dialog opens: look at it (``check``), then press ``keys`` in it."""
        self.actions += len(keys)
        qtbot = self.qtbot

        def act(tries: int = 0) -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                if tries < 200:
                    QTimer.singleShot(10, lambda: act(tries + 1))
                return
            self.seen_dialogs.append(dialog)
            dialog.activateWindow()  # as the window manager does when a dialog opens
            QApplication.processEvents()
            if check is not None:
                try:
                    check(dialog)
                except BaseException:
                    dialog.reject()
                    raise
            for key in keys:
                # the dialog may not be the active window yet: keys go to its focus widget
                target = QApplication.focusWidget()
                if target is None or not (target is dialog or dialog.isAncestorOf(target)):
                    target = dialog.focusWidget() or dialog
                if isinstance(key, str):
                    qtbot.keyClick(target, key)
                else:
                    qtbot.keyClick(target, key[0], key[1])

        QTimer.singleShot(0, act)
