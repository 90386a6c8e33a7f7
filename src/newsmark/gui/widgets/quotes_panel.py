"""The Quotes panel: the article's quotes grouped by speaker, each with its cue and its stances;
clicking a quote selects it in the article (and a speaker, the speaker's entity).  A speaker is
shown under the name of the canonical entity its name is merged into (Corpus → Entities), so the
spellings merged into one entity are one group."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from contextlib import contextmanager
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

from newsmark.core.model import Annotation
from newsmark.corpus.entities import Canon, canon_stamp
from newsmark.gui.describe import QuoteRow, quote_row, quote_rows
from newsmark.gui.plain import tooltip

ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # a speaker row's group key
SHOWN_ROLE = Qt.ItemDataRole.UserRole + 2  # a speaker row's name as shown
NO_SPEAKER = "(no speaker yet)"
BATCH_FROM = 300  # quotes from which rows are updated once the annotator pauses
BATCH_PAUSE_MS = 250


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
        # walked with the arrow keys, each quote reached is selected in the article, as a click
        # selects it (only the panel's row moved: the next key acted on the quote shown before)
        self.tree.currentItemChanged.connect(self._on_tree_current)
        # rows taken out by an edit (a quote relabelled, deleted) move the current row to a
        # neighbour: no one's choice, and the neighbour must not be selected
        self._changing = False
        self.items: dict[str, QTreeWidgetItem] = {}  # quote id -> its row
        self.rows: dict[str, QuoteRow] = {}  # quote id -> what its row shows
        self.groups: dict[str, QTreeWidgetItem] = {}  # speaker key -> the speaker's row
        self._starts: dict[str, list[tuple[int, int, str]]] = {}  # speaker key -> its quotes, sorted
        self._speakers: dict[str, int] = {}  # speakers' entity ids -> quotes shown under them
        self._empty: QTreeWidgetItem | None = None
        self._pending: set[str] = set()  # quotes whose rows are to be updated
        self._bold = QFont(self.tree.font())
        self._bold.setBold(True)
        self._current: str | None = None
        self._stale = False
        self.session: Any = None
        self.quote_labels: set[str] = set()
        self.canon: Canon | None = None  # the project's canonical entities, read at each refresh
        self._canon_stamp: tuple[Any, ...] = ()

    def follow(self, session: Any, quote_labels: set[str]) -> None:
        """Keep showing ``session``'s open article.  An added, changed or removed quote moves
        just its row (an article may hold thousands of quotes: the panel is never rebuilt on an
        edit); a change of links re-reads only the quotes that have or had links; a full
        refresh happens when the article changes, once per turn of the event loop, and only
        while the panel is shown."""
        self.session = session
        self.quote_labels = quote_labels
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self._batch = QTimer(self)
        self._batch.setSingleShot(True)
        self._batch.setInterval(BATCH_PAUSE_MS)
        self._batch.timeout.connect(self._flush)
        session.annotation_added.connect(self._on_session_added)
        session.annotation_removed.connect(self._on_session_removed)
        session.annotation_changed.connect(self._on_session_changed)
        session.relations_changed.connect(self._on_session_relations)

    # ---------------------------------------------------------------- following the session
    def _live(self) -> bool:
        """Whether rows can be updated one by one now (else a refresh is due when shown)."""
        if self._stale or not self.isVisible():
            self.schedule()
            return False
        return True

    def _on_session_added(self, ann: Annotation) -> None:
        if ann.label in self.quote_labels and self._live():
            self._touch(ann.id)

    def _on_session_removed(self, ann_id: str) -> None:
        if ann_id in self._speakers:  # a speaker's entity: its quotes change groups
            self.schedule()
        elif ann_id in self.items and self._live():
            self._touch(ann_id)

    def _on_session_changed(self, _old: Annotation, new: Annotation) -> None:
        if new.id in self._speakers:
            self.schedule()
        elif (new.label in self.quote_labels or new.id in self.items) and self._live():
            self._touch(new.id)

    def _on_session_relations(self) -> None:
        if not self._live():
            return
        doc = self.session.document
        linked = {r.from_id for r in doc.relations} if doc is not None else set()
        for qid, row in self.rows.items():
            if row.entity or row.cue or row.stances or qid in linked:
                self._pending.add(qid)
        self._touch(None)

    def _touch(self, qid: str | None) -> None:
        """Update a quote's row: at once in an article of a few hundred quotes; in a longer one
        once the annotator pauses (Qt lays out every row of the tree again after a change,
        10 ms for thousands of quotes: not in the time of the edit)."""
        if qid is not None:
            self._pending.add(qid)
        if len(self.items) < BATCH_FROM:
            self._flush()
        else:
            self._batch.start()

    def _canon_changed(self) -> bool:
        """Whether entities were merged, renamed or split since the names were read (elsewhere:
        the CLI, another view, the API)."""
        return self.session is not None and self.canon is not None \
            and canon_stamp(self.session.project) != self._canon_stamp

    def _flush(self) -> None:
        self._batch.stop()
        if self._canon_changed():  # every speaker's name may have changed: a full refresh
            self.schedule()
            return
        pending, self._pending = self._pending, set()
        for qid in pending:
            ann = self.session.annotation(qid)
            row = self._row(ann) if ann is not None and ann.label in self.quote_labels else None
            if row is not None and row == self.rows.get(qid):
                continue
            self._take(qid)
            if row is not None:
                self._place(row)
        self._after_edit()

    def _canonical(self, label: str | None, name: str) -> str:
        return self.canon.canonical(label, name) if self.canon is not None else name

    def _row(self, q: Annotation) -> QuoteRow:
        return quote_row(q, self.session.relations_of(q.id), self.session.by_id, self._canonical)

    def entities_changed(self) -> None:
        """Canonical entities were merged, renamed or split: the speakers' names are read again."""
        self.canon = None
        self.schedule()

    def schedule(self) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._stale and self._canon_changed():
            self._stale = True
        if self._stale:
            self._timer.start()

    def refresh(self) -> None:
        """Show the open article's quotes now."""
        self._stale = False
        self._pending.clear()
        doc = self.session.document if self.session is not None else None
        if self.session is not None:
            self._canon_stamp = canon_stamp(self.session.project)
            self.canon = Canon(self.session.project)
        self.show_rows(quote_rows(doc.annotations, doc.relations, self.quote_labels, self._canonical)
                       if doc is not None else [])

    # ---------------------------------------------------------------- rows
    def show_rows(self, rows: list[QuoteRow]) -> None:
        """Fill the panel (groups folded before stay folded)."""
        folded = {key for key, top in self.groups.items() if not top.isExpanded()}
        with self._taking_rows():
            self.tree.clear()
        self.items, self.rows, self.groups, self._starts, self._speakers = {}, {}, {}, {}, {}
        self._empty = None
        for row in rows:
            self._place(row, folded)
        self._after_edit()
        self.select(self._current)

    def _place(self, row: QuoteRow, folded: set[str] | None = None) -> None:
        """Add a quote's row under its speaker, in text order."""
        q = row.quote
        top = self.groups.get(row.group)
        if top is None:
            top = self._new_group(row)
            top.setExpanded(folded is None or row.group not in folded)
        starts = self._starts[row.group]
        key = (q.start, q.end, q.id)
        i = bisect.bisect(starts, key)
        starts.insert(i, key)
        name = row.speaker or NO_SPEAKER
        values = ", ".join(dict.fromkeys(s.split(":", 1)[0] for s in row.stances))  # in full in the tooltip
        child = QTreeWidgetItem([f"“{_one_line(q.text)}”", row.cue, values])
        child.setData(0, ID_ROLE, q.id)
        kind = q.attributes.get("type")
        child.setToolTip(0, tooltip("\n".join(x for x in (
            f"{q.label}{' (' + str(kind) + ')' if kind else ''} — {name}", " ".join(q.text.split()),
            f"cue: {row.cue}" if row.cue else "", *row.stances) if x), bold_first_line=True))
        child.setToolTip(1, tooltip(f"cue: {row.cue}") if row.cue else "")
        child.setToolTip(2, tooltip("\n".join(row.stances)) if row.stances else "")
        top.insertChild(i, child)
        self.items[q.id] = child
        self.rows[q.id] = row
        if row.entity is not None:
            self._speakers[row.entity.id] = self._speakers.get(row.entity.id, 0) + 1
        self._count(row.group)

    def _new_group(self, row: QuoteRow) -> QTreeWidgetItem:
        name = row.speaker or NO_SPEAKER
        top = QTreeWidgetItem([name, "", ""])
        top.setFont(0, self._bold)
        top.setData(0, ID_ROLE, row.entity.id if row.entity is not None else None)
        top.setData(0, NAME_ROLE, row.group)
        top.setData(0, SHOWN_ROLE, name)
        # groups in the order their speakers first speak; quotes with no speaker last
        if row.group:
            first = (row.quote.start, row.quote.end, row.quote.id)
            index = sum(1 for k, s in self._starts.items() if k and s and s[0] < first)
        else:
            index = len(self.groups)
        self.tree.insertTopLevelItem(index, top)
        top.setFirstColumnSpanned(True)  # a speaker's name takes the whole row
        self.groups[row.group] = top
        self._starts[row.group] = []
        return top

    def _take(self, qid: str) -> None:
        """Remove a quote's row (and its group when it was the last)."""
        row = self.rows.pop(qid, None)
        item = self.items.pop(qid, None)
        if row is None or item is None:
            return
        top = self.groups[row.group]
        starts = self._starts[row.group]
        i = bisect.bisect_left(starts, (row.quote.start, row.quote.end, row.quote.id))
        del starts[i]
        with self._taking_rows():
            top.removeChild(item)
        if row.entity is not None:
            left = self._speakers.get(row.entity.id, 1) - 1
            if left:
                self._speakers[row.entity.id] = left
            else:
                self._speakers.pop(row.entity.id, None)
        if not starts:
            with self._taking_rows():
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(top))
            del self.groups[row.group], self._starts[row.group]
        else:
            self._count(row.group)

    def _count(self, group: str) -> None:
        top = self.groups[group]
        n = len(self._starts[group])
        name = str(top.data(0, SHOWN_ROLE))
        top.setText(0, f"{name} ({n})")
        entity = self.session.annotation(top.data(0, ID_ROLE)) if self.session and top.data(0, ID_ROLE) else None
        top.setToolTip(0, tooltip(f"{name}\n{n} quote(s)" + (f"\n{entity.label} at {entity.start}" if entity else "")))

    def _after_edit(self) -> None:
        """The placeholder when there are no quotes; the current quote selected again."""
        if not self.items and self._empty is None:
            # across the three columns (in the first alone it read "No quotes in this article yet: ...")
            hint = "No quotes yet: select what was said, press q."
            self._empty = QTreeWidgetItem([hint])
            self._empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self._empty.setToolTip(0, hint)
            self.tree.addTopLevelItem(self._empty)
            self._empty.setFirstColumnSpanned(True)
        elif self.items and self._empty is not None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(self._empty))
            self._empty = None
        if self._current in self.items:
            self.select(self._current)

    def select(self, ann_id: str | None) -> None:
        """Show the current annotation's row as selected (or none)."""
        self._current = ann_id
        item = self.items.get(ann_id) if ann_id else None
        if item is None and ann_id:  # a speaker's entity: its row (walked to with the arrows, the
            # row lost its place and the next ↓ started again from the top, for ever on it)
            item = next((g for g in self.groups.values() if g.data(0, ID_ROLE) == ann_id), None)
        self.tree.blockSignals(True)
        if item is None:
            self.tree.clearSelection()
            self.tree.setCurrentItem(None)  # type: ignore[call-overload]
        elif (parent := item.parent()) is None or parent.isExpanded():  # a folded group stays folded
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
        else:
            self.tree.clearSelection()
        self.tree.blockSignals(False)

    def _on_tree_item(self, item: QTreeWidgetItem, _column: int) -> None:
        ann_id = item.data(0, ID_ROLE)
        if ann_id:
            self.quote_chosen.emit(str(ann_id))

    @contextmanager
    def _taking_rows(self) -> Iterator[None]:
        self._changing = True
        try:
            yield
        finally:
            self._changing = False

    def _on_tree_current(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        # the annotator's move, not the window's nor an edit's
        if item is not None and self.tree.hasFocus() and not self._changing:
            self._on_tree_item(item, 0)

    def quote_count(self) -> int:
        return len(self.items)
