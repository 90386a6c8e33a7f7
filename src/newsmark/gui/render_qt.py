"""Writing an annotated article as HTML, PDF or PNG (PDF and PNG are drawn by Qt).

Memory stays bounded whatever the article's length: the HTML is written as it is made; for PDF
and PNG the text is laid out a slice at a time (about ``SLICE_CHARS`` characters, cut after a
line break), each slice in its own QTextDocument that is dropped once drawn.  A PNG is at most
``PAGE_PX`` pixels tall (an image viewers and Qt itself still open): a longer article is written
as pages NAME-001.png, NAME-002.png…, cut between lines, all put in place together at the end.  Nothing here needs the window:
it runs in a worker thread (the window) or the command line's process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from newsmark.core.atomicfile import atomic_write
from newsmark.core.errors import NewsmarkError
from newsmark.core.model import Document, Label
from newsmark.core.render import END, TEXT_CLOSE, TEXT_OPEN, html_pieces, page_parts, text_pieces

FORMATS = (".html", ".htm", ".pdf", ".png")
SLICE_CHARS = 20_000  # characters of text laid out at once
PAGE_PX = 16000  # rows of a PNG page at most (a longer article is written as numbered pages)
PNG_WIDTH, PNG_MARGIN = 900, 20

Progress = Callable[[int], None]


def render_file(doc: Document, labels: list[Label], path: str | Path, progress: Progress | None = None) -> Path:
    """Write ``doc`` as HTML, PDF or PNG (by ``path``'s ending), whole or not at all.
    ``progress(n)`` hears of the characters of text done; an exception it raises (a cancel)
    stops the work and leaves no file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise NewsmarkError(f"{path}: choose a file ending in .html, .pdf or .png")
    if suffix == ".png":
        try:
            return _write_png(doc, labels, path, progress)[0]
        except OSError as e:
            raise NewsmarkError(f"cannot write {path}: {e.strerror or e}") from None
    with atomic_write(path) as f:
        if suffix in (".html", ".htm"):
            for piece in html_pieces(doc, labels, progress):
                f.write(piece.encode("utf-8"))
        else:
            _write_pdf(doc, labels, f, progress)
    return path


def slices(doc: Document, labels: list[Label], progress: Progress | None = None) -> Iterator[str]:
    """The page as standalone HTML slices of about SLICE_CHARS characters of text, each cut after
    a line break (or, in a text without any, after a piece once four times as long): the first
    with the title and legend, the last with the quotes."""
    page = page_parts(doc, labels)
    text = doc.text
    parts: list[str] = []
    top, start = page.top, 0
    for end, piece in text_pieces(doc, labels):
        parts.append(piece)
        size = end - start
        if (size >= SLICE_CHARS and text[end - 1] == "\n") or size >= 4 * SLICE_CHARS:
            yield page.start + top + TEXT_OPEN + "".join(parts) + TEXT_CLOSE + END
            parts, top, start = [], "", end
            if progress is not None:
                progress(end)
    yield page.start + top + TEXT_OPEN + "".join(parts) + TEXT_CLOSE + page.bottom + END
    if progress is not None:
        progress(len(text))


def _document(html: str, width: float) -> QTextDocument:
    text = QTextDocument()
    text.setHtml(html)
    text.setTextWidth(width)
    return text


def _write_pdf(doc: Document, labels: list[Label], f: BinaryIO, progress: Progress | None) -> None:
    from PySide6.QtCore import QFile, QIODevice

    f.flush()
    out = QFile()  # the PDF goes straight into the file (pages are not kept in memory)
    if not out.open(f.fileno(), QIODevice.OpenModeFlag.WriteOnly, QFile.FileHandleFlag.DontCloseHandle):
        raise NewsmarkError(f"cannot write the PDF: {out.errorString()}")
    writer = QPdfWriter(out)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
    writer.setResolution(96)  # the unit text is laid out in
    writer.setTitle(doc.title)
    writer.setCreator("Newsmark")
    width, height = float(writer.width()), float(writer.height())
    painter = QPainter(writer)
    first = True
    try:
        for html in slices(doc, labels, progress):
            text = _document(html, width)
            text.setPageSize(QSizeF(width, height))
            for page in range(text.pageCount()):
                if not first:
                    writer.newPage()
                first = False
                painter.save()
                painter.translate(0, -page * height)
                text.drawContents(painter, QRectF(0, page * height, width, height))
                painter.restore()
            del text
    finally:
        painter.end()
    del writer  # finishes the PDF
    out.close()


def _line_ends(text: QTextDocument) -> list[float]:
    """The bottoms of the laid-out lines of a document, top to bottom (where a page may be cut)."""
    layout = text.documentLayout()
    out: list[float] = []
    block = text.begin()
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        for i in range(lines.lineCount()):
            line = lines.lineAt(i)
            out.append(top + line.y() + line.height())
        block = block.next()
    return sorted(out)


class _PngPages:
    """PNG pages of at most PAGE_PX rows, each held in memory only while it is drawn, written
    to temporary files beside the target and put in place together at the end."""

    def __init__(self, path: Path) -> None:
        self.path, self.image = path, QImage()
        self.files: list[Path] = []
        self.y = 0

    def new(self) -> None:
        self.image = QImage(PNG_WIDTH, PAGE_PX, QImage.Format.Format_RGB32)
        self.image.fill(QColor("white"))
        self.y = PNG_MARGIN

    def room(self) -> int:
        return PAGE_PX - PNG_MARGIN - self.y

    def flush(self) -> None:
        import tempfile

        page = self.image.copy(0, 0, PNG_WIDTH, min(PAGE_PX, self.y + PNG_MARGIN))
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".png.partial", dir=self.path.parent)
        os.close(fd)
        self.files.append(Path(tmp))
        if not page.save(tmp, "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; Qt wants str
            raise NewsmarkError(f"cannot write {self.path}")
        self.image = QImage()

    def finish(self) -> list[Path]:
        """Put the pages in place: PATH when one, PATH-001.png, PATH-002.png… when more."""
        if len(self.files) == 1:
            targets = [self.path]
        else:
            targets = [self.path.with_name(f"{self.path.stem}-{i:03d}{self.path.suffix}")
                       for i in range(1, len(self.files) + 1)]
        for tmp, target in zip(self.files, targets, strict=True):
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        self.files = []
        return targets

    def discard(self) -> None:
        for tmp in self.files:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_png(doc: Document, labels: list[Label], path: Path, progress: Progress | None) -> list[Path]:
    """Draw the article into PNG pages, a slice of text and a page at a time; pages are cut
    between lines."""
    width = PNG_WIDTH - 2 * PNG_MARGIN
    pages = _PngPages(path)
    try:
        pages.new()
        for html in slices(doc, labels, progress):
            text = _document(html, width)
            height = float(text.size().height())
            ends = _line_ends(text)
            top = 0.0
            while top < height - 0.5:
                room = pages.room()
                if height - top <= room:
                    cut = height
                else:  # the last line that fits; a line taller than a page is cut where it must
                    fits = [e for e in ends if top < e <= top + room]
                    cut = fits[-1] if fits else top + room
                    if cut - top < 1 and pages.y > PNG_MARGIN:
                        pages.flush()
                        pages.new()
                        continue
                painter = QPainter(pages.image)
                try:
                    painter.translate(PNG_MARGIN, pages.y - top)
                    text.drawContents(painter, QRectF(0, top, width, cut - top))
                finally:
                    painter.end()
                pages.y += int(cut - top + 0.999)
                top = cut
                if top < height - 0.5:
                    pages.flush()
                    pages.new()
            del text
        pages.flush()
        return pages.finish()
    finally:
        pages.discard()


__all__ = ["FORMATS", "render_file", "slices"]
