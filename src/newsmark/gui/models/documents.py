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

from newsmark.gui.models.flat import FlatTableModel, Index
from newsmark.gui.plain import tooltip
from newsmark.store.project import Project


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
        self.refresh()

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
