"""Where a dialog about a span opens: beside the span, not over it.

Qt centres a dialog on its window, which is where the article's middle lines are: the speaker
and stance dialogs opened over the very quote they ask about (and its cue and speaker), which
the annotator reads to answer.  They open below the span's last line, or above its first when
there is no room below, over the article's column."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from newsmark.gui.widgets.article import ArticleView

GAP = 12  # pixels between the span and the dialog
FRAME = 32  # room for the window manager's title bar above the dialog's own top


def span_rect(article: ArticleView, start: int, end: int) -> QRect | None:
    """The span's lines on screen in global coordinates (first line's top to last line's
    bottom), or None when none of it is in view."""
    cursor = QTextCursor(article.document())
    cursor.setPosition(article.map.to_qt(start))
    first = article.cursorRect(cursor)
    cursor.setPosition(article.map.to_qt(end))
    last = article.cursorRect(cursor)
    viewport = article.viewport()
    local = QRect(QPoint(0, first.top()), QPoint(viewport.width(), last.bottom()))
    if not local.intersects(viewport.rect()):
        return None
    local = local.intersected(viewport.rect())
    return QRect(viewport.mapToGlobal(local.topLeft()), local.size())


def place_beside(dialog: QWidget, article: ArticleView, start: int, end: int) -> None:
    """Move ``dialog`` (not shown yet) beside the span [start, end) (code points): below it if
    it fits on the screen, else above it; left where Qt puts it when neither fits or the span
    is out of view."""
    span = span_rect(article, start, end)
    screen = article.screen()
    if span is None or screen is None:
        return
    dialog.adjustSize()
    size = dialog.size()
    room = screen.availableGeometry()
    viewport = article.viewport()
    middle = viewport.mapToGlobal(viewport.rect().center()).x()
    x = max(room.left(), min(middle - size.width() // 2, room.right() - size.width()))
    below = span.bottom() + GAP + FRAME
    above = span.top() - GAP - size.height()
    if below + size.height() <= room.bottom():
        dialog.move(x, below - FRAME)
    elif above - FRAME >= room.top():
        dialog.move(x, above - FRAME)
