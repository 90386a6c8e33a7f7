"""The window's Corpus menu (issue #18): search the project, the Entities and Disputes views,
the stance map, and linking a DISPUTE annotation to a shared disputed point.  Each view is a
dock made when first asked for; a hit or a stance opens its document at the place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDockWidget, QInputDialog, QWidget

from newsmark.core.errors import NewsmarkError
from newsmark.corpus import disputes, entities


class EditEntities(QUndoCommand):
    """Merging, renaming, identifying or splitting canonical entities: undo puts the entities
    back as they were before, redo as they were after (corpus.entities.snapshot)."""

    def __init__(self, menu: CorpusMenu, text: str, change: Callable[[], object]) -> None:
        super().__init__(text)
        self.menu, self.change = menu, change
        self.before = entities.snapshot(menu.window.project)
        self.after: entities.Snapshot | None = None
        self.refused: NewsmarkError | None = None

    def redo(self) -> None:
        project = self.menu.window.project
        if self.after is None:  # the first time
            try:
                self.change()
            except NewsmarkError as e:
                self.refused = e
                self.setObsolete(True)  # nothing changed: nothing to undo
                return
            self.after = entities.snapshot(project)
            if self.after == self.before:
                self.setObsolete(True)
            return
        entities.restore(project, self.after)
        self.menu.entities_restored()

    def undo(self) -> None:
        entities.restore(self.menu.window.project, self.before)
        self.menu.entities_restored()


class CorpusMenu:
    """Installed by the main window; holds the views it makes."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        self.search: Any = None
        self.entities: Any = None
        self.disputes: Any = None
        self.stance_map: Any = None
        m = window.menuBar().addMenu("&Corpus")
        # the shortcut that opens a panel closes it again (the ✕ alone closed it); so does Esc
        # in it (MainWindow.clear_current asks close_focused first)
        window._action(m, "&Search the project…", lambda: self.toggle("search", self.show_search), "Ctrl+Shift+F",
                       "Words, phrases, labels, speakers… across every article (again: close)")
        window._action(m, "&Entities", lambda: self.toggle("entities", self.show_entities), "Ctrl+Shift+N",
                       "Every entity across the articles; merge names into canonical entities (again: close)")
        window._action(m, "&Disputed points", lambda: self.toggle("disputes", self.show_disputes), "Ctrl+Shift+P",
                       "Every disputed point with every stance on it (again: close)")
        window._action(m, "Stance &map", lambda: self.toggle("stance_map", self.show_stance_map), "Ctrl+Shift+M",
                       "Speakers × disputed points, coloured by stance (again: close)")
        m.addSeparator()
        window._action(m, "&Link the disputed point to a shared one…", self.link_dispute, "Ctrl+Shift+J",
                       "Share the selected DISPUTE annotation's point with other articles")

    def _dock(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        dock = self.docks.get(key)
        if dock is None:
            dock = self.window._dock(title, widget, Qt.DockWidgetArea.BottomDockWidgetArea)
            for view in widget.findChildren(QAbstractItemView):  # Tab leaves a table, not walks its cells
                view.setTabKeyNavigation(False)
            others = [d for k, d in self.docks.items() if k != key]
            if others:
                self.window.tabifyDockWidget(others[0], dock)
            self.docks[key] = dock
            dock.show()
            # a new dock below the article got a strip of ~70 px (the stance map's top edge only):
            # two fifths of the window, the article keeps the rest
            target = self.window.height() * 2 // 5
            if dock.height() < target:
                self.window.resizeDocks([dock], [target], Qt.Orientation.Vertical)
        dock.show()
        dock.raise_()
        return dock

    def shown(self, key: str) -> bool:
        """Whether the panel is open and in front (not a tab behind another panel)."""
        dock = self.docks.get(key)
        return dock is not None and dock.isVisible() and not dock.visibleRegion().isEmpty()

    def toggle(self, key: str, show: Callable[[], None]) -> None:
        """The panel's shortcut: open it (or bring its tab to the front), or close it when it is
        in front already."""
        if self.shown(key):
            self.close(key)
        else:
            show()

    def close(self, key: str) -> None:
        """Close a panel; the annotator goes on in the article."""
        dock = self.docks.get(key)
        if dock is not None:
            dock.close()
        self.window.article.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_focused(self) -> bool:
        """Esc: close the panel the focus is in; False when the focus is in none."""
        focus = QApplication.focusWidget()
        for key, dock in self.docks.items():
            if focus is not None and dock.isVisible() and dock.isAncestorOf(focus):
                self.close(key)
                return True
        return False

    def open_at(self, doc_id: str, start: int, end: int, ann_id: str = "") -> None:
        w = self.window
        if w.doc_id != doc_id:
            w.open_document(doc_id)
        if ann_id and w.session.annotation(ann_id) is not None:
            w.select_annotation(ann_id)
        else:
            w.article.select_span(start, end)
        w.article.setFocus()

    def show_search(self) -> None:
        if self.search is None:
            from newsmark.gui.widgets.search_results import SearchPanel

            self.search = SearchPanel(self.window.project)
            self.search.hit_activated.connect(self.open_at)
        self._dock("search", "Search the project", self.search)
        sel = self.window.article.textCursor().selectedText()
        if sel and "\u2029" not in sel and not self.search.query.text():
            self.search.query.setText(sel)
        self.search.focus()

    def show_entities(self) -> None:
        if self.entities is None:
            from newsmark.gui.widgets.entities_view import EntitiesView

            self.entities = EntitiesView(self.window.project, edit=self._edit_entities)
            self.entities.entity_chosen.connect(self._on_entities_entity_chosen)
            self.entities.changed.connect(self.window.quotes_panel.entities_changed)
        self._dock("entities", "Entities", self.entities)
        self.entities.refresh()
        self.entities.focus()  # typed names went to the article, where letters are label keys

    def _edit_entities(self, text: str, change: Callable[[], object]) -> None:
        """A change to the canonical entities as one step of the window's undo stack (a
        refusal is raised, for the view to say)."""
        command = EditEntities(self, text, change)
        self.window.undo_stack.push(command)
        if command.refused is not None:
            raise command.refused

    def entities_restored(self) -> None:
        """After an undo or redo of an entity edit: the views and panels that name entities."""
        if self.entities is not None:
            self.entities.refresh()
        self.window.quotes_panel.entities_changed()

    def _on_entities_entity_chosen(self, label: str, name: str) -> None:
        self.show_search()
        self.search.query.setText(f'"{name}"')
        self.search.label.setCurrentIndex(max(0, self.search.label.findText(label)))
        self.search.run()

    def show_disputes(self) -> None:
        if self.disputes is None:
            from newsmark.gui.widgets.disputes_view import DisputesView

            self.disputes = DisputesView(self.window.project)
            self.disputes.stance_activated.connect(self.open_at)
        self._dock("disputes", "Disputed points", self.disputes)
        self.disputes.refresh()
        self.disputes.focus()  # the arrows moved the article's caret

    def show_stance_map(self) -> None:
        if self.stance_map is None:
            from newsmark.gui.widgets.stance_map import StanceMapView

            self.stance_map = StanceMapView(self.window.project)
        self._dock("stance_map", "Stance map", self.stance_map)
        self.stance_map.refresh()
        self.stance_map.focus()  # the arrows scroll the map, Esc closes it

    def link_dispute(self, choice: str | None = None) -> None:
        w = self.window
        ann = w._current_annotation()
        project = w.project
        if ann is None or w.doc_id is None or w.labels.get(ann.label) is None or w.labels[ann.label].layer != "dispute":
            w.statusBar().showMessage("Select a disputed point (a DISPUTE annotation) first.", 4000)
            return
        points = project.conn.execute("SELECT id, proposition FROM disputes ORDER BY proposition").fetchall()
        new = "New shared point: " + str(ann.attributes.get("proposition") or ann.text)
        options = [new, *(f"{prop}  [{pid}]" for pid, prop in points)]
        if choice is None:
            choice, ok = QInputDialog.getItem(w, "Shared disputed point", "Link to:", options, 0, False)
            if not ok:
                return
        try:
            if choice == new:
                parties = ann.attributes.get("parties")
                pid = disputes.add_point(project, str(ann.attributes.get("proposition") or ann.text),
                                         [str(p) for p in parties] if isinstance(parties, list) else None)
            else:
                pid = points[options.index(choice) - 1][0]
            disputes.link(project, w.doc_id, ann.id, pid)
        except (NewsmarkError, ValueError) as e:
            w.statusBar().showMessage(str(e), 6000)
            return
        w.statusBar().showMessage("Linked to the shared disputed point.", 4000)
        if self.disputes is not None:
            self.disputes.refresh()
