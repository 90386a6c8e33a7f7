"""The annotations panel's model: every annotation of the open article, in text order."""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPixmap

from newsmark.core.model import Annotation
from newsmark.gui.models.flat import FlatTableModel, Index
from newsmark.gui.plain import tooltip

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # what a column sorts by: its text, then the position
# what the list's filter reads: "\x01LABEL\x01layer:LAYER\x02text and details, casefolded"
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.UserRole, SORT_ROLE, FILTER_ROLE})


def _details(a: Annotation) -> str:
    parts = []
    for key, value in a.attributes.items():
        if value in (None, "", [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {shown}")
    if a.note:
        parts.append(f"note: {a.note}")
    return "; ".join(parts)


class AnnotationListModel(FlatTableModel):
    COLUMNS = ("Label", "Text", "Details")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Annotation] = []
        self.keys: list[tuple[int, int, str]] = []
        self.key_of: dict[str, tuple[int, int, str]] = {}
        self.colours: dict[str, QColor] = {}
        self.layers: dict[str, str] = {}
        # the text and details columns as shown, by annotation id: a repaint asks for every
        # visible cell several times, and an add repaints the panel (bench_window.py)
        self._shown: dict[str, tuple[str, str]] = {}
        self._swatches: dict[tuple[str, int], QIcon] = {}

    def set_annotations(self, anns: list[Annotation]) -> None:
        self.beginResetModel()
        keys = [(a.start, a.end, a.id) for a in anns]
        if all(keys[i] <= keys[i + 1] for i in range(len(keys) - 1)):  # the store's order already
            self.items, self.keys = list(anns), keys
        else:
            order = sorted(range(len(anns)), key=keys.__getitem__)
            self.items, self.keys = [anns[i] for i in order], [keys[i] for i in order]
        self.key_of = {k[2]: k for k in self.keys}
        self._shown = {}
        self.endResetModel()

    def add(self, a: Annotation) -> None:
        key = (a.start, a.end, a.id)
        row = bisect.bisect(self.keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.insert(row, a)
        self.keys.insert(row, key)
        self.key_of[a.id] = key
        self.endInsertRows()

    def remove(self, ann_id: str) -> None:
        row = self.row_of(ann_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.items[row]
        del self.keys[row]
        del self.key_of[ann_id]
        self._shown.pop(ann_id, None)
        self.endRemoveRows()

    def replace(self, a: Annotation) -> None:
        self.remove(a.id)
        self.add(a)

    def row_of(self, ann_id: str) -> int | None:
        key = self.key_of.get(ann_id)
        if key is None:
            return None
        return bisect.bisect_left(self.keys, key)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # a repaint asks each cell for a dozen roles: the ones not answered return at once
        if role not in _ROLES or not index.isValid():
            return None
        a = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return a.label
            shown = self._shown.get(a.id)
            if shown is None:
                text = " ".join(a.text.split())
                shown = self._shown[a.id] = (text if len(text) <= 80 else text[:79] + "…", _details(a))
            return shown[col - 1]
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._swatch(a.label)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(f"{a.label} {a.start}–{a.end}\n{a.text}\n{_details(a)}".strip(), bold_first_line=True)
        if role == Qt.ItemDataRole.UserRole:
            return a.id
        if role == FILTER_ROLE:
            return f"\x01{a.label}\x01layer:{self.layers.get(a.label, '')}\x02{a.text} {_details(a)}".casefold()
        if role == SORT_ROLE:  # ties keep the text order
            key = a.label if col == 0 else str(self.data(index, Qt.ItemDataRole.DisplayRole)).casefold()
            return f"{key}\x00{a.start:012d}{a.end:012d}"
        return None


    def _swatch(self, label: str) -> QIcon | None:
        """The label's colour as an icon, made once: given a QColor, the view would make and
        fill a new pixmap for every row at every repaint."""
        colour = self.colours.get(label)
        if colour is None:
            return None
        key = (label, colour.rgba())
        icon = self._swatches.get(key)
        if icon is None:
            pixmap = QPixmap(16, 16)
            pixmap.fill(colour)
            icon = self._swatches[key] = QIcon(pixmap)
        return icon


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


class AnnotationFilter(QSortFilterProxyModel):
    """Show one label or one layer ("layer:quote"), or everything; and only annotations whose text
    or details hold every word typed.  Filtered by Qt's own regular expression over FILTER_ROLE:
    a filterAcceptsRow written in Python made the first showing of a 20,000-annotation article
    take 7 s (benchmarks/bench_window.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.choice = ""
        self.words: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)
        # rows taken out and put back (an edit moves its row: out, then in at its place): the
        # views' current row moves meanwhile, a move that is no one's choice
        self.changing = False
        for begin, end in ((self.rowsAboutToBeRemoved, self.rowsRemoved),
                           (self.rowsAboutToBeInserted, self.rowsInserted),
                           (self.modelAboutToBeReset, self.modelReset),
                           (self.layoutAboutToBeChanged, self.layoutChanged)):
            begin.connect(self._begin_change)
            end.connect(self._end_change)

    def _begin_change(self, *_: object) -> None:
        self.changing = True

    def _end_change(self, *_: object) -> None:
        self.changing = False

    def set_text(self, text: str) -> None:
        """Show only annotations whose text or details hold every word of ``text``."""
        self.words = text.casefold().split()
        self._apply()

    def set_choice(self, choice: str) -> None:
        self.choice = choice
        self._apply()

    def _apply(self) -> None:
        # lookaheads: the label (or layer) field, then each word after the \x02 that starts the text
        parts = [f"(?=.*\x01{_literal(self.choice.casefold())}[\x01\x02])"] if self.choice else []
        parts += [f"(?=[^\x02]*\x02.*{_literal(w)})" for w in self.words]
        pattern = QRegularExpression("^" + "".join(parts) if parts else "",
                                     QRegularExpression.PatternOption.DotMatchesEverythingOption)
        self.setFilterRegularExpression(pattern)


def _literal(text: str) -> str:
    return QRegularExpression.escape(text)
