"""Label tags above spans (View > Show label tags), as brat and INCEpTION show them.

QPlainTextEdit ignores a block's line height and margins, so there is no room above a line to
write in.  ``SpacedLayout`` makes that room without touching the text: it is the plain-text
layout with every line of a block moved down by a gap (``QTextLine.setPosition`` after Qt laid
the block out), so blocks grow taller, and everything that reads the layout (painting, the
caret, hit tests, scrolling, the links overlay) sees the taller lines.  The characters, and so
every offset, are the same; with the tags off the gap is 0 and the layout is Qt's own.

``LabelTags`` then paints, in the gap above each line, the label of every span starting on it
(in the label's colour, at the span's first character), only for the blocks on screen.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSizeF
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QStaticText,
    QTextBlock,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QPlainTextDocumentLayout

if TYPE_CHECKING:
    from newsmark.gui.models.session import Session
    from newsmark.gui.widgets.article import ArticleView

TAG_SCALE = 0.62  # the tags' font against the article's
SHORT = 3  # a tag with no room for the whole label shows its first letters


def _x(line: QTextLine, position: int) -> float:
    x: Any = line.cursorToX(position)  # (x, position) in some PySide6 versions
    return float(x[0] if isinstance(x, tuple) else x)


class SpacedLayout(QPlainTextDocumentLayout):
    """QPlainTextDocumentLayout with ``gap`` pixels of room above every line."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.gap = 0.0

    def set_gap(self, gap: float) -> None:
        """Another gap: blocks are spaced again lazily, as they are next measured."""
        if gap == self.gap:
            return
        self.gap = gap
        self.documentSizeChanged.emit(self.documentSize())  # the view recomputes its scroll bars
        self.update.emit()

    def _space(self, block: QTextBlock) -> None:
        layout = block.layout()
        if layout is None or layout.lineCount() == 0:
            return
        gap = self.gap
        if layout.lineAt(0).position().y() == gap:
            return  # already spaced (or Qt's own, with no gap)
        y = 0.0
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            y += gap
            line.setPosition(QPointF(line.position().x(), y))
            y += line.height()

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt's name)
        rect = super().blockBoundingRect(block)  # lays the block out first when it is not
        layout = block.layout()
        if layout is None or layout.lineCount() == 0 or not block.isVisible():
            return rect
        if layout.lineAt(0).position().y() != self.gap:
            self._space(block)
            rect = super().blockBoundingRect(block)
        return rect

    def documentChanged(self, position: int, removed: int, added: int) -> None:  # noqa: N802
        super().documentChanged(position, removed, added)
        if self.gap:
            doc = self.document()
            block = doc.findBlock(position)
            end = position + added
            while block.isValid() and block.position() <= end:
                self._space(block)
                block = block.next()


class LabelTags:
    """Paints the label of each span above its first character (hooked into the view's paint)."""

    def __init__(self, view: ArticleView, session: Session, layout: SpacedLayout) -> None:
        self.view = view
        self.session = session
        self.layout = layout
        self.shown = False
        self.drawn: list[tuple[str, str, QRectF]] = []  # the last paint's tags (annotation id, text, rect)
        self._static: dict[tuple[str, int], tuple[QStaticText, float]] = {}
        view.overlays.insert(0, self.paint)  # under the links

    def _font(self) -> QFont:
        font = QFont(self.view.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * TAG_SCALE))
        return font

    def gap(self) -> float:
        return float(int(QFontMetricsF(self._font()).height()) + 1)

    def set_shown(self, on: bool) -> None:
        self.shown = on
        self.refresh()

    def refresh(self) -> None:
        """Shown or hidden, or the font changed: the room above the lines follows."""
        self._static.clear()
        self.layout.set_gap(self.gap() if self.shown else 0.0)
        self.view.viewport().update()

    def _text(self, text: str, font: QFont, key: int) -> tuple[QStaticText, float]:
        found = self._static.get((text, key))
        if found is None:
            static = QStaticText(text)
            static.prepare(font=font)
            found = self._static[(text, key)] = (static, static.size().width())
        return found

    def paint(self, painter: QPainter, _clip: QRect) -> None:
        self.drawn = []
        if not self.shown or self.session.document is None:
            return
        view = self.view
        h = view.highlighter
        by_id = self.session.by_id
        font = self._font()
        key = round(font.pointSizeF() * 10)
        gap = self.layout.gap
        dark = view.palette().color(QPalette.ColorRole.Base).lightness() < 128
        grey = QColor("gray")
        painter.setFont(font)
        block = view.firstVisibleBlock()
        offset = view.contentOffset()
        height = view.viewport().height()
        top = view.blockBoundingGeometry(block).translated(offset).top() if block.isValid() else 0.0
        pens: dict[int, QColor] = {}
        while block.isValid() and top <= height:
            layout = block.layout()
            b0 = block.position()
            b1 = b0 + block.length() - 1
            lo = bisect.bisect_left(h.starts, b0)
            hi = bisect.bisect_left(h.starts, b1)
            starting = h.spans[lo:hi] + [it for it in h.long if b0 <= it[0] < b1]
            if starting and layout is not None:
                # by line, then left to right, the longest first where several start together
                placed: list[tuple[int, float, float, str]] = []
                for s, e, _neg, ann_id in starting:
                    line = layout.lineForTextPosition(s - b0)
                    if not line.isValid():
                        continue
                    end_in_line = min(e - b0, line.textStart() + line.textLength())
                    placed.append((line.lineNumber(), _x(line, s - b0), _x(line, end_in_line), ann_id))
                placed.sort(key=lambda p: (p[0], p[1], -(p[2] - p[1])))
                right = -1e9
                row = -1
                for number, x, x2, ann_id in placed:
                    if number != row:
                        row, right = number, -1e9
                    ann = by_id.get(ann_id)
                    if ann is None:
                        continue
                    line = layout.lineAt(number)
                    left = max(x, right + 3)
                    room = max(x2, left) - left  # to the span's own end: always a tag's room
                    label = ann.label
                    static, width = self._text(label, font, key)
                    if left > x + 1 and width > room:  # pushed along by a tag before it
                        static, width = self._text(label[:SHORT], font, key)
                        if width > room + 2:
                            continue
                    colour = h.colours.get(ann_id, grey)
                    pen = pens.get(colour.rgba())
                    if pen is None:
                        pen = pens[colour.rgba()] = colour.lighter(140) if dark else colour.darker(150)
                    painter.setPen(pen)
                    pos = QPointF(offset.x() + layout.position().x() + left,
                                  top + line.y() - gap)
                    painter.drawStaticText(pos, static)
                    self.drawn.append((ann_id, static.text(), QRectF(pos, QSizeF(width, gap))))
                    right = left + width
            top += view.blockBoundingRect(block).height()
            block = block.next()
