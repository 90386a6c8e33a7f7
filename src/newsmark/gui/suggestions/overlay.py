"""The ghosts: dashed outlines in the label's colour over the article's viewport.

The spans are kept sorted by their start (Qt positions) and changed one suggestion at a time,
so that a document's thousands of suggestions are never all redrawn or re-sorted at once; a
paint draws only the spans of the lines on screen, found by bisection."""

from __future__ import annotations

import bisect
from collections import Counter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QMoveEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QRegion,
    QTextBlock,
)
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
        self.current: str | None = None  # the suggestion at the caret (what Enter accepts): filled
        self._viewport = article.viewport()
        self._viewport.installEventFilter(self)
        # the page's ghosts as last drawn whole, and what they were drawn for (see _page_key):
        # an add repaints the article's whole viewport, and the overlay over it with it, while
        # the ghosts on the page are mostly the same; they are then copied, not drawn again
        self._version = 0  # changes with the ghosts
        self._page: QPixmap | None = None
        self._page_key: tuple[Any, ...] | None = None
        article.verticalScrollBar().valueChanged.connect(lambda _v: self.update())
        self.resize(article.viewport().size())

    def clear(self) -> None:
        self.spans, self.colours, self._of, self._longest = [], {}, {}, 0
        self.current = None
        self._version += 1
        self.update()

    def change(self, gone: list[str], came: list[tuple[str, list[tuple[int, int, QColor, int]]]]) -> None:
        """Suggestions no longer drawn (ids), and those now drawn with their spans (Qt start,
        end, colour, index in the group; the head is 0)."""
        grey = QColor("gray")
        out = [s for sid in gone for s in self._of.pop(sid, ())]
        for sid, _spans in came:
            out.extend(self._of.pop(sid, ()))
        # how each outline looks (place, head or not, colour): a suggestion scored anew by the
        # worker comes back with the same outlines, and changes nothing on the page
        looks_out = [(s[0], s[1], s[3], self.colours.get((s[2], s[3]), grey).rgba()) for s in out]
        into: list[Span] = []
        looks_in: list[tuple[int, int, int, int]] = []
        for sid, spans in came:
            mine = []
            for start, end, colour, index in spans:
                span = (start, end, sid, index)
                self.colours[(sid, index)] = colour
                self._longest = max(self._longest, end - start)
                mine.append(span)
                looks_in.append((start, end, index, colour.rgba()))
            self._of[sid] = mine
            into.extend(mine)
        if not out and not into:
            return
        for s in out:
            if s[2] not in self._of:
                self.colours.pop((s[2], s[3]), None)
        change_sorted(self.spans, out, into)
        was, now = Counter(looks_out), Counter(looks_in)
        differ = (was - now) + (now - was)
        if differ:
            self._update_where([s for s, look in zip(out + into, looks_out + looks_in, strict=True) if look in differ])

    def set_current(self, sid: str | None) -> None:
        """The suggestion at the caret, which Enter accepts and Backspace rejects: its spans are
        filled lightly in their colour (a caret at a dashed outline did not say which one it
        was, nor whether any)."""
        if sid == self.current:
            return
        old, self.current = self.current, sid
        self._update_where([*self._of.get(old or "", ()), *self._of.get(sid or "", ())])

    def _update_where(self, spans: list[Span]) -> None:
        """Repaint where these spans are on screen, or nothing if none is: the overlay is
        transparent, so whatever it repaints the article under it repaints too (a slice read
        back from the store changes a hundred ghosts, most of them off screen in a long article:
        repainting the whole viewport for them cost a frame's paint each time)."""
        art = self.article
        first = art.firstVisibleBlock().position()
        last = art.cursorForPosition(QPoint(self.width(), self.height())).position() + 1
        shown = [s for s in spans if s[1] >= first and s[0] <= last]
        if not shown:  # the page is as it was: its copy still holds
            return
        self._version += 1
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

    def rects(self, start: int, end: int, frame: _Frame | None = None) -> list[QRectF]:
        """The rectangles (viewport coordinates) of a Qt text range, one per line on screen
        (``frame``: what one paint has already looked up)."""
        if frame is None:
            frame = _Frame(self.article)
        out: list[QRectF] = []
        # from the first line on screen: a span that starts far above would otherwise have every
        # block between laid out (a long quote over a 1 MB article: tens of ms)
        block = frame.document.findBlock(max(start, frame.first))
        while block.isValid() and block.position() < end:
            known = frame.block(block)
            if known.top > frame.bottom:
                break
            if known.bottom >= frame.top:
                known.rects(start, end, out)
            block = block.next()
        return out

    def _key(self) -> tuple[Any, ...]:
        """What the page's ghosts depend on besides the ghosts: the scroll position, the size,
        and where the blocks on screen are and how many lines each has (a document's text never
        changes; label tags above the lines, a font or a width change move them)."""
        art = self.article
        doc = art.document()
        offset = art.contentOffset()
        height = self.height()
        blocks: list[tuple[int, float, float, float, int]] = []
        block = art.firstVisibleBlock()
        while block.isValid():
            geo = art.blockBoundingGeometry(block).translated(offset)
            if geo.top() > height:
                break
            blocks.append((block.blockNumber(), geo.left(), geo.top(), geo.bottom(), block.layout().lineCount()))
            block = block.next()
        return (self._version, self.width(), height, self.devicePixelRatioF(), offset.x(), offset.y(),
                id(doc), tuple(blocks))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self.spans:
            return
        rect = event.rect()
        key = self._key()
        if self._page is not None and key == self._page_key:
            painter = QPainter(self)
            painter.drawPixmap(rect, self._page, self._device(rect))
            painter.end()
            return
        self._page = None
        if rect.width() < self.width() or rect.height() < self.height():
            # a part of the page (ghosts changed there): drawn there only
            painter = QPainter(self)
            self._draw(painter, QRectF(rect))
            painter.end()
            return
        # the whole page: drawn once into a pixmap, then copied for as long as it holds
        ratio = self.devicePixelRatioF()
        page = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        page.setDevicePixelRatio(ratio)
        page.fill(Qt.GlobalColor.transparent)
        painter = QPainter(page)
        self._draw(painter, QRectF(self.rect()))
        painter.end()
        self._page, self._page_key = page, key
        painter = QPainter(self)
        painter.drawPixmap(rect, page, self._device(rect))
        painter.end()

    def _device(self, rect: QRect) -> QRect:
        """``rect`` in the page pixmap's pixels."""
        ratio = self.devicePixelRatioF()
        if ratio == 1.0:
            return rect
        return QRect(round(rect.x() * ratio), round(rect.y() * ratio), round(rect.width() * ratio),
                     round(rect.height() * ratio))

    def _draw(self, painter: QPainter, area: QRectF) -> None:
        """The ghosts that ``area`` touches, each block's geometry looked up once."""
        clip = area.adjusted(-2, -2, 2, 2)
        frame = _Frame(self.article, clip.top(), clip.bottom())
        first = frame.first
        i = bisect.bisect_left(self.spans, (first - self._longest,))
        if i >= len(self.spans):
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        grey = QColor("gray")
        pens: dict[tuple[int, bool], QPen] = {}
        for start, end, sid, index in self.spans[i:]:
            if end < first:
                continue
            if start > first and frame.block(frame.document.findBlock(start)).top > frame.bottom:
                break  # below the screen, or what is repainted (the spans are sorted by start)
            rects = [r for r in self.rects(start, end, frame) if r.intersects(clip)]
            if not rects:
                continue
            colour = self.colours.get((sid, index), grey)
            key = (colour.rgba(), index == 0)
            pen = pens.get(key)
            if pen is None:
                # one-pixel pens: Qt strokes a dashed outline wider than a pixel ten times slower
                # (31 ghosts: 1.9 ms at 1.2 px, 0.19 ms at 1 px); the head's outline is bold by
                # being drawn twice, a pixel apart
                pen = pens[key] = QPen(colour, 1.0, Qt.PenStyle.DashLine)
                pen.setDashPattern([4.0, 3.0] if index == 0 else [3.0, 2.5])
            if sid == self.current:
                fill = QColor(colour)
                fill.setAlpha(70)
                for r in rects:
                    painter.fillRect(r.adjusted(1, 1, -1, -1), fill)
            painter.setPen(pen)
            for r in rects:
                painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
                if index == 0:
                    painter.drawRoundedRect(r.adjusted(1.4, 1.4, -1.4, -1.4), 2.2, 2.2)

class _Frame:
    """What a paint looks up once: the first block on screen, the band of the viewport that is
    painted (all of it unless told), where the blocks are."""

    __slots__ = ("article", "blocks", "bottom", "document", "first", "offset", "top")

    def __init__(self, article: ArticleView, top: float | None = None, bottom: float | None = None) -> None:
        self.article = article
        self.document = article.document()
        self.first = article.firstVisibleBlock().position()
        height = article.viewport().height()
        self.top = 0.0 if top is None else max(0.0, top)
        self.bottom = float(height) if bottom is None else min(float(height), bottom)
        self.offset = article.contentOffset()
        self.blocks: dict[int, _Block] = {}

    def block(self, block: QTextBlock) -> _Block:
        number = block.blockNumber()
        known = self.blocks.get(number)
        if known is None:
            geo = self.article.blockBoundingGeometry(block).translated(self.offset)
            known = self.blocks[number] = _Block(block, geo.left(), geo.top(), geo.bottom())
        return known


class _Block:
    """A block on screen in one paint: where it is, and its lines' text ranges."""

    __slots__ = ("bottom", "layout", "left", "lines", "position", "top")

    def __init__(self, block: QTextBlock, left: float, top: float, bottom: float) -> None:
        self.left, self.top, self.bottom = left, top, bottom
        self.layout = block.layout()
        self.position = block.position()
        self.lines: list[int] | None = None  # each line's first position in the block, when asked

    def rects(self, start: int, end: int, out: list[QRectF]) -> None:
        layout, bpos = self.layout, self.position
        count = layout.lineCount()
        if self.lines is None:
            self.lines = [layout.lineAt(i).textStart() for i in range(count)]
        # from the line holding the span's start (a long paragraph has a dozen lines)
        first = max(0, bisect.bisect_right(self.lines, start - bpos) - 1)
        for i in range(first, count):
            line = layout.lineAt(i)
            ls = bpos + line.textStart()
            if ls >= end:
                break
            le = ls + line.textLength()
            s, e = max(start, ls), min(end, le)
            if s >= e:  # nothing of the span on this line: no box (an empty line inside a quote over paragraphs)
                continue
            x1 = _x(line.cursorToX(s - bpos))
            x2 = _x(line.cursorToX(e - bpos))
            out.append(QRectF(self.left + x1, self.top + line.y(), max(2.0, x2 - x1), line.height()))


def _x(result: Any) -> float:
    # PySide6 returns (x, position) for QTextLine.cursorToX's in-out argument
    return float(result[0] if isinstance(result, tuple) else result)
