"""What the window's two table models (documents, annotations) share: a flat list of rows with
named columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class FlatTableModel(QAbstractTableModel):
    """Rows of ``COLUMNS``; subclasses give ``rowCount`` and ``data``."""

    COLUMNS: tuple[str, ...] = ()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        # a flat list: answered without rowCount/columnCount, which a view asks per row
        return not parent.isValid()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None
