"""Links drawn over the article, as brat and INCEpTION draw arcs: the selected annotation's
linked spans (speaker, cue, disputed point, stances) outlined and joined to it by curves labelled
with the relation type and the stance value; or every link of the visible part of the article.

Painting is cheap enough for every frame: only the blocks on screen are looked at, the relations
with an end on screen are found by bisect over their ends, and each span's rectangles inside its
block are cached (cleared when the text is laid out at another width or font).  Nothing here
relays out the document.

A curve rises into the blank room above its higher end where there is some (the empty line
between paragraphs), a little only below another line of text; its caption sits on its highest
point.  A caption that would cover another moves sideways along its curve's top first (staying
in the blank line), and is set above the other only where there is no room beside it.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
)

from newsmark.core.model import Annotation, Relation

if TYPE_CHECKING:
    from newsmark.gui.models.session import Session
    from newsmark.gui.widgets.article import ArticleView

STANCE_COLOURS = {"supports": ("#2e7d32", "#81c784"), "opposes": ("#c62828", "#ef9a9a"),
                  "neutral": ("#616161", "#bdbdbd")}  # (light theme, dark theme)
RELATION_NAMES = {"said_by": "said by", "cue": "cue"}


def link_caption(rel: Relation) -> str:
    """What a drawn link says: its type, and a stance's value in full."""
    name = RELATION_NAMES.get(rel.type, rel.type.replace("_", " "))
    value = rel.attributes.get("value")
    return f"{name}: {value}" if value else name


_CAPTIONS: dict[tuple[str, object], str] = {}
_ADVANCES: dict[tuple[int, str], float] = {}


def _caption(rel: Relation) -> str:
    key = (rel.type, rel.attributes.get("value"))
    text = _CAPTIONS.get(key)
    if text is None:
        text = _CAPTIONS[key] = link_caption(rel)
    return text


def _advance(metrics: QFontMetricsF, text: str) -> float:
    key = (round(metrics.height() * 10), text)
    w = _ADVANCES.get(key)
    if w is None:
        w = _ADVANCES[key] = metrics.horizontalAdvance(text)
    return w


MIN_RISE = 10.0  # the least a link's curve rises above its ends (pixels)


def _apex(p0: QPointF, p3: QPointF, top: float) -> QPointF:
    """The highest point of the cubic curve from ``p0`` to ``p3`` whose two control points are at
    height ``top`` above each end (sampled: a handful of links a frame)."""
    x, y = min(_along(p0, p3, top, 20), key=lambda point: point[1])
    return QPointF(x, y)


def _along(p0: QPointF, p3: QPointF, top: float, steps: int = 40) -> list[tuple[float, float]]:
    """Points (x, y) along the curve from ``p0`` to ``p3`` whose control points are at height
    ``top``, at ``steps`` + 1 even steps of its parameter."""
    x0, y0, x3, y3 = p0.x(), p0.y(), p3.x(), p3.y()
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        out.append(((a + b) * x0 + (c + d) * x3, a * y0 + (b + c) * top + d * y3))
    return out


CAPTION_GAP = 3.0  # between two captions set side by side (pixels)


def _beside(rect: QRectF, placed: list[QRectF], curve: list[tuple[float, float]], width: float) -> float | None:
    """Where ``rect`` (a caption) can move left or right, at its height, to cover no caption
    ``placed`` and still sit on its curve (some point of the curve inside it) and on screen: the
    new left edge nearest to where it is, or None."""
    top, bottom, w = rect.top(), rect.bottom(), rect.width()
    on_curve = sorted(x for x, y in curve if top <= y <= bottom)  # the curve at its height
    if not on_curve:
        return None
    # only the captions at its height can be in the way (every link drawn: many captions a frame)
    row = [q for q in placed if q.top() < bottom and q.bottom() > top]
    candidates = sorted((x for q in row for x in (q.right() + CAPTION_GAP, q.left() - CAPTION_GAP - w)),
                        key=lambda x: abs(x - rect.left()))
    for left in candidates:
        right = left + w
        if left < 1 or right > width - 1:
            continue
        i = bisect.bisect_left(on_curve, left)
        if i == len(on_curve) or on_curve[i] > right:  # off its curve
            continue
        moved = QRectF(left, top, w, rect.height())
        if not any(q.intersects(moved) for q in row):
            return left
    return None


class LinkOverlay:
    """Draws links over an ArticleView (hooked into its paint event)."""

    def __init__(self, view: ArticleView, session: Session) -> None:
        self.view = view
        self.session = session
        self.colours: dict[str, QColor] = {}  # label -> colour
        self.show_all = False
        self.selected: Annotation | None = None
        self.selected_links: list[Relation] = []
        self._index: tuple[list[int], list[tuple[int, int, int]], int] | None = None
        self._relations: list[Relation] = []
        self._rects: dict[tuple[int, int, int], list[QRectF]] = {}  # (block, qt start, qt end)
        self._layout_key: tuple[int, float, str, float] = (0, 0.0, "", 0.0)
        self.drawn: list[tuple[Relation, QPointF, QPointF]] = []  # the last paint's links (for tests)
        self.captions: list[tuple[Relation, QRectF]] = []  # and their captions
        view.overlays.append(self.paint)

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Another document, or its annotations or links changed."""
        self._index = None
        self._rects.clear()
        self.view.viewport().update()

    def set_selected(self, ann: Annotation | None, links: list[Relation]) -> None:
        if ann is self.selected and links == self.selected_links:
            return
        self.selected, self.selected_links = ann, list(links)
        self.view.viewport().update()

    def set_show_all(self, on: bool) -> None:
        self.show_all = on
        self.view.viewport().update()

    def _ends_index(self) -> tuple[list[int], list[tuple[int, int, int]], int]:
        """Every relation end (qt start, qt end, relation number), sorted, for the visible ones."""
        if self._index is None:
            doc = self.session.document
            self._relations = list(doc.relations) if doc is not None else []
            by_id = self.session.by_id
            to_qt = self.view.map.to_qt
            ends = []
            for n, r in enumerate(self._relations):
                for ann_id in (r.from_id, r.to_id):
                    a = by_id.get(ann_id)
                    if a is not None:
                        ends.append((to_qt(a.start), to_qt(a.end), n))
            ends.sort()
            longest = max((e - s for s, e, _ in ends), default=0)
            self._index = ([s for s, _, _ in ends], ends, longest)
        return self._index

    # ------------------------------------------------------------------ geometry
    def _visible_blocks(self) -> tuple[dict[int, float], int, int]:
        """Block number -> top in the viewport, for the blocks on screen; their qt range."""
        view = self.view
        block = view.firstVisibleBlock()
        offset = view.contentOffset()
        height = view.viewport().height()
        tops: dict[int, float] = {}
        if not block.isValid():
            return tops, 0, 0
        top = view.blockBoundingGeometry(block).translated(offset).top()
        first = block.position()
        last = first
        while block.isValid() and top <= height:
            tops[block.blockNumber()] = top
            last = block.position() + block.length()
            top += view.blockBoundingRect(block).height()
            block = block.next()
        return tops, first, last

    def span_rects(self, s: int, e: int, tops: dict[int, float], first: int, last: int) -> list[QRectF]:
        """The span's rectangles on screen (one a line), in viewport coordinates."""
        if e <= first or s >= last:
            return []
        view = self.view
        doc = view.document()
        dx = view.contentOffset().x()
        block = doc.findBlock(max(s, first))
        out: list[QRectF] = []
        while block.isValid() and block.position() < min(e, last):
            n = block.blockNumber()
            top = tops.get(n)
            if top is not None:
                key = (n, s, e)
                local = self._rects.get(key)
                if local is None:
                    local = self._rects[key] = self._block_rects(block, s, e)
                out.extend(r.translated(dx, top) for r in local)
            block = block.next()
        return out

    @staticmethod
    def _block_rects(block: object, s: int, e: int) -> list[QRectF]:
        layout = block.layout()  # type: ignore[attr-defined]
        b0 = block.position()  # type: ignore[attr-defined]
        a, b = max(s, b0) - b0, min(e, b0 + block.length() - 1) - b0  # type: ignore[attr-defined]
        origin = layout.position()
        rects = []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            ls = line.textStart()
            le = ls + line.textLength()
            if le <= a or ls >= b:
                continue
            x1 = line.cursorToX(max(a, ls))
            x2 = line.cursorToX(min(b, le))
            x1 = x1[0] if isinstance(x1, tuple) else x1
            x2 = x2[0] if isinstance(x2, tuple) else x2
            rects.append(QRectF(origin.x() + min(x1, x2), origin.y() + line.y(), abs(x2 - x1), line.height()))
        return rects

    def _room_above(self, r: QRectF, lift: float, room: dict[int, float]) -> float:
        """The blank height above a line whose text (a span's rectangle ``r`` on it) begins at
        ``r.top()``, above its label tags (``lift``): an empty line between paragraphs, the
        document's margin; none below another line of text."""
        key = round(r.top())
        found = room.get(key)
        if found is None:
            view = self.view
            c = view.cursorForPosition(QPoint(int(r.left()) + 1, int(r.center().y())))
            block = c.block()
            line = block.layout().lineForTextPosition(c.position() - block.position())
            prev = block.previous()
            if line.isValid() and line.lineNumber() > 0:
                found = 0.0  # another line of the paragraph just above
            elif not prev.isValid():
                found = view.document().documentMargin()
            elif prev.length() <= 1:  # an empty line
                found = view.blockBoundingRect(prev).height()
            else:
                found = 0.0
            room[key] = found
        return found

    # ------------------------------------------------------------------ painting
    def paint(self, painter: QPainter, _clip: QRect) -> None:
        self.drawn = []
        self.captions = []
        if self.session.document is None or (not self.show_all and not self.selected_links):
            return
        view = self.view
        key = (view.viewport().width(), view.font().pointSizeF(), view.font().family(), view.spaced_layout.gap)
        if key != self._layout_key:  # laid out again: the cached rectangles are stale
            self._rects.clear()
            self._layout_key = key
        tops, first, last = self._visible_blocks()
        if not tops:
            return
        links: dict[str, Relation] = {r.id: r for r in self.selected_links}
        if self.show_all:
            starts, ends, longest = self._ends_index()
            lo = bisect.bisect_left(starts, first - longest)
            hi = bisect.bisect_left(starts, last)
            for _s, e, n in ends[lo:hi]:
                if e > first:
                    found = self._relations[n]
                    links[found.id] = found
        if not links:
            return
        base = view.palette().color(QPalette.ColorRole.Base)
        dark = base.lightness() < 128
        height = view.viewport().height()
        width = view.viewport().width()
        to_qt = view.map.to_qt
        by_id = self.session.by_id
        font = QFont(view.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.72))
        metrics = QFontMetricsF(font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        lift = view.spaced_layout.gap  # label tags shown above the lines: links end above them
        outlined: set[str] = set()
        # links already drawn from a span to one line, on one side: the next one arcs higher
        fan: dict[tuple[str, bool, int], int] = {}
        # one path a colour for the curves, one for the outlines and arrow heads: a handful of
        # draw calls a frame however many links there are
        curves: dict[int, tuple[QColor, QPainterPath, QPainterPath, QPainterPath]] = {}
        labels: list[tuple[QRectF, str, QColor, tuple[QPointF, QPointF, float]]] = []  # with each curve
        selected_id = self.selected.id if self.selected is not None else None
        room: dict[int, float] = {}  # blank height above lines, by their top
        caption_h = metrics.height() + 2
        for rel in links.values():
            src, dst = by_id.get(rel.from_id), by_id.get(rel.to_id)
            if src is None or dst is None:
                continue
            sides: list[tuple[Annotation, int, list[QRectF]]] = []
            for a in (src, dst):
                s, e = to_qt(a.start), to_qt(a.end)
                sides.append((a, s, self.span_rects(s, e, tops, first, last)))
            if not sides[0][2] and not sides[1][2]:
                continue
            colour = self._colour(rel, dst, dark)
            entry = curves.get(colour.rgba())
            if entry is None:
                entry = curves[colour.rgba()] = (colour, QPainterPath(), QPainterPath(), QPainterPath())
            _, curve, marks, arrows = entry
            # outline the linked spans (the selected one has its own highlight)
            for a, _s, rects in sides:
                if a.id in outlined or a.id == selected_id:
                    continue
                outlined.add(a.id)
                for r in rects:
                    marks.addRoundedRect(r.adjusted(-1.5, -0.5, 1.5, 0.5), 3, 3)
            points = []
            lines: list[QRectF | None] = []
            for (_a, s, rects), (_b, other_s, _) in ((sides[0], sides[1]), (sides[1], sides[0])):
                if rects:
                    r = rects[0] if other_s <= s else rects[-1]
                    points.append(QPointF(r.center().x(), r.top() + 1 - lift))
                    lines.append(r)
                else:  # off screen: the curve leaves by the top or the bottom edge
                    points.append(QPointF(-1, -30.0 if s < first else height + 30.0))
                    lines.append(None)
            p0, p3 = points
            if p0.x() < 0:
                p0.setX(p3.x())
            if p3.x() < 0:
                p3.setX(p0.x())
            side = (rel.from_id, p3.x() < p0.x(), round(p3.y()))
            k = fan.get(side, 0)
            fan[side] = k + 1
            rise = 14 + min(46.0, abs(p3.x() - p0.x()) * 0.08)
            # the higher end's line: the curve's top (and its caption) stays in the blank room above
            # it where there is some (an empty line between paragraphs), else rises a little only:
            # it was drawn, caption and all, over the words of the line above
            upper = lines[0] if p0.y() <= p3.y() else lines[1]
            blank = self._room_above(upper, lift, room) if upper is not None else rise
            rise = min(rise, max(MIN_RISE, (blank - caption_h / 2 - 3) / 0.75)) + 9 * k
            top = min(p0.y(), p3.y()) - rise
            if min(p0.y(), p3.y()) > 0:  # stay on screen when both ends are (a link near the top)
                top = max(top, 6.0)
            curve.moveTo(p0)
            curve.cubicTo(QPointF(p0.x(), top), QPointF(p3.x(), top), p3)
            # an arrow head where the link points (the speaker, the cue, the disputed point)
            if 0 <= p3.y() <= height:
                arrows.addPolygon(QPolygonF([p3, QPointF(p3.x() - 4, p3.y() - 7), QPointF(p3.x() + 4, p3.y() - 7),
                                            p3]))
            # the caption on the curve's highest point, so that it sits in the blank room too
            apex = _apex(p0, p3, top)
            text = _caption(rel)
            w, h = _advance(metrics, text) + 8, caption_h
            y = apex.y() - h / 2
            if upper is not None and blank >= h + 2:
                # in the blank line, whose top a fanned-out curve (the second link from one span)
                # nears: its caption stays in it, off the words above (the curve still crosses it)
                y = max(y, upper.top() - lift - blank + 1)
            y = min(max(y, 1.0), height - h - 1.0)  # the caption always on screen
            # and inside the article's sides: centred on a top near the margin it was cut in half
            x = max(1.0, min(apex.x() - w / 2, width - w - 1.0))
            rect = QRectF(x, y, w, h)
            labels.append((rect, text, colour, (p0, p3, top)))
            self.drawn.append((rel, p0, p3))
            self.captions.append((rel, rect))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # hairlines only: the raster engine draws a 1-pixel antialiased line fifteen to twenty
        # times faster than a wider one; a few links (the selected annotation's) are made bold
        # by drawing their hairline twice, a pixel apart
        bold = len(self.drawn) <= 8
        for colour, curve, marks, _arrows in curves.values():
            pen = QPen(colour, 1.0)
            painter.setPen(pen)
            painter.drawPath(curve)
            painter.drawPath(marks)
            if bold:
                painter.translate(0.0, 0.9)
                painter.drawPath(curve)
                painter.translate(0.0, -0.9)
        # arrow heads filled; captions last, over every curve
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, _curve, _marks, arrows in curves.values():
            painter.setBrush(colour)
            painter.drawPath(arrows)
        painter.setBrush(base)
        placed: list[QRectF] = []
        for rect, text, colour, shape in labels:
            for _ in range(4):  # one caption over another (links from one span)
                hit = next((q for q in placed if q.intersects(rect)), None)
                if hit is None:
                    break
                # sideways first, along the curve's top, in the blank line it is in: moved up, the
                # second caption of a quote's links ("cue") was drawn over the words above
                beside = _beside(rect, placed, _along(*shape), width)
                if beside is not None:
                    rect.moveLeft(beside)
                    break
                if hit.top() - rect.height() - 1 < 1:
                    break
                rect.moveBottom(hit.top() - 1)
            placed.append(rect)
            painter.setPen(colour)
            painter.drawRoundedRect(rect, 4, 4)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _colour(self, rel: Relation, dst: Annotation, dark: bool) -> QColor:
        value = rel.attributes.get("value")
        if rel.type == "stance" and isinstance(value, str) and value in STANCE_COLOURS:
            return QColor(STANCE_COLOURS[value][1 if dark else 0])
        colour = QColor(self.colours.get(dst.label, QColor("gray")))
        return colour.lighter(130) if dark else colour.darker(160)
