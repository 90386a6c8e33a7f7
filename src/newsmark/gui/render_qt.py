"""Writing an annotated article as HTML, PDF or PNG (PDF and PNG are drawn by Qt)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
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
from newsmark.core.render import render_html

FORMATS = (".html", ".htm", ".pdf", ".png")


def render_file(doc: Document, labels: list[Label], path: str | Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise NewsmarkError(f"{path}: choose a file ending in .html, .pdf or .png")
    html = render_html(doc, labels)
    if suffix in (".html", ".htm"):
        with atomic_write(path) as f:
            f.write(html.encode("utf-8"))
        return path
    text = QTextDocument()
    text.setHtml(html)
    if suffix == ".pdf":
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
        writer.setTitle(doc.title)
        writer.setCreator("Newsmark")
        text.print_(writer)
        del writer  # finishes the PDF
        data = bytes(buffer.data().data())
    else:
        width = 900
        text.setTextWidth(width - 40)
        height = int(text.size().height()) + 40
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.translate(20, 20)
        text.drawContents(painter)
        painter.end()
        ba = QByteArray()
        buffer = QBuffer(ba)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; Qt wants str
        data = bytes(ba.data())
    with atomic_write(path) as f:
        f.write(data)
    return path


__all__ = ["FORMATS", "QSizeF", "render_file"]
