"""The stance map in the window: the SVG the report draws (``corpus.report``), shown by Qt's
SVG renderer, and written as PNG by the same renderer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QScrollArea, QWidget

from newsmark.core.atomicfile import atomic_write
from newsmark.core.errors import NewsmarkError


def _renderer(svg: str) -> QSvgRenderer:
    r = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not r.isValid():
        raise NewsmarkError("the stance map could not be drawn (invalid SVG)")
    return r


def svg_to_png(svg: str, path: str | Path, scale: float = 2.0) -> Path:
    """Draw ``svg`` into a PNG file (written whole or not at all)."""
    path = Path(path)
    r = _renderer(svg)
    size = r.defaultSize()
    image = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    r.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    data = QByteArray()
    from PySide6.QtCore import QBuffer, QIODevice

    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):  # type: ignore[call-overload]  # the stub says bytes; Qt wants str
        raise NewsmarkError(f"{path}: the PNG could not be encoded")
    buf.close()
    with atomic_write(path) as f:
        f.write(bytes(data.data()))
    return path


class _SvgCanvas(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer: QSvgRenderer | None = None

    def set_svg(self, svg: str) -> None:
        self._renderer = _renderer(svg)
        self.setFixedSize(self._renderer.defaultSize())
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), Qt.GlobalColor.white)
        if self._renderer is not None:
            self._renderer.render(p, QRectF(self.rect()))
        p.end()


class StanceMapView(QScrollArea):
    """A scrollable view of the stance map."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stance_map")
        self.canvas = _SvgCanvas()
        self.setWidget(self.canvas)
        self.svg = ""

    def show_svg(self, svg: str) -> None:
        self.svg = svg
        self.canvas.set_svg(svg)
