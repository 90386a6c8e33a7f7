"""Search the project (Ctrl+Shift+F): a query, conditions, and the hits with their context; a
click (or Enter) opens the document at the hit."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.errors import NewsmarkError
from newsmark.core.model import STATUSES
from newsmark.corpus.search import Hit, Query, search
from newsmark.gui.plain import tooltip
from newsmark.store.project import Project

LIMIT = 500
ANY = "any"


class SearchPanel(QWidget):
    """The query, its conditions and the list of hits."""

    hit_activated = Signal(str, int, int, str)  # document, start, end, annotation id ("" for none)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search_panel")
        self.project = project
        self.hits: list[Hit] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.query = QLineEdit()
        self.query.setPlaceholderText('Words or "a phrase" in every article (case and accents ignored)')
        self.query.setClearButtonEnabled(True)
        row = QHBoxLayout()
        self.label = QComboBox()
        self.speaker = QLineEdit()
        self.speaker.setPlaceholderText("speaker")
        self.cue = QLineEdit()
        self.cue.setPlaceholderText("cue")
        self.stance = QComboBox()
        self.stance.addItems([ANY, "supports", "opposes", "neutral"])
        self.status = QComboBox()
        self.status.addItems([ANY, *STATUSES])
        for text, w in (("label", self.label), ("", self.speaker), ("", self.cue), ("stance", self.stance),
                        ("status", self.status)):
            if text:
                row.addWidget(QLabel(text))
            row.addWidget(w)
        self.results = QTreeWidget()
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setHeaderLabels(["document", "label", "speaker", "hit in context"])
        self.results.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        layout.addWidget(self.query)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.summary)
        self.reload_labels()
        for edit in (self.query, self.speaker, self.cue):
            edit.returnPressed.connect(self.run)
        for combo in (self.label, self.stance, self.status):
            combo.activated.connect(lambda _i: self.run())
        self.results.itemActivated.connect(self._on_results_item)
        self.results.itemClicked.connect(self._on_results_item)
        # Down in a field goes to the hits, Up on the first hit back to the query (the hits were
        # five Tabs away, past every condition)
        for edit in (self.query, self.speaker, self.cue):
            edit.installEventFilter(self)
        self.results.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or event.modifiers() & ~(
                Qt.KeyboardModifier.KeypadModifier):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.results:
            if key == Qt.Key.Key_Up and self.results.currentIndex().row() <= 0:
                self.query.setFocus()
                return True
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.results.topLevelItemCount():
            first = self.results.topLevelItem(0)
            if self.results.currentItem() is None and first is not None:
                self.results.setCurrentItem(first)
            self.results.setFocus()
            return True
        return super().eventFilter(watched, event)

    def reload_labels(self) -> None:
        current = self.label.currentText()
        self.label.clear()
        layers = list(dict.fromkeys(lab.layer for lab in self.project.labels()))
        self.label.addItems([ANY, *(lab.name for lab in self.project.labels()), *layers])
        i = self.label.findText(current)
        self.label.setCurrentIndex(max(0, i))

    def focus(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def current_query(self) -> Query:
        def opt(text: str) -> str | None:
            return None if text in ("", ANY) else text
        return Query(text=self.query.text(), label=opt(self.label.currentText()),
                     speaker=opt(self.speaker.text().strip()), cue=opt(self.cue.text().strip()),
                     stance=opt(self.stance.currentText()),
                     status=[s] if (s := opt(self.status.currentText())) else [])

    def run(self) -> None:
        q = self.current_query()
        self.results.clear()
        if not q.text.strip() and not q.annotation_conditions():
            self.summary.setText("Type words to search for, or choose a condition.")
            return
        try:
            self.hits = search(self.project, q, limit=LIMIT)
        except NewsmarkError as e:
            self.hits = []
            self.summary.setText(str(e))
            return
        items = []
        for i, h in enumerate(self.hits):
            item = QTreeWidgetItem([h.title or h.document, h.label or "", h.speaker or "",
                                    f"{h.before}【{h.text}】{h.after}"])
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            # cut on the right in a narrow panel: each cell whole in its tooltip (as plain text)
            item.setToolTip(0, tooltip(f"{h.title}\n{h.document}" if h.title else h.document))
            if h.speaker:
                item.setToolTip(2, tooltip(h.speaker))
            item.setToolTip(3, tooltip(f"{h.before}{h.text}{h.after}"))
            items.append(item)
        self.results.addTopLevelItems(items)
        more = f" (the first {LIMIT})" if len(self.hits) >= LIMIT else ""
        n = len(self.hits)
        self.summary.setText(f"{n} hit{'' if n == 1 else 's'}{more}" if n else "No hits.")

    def _on_results_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        h = self.hits[int(item.data(0, Qt.ItemDataRole.UserRole))]
        self.hit_activated.emit(h.document, h.start, h.end, h.annotation or "")
