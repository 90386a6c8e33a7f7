"""The document list: a table model over the store's document summaries (no texts loaded,
no widget per row), filtered by words of the title and by status.

The filter lives in the model (a list of visible rows, rebuilt by a list comprehension) rather
than in a QSortFilterProxyModel, which calls back into Python once per row: with 100,000
documents that alone took longer than the whole list should.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QStyle

from newsmark.gui.models.flat import FlatTableModel, Index
from newsmark.gui.plain import tooltip
from newsmark.store.project import Project

# a colour per status, light and dark theme: grey, blue, green, purple (apart for colour-blind
# eyes too: they differ in lightness as well as hue, and each has its own word)
STATUS_COLOURS = {"new": ("#6b6b6b", "#a0a0a0"), "in progress": ("#1f6fd1", "#6ea8fe"),
                  "done": ("#1a7f37", "#4ac26b"), "review": ("#8250df", "#c297ff")}
STATUS_TIPS = {"new": "new: not started", "in progress": "in progress: edited, not done yet",
               "done": "done (Ctrl+3; Ctrl+Enter: done and next)", "review": "review: to be checked"}



def status_column_width(view: QAbstractItemView) -> int:
    """The width that shows every status whole beside its dot in ``view``'s font and style
    ("in progress" was cut to "in ...ess" at a fixed 80 px); measured from the statuses, not
    the rows, so a 100,000-row list costs nothing."""
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    icon = view.iconSize().width()
    if icon <= 0:
        icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
    text = max(view.fontMetrics().horizontalAdvance(s) for s in STATUS_COLOURS)
    # as the style lays an item out: a margin each side of the dot, the text's margins, a spare pair
    return icon + text + 6 * margin

class DocumentListModel(FlatTableModel):
    COLUMNS = ("Title", "Status", "Annotations")

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.rows: list[tuple[int, str, str, str]] = []  # (rowid, id, title, status), project order
        self.counts: dict[str, int] = {}  # annotations per document (absent: none)
        self.row_of: dict[str, int] = {}  # document id -> index in rows
        self.visible: list[int] = []  # indices into rows that pass the filter
        self.words: list[str] = []
        self.status: str | None = None
        self.dark = False  # the status colours' variant (set by the window with the theme)
        self._icons: dict[tuple[str, bool], QIcon] = {}
        self.refresh()

    def _status_icon(self, status: str) -> QIcon | None:
        """A dot in the status's colour, made once per status and theme."""
        key = (status, self.dark)
        icon = self._icons.get(key)
        if icon is None:
            colours = STATUS_COLOURS.get(status)
            if colours is None:
                return None
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(0, 0, 0, 0))
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colours[1 if self.dark else 0]))
            painter.drawEllipse(1, 1, 10, 10)
            painter.end()
            icon = self._icons[key] = QIcon(pixmap)
        return icon

    def remaining(self) -> int:
        """Documents of the project not marked done."""
        return sum(1 for r in self.rows if r[3] != "done")

    def refresh(self) -> None:
        self.beginResetModel()
        self.rows, self.counts = self.project.document_list()
        self.row_of = dict(zip((r[1] for r in self.rows), range(len(self.rows)), strict=True))
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        words, status, rows = self.words, self.status, self.rows
        if not words and not status:
            self.visible = list(range(len(rows)))
            return
        self.visible = [i for i, r in enumerate(rows)
                        if (not status or r[3] == status) and all(w in r[2].lower() for w in words)]

    def set_filter(self, text: str, status: str | None) -> None:
        """Show only documents whose title has every word of ``text`` and, if given, ``status``."""
        self.beginResetModel()
        self.words = text.lower().split()
        self.status = status or None
        self._apply()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.visible)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.visible):
            return None
        _, doc_id, title, status = self.rows[self.visible[index.row()]]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return title if col == 0 else status if col == 1 else self.counts.get(doc_id, 0)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return tooltip(f"{title}\n{doc_id}")
        if role == Qt.ItemDataRole.UserRole:
            return doc_id
        if col == 1 and role == Qt.ItemDataRole.DecorationRole:
            return self._status_icon(status)
        if col == 1 and role == Qt.ItemDataRole.ForegroundRole:
            colours = STATUS_COLOURS.get(status)
            return QColor(colours[1 if self.dark else 0]) if colours else None
        if col == 1 and role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(STATUS_TIPS.get(status, status))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


    def view_row(self, doc_id: str) -> int | None:
        """The row a document is shown in (None when filtered out)."""
        source = self.row_of.get(doc_id)
        if source is None:
            return None
        import bisect

        i = bisect.bisect_left(self.visible, source)
        return i if i < len(self.visible) and self.visible[i] == source else None

    def _changed(self, doc_id: str, column: int) -> None:
        row = self.view_row(doc_id)
        if row is not None:
            index = self.index(row, column)
            self.dataChanged.emit(index, index)

    def set_document_status(self, doc_id: str, status: str) -> None:
        """A document's new status, shown without reloading the list."""
        source = self.row_of.get(doc_id)
        if source is not None:
            rowid, _, title, _ = self.rows[source]
            self.rows[source] = (rowid, doc_id, title, status)
            self._changed(doc_id, 1)

    def adjust_count(self, doc_id: str, delta: int) -> None:
        if doc_id in self.row_of:
            self.counts[doc_id] = self.counts.get(doc_id, 0) + delta
            self._changed(doc_id, 2)

    def count(self, doc_id: str) -> int:
        return self.counts.get(doc_id, 0)

    def status_of(self, doc_id: str) -> str:
        return self.rows[self.row_of[doc_id]][3]

    def doc_id(self, row: int) -> str:
        """The id of the document in view row ``row``."""
        return self.rows[self.visible[row]][1]
