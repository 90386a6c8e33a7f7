"""The Entities view: each distinct entity across the project with its mentions and documents;
merge names into a canonical entity, rename it, give it an identifier (typed, never fetched)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.errors import NewsmarkError
from newsmark.core.wording import counted
from newsmark.corpus import entities
from newsmark.store.project import Project

COLUMNS = ("label", "name", "mentions", "documents", "identifier", "also written")
_Index = QModelIndex | QPersistentModelIndex


class EntityModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[entities.Entity] = []

    def set_rows(self, rows: list[entities.Entity]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (e.label, e.name, e.mentions, e.documents, e.identifier,
                    ", ".join(n for n in e.names if n != e.name))[c]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (e.label, e.name.casefold(), -e.mentions, -e.documents, e.identifier, "")[c]
        return None


class EntitiesView(QWidget):
    entity_chosen = Signal(str, str)  # label, name: show its mentions
    changed = Signal()  # entities merged, renamed, identified or split

    def __init__(self, project: Project, parent: QWidget | None = None,
                 edit: Callable[[str, Callable[[], object]], object] | None = None) -> None:
        """``edit(text, change)`` makes a change to the entities (the window passes one that
        goes through its undo stack, named ``text``); by default the change is made as it is."""
        super().__init__(parent)
        self.setObjectName("entities_view")
        self.project = project
        self.edit = edit or (lambda _text, change: change())
        self.model = EntityModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter entities")
        self.filter.setClearButtonEnabled(True)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)  # one line a row, as the fixed row height has room for
        self.view.setSortingEnabled(True)
        self.summary = QLabel()
        buttons = QHBoxLayout()
        self.merge_button = QPushButton("&Merge…")
        self.merge_button.setToolTip("Merge the selected entities (one label) into one canonical entity")
        self.rename_button = QPushButton("Re&name…")
        self.id_button = QPushButton("&Identifier…")
        self.id_button.setToolTip("An identifier you type, such as a Wikidata id (Q…)")
        self.split_button = QPushButton("&Split")
        self.split_button.setToolTip("Take the selected entity's spellings out of it")
        refresh = QPushButton("Refresh")
        for b in (self.merge_button, self.rename_button, self.id_button, self.split_button, refresh):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.installEventFilter(self)  # Down goes on to the rows
        self.merge_button.clicked.connect(lambda: self.merge_selected())
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.id_button.clicked.connect(lambda: self.identify_selected())
        self.split_button.clicked.connect(lambda: self.split_selected())
        refresh.clicked.connect(self.refresh)
        self.view.doubleClicked.connect(self._on_view_double_clicked)

    def refresh(self) -> None:
        rows = entities.list_entities(self.project)
        self.model.set_rows(rows)
        # the name column as wide as the names (up to a third of the view; "also written" takes
        # the rest): measured with the font, not by Qt row by row, for 10,000 entities
        fm = self.view.fontMetrics()
        widest = max((fm.horizontalAdvance(e.name) for e in rows[:2000]), default=0)
        header = self.view.horizontalHeader()
        cap = max(160, self.view.viewport().width() // 3)
        header.resizeSection(1, max(header.sectionSize(1), min(widest + 16, cap)))
        self.summary.setText(f"{counted(len(rows), 'entity', 'entities')}, "
                             f"{counted(sum(e.mentions for e in rows), 'mention')}")

    def focus(self) -> None:
        """Ready to type a name: the filter has the focus, its text selected."""
        self.filter.setFocus()
        self.filter.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (watched is self.filter and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.proxy.rowCount()):
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.proxy.index(0, 0))
            self.view.setFocus()
            return True
        return super().eventFilter(watched, event)

    def selected(self) -> list[entities.Entity]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows]

    def _fail(self, e: NewsmarkError) -> None:
        self.summary.setText(str(e))

    def merge_selected(self, name: str | None = None) -> None:
        chosen = self.selected()
        if len(chosen) < 1:
            self.summary.setText("Select the entities to merge (Ctrl+click).")
            return
        labels = {e.label for e in chosen}
        if len(labels) > 1:
            self.summary.setText("Merge entities of one label at a time.")
            return
        if name is None:
            names = [e.name for e in chosen]
            name, ok = QInputDialog.getItem(self, "Merge entities", "The canonical name:", names, 0, True)
            if not ok or not name.strip():
                return
        spellings = [n for e in chosen for n in (e.names or {e.name: 0})]
        label, name = labels.pop(), name.strip()
        try:
            self.edit(f"merge {label} names into “{name}”", lambda: entities.merge(self.project, label, spellings, name))
        except NewsmarkError as e:
            self._fail(e)
            return
        self.changed.emit()
        self.refresh()
        # said, and the merged entity selected (only the counts changed, and nothing stayed selected)
        self.summary.setText(f"Merged {counted(len(spellings), 'name')} into {label} “{name}” — "
                             + self.summary.text())
        for r, row in enumerate(self.model.rows):
            if row.label == label and row.name == name:
                index = self.proxy.mapFromSource(self.model.index(r, 0))
                if index.isValid():
                    self.view.setCurrentIndex(index)
                    self.view.selectRow(index.row())
                    self.view.setFocus()
                break

    def _one(self) -> entities.Entity | None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.summary.setText("Select one entity.")
            return None
        return chosen[0]

    def _ensure_entity(self, e: entities.Entity) -> str:
        return e.id or entities.merge(self.project, e.label, list(e.names) or [e.name], e.name)

    def rename_selected(self, name: str | None = None) -> None:
        e = self._one()
        if e is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(self, "Rename entity", "Canonical name:", text=e.name)
            if not ok:
                return
        try:
            self.edit(f"rename {e.label} “{e.name}”",
                      lambda: entities.rename(self.project, self._ensure_entity(e), name))
        except NewsmarkError as err:
            self._fail(err)
            return
        self.changed.emit()
        self.refresh()

    def identify_selected(self, identifier: str | None = None) -> None:
        e = self._one()
        if e is None:
            return
        if identifier is None:
            identifier, ok = QInputDialog.getText(self, "Identifier", "An identifier (e.g. a Wikidata id):",
                                                  text=e.identifier)
            if not ok:
                return
        try:
            self.edit(f"identify {e.label} “{e.name}”",
                      lambda: entities.set_identifier(self.project, self._ensure_entity(e), identifier))
        except NewsmarkError as err:
            self._fail(err)
            return
        self.changed.emit()
        self.refresh()

    def split_selected(self) -> None:
        e = self._one()
        if e is None or e.id is None:
            self.summary.setText("Select a merged entity.")
            return
        def split_all() -> None:
            for name in e.names:
                if name != e.name:
                    try:
                        entities.split(self.project, e.label, name)
                    except NewsmarkError:
                        pass

        self.edit(f"split {e.label} “{e.name}”", split_all)
        self.changed.emit()
        self.refresh()

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        e = self.model.rows[self.proxy.mapToSource(index).row()]
        self.entity_chosen.emit(e.label, e.name)
