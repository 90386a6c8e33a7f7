"""The stance map in the window: the SVG the report draws (``corpus.report``), shown by Qt's
SVG renderer, and written as PNG by the same renderer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.atomicfile import atomic_write
from newsmark.core.errors import NewsmarkError
from newsmark.corpus import report
from newsmark.store.project import Project


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


class StanceMapView(QWidget):
    """The stance map of the project, scrollable, with Refresh and Save as (HTML, SVG, PNG, CSV)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stance_map")
        self.project = project
        self.map: report.StanceMap | None = None
        self.svg = ""
        self.canvas = _SvgCanvas()
        self.scroller = QScrollArea()
        self.scroller.setWidget(self.canvas)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the arrows scroll the map
        self.summary = QLabel()
        refresh = QPushButton("Refresh")
        save = QPushButton("Save as…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scroller)
        layout.addLayout(buttons)
        refresh.clicked.connect(self.refresh)
        save.clicked.connect(lambda: self.save_as())

    def focus(self) -> None:
        self.scroller.setFocus()

    def refresh(self) -> None:
        self.map = report.stance_map(self.project)
        self.svg = report.render_svg(self.map)
        self.canvas.set_svg(self.svg)
        self.summary.setText(f"{len(self.map.speakers)} speakers × {len(self.map.points)} disputed points")

    def save_as(self, path: str | Path | None = None) -> Path | None:
        if self.map is None:
            self.refresh()
        assert self.map is not None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Save the stance map", "stances.html",
                                                  "HTML (*.html);;SVG (*.svg);;PNG (*.png);;CSV matrix (*.csv)")
            if not name:
                return None
            path = name
        path = Path(path)
        suffix = path.suffix.lower()
        try:
            if suffix == ".png":
                svg_to_png(self.svg, path)
            else:
                if suffix == ".svg":
                    data = self.svg
                elif suffix == ".csv":
                    data = report.matrix_csv(self.map)
                else:
                    data = report.render_html(self.map, report.quotes_table(self.project))
                with atomic_write(path) as f:
                    f.write(data.encode("utf-8"))
        except NewsmarkError as e:
            self.summary.setText(str(e))
            return None
        self.summary.setText(f"Saved {path}")
        return path
