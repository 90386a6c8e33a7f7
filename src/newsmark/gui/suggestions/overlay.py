"""The ghosts: dashed outlines in the label's colour over the article's viewport.

The spans are kept sorted by their start (Qt positions) and changed one suggestion at a time,
so that a document's thousands of suggestions are never all redrawn or re-sorted at once; a
paint draws only the spans of the lines on screen, found by bisection."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QMoveEvent, QPainter, QPaintEvent, QPen, QRegion
from PySide6.QtWidgets import QWidget

from newsmark.gui.suggestions.ghosts import change_sorted

if TYPE_CHECKING:
    from newsmark.gui.widgets.article import ArticleView

MAX_RECTS = 64  # changed spans beyond which the whole overlay is repainted
# (Qt start, Qt end, suggestion id, index of the span in its group): sortable, unique
Span = tuple[int, int, str, int]


class GhostOverlay(QWidget):
    """Never takes the mouse: clicks go to the article, which asks the controller."""

    def __init__(self, article: ArticleView) -> None:
        super().__init__(article.viewport())
        self.article = article
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.spans: list[Span] = []
        self.colours: dict[tuple[str, int], QColor] = {}
        self._of: dict[str, list[Span]] = {}  # suggestion id -> its spans
        self._longest = 0  # no span is longer (Qt units): where a paint starts looking
        self._viewport = article.viewport()
        self._viewport.installEventFilter(self)
        article.verticalScrollBar().valueChanged.connect(lambda _v: self.update())
        self.resize(article.viewport().size())

    def clear(self) -> None:
        self.spans, self.colours, self._of, self._longest = [], {}, {}, 0
        self.update()

    def change(self, gone: list[str], came: list[tuple[str, list[tuple[int, int, QColor, int]]]]) -> None:
        """Suggestions no longer drawn (ids), and those now drawn with their spans (Qt start,
        end, colour, index in the group; the head is 0)."""
        out = [s for sid in gone for s in self._of.pop(sid, ())]
        into: list[Span] = []
        for sid, spans in came:
            out.extend(self._of.pop(sid, ()))
            mine = []
            for start, end, colour, index in spans:
                span = (start, end, sid, index)
                self.colours[(sid, index)] = colour
                self._longest = max(self._longest, end - start)
                mine.append(span)
            self._of[sid] = mine
            into.extend(mine)
        if not out and not into:
            return
        for s in out:
            if s[2] not in self._of:
                self.colours.pop((s[2], s[3]), None)
        change_sorted(self.spans, out, into)
        self._update_where(out + into)

    def _update_where(self, spans: list[Span]) -> None:
        """Repaint where these spans are on screen, or nothing if none is: the overlay is
        transparent, so whatever it repaints the article under it repaints too (a slice read
        back from the store changes a hundred ghosts, most of them off screen in a long article:
        repainting the whole viewport for them cost a frame's paint each time)."""
        art = self.article
        first = art.firstVisibleBlock().position()
        last = art.cursorForPosition(QPoint(self.width(), self.height())).position() + 1
        shown = [s for s in spans if s[1] >= first and s[0] <= last]
        if len(shown) > MAX_RECTS:
            self.update()
            return
        region = QRegion()
        for start, end, _sid, _index in shown:
            for r in self.rects(start, end):
                region += r.toAlignedRect().adjusted(-2, -2, 2, 2)
        if not region.isEmpty():
            self.update(region)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self._viewport and event.type() == QEvent.Type.Resize:
            self.resize(self._viewport.size())
        return False

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802
        # the article scrolls its viewport with QWidget.scroll, which moves the viewport's
        # children along: the overlay went up with the text and drew every ghost a scroll's
        # height away from its span (or out of sight after a page)
        if self.pos() != QPoint(0, 0):
            self.move(0, 0)
            self.update()

    def rects(self, start: int, end: int) -> list[QRectF]:
        """The rectangles (viewport coordinates) of a Qt text range, one per line on screen."""
        art = self.article
        doc = art.document()
        offset = art.contentOffset()
        height = art.viewport().height()
        out: list[QRectF] = []
        # from the first line on screen: a span that starts far above would otherwise have every
        # block between laid out (a long quote over a 1 MB article: tens of ms)
        block = doc.findBlock(max(start, art.firstVisibleBlock().position()))
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
        first = self.article.firstVisibleBlock().position()
        i = bisect.bisect_left(self.spans, (first - self._longest,))
        if i >= len(self.spans):
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        grey = QColor("gray")
        for start, end, sid, index in self.spans[i:]:
            if end < first:
                continue
            pen = QPen(self.colours.get((sid, index), grey), 1.6 if index == 0 else 1.2, Qt.PenStyle.DashLine)
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
