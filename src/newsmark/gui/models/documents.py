"""The document list: a table model over the store's document summaries (no texts loaded,
no widget per row), with a filter proxy for the title box and the status choice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from newsmark.store.project import Project

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Title", "Status", "Annotations")


class DocumentListModel(QAbstractTableModel):
    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.rows: list[list[Any]] = []  # [id, title, status, count]
        self.row_of: dict[str, int] = {}
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.rows = [[s.id, s.title, s.status, s.annotations] for s in self.project.document_summaries()]
        self.row_of = {r[0]: i for i, r in enumerate(self.rows)}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row[col + 1]
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return f"{row[1]}\n{row[0]}"
        if role == Qt.ItemDataRole.UserRole:
            return row[0]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def set_field(self, doc_id: str, column: int, value: Any) -> None:
        """Update one cell after an edit (status, count) without reloading the list."""
        row = self.row_of.get(doc_id)
        if row is None:
            return
        self.rows[row][column + 1] = value
        index = self.index(row, column)
        self.dataChanged.emit(index, index)

    def adjust_count(self, doc_id: str, delta: int) -> None:
        row = self.row_of.get(doc_id)
        if row is not None:
            self.set_field(doc_id, 2, self.rows[row][3] + delta)

    def doc_id(self, row: int) -> str:
        return str(self.rows[row][0])


def refilter(proxy: QSortFilterProxyModel, change: Any) -> None:
    """Apply ``change`` to a proxy's filter and re-filter its rows (Qt 6.10+ wants the change
    bracketed; older versions invalidate)."""
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:  # pragma: no cover - Qt < 6.10
        change()
        proxy.invalidateFilter()


class DocumentFilter(QSortFilterProxyModel):
    """Filters by a words-in-title box and a status."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.status: str | None = None

    def set_text(self, text: str) -> None:
        refilter(self, lambda: setattr(self, "words", text.lower().split()))

    def set_status(self, status: str | None) -> None:
        refilter(self, lambda: setattr(self, "status", status or None))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, DocumentListModel)
        _, title, status, _ = model.rows[source_row]
        if self.status and status != self.status:
            return False
        low = str(title).lower()
        return all(w in low for w in self.words)
