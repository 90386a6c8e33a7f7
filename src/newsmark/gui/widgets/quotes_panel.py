"""The Quotes panel: the article's quotes grouped by speaker, each with its cue and its stances;
clicking a quote selects it in the article (and a speaker, the speaker's entity)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.model import Annotation, Relation
from newsmark.gui.describe import quotes_by_speaker
from newsmark.gui.plain import tooltip

ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
NO_SPEAKER = "(no speaker yet)"


def _one_line(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class QuotesPanel(QWidget):
    quote_chosen = Signal(str)  # an annotation id (a quote, or a speaker's entity)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Speaker / quote", "Cue", "Stances"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 80)
        header.resizeSection(2, 75)
        header.setStretchLastSection(False)
        layout.addWidget(self.tree)
        self.tree.itemClicked.connect(self._on_tree_item)
        self.tree.itemActivated.connect(self._on_tree_item)
        self.items: dict[str, QTreeWidgetItem] = {}  # quote id -> its row
        self._speakers: set[str] = set()  # ids of the speakers' entities shown
        self._current: str | None = None
        self._stale = False
        self.session: Any = None
        self.quote_labels: set[str] = set()

    def follow(self, session: Any, quote_labels: set[str]) -> None:
        """Keep showing ``session``'s open article: refreshed (once per turn of the event loop)
        when a quote, a linked annotation or a link changes, and only while the panel is shown."""
        self.session = session
        self.quote_labels = quote_labels
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        session.annotation_added.connect(lambda a: self._maybe(a))
        session.annotation_removed.connect(lambda ann_id: self._maybe_id(ann_id))
        session.annotation_changed.connect(lambda old, new: self._maybe(new))
        session.relations_changed.connect(self.schedule)

    def _maybe(self, ann: Annotation) -> None:
        if ann.label in self.quote_labels or self._linked(ann.id):
            self.schedule()

    def _maybe_id(self, ann_id: str) -> None:
        if ann_id in self.items or self._linked(ann_id) or ann_id in self._speakers:
            self.schedule()

    def _linked(self, ann_id: str) -> bool:
        doc = self.session.document
        return doc is not None and any(ann_id in (r.from_id, r.to_id) for r in doc.relations)

    def schedule(self) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._timer.start()

    def refresh(self) -> None:
        """Show the open article's quotes now."""
        self._stale = False
        doc = self.session.document
        if doc is None:
            self.show_quotes([], [], self.quote_labels)
            return
        self.show_quotes(doc.annotations, doc.relations, self.quote_labels, self._current)

    def show_quotes(self, anns: list[Annotation], relations: list[Relation], quote_labels: set[str],
                    current: str | None = None) -> None:
        """Fill the panel from the article's annotations (keeping groups folded as they were)."""
        folded = set()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and not item.isExpanded():
                folded.add(item.data(0, NAME_ROLE))
        self.tree.clear()
        self.items = {}
        self._speakers = set()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        total = 0
        for group in quotes_by_speaker(anns, relations, quote_labels):
            name = group.speaker or NO_SPEAKER
            top = QTreeWidgetItem([f"{name} ({len(group.quotes)})", "", ""])
            top.setFont(0, bold)
            top.setData(0, ID_ROLE, group.entity.id if group.entity is not None else None)
            top.setData(0, NAME_ROLE, name)
            top.setToolTip(0, tooltip(f"{name}\n{len(group.quotes)} quote(s)"
                                      + (f"\n{group.entity.label} at {group.entity.start}" if group.entity else "")))
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)  # a speaker's name takes the whole row
            if group.entity is not None:
                self._speakers.add(group.entity.id)
            for row in group.quotes:
                q = row.quote
                values = ", ".join(dict.fromkeys(s.split(":", 1)[0] for s in row.stances))  # in full in the tooltip
                child = QTreeWidgetItem([f"“{_one_line(q.text)}”", row.cue, values])
                child.setData(0, ID_ROLE, q.id)
                kind = q.attributes.get("type")
                child.setToolTip(0, tooltip("\n".join(x for x in (
                    f"{q.label}{' (' + str(kind) + ')' if kind else ''} — {name}", " ".join(q.text.split()),
                    f"cue: {row.cue}" if row.cue else "", *row.stances) if x), bold_first_line=True))
                child.setToolTip(1, tooltip(f"cue: {row.cue}") if row.cue else "")
                child.setToolTip(2, tooltip("\n".join(row.stances)) if row.stances else "")
                top.addChild(child)
                self.items[q.id] = child
                total += 1
            top.setExpanded(name not in folded)
        if not total:
            empty = QTreeWidgetItem(["No quotes in this article yet: select what was said and press q."])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tree.addTopLevelItem(empty)
        self.select(current)

    def select(self, ann_id: str | None) -> None:
        """Show the current annotation's row as selected (or none)."""
        self._current = ann_id
        item = self.items.get(ann_id) if ann_id else None
        self.tree.blockSignals(True)
        if item is None:
            self.tree.clearSelection()
            self.tree.setCurrentItem(None)  # type: ignore[call-overload]
        else:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
        self.tree.blockSignals(False)

    def _on_tree_item(self, item: QTreeWidgetItem, _column: int) -> None:
        ann_id = item.data(0, ID_ROLE)
        if ann_id:
            self.quote_chosen.emit(str(ann_id))

    def quote_count(self) -> int:
        return len(self.items)
