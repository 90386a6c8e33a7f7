"""The article: a read-only QPlainTextEdit with every annotation highlighted.

Highlighting is a QSyntaxHighlighter that finds a block's spans by bisect (fast with tens of
thousands of spans, and adding one re-highlights only the blocks it touches).  Overlapping and
nested annotations stay visible: the innermost colours the background, the one around it
underlines, three or more deep use a wavy underline.  Offsets cross the Qt boundary only
through ``QtTextMap`` (code points in the store, UTF-16 positions in Qt).
"""

from __future__ import annotations

import bisect
import time
import unicodedata
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
)
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from newsmark.core.model import Annotation
from newsmark.core.offsets import QtTextMap
from newsmark.gui.widgets.tags import SpacedLayout

LONG_SPAN = 4000  # spans longer than this (in UTF-16 units) are kept apart and always checked
EAGER_BLOCKS = 400  # articles with more paragraphs than this are coloured screen first


def blend(base: QColor, colour: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() + (colour.red() - base.red()) * amount),
        round(base.green() + (colour.green() - base.green()) * amount),
        round(base.blue() + (colour.blue() - base.blue()) * amount),
    )


class SpanHighlighter(QSyntaxHighlighter):
    """Colours annotation spans (positions in Qt units) block by block."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.spans: list[tuple[int, int, int, str]] = []  # (qt start, qt end, -length, id) sorted
        self.starts: list[int] = []
        self.long: list[tuple[int, int, int, str]] = []
        self.colours: dict[str, QColor] = {}  # annotation id -> label colour
        self.base = QColor("white")
        self.max_len = 0
        self._formats: dict[tuple[int, int, int], QTextCharFormat] = {}  # (inner rgb, outer rgb, depth)
        # Lazy mode (a long article just opened): only blocks marked ready are coloured; the
        # view colours what is on screen at once and the rest a slice at a time when idle.
        self.lazy = False
        self.ready = bytearray()

    def set_items(self, items: list[tuple[int, int, int, str]], colours: dict[str, QColor]) -> None:
        """Load spans at once: (qt start, qt end, -length, id), and each id's colour."""
        self.colours = colours
        self._formats = {}
        self.long = [it for it in items if it[1] - it[0] > LONG_SPAN]
        self.spans = sorted(it for it in items if it[1] - it[0] <= LONG_SPAN) if self.long else sorted(items)
        self.starts = [it[0] for it in self.spans]
        self.max_len = max((it[1] - it[0] for it in self.spans), default=0)

    def _format(self, inner: QColor, outer: QColor | None, depth: int) -> QTextCharFormat:
        key = (inner.rgb(), outer.rgb() if outer is not None else -1, min(depth, 3))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(blend(self.base, inner, 0.38))
            if outer is not None:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline if depth == 2
                                      else QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(outer)
            self._formats[key] = fmt
        return fmt

    def add(self, s: int, e: int, ann_id: str, colour: QColor) -> list[QTextBlock]:
        """Add a span; returns the blocks recoloured (for the view to repaint)."""
        self.colours[ann_id] = colour
        item = (s, e, s - e, ann_id)
        if e - s > LONG_SPAN:
            self.long.append(item)
        else:
            i = bisect.bisect(self.spans, item)
            self.spans.insert(i, item)
            self.starts.insert(i, s)
            self.max_len = max(self.max_len, e - s)
        return self._recolour_range(s, e)

    def remove(self, ann_id: str) -> list[QTextBlock]:
        """Remove a span; returns the blocks recoloured."""
        for bucket in (self.spans, self.long):
            for i, item in enumerate(bucket):
                if item[3] == ann_id:
                    del bucket[i]
                    if bucket is self.spans:
                        del self.starts[i]
                    blocks = self._recolour_range(item[0], item[1])
                    self.colours.pop(ann_id, None)
                    return blocks
        return []

    def _recolour_range(self, s: int, e: int) -> list[QTextBlock]:
        """Colour the blocks that [s, e] touches now.  ``rehighlightBlock`` would mark the
        document dirty, and QPlainTextEdit then relays out and repaints its whole viewport (half
        the cost of an add, benchmarks/bench_window.py): instead the block's layout gets its new
        formats and is laid out again at once, and the view repaints just those blocks.  Only
        colours change, never a glyph's size, so the block keeps its height."""
        doc = self.document()
        layout = doc.documentLayout() if doc is not None else None
        plain = layout if isinstance(layout, QPlainTextDocumentLayout) else None
        blocks = []
        block = doc.findBlock(s) if doc is not None else QTextBlock()
        while block.isValid() and block.position() <= e:
            n = block.blockNumber()
            if self.lazy and n < len(self.ready):
                self.ready[n] = 1
            if plain is not None:
                b0 = block.position()
                ranges = []
                for start, length, fmt in self._ranges(b0, b0 + block.length() - 1):
                    r = QTextLayout.FormatRange()
                    r.start, r.length, r.format = start, length, fmt
                    ranges.append(r)
                text_layout = block.layout()
                if text_layout is not None:
                    text_layout.setFormats(ranges)
                plain.ensureBlockLayout(block)
            else:
                self.rehighlightBlock(block)
            blocks.append(block)
            block = block.next()
        return blocks

    def spans_at(self, pos: int) -> list[str]:
        """Ids of the spans covering Qt position ``pos``, innermost first."""
        hits = [item for item in self._candidates(pos, pos + 1) if item[0] <= pos < item[1]]
        return [item[3] for item in sorted(hits, key=lambda it: it[1] - it[0])]

    def _candidates(self, b0: int, b1: int) -> list[tuple[int, int, int, str]]:
        lo = bisect.bisect_left(self.starts, b0 - self.max_len)
        hi = bisect.bisect_left(self.starts, b1)
        found = [item for item in self.spans[lo:hi] if item[1] > b0]
        found += [item for item in self.long if item[0] < b1 and item[1] > b0]
        return found

    def make_ready(self, block: QTextBlock) -> None:
        """Colour one block now (in lazy mode)."""
        n = block.blockNumber()
        if n < len(self.ready) and not self.ready[n]:
            self.ready[n] = 1
            self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock()
        if self.lazy:
            n = block.blockNumber()
            if n >= len(self.ready) or not self.ready[n]:
                return
        b0 = block.position()
        for start, length, fmt in self._ranges(b0, b0 + block.length() - 1):
            self.setFormat(start, length, fmt)

    def _ranges(self, b0: int, b1: int) -> list[tuple[int, int, QTextCharFormat]]:
        """The formats of the block from Qt position ``b0`` to ``b1``: (start in the block,
        length, format), the innermost span's colour as background, the next one's underline."""
        items = self._candidates(b0, b1)
        if not items:
            return []
        colours = self.colours
        if len(items) == 1:  # the common case: one span, no overlap
            s, e, _, ann_id = items[0]
            s, e = max(s, b0), min(e, b1)
            return [(s - b0, e - s, self._format(colours[ann_id], None, 1))] if e > s else []
        out = []
        cuts = sorted({max(b0, min(b1, x)) for it in items for x in (it[0], it[1])} | {b0, b1})
        for a, b in zip(cuts, cuts[1:], strict=False):
            if a >= b:
                continue
            cover = [it for it in items if it[0] <= a and it[1] >= b]
            if not cover:
                continue
            if len(cover) > 1:
                cover.sort(key=lambda it: it[1] - it[0])
                fmt = self._format(colours[cover[0][3]], colours[cover[1][3]], len(cover))
            else:
                fmt = self._format(colours[cover[0][3]], None, 1)
            out.append((a - b0, b - a, fmt))
        return out


class ArticleView(QPlainTextEdit):
    """Shows one document; reports label keys, clicks on spans and selections in code points."""

    label_key = Signal(str, bool)  # the key pressed (lower case), shift held
    span_clicked = Signal(list)  # ids of the annotations under the click, innermost first
    span_pointed = Signal(list)  # the same for a Ctrl+click (pointing at a link's other end)
    empty_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the plain-text layout, able to leave room above lines for label tags (widgets/tags.py)
        document = QTextDocument(self)
        # (kept as an attribute: PySide does not keep a Python layout alive for the document that
        # owns it, and Qt would then call into a deleted object: a crash on the next paint)
        self.spaced_layout = SpacedLayout(document)
        document.setDocumentLayout(self.spaced_layout)
        self.setDocument(document)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCursorWidth(2)
        font = QFont()
        font.setFamilies(["Noto Serif", "DejaVu Serif", "Georgia", "serif"])
        font.setPointSize(13)
        self.setFont(font)
        self.highlighter = SpanHighlighter(self.document())
        self._current: tuple[Annotation | None, QColor | None] = (None, None)  # outlined
        self._current_selection: list[QTextEdit.ExtraSelection] = []
        self._match_selections: list[QTextEdit.ExtraSelection] = []  # the find bar's matches
        self.map = QtTextMap("")
        self.text = ""
        self.label_keys: set[str] = set()
        # the text of the tooltip over spans (ids innermost first), given by the window
        self.tooltip_provider: Callable[[list[str]], str] | None = None
        self._press: QPoint | None = None
        self.overlays: list[Callable[[QPainter, QRect], None]] = []  # drawn over the text (links)
        self.setViewportMargins(24, 12, 24, 12)
        self._next_block = 0
        self._idle = QTimer(self)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._colour_some)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._colour_visible())

    def _colour_visible(self) -> None:
        """Colour the blocks on screen (and a screen below) that are not coloured yet."""
        h = self.highlighter
        if not h.lazy:
            return
        block = self.firstVisibleBlock()
        bottom = self.viewport().height() * 2
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        while block.isValid() and top <= bottom:
            h.make_ready(block)
            top += self.blockBoundingRect(block).height()
            block = block.next()

    def _colour_some(self) -> None:
        """Colour the next slice of a long article (about 8 ms of work), when idle."""
        h = self.highlighter
        if not h.lazy:
            self._idle.stop()
            return
        deadline = time.perf_counter() + 0.008
        doc = self.document()
        n = self._next_block
        while n < len(h.ready) and time.perf_counter() < deadline:
            if not h.ready[n]:
                h.make_ready(doc.findBlockByNumber(n))
            n += 1
        self._next_block = n
        if n >= len(h.ready):
            h.lazy = False
            self._idle.stop()

    # ---------------------------------------------------------------- content
    def show_text(self, text: str, anns: list[Annotation], colours: dict[str, QColor]) -> None:
        """Show a document's text with its annotations (``colours``: by label)."""
        self.text = text
        self.map = QtTextMap(text)
        h = self.highlighter
        h.base = self.palette().color(QPalette.ColorRole.Base)
        # the highlighter is attached once text and spans are in
        h.setDocument(None)
        self.setPlainText(self.map.display)
        grey = QColor("gray")
        if self.map.utf16.length == self.map.utf16.length16:  # no astral character: same offsets
            h.set_items([(a.start, a.end, a.start - a.end, a.id) for a in anns],
                         {a.id: colours.get(a.label, grey) for a in anns})
        else:
            to_qt = self.map.to_qt
            h.set_items([(to_qt(a.start), to_qt(a.end), to_qt(a.start) - to_qt(a.end), a.id) for a in anns],
                        {a.id: colours.get(a.label, grey) for a in anns})
        h.setDocument(self.document())  # (it colours nothing before the event loop runs)
        self._colour_all()

    def _colour_all(self) -> None:
        """Colour every span: a short article at once; a long one screen first, then the rest
        a slice at a time while idle (see _colour_some)."""
        h = self.highlighter
        blocks = self.document().blockCount()
        h.lazy = blocks > EAGER_BLOCKS
        h.ready = bytearray(blocks)
        if h.lazy:
            self._colour_visible()
            self._next_block = 0
            self._idle.start()
        else:
            h.rehighlight()

    def add_span(self, ann: Annotation, colour: QColor) -> None:
        self._repaint_blocks(self.highlighter.add(self.map.to_qt(ann.start), self.map.to_qt(ann.end),
                                                  ann.id, colour))

    def remove_span(self, ann_id: str) -> None:
        self._repaint_blocks(self.highlighter.remove(ann_id))

    def _repaint_blocks(self, blocks: list[QTextBlock]) -> None:
        offset = self.contentOffset()
        viewport = self.viewport()
        for block in blocks:
            if block.isVisible():
                viewport.update(self.blockBoundingGeometry(block).translated(offset).toAlignedRect())

    def recolour(self) -> None:
        """The palette changed (light/dark): blend the spans' colours with the new background."""
        h = self.highlighter
        h.base = self.palette().color(QPalette.ColorRole.Base)
        h._formats.clear()
        if h.document() is None:
            return
        self.mark_current(*self._current)
        self._colour_all()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_current"):  # built
            self.recolour()

    # ---------------------------------------------------------------- selection in code points
    def selection(self, snap: bool) -> tuple[int, int] | None:
        """The selected span in code points (snapped to whole words when ``snap``), or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        s = self.map.from_qt(cursor.selectionStart())
        e = self.map.from_qt(cursor.selectionEnd())
        if snap:
            s, e = snap_to_words(self.text, s, e)
        else:  # a selection can end inside a surrogate pair only by a Qt quirk: keep whole
            e = max(e, s)
        return (s, e) if e > s else None

    def select_span(self, start: int, end: int, reveal: bool = True) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.map.to_qt(start))
        cursor.setPosition(self.map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        if reveal:
            self.ensureCursorVisible()

    def mark_current(self, ann: Annotation | None, colour: QColor | None) -> None:
        """Outline the current annotation (one ExtraSelection: cheap)."""
        self._current = (ann, colour)
        if ann is None or colour is None:
            self._current_selection = []
            self.setExtraSelections(self._match_selections)
            return
        fmt = QTextCharFormat()
        fmt.setBackground(blend(self.highlighter.base, colour, 0.75))
        fmt.setFontUnderline(True)
        fmt.setUnderlineColor(colour.darker(150))
        self._current_selection = self._selections(ann.start, ann.end, fmt)
        self.setExtraSelections(self._match_selections + self._current_selection)

    def _selections(self, start: int, end: int, fmt: QTextCharFormat) -> list[QTextEdit.ExtraSelection]:
        """ExtraSelections painting [start, end) (code points) with ``fmt``: one per paragraph
        it covers, each without the paragraph's end (a selection over it paints a box at the end
        of the line, and a lone box on an empty line between paragraphs)."""
        doc = self.document()
        s, e = self.map.to_qt(start), self.map.to_qt(end)
        out = []
        block = doc.findBlock(s)
        while block.isValid() and block.position() < e:
            a = max(s, block.position())
            b = min(e, block.position() + block.length() - 1)  # the paragraph's end left out
            if b > a:
                sel = QTextEdit.ExtraSelection()
                cursor = QTextCursor(doc)
                cursor.setPosition(a)
                cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cursor
                sel.format = fmt
                out.append(sel)
            block = block.next()
        return out

    def show_matches(self, matches: list[tuple[int, int]], current: int | None) -> None:
        """Highlight the find bar's matches (code points), the current one stronger."""
        dark = self.palette().color(QPalette.ColorRole.Base).lightnessF() < 0.5
        every = QTextCharFormat()
        every.setBackground(QColor("#8a6d00" if dark else "#fff27a"))
        chosen = QTextCharFormat()
        chosen.setBackground(QColor("#d35400" if dark else "#ff9632"))
        out = []
        for i, (s, e) in enumerate(matches):
            out += self._selections(s, e, chosen if i == current else every)
        self._match_selections = out
        self.setExtraSelections(out + self._current_selection)

    def reveal(self, start: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.map.to_qt(start))
        self.setTextCursor(cursor)
        self.centerCursor()

    # ---------------------------------------------------------------- input
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        text = event.text().lower()
        if (text and text in self.label_keys
                and mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)):
            self.label_key.emit(text, bool(mods & Qt.KeyboardModifier.ShiftModifier))
            event.accept()
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        # label keys are plain letters: keep them from being taken as shortcuts elsewhere
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.text().lower() in self.label_keys and not (
                    event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
                event.accept()
                return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            ids = self.spans_under(event.pos())
            text = self.tooltip_provider(ids) if ids and self.tooltip_provider is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def spans_under(self, point: QPoint) -> list[str]:
        """Ids of the spans under a point of the viewport, innermost first (none past a line's end)."""
        cursor = self.cursorForPosition(point)
        pos = cursor.position()
        rect = self.cursorRect(cursor)
        if point.x() < rect.left() and pos > 0:  # the right half of a character: it is the one before
            pos -= 1
        if abs(point.x() - rect.left()) > self.fontMetrics().horizontalAdvance("W") * 2:
            return []  # beyond the end of the line
        return self.highlighter.spans_at(pos)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.overlays:
            painter = QPainter(self.viewport())
            for paint in self.overlays:
                paint(painter, event.rect())
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if self._press is None or (event.position().toPoint() - self._press).manhattanLength() > 4:
            return  # a drag: a text selection, not a click
        self._press = None
        pos = self.cursorForPosition(event.position().toPoint()).position()
        ids = self.highlighter.spans_at(pos)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.span_pointed.emit(ids)
        elif ids:
            self.span_clicked.emit(ids)
        else:
            self.empty_clicked.emit()


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’-" or unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf")


def _possessive(text: str, i: int) -> bool:
    """Whether a possessive ending starts at ``i`` ("China's", "Panetta’s", "the Philippines'"):
    a name is tagged without it (an apostrophe inside a word, "O'Brien", "don't", is kept)."""
    if text[i] not in "'’":
        return False
    if i + 1 < len(text) and text[i + 1] in "sS":
        return i + 2 >= len(text) or not _is_word(text[i + 2])
    return text[i - 1] in "sS" and (i + 1 >= len(text) or not _is_word(text[i + 1]))


def snap_to_words(text: str, s: int, e: int) -> tuple[int, int]:
    """Widen a selection to whole words (and trim the spaces around it)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s >= e:
        return s, s
    while s > 0 and _is_word(text[s - 1]) and _is_word(text[s]):
        s -= 1
    while e < len(text) and _is_word(text[e]) and _is_word(text[e - 1]) and not _possessive(text, e):
        e += 1
    # never leave half a surrogate-free grapheme: combining marks after the end belong to it
    while e < len(text) and unicodedata.category(text[e]) in ("Mn", "Me"):
        e += 1
    return s, e
