"""The adjudication view: only the disagreements of a document (or of all documents), each
annotator's version side by side.  Keys 1-9 accept the version of the annotator in that
column into the curated layer (replacing what the curator had there); E edits: the article
opens at the stretch, for the curator to annotate by hand; "Accept agreed spans" takes every
span all annotators made identically, at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.wording import counted
from newsmark.team import CURATOR
from newsmark.team.adjudicate import (
    AdjudicationSummary,
    Disagreement,
    accept_version,
    adjudicate,
    disagreements,
)
from newsmark.team.data import Span

_Index = QModelIndex | QPersistentModelIndex
EXCERPT = 60


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


class DisagreementModel(QAbstractTableModel):
    """Disagreements as rows: document, the stretch's text, each annotator's version, the
    curator's.  Texts are read only for the rows shown."""

    def __init__(self, project: Any) -> None:
        super().__init__()
        self.project = project
        self.items: list[Disagreement] = []
        self.annotators: list[str] = []
        self._texts: dict[str, str] = {}

    def set_items(self, items: list[Disagreement]) -> None:
        self.beginResetModel()
        self.items = items
        self.annotators = sorted({a for d in items for a in d.versions})
        self._texts.clear()
        self.endResetModel()

    def text(self, doc_id: str) -> str:
        got = self._texts.get(doc_id)
        if got is None:
            row = self.project.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            got = self._texts[doc_id] = row[0] if row else ""
        return got

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3 + len(self.annotators)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "document"
        if section == 1:
            return "text"
        if section == 2 + len(self.annotators):
            return CURATOR
        n = section - 1
        return f"{n}: {self.annotators[section - 2]}" if n <= 9 else self.annotators[section - 2]

    def version_text(self, doc_id: str, spans: list[Span]) -> str:
        if not spans:
            return "—"
        text = self.text(doc_id)
        return "; ".join(f"{s.label} «{_short(text[s.start:s.end])}»" for s in spans)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        d = self.items[index.row()]
        col = index.column()
        if col == 0:
            return d.title or d.document
        if col == 1:
            return _short(self.text(d.document)[d.start:d.end])
        if col == 2 + len(self.annotators):
            return self.version_text(d.document, d.curated) if d.curated else ""
        name = self.annotators[col - 2]
        return self.version_text(d.document, d.versions.get(name, []))


class AdjudicationView(QWidget):
    edit_requested = Signal(str, int, int)  # document, start, end
    changed = Signal(list)  # the documents whose curated layer changed

    def __init__(self, project: Any, document: str | None = None, parent: QWidget | None = None,
                 accept: Callable[[str, list[Span], list[Span]], object] | None = None,
                 accept_agreed: Callable[[list[str] | None], AdjudicationSummary] | None = None) -> None:
        """``accept(doc_id, spans, replace)`` puts a version into the curated layer and
        ``accept_agreed(doc_ids)`` every agreed span (the window passes ones that go through its
        undo stack); by default the store is called."""
        super().__init__(parent)
        self.project = project
        self._accept = accept or (lambda doc_id, spans, replace: accept_version(project, doc_id, spans, replace))
        self._accept_agreed = accept_agreed or (lambda doc_ids: adjudicate(project, "unanimous", doc_ids=doc_ids))
        self.document = document
        self.scope = QComboBox()
        self.scope.addItem("This document", "document")
        self.scope.addItem("All documents", "all")
        if document is None:
            self.scope.setCurrentIndex(1)
        self.hide_resolved = QCheckBox("Hide resolved")
        self.hide_resolved.setChecked(True)
        self.accept_agreed = QPushButton("Accept agreed spans")
        self.accept_agreed.setToolTip("Copy every span all annotators made identically into the curated layer")
        self.status = QLabel()
        self._natural: list[int] = []  # each column's width for its contents
        self._user_widths: dict[int, int] = {}  # columns the curator has sized by hand: kept
        self._fitting = False  # the view sizes its columns itself (not the curator)
        self.model = DisagreementModel(project)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().sectionResized.connect(self._on_section_resized)
        self.view.setWordWrap(False)
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addWidget(self.hide_resolved)
        top.addStretch(1)
        top.addWidget(self.accept_agreed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(QLabel("1–9: accept that annotator's version · E: edit in the article · "
                                "the curated layer is annotator “curator”"))
        layout.addWidget(self.status)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.hide_resolved.toggled.connect(self.refresh)
        self.accept_agreed.clicked.connect(self.accept_all_agreed)
        self.refresh()

    def doc_ids(self) -> list[str] | None:
        if self.scope.currentData() == "document":
            return [self.document] if self.document else []
        return None

    def set_document(self, doc_id: str | None) -> None:
        self.document = doc_id
        if self.scope.currentData() == "document":
            self.refresh()

    def refresh(self, *_: object) -> None:
        row = self.view.currentIndex().row()
        items = disagreements(self.project, doc_ids=self.doc_ids())
        if self.hide_resolved.isChecked():
            items = [d for d in items if not d.resolved]
        columns = self.model.columnCount()
        self.model.set_items(items)
        if self.model.columnCount() != columns:  # other annotators: other columns
            self._user_widths.clear()
        self._fitting = True
        try:
            self.view.resizeColumnsToContents()  # Qt measures the visible rows only
        finally:
            self._fitting = False
        self._natural = [self.view.horizontalHeader().sectionSize(c) for c in range(self.model.columnCount())]
        self._fit_columns()
        docs = len({d.document for d in items})
        self.status.setText(f"{len(items)} disagreement{'s' if len(items) != 1 else ''} in {docs} "
                            f"document{'s' if docs != 1 else ''}")
        if items:
            self.view.selectRow(max(0, min(row, len(items) - 1)))

    def _on_section_resized(self, col: int, _old: int, new: int) -> None:
        if not self._fitting:  # the curator dragged a column's edge: that width stays
            self._user_widths[col] = new

    def _fit_columns(self) -> None:
        """Every version side by side in the view: the document and text columns give way first
        (two annotators' quotes ran off the right edge, to be scrolled to one at a time).  A
        column the curator has sized by hand keeps its width (through refreshes after each
        accept, and resizes of the window); the others share the room left."""
        header = self.view.horizontalHeader()
        natural = self._natural
        if len(natural) != self.model.columnCount():
            return
        widths = [min(w, 200 if c == 0 else 320) for c, w in enumerate(natural)]
        user = self._user_widths
        for col, width in user.items():
            if col < len(widths):
                widths[col] = width
        room = self.view.viewport().width()
        floors = [90, 160] + [120] * (len(widths) - 2)
        for col in (0, 1):  # the document, then the text shrink first
            over = sum(widths) - room
            if over > 0 and col not in user:
                widths[col] = max(floors[col], widths[col] - over)
        over = sum(widths) - room
        free = [c for c in range(2, len(widths)) if c not in user]
        if over > 0 and free:  # then the versions and the curated one share what is left
            share = max(120, (room - sum(w for c, w in enumerate(widths) if c not in free)) // len(free))
            for c in free:
                widths[c] = min(widths[c], share)
        self._fitting = True
        try:
            for col, width in enumerate(widths):
                header.resizeSection(col, width)
        finally:
            self._fitting = False

    def select_stretch(self, doc_id: str, start: int, end: int) -> None:
        """Select the disagreement over ``start``-``end`` of a document (an acceptance undone: the
        curator's next key acts on it), if it is listed."""
        for row, d in enumerate(self.model.items):
            if d.document == doc_id and d.start < end and start < d.end:
                self.view.selectRow(row)
                return

    def current(self) -> Disagreement | None:
        row = self.view.currentIndex().row()
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    def accept(self, annotator: str) -> None:
        """Accept ``annotator``'s version of the selected disagreement into the curated layer."""
        d = self.current()
        if d is None:
            return
        self._accept(d.document, d.versions.get(annotator, []), d.curated)
        self.changed.emit([d.document])
        self.refresh()

    def accept_all_agreed(self) -> None:
        summary = self._accept_agreed(self.doc_ids())
        if summary.documents_changed:
            self.changed.emit(self.doc_ids() or [])
        self.refresh()
        self.status.setText(self.status.text() + f"; accepted {counted(summary.annotations_added, 'agreed span')}"
                            f" and {counted(summary.relations_added, 'relation')}")

    def edit(self) -> None:
        d = self.current()
        if d is not None:
            self.edit_requested.emit(d.document, d.start, d.end)

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802
        if obj is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()  # the room the columns share changed
        if obj is self.view and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
                n = key - Qt.Key.Key_1
                if n < len(self.model.annotators):
                    self.accept(self.model.annotators[n])
                return True
            if key in (Qt.Key.Key_E, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit()
                return True
        return super().eventFilter(obj, event)
