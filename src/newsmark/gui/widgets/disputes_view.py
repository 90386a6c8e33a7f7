"""The Disputes view: each disputed point of the project with every stance on it from every
article (who, supports / opposes / neutral, the quote, the article); a click opens it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.wording import counted
from newsmark.corpus.disputes import DisputedPoint, disputed_points
from newsmark.corpus.report import COLOURS
from newsmark.gui.plain import tooltip
from newsmark.store.project import Project


class DisputesView(QWidget):
    stance_activated = Signal(str, int, int, str)  # document, start, end, annotation id

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disputes_view")
        self.project = project
        self.points: list[DisputedPoint] = []
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["disputed point / who", "stance", "quote", "article"])
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        refresh = QPushButton("Refresh")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        layout.addWidget(self.summary)
        layout.addWidget(refresh)
        refresh.clicked.connect(self.refresh)
        self.tree.itemActivated.connect(self._on_tree_item)
        self.tree.itemClicked.connect(self._on_tree_item)

    def refresh(self) -> None:
        self.points = disputed_points(self.project)
        self.tree.clear()
        for p in self.points:
            shared = "" if p.id else "  (not linked to a shared point)"
            top = QTreeWidgetItem([p.proposition, counted(len(p.stances), "stance"), ", ".join(p.parties),
                                   f"{counted(p.documents, 'article')}{shared}"])
            top.setToolTip(0, p.proposition)
            for s in p.stances:
                child = QTreeWidgetItem([s.who, s.value, s.quote, s.title or s.document])
                child.setData(0, Qt.ItemDataRole.UserRole, (s.document, s.start, s.end, s.annotation))
                # the quote and the title are cut on the right: each whole in its tooltip
                child.setToolTip(0, tooltip(s.who))
                child.setToolTip(2, tooltip(s.quote))
                child.setToolTip(3, tooltip(f"{s.title}\n{s.document}" if s.title else s.document))
                if s.value in COLOURS:
                    child.setForeground(1, QBrush(QColor(COLOURS[s.value])))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        if self.points:
            self.tree.expandAll()
        # the points and the speakers as wide as they are, up to a third of the view (they were
        # cut to "The bridg…" and "Tom B…" in Qt's default width beside a wide quote column)
        fm = self.tree.fontMetrics()
        widest = max([fm.horizontalAdvance(p.proposition) for p in self.points]
                     + [fm.horizontalAdvance(s.who) + self.tree.indentation() for p in self.points for s in p.stances],
                     default=0)
        cap = max(200, self.tree.viewport().width() // 3)
        self.tree.header().resizeSection(0, max(self.tree.header().sectionSize(0), min(widest + 40, cap)))
        self.summary.setText(f"{len(self.points)} disputed points, "
                             f"{sum(len(p.stances) for p in self.points)} stances")

    def focus(self) -> None:
        """The list has the focus, on the first point unless one is current."""
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        self.tree.setFocus()

    def _on_tree_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        where = item.data(0, Qt.ItemDataRole.UserRole)
        if where:
            doc, start, end, ann = where
            self.stance_activated.emit(doc, int(start), int(end), ann)
