"""The main window: document list, the article, and the panels around it.

Everything an annotator does is an action with a shortcut (Help > Keyboard shortcuts lists
them); every edit is an undo command over the store, committed when it is made.
"""

from __future__ import annotations

import gc
import re
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from newsmark import APP_NAME, __version__
from newsmark.core.errors import NewsmarkError
from newsmark.core.model import STATUSES, Annotation, Label
from newsmark.core.schema import label_matches
from newsmark.core.wording import counted
from newsmark.gui import commands as cmd
from newsmark.gui.corpus_menu import CorpusMenu
from newsmark.gui.label_keys import LabelKeysInLists
from newsmark.gui.linking import Linker, short
from newsmark.gui.models.annotations import AnnotationFilter, AnnotationListModel
from newsmark.gui.models.documents import DocumentListModel, status_column_width
from newsmark.gui.models.session import Session
from newsmark.gui.plain import escape, plain_label
from newsmark.gui.shortcuts import keys, readable, sequences
from newsmark.gui.tab_order import TabOrder
from newsmark.gui.undo_actions import UndoRedo
from newsmark.gui.widgets.article import ArticleView
from newsmark.gui.widgets.document_list import DocumentListKeys
from newsmark.gui.widgets.find_bar import MAX_SHOWN, FindBar, next_match
from newsmark.gui.widgets.links import LinkOverlay
from newsmark.gui.widgets.panels import AttributeEditor, LabelPalette, RelationPanel
from newsmark.gui.widgets.quotes_panel import QuotesPanel
from newsmark.gui.widgets.tags import LabelTags
from newsmark.store.project import Project

QUOTE_LAYER = "quote"


class MainWindow(QMainWindow):
    def __init__(self, project: Project, settings: QSettings | None = None) -> None:
        super().__init__()
        self.project = project
        self.settings = settings or QSettings()
        self.session = Session(project, annotator=str(self.settings.value("annotator", "") or "") or None)
        self.undo_stack = QUndoStack(self)
        self.current: str | None = None  # id of the current annotation
        self._entity_names_cache: list[str] | None = None  # see _entity_names
        self._transfer: Any = None  # the running import or export (thread, worker, dialog)
        self.data_version = 0  # the project's PRAGMA data_version last seen (app.py's watcher)
        self._notice: Any = None  # the last non-blocking message
        self.help_dialog: QDialog | None = None
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)
        self._following_scheme = True
        from newsmark.gui.app import app_icon

        self.setWindowIcon(app_icon())
        self.snap = bool(self.settings.value("snap_to_words", True, type=bool))
        self._load_schema()
        self._build()
        self._actions()
        self._connect()
        from newsmark.gui.suggestions import Suggestions

        self.suggestions = Suggestions(self)  # issue #16: ghost spans, its own menu and worker process
        self.setWindowTitle(f"{APP_NAME} — {project.path.name}")
        self.restoreGeometry(self.settings.value("geometry", b""))  # type: ignore[arg-type]
        self.restoreState(self.settings.value("window_state", b""))  # type: ignore[arg-type]
        self._apply_font()
        last = str(self.settings.value(f"last_document/{project.path}", "") or "")
        if last and last in self.doc_model.row_of:
            self.open_document(last)
        elif self.doc_model.visible:
            self.open_document(self.doc_model.doc_id(0))

    # ------------------------------------------------------------------ set-up
    def _load_schema(self) -> None:
        self.schema = self.project.schema()
        self.labels: dict[str, Label] = {lab.name: lab for lab in self.schema.labels}
        self.colours: dict[str, QColor] = {}
        self._theme_colours()
        self.key_to_label = {lab.shortcut: lab.name for lab in self.schema.labels if lab.shortcut}

    def _build(self) -> None:
        # centre: title, metadata, find bar, the article
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.title = plain_label(QLabel())  # document content is never rich text (plain.py)
        self.title.setWordWrap(True)
        self.title.setContentsMargins(28, 10, 28, 0)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.meta = plain_label(QLabel())
        self.meta.setContentsMargins(28, 2, 28, 6)
        self.meta.setStyleSheet("color: palette(mid);")
        self.meta.setWordWrap(True)
        self.find_bar = FindBar()
        self.article = ArticleView()
        self.article.label_keys = set(self.key_to_label)
        self.article.tooltip_provider = self.span_tooltip
        self.tags = LabelTags(self.article, self.session, self.article.spaced_layout)
        self.links = LinkOverlay(self.article, self.session)
        self.links.colours = self.colours
        self.linker = Linker(self)
        for w in (self.title, self.meta, self.find_bar, self.article):
            layout.addWidget(w)
        self.setCentralWidget(centre)

        # left: documents
        docs = QWidget()
        dl = QVBoxLayout(docs)
        dl.setContentsMargins(4, 4, 4, 4)
        self.doc_search = QLineEdit()
        self.doc_search.setPlaceholderText("Filter documents by title")
        self.doc_search.setClearButtonEnabled(True)
        self.doc_status = QComboBox()
        self.doc_status.addItems(["all statuses", *STATUSES])
        dl.addWidget(self.doc_search)
        dl.addWidget(self.doc_status)
        self.doc_model = DocumentListModel(self.project)
        self.doc_model.dark = self._dark()
        # a table view paints only the rows on screen (a tree view lays out every row)
        self.doc_view = QTableView()
        self._table_look(self.doc_view)
        self.doc_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.doc_view.setModel(self.doc_model)
        header = self.doc_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # fixed widths: sizing to contents would measure every row of a 100,000-row list
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, max(80, status_column_width(self.doc_view)))
        header.resizeSection(2, 90)
        header.setStretchLastSection(False)
        # a title is read from its start ("Die elektronische Patientenakte im Gesund…"); the whole in its tooltip
        self.doc_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        dl.addWidget(self.doc_view)
        self.doc_dock = self._dock("Documents", docs, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.quotes_panel = QuotesPanel()
        said_by = self.schema.relation_type("said_by")  # quotes are what a speaker is linked from
        self.quotes_panel.follow(self.session, {n for n, lab in self.labels.items() if said_by is not None
                                                and label_matches(lab, said_by.from_labels)} or {"QUOTE"})
        self.quotes_dock = self._dock("Quotes", self.quotes_panel, Qt.DockWidgetArea.LeftDockWidgetArea)

        # right: labels, annotations, attributes and links
        self.palette_widget = LabelPalette()
        self.palette_widget.set_labels(self.schema.labels, self.colours)
        self.palette_dock = self._dock("Labels", self.palette_widget, Qt.DockWidgetArea.RightDockWidgetArea)
        anns = QWidget()
        al = QVBoxLayout(anns)
        al.setContentsMargins(4, 4, 4, 4)
        self.ann_choice = QComboBox()
        self.ann_choice.addItem("all annotations", "")
        layers = list(dict.fromkeys(lab.layer for lab in self.schema.labels))
        for layer in layers:
            self.ann_choice.addItem(f"layer: {layer}", f"layer:{layer}")
        for lab in self.schema.labels:
            self.ann_choice.addItem(lab.name, lab.name)
        self.ann_search = QLineEdit()
        self.ann_search.setPlaceholderText("Filter by text")
        self.ann_search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        filters.addWidget(self.ann_choice)
        filters.addWidget(self.ann_search)
        al.addLayout(filters)
        self.ann_model = AnnotationListModel()
        self.ann_model.colours = self.colours
        self.ann_model.layers = {n: lab.layer for n, lab in self.labels.items()}
        self.ann_filter = AnnotationFilter()
        self.ann_filter.setSourceModel(self.ann_model)
        self.ann_view = QTableView()
        self.ann_view.setModel(self.ann_filter)
        self._table_look(self.ann_view)
        self.ann_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # sortable by each column; until a header is clicked, in text order
        self.ann_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.ann_view.setSortingEnabled(True)
        self.ann_view.horizontalHeader().setSortIndicatorClearable(True)  # a third click: text order
        # in text order the proxy must not sort at all: Qt's dynamic sorting by "no column" spent
        # 7 s on opening a 20,000-annotation article (benchmarks/bench_window.py)
        self.ann_filter.setDynamicSortFilter(False)
        self.ann_view.horizontalHeader().sortIndicatorChanged.connect(
            lambda section, _order: self.ann_filter.setDynamicSortFilter(section >= 0))
        al.addWidget(self.ann_view)
        self.ann_dock = self._dock("Annotations", anns, Qt.DockWidgetArea.RightDockWidgetArea)
        detail = QWidget()
        dtl = QVBoxLayout(detail)
        dtl.setContentsMargins(0, 0, 0, 0)
        self.attr_editor = AttributeEditor()
        self.relation_panel = RelationPanel()
        dtl.addWidget(self.attr_editor)
        dtl.addWidget(QLabel("  Links"))
        dtl.addWidget(self.relation_panel)
        self.detail_dock = self._dock("Selected annotation", detail, Qt.DockWidgetArea.RightDockWidgetArea)
        # the annotation list gets most of the right column, the documents most of the left
        # (until the annotator's own layout is restored)
        self.resizeDocks([self.palette_dock, self.ann_dock, self.detail_dock], [130, 460, 300],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.doc_dock, self.quotes_dock], [420, 400], Qt.Orientation.Vertical)
        self.resizeDocks([self.doc_dock, self.ann_dock], [380, 400], Qt.Orientation.Horizontal)
        # the corpus views opened below the article (search, entities…) sit between the side
        # columns, as an IDE's panel does: the annotation and document lists keep their height
        # (spanning the window, the search squeezed the annotation list to three rows)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.statusBar().showMessage("Select text and press a label's key; F1 lists every shortcut.")
        self.resize(1400, 900)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_"))
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    @staticmethod
    def _table_look(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(22)
        # rows of one height: the view need not measure them (20,000 annotations, 100,000 documents)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            seqs = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in seqs])
        if tip:
            action.setStatusTip(tip)
        # with no argument: triggered's `checked` (False) was taken for a slot's optional first
        # argument (Ctrl+Alt+A accepted the suggestions of the label False: none, silently)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _actions(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&File")
        self._action(m, "&Import files…", self.import_files, "Ctrl+I", "Import articles and annotated files")
        self._action(m, "Import &folder…", self.import_folder, "Ctrl+Shift+I")
        self._action(m, "&Export…", self.export_project, "Ctrl+Shift+E", "Export the project")
        self._action(m, "&Render article…", self.render_document, "Ctrl+Shift+R",
                     "Save the annotated article as HTML, PDF or PNG")
        self._action(m, "&Merge annotators' files…", self.merge_files, None,
                     "Bring annotators' project files into this project")
        m.addSeparator()
        self._action(m, "&Preferences…", self.preferences, sequences("preferences"))
        m.addSeparator()
        self._action(m, "&Quit", self.close, sequences("quit"))

        m = bar.addMenu("&Edit")
        self.undo_redo = UndoRedo(self)  # a redo selects again what was selected when undone
        undo, redo = self.undo_redo.undo_action, self.undo_redo.redo_action
        undo.setShortcuts(sequences("undo"))
        redo.setShortcuts(sequences("redo"))
        for a, name in ((undo, "Undo"), (redo, "Redo")):
            a.setProperty("help_text", name)  # their text names the edit: the shortcut list must not
            m.addAction(a)
            self.addAction(a)
        # said in the status bar (the edit's own "… — Ctrl+Z undoes" stayed there once undone),
        # unless the undo was refused and said why
        self._undo_refused = False
        undo.triggered.connect(lambda: self._said_undone("Undone", self.undo_stack.redoText()))
        redo.triggered.connect(lambda: self._said_undone("Redone", self.undo_stack.undoText()))
        m.addSeparator()
        self._action(m, "&Delete annotation", self.delete_current, ["Del", "Backspace"])
        self._action(m, "Start ←", lambda: self.adjust(start=-1), "Alt+Left", "Move the start one character left")
        self._action(m, "Start →", lambda: self.adjust(start=+1), "Alt+Right")
        self._action(m, "End ←", lambda: self.adjust(end=-1), "Alt+Shift+Left")
        self._action(m, "End →", lambda: self.adjust(end=+1), "Alt+Shift+Right")
        self._action(m, "Start a word ←", lambda: self.adjust_word(start=-1), keys("start_word_left"),
                     "Move the start to the previous word boundary")
        self._action(m, "Start a word →", lambda: self.adjust_word(start=+1), keys("start_word_right"))
        self._action(m, "End a word ←", lambda: self.adjust_word(end=-1), keys("end_word_left"))
        self._action(m, "End a word →", lambda: self.adjust_word(end=+1), keys("end_word_right"))
        self.snap_action = self._action(m, "&Snap selections to words", self.toggle_snap, keys("snap"),
                                        "Off: tag exactly the selected characters")
        self.snap_action.setCheckable(True)
        self.snap_action.setChecked(self.snap)
        m.addSeparator()
        self._action(m, "&Find…", self.open_find, sequences("find"))
        self._action(m, "Find &next", lambda: self.find_step(+1), sequences("find_next"))
        self._action(m, "Find &previous", lambda: self.find_step(-1), sequences("find_previous"))

        m = bar.addMenu("&Annotate")
        self.speaker_action = self._action(
            m, "Attribute quote to &speaker…", self.attribute_speaker, "Ctrl+Shift+S",
            "The proposed speaker and cue verb of the selected quote (or the quote at the caret): Enter accepts")
        self.cue_action = self._action(
            m, "Mark the quote's &cue", self.mark_cue, "Ctrl+Shift+C",
            "The selected text, or the cue verb found next to the quote (Ctrl+click a CUE: the same)")
        self.stance_action = self._action(
            m, "Stance on a disputed point…", lambda: self.link_stance(), "Ctrl+Shift+D",
            "Choose the disputed point and press s, o or n (Ctrl+click a DISPUTE: the same)")
        self._action(m, "Remove &link", self.remove_link, "Ctrl+Shift+L")
        m.addSeparator()
        self._action(m, "Next annotation", lambda: self.step_annotation(+1), "Ctrl+]")
        self._action(m, "Previous annotation", lambda: self.step_annotation(-1), "Ctrl+[")
        self._action(m, "Clear selection", self.clear_current, "Esc")
        self._action(m, "Edit the annotation's attributes", self.edit_attributes, "F2",
                     "Type in the selected annotation's fields; Esc or Enter goes back to the article")

        m = bar.addMenu("&Document")
        self._action(m, "&Next document", lambda: self.step_document(+1), ["Ctrl+PgDown", "Alt+Down"])
        self._action(m, "&Previous document", lambda: self.step_document(-1), ["Ctrl+PgUp", "Alt+Up"])
        self._action(m, "Mark &done and go to next", self.done_and_next, "Ctrl+Return")
        for i, status in enumerate(STATUSES, start=1):
            self._action(m, f"Mark {status}", lambda _=False, s=status: self.set_status(s), f"Ctrl+{i}")

        m = bar.addMenu("&View")
        self._action(m, "Zoom &in", lambda: self.zoom(+1), sequences("zoom_in"))
        self._action(m, "Zoom &out", lambda: self.zoom(-1), sequences("zoom_out"))
        self._action(m, "Focus the &article", lambda: self.article.setFocus(), "Ctrl+0")
        self._action(m, "Focus the document &list", lambda: self.doc_view.setFocus(), "Ctrl+L")
        self.all_links_action = self._action(m, "Show every &link", self.toggle_all_links, "Ctrl+Shift+K",
                                             "Draw every link of the visible part of the article")
        self.all_links_action.setCheckable(True)
        self.all_links_action.setChecked(bool(self.settings.value("show_all_links", False, type=bool)))
        self.links.set_show_all(self.all_links_action.isChecked())
        self.tags_action = self._action(m, "Show label &tags", self.toggle_tags, "Ctrl+Shift+T",
                                        "Write each annotation's label above its first word")
        self.tags_action.setCheckable(True)
        self.tags_action.setChecked(bool(self.settings.value("show_label_tags", False, type=bool)))
        self.tags.set_shown(self.tags_action.isChecked())
        for dock in (self.doc_dock, self.quotes_dock, self.palette_dock, self.ann_dock, self.detail_dock):
            m.addAction(dock.toggleViewAction())

        m = bar.addMenu("&Team")
        self._action(m, "&Agreement…", self.show_agreement, "F7", "Agreement between the annotators")
        self._action(m, "A&djudication…", self.show_adjudication, "F8", "Settle the annotators' disagreements")
        self.corpus = CorpusMenu(self)  # search, entities, disputes, stance map (gui/corpus_menu.py)
        self.tab_order = TabOrder(self)  # Tab follows the work (gui/tab_order.py)

        m = bar.addMenu("&Help")
        self._action(m, "&Keyboard shortcuts", self.show_help, sequences("help"))
        self._action(m, "&About Newsmark", self.about)

    def _connect(self) -> None:
        s = self.session
        s.annotation_added.connect(self._on_session_annotation_added)
        s.annotation_removed.connect(self._on_session_annotation_removed)
        s.annotation_changed.connect(self._on_session_annotation_changed)
        s.relations_changed.connect(self._refresh_detail)
        s.relations_changed.connect(self.links.reset)
        s.status_changed.connect(self._on_session_status_changed)
        s.undo_refused.connect(self._on_session_undo_refused)
        self.article.label_key.connect(self._on_article_label_key)
        self.article.span_clicked.connect(self._on_article_span_clicked)
        # a click on plain text lets go of the selected annotation: no key acts on it unseen
        self.article.empty_clicked.connect(lambda: self.select_annotation(None, reveal=False))
        self.article.span_pointed.connect(self.linker.on_span_pointed)
        self.article.cursorPositionChanged.connect(self.linker.update_actions)
        self.article.selectionChanged.connect(self.linker.update_actions)
        self.palette_widget.label_chosen.connect(lambda name: self.apply_label(name, all_occurrences=False))
        self.doc_view.selectionModel().currentRowChanged.connect(self._on_doc_view_row)
        self.doc_keys = DocumentListKeys(self.doc_view, self.doc_model, self.doc_search)
        self.list_label_keys = LabelKeysInLists((self.ann_view, self.quotes_panel.tree),
                                                lambda: self.article.label_keys, self._on_article_label_key)
        self.doc_keys.article_wanted.connect(self.article.setFocus)
        self.doc_search.textChanged.connect(self._on_doc_filter)
        self.doc_status.currentTextChanged.connect(self._on_doc_filter)
        self.ann_choice.currentIndexChanged.connect(
            lambda _i: self.ann_filter.set_choice(str(self.ann_choice.currentData() or "")))
        self.ann_view.clicked.connect(self._on_ann_view_clicked)
        self.ann_search.textChanged.connect(self.ann_filter.set_text)
        self.ann_search.textChanged.connect(lambda _t: self._show_current_in_list())
        self.ann_choice.currentIndexChanged.connect(lambda _i: self._show_current_in_list())
        self.quotes_panel.quote_chosen.connect(self.select_annotation)
        self.ann_view.activated.connect(self._on_ann_view_clicked)
        # walked with the arrow keys, the annotation reached is selected, as a click selects it
        self.ann_view.selectionModel().currentRowChanged.connect(
            lambda index, _prev: self._on_ann_view_clicked(index)
            if self.ann_view.hasFocus() and not self.ann_filter.changing else None)
        self.attr_editor.attributes_edited.connect(self._on_attributes_edited)
        self.attr_editor.note_edited.connect(self._on_note_edited)
        self.attr_editor.editing_left.connect(self.article.setFocus)
        self.relation_panel.remove_requested.connect(self._remove_relation)
        self.relation_panel.speaker_requested.connect(self.attribute_speaker)
        self.relation_panel.cue_requested.connect(self.mark_cue)
        self.relation_panel.stance_requested.connect(lambda: self.link_stance())
        self.relation_panel.jump_requested.connect(self.select_annotation)
        self.find_bar.search_changed.connect(self._on_find_text)
        self.find_bar.step_requested.connect(self.find_step)
        self.find_bar.closed.connect(self._on_find_bar_closed)

    # ------------------------------------------------------------------ documents
    @property
    def doc_id(self) -> str | None:
        return self.session.document.id if self.session.document else None

    def open_document(self, doc_id: str) -> None:
        self.attr_editor.flush()
        doc = self.session.open_document(doc_id)
        self.current = None
        self._entity_names_cache = None
        # the speaker field's list of entity names, made while idle rather than on the first
        # quote tagged (30 ms for an article of 20,000 annotations)
        QTimer.singleShot(0, self, lambda: self.attr_editor.offer_entities(self._entity_names()))
        self.title.setText(doc.title)
        bits = [doc.meta.get(k) for k in ("site", "author", "date", "language", "url", "source_file")]
        self.meta.setText(" · ".join(str(b) for b in bits if b) + f" · {doc.status} · {doc.id}")
        self.article.show_text(doc.text, doc.annotations, self.colours)
        self.suggestions.document_opened(doc)
        self._on_find_text()
        self.quotes_panel.schedule()
        self.linker.reset()
        self.links.reset()
        self.ann_model.set_annotations(doc.annotations)
        self._refresh_detail()
        self.settings.setValue(f"last_document/{self.project.path}", doc_id)
        self._select_doc_row()
        if not self.doc_keys.keeps_focus():  # walking the list with the arrows: the focus stays there
            self.article.setFocus()
        # the document's objects (20,000 annotations and their spans) are long-lived: kept out
        # of the collector's full passes, which otherwise stop the window 50-140 ms now and then
        gc.freeze()

    def _select_doc_row(self) -> None:
        row = self.doc_model.view_row(self.doc_id) if self.doc_id else None
        if row is not None and self.doc_view.currentIndex().row() != row:
            self.doc_view.selectionModel().blockSignals(True)
            self.doc_view.setCurrentIndex(self.doc_model.index(row, 0))
            self.doc_view.selectionModel().blockSignals(False)
        elif row is None:  # filtered out (undo, a search result opened it): no other row shown as it
            self.doc_view.selectionModel().clear()

    def _on_doc_filter(self, _text: str = "") -> None:
        status = self.doc_status.currentText()
        self.doc_model.set_filter(self.doc_search.text(), None if status == "all statuses" else status)
        self._select_doc_row()

    def _on_doc_view_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            doc_id = self.doc_model.data(current, Qt.ItemDataRole.UserRole)
            if doc_id != self.doc_id:
                self.open_document(str(doc_id))

    def step_document(self, delta: int) -> None:
        rows = self.doc_model.rowCount()
        if not rows:
            return
        row = self.doc_view.currentIndex().row()
        row = max(0, min(rows - 1, row + delta))
        index = self.doc_model.index(row, 0)
        self.doc_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def set_status(self, status: str) -> None:
        if self.doc_id is not None:
            self._push(cmd.SetStatus(self.session, self.doc_id, status))

    def done_and_next(self) -> None:
        self.set_status("done")
        last = self.doc_view.currentIndex().row() >= self.doc_model.rowCount() - 1
        self.step_document(+1)
        if last and self.doc_model.remaining():  # say so, rather than silently staying here
            self.statusBar().showMessage(f"That was the last document of the list; {self.doc_model.remaining()} "
                                         "of the project are not done yet.", 10000)

    def _on_session_status_changed(self, doc_id: str, status: str) -> None:
        self.doc_model.set_document_status(doc_id, status)
        if doc_id == self.doc_id and self.session.document:
            doc = self.session.document
            bits = [doc.meta.get(k) for k in ("site", "author", "date", "language", "url", "source_file")]
            self.meta.setText(" · ".join(str(b) for b in bits if b) + f" · {status} · {doc.id}")
        if status == "done" and not self.doc_model.remaining():
            self.statusBar().showMessage(f"Marked done: all {len(self.doc_model.rows)} documents of the project "
                                         "are done.", 15000)
        else:
            self.statusBar().showMessage(f"Marked {status}", 3000)

    def external_change(self) -> None:
        """Another program changed the project: show its new documents, and reload the article
        when it was the one changed (the undo history is kept; an undo that no longer fits
        says so)."""
        current_doc = self.doc_id
        before = self.session.document.updated if self.session.document else None
        self.doc_model.refresh()
        if current_doc and self.project.has_document(current_doc):
            now = self.project.document(current_doc, with_annotations=False).updated
            if now != before:
                keep = self.current
                self.open_document(current_doc)
                if keep and self.session.annotation(keep):
                    self.select_annotation(keep, reveal=False)
        self.suggestions.seen()
        self.statusBar().showMessage("The project was changed by another program: list refreshed.", 5000)

    def sync_data_version(self) -> None:
        """Take the project's changes so far as seen (its own import just finished)."""
        self.data_version = self.project.conn.execute("PRAGMA data_version").fetchone()[0]
        self.suggestions.seen()

    def writing_in_background(self) -> bool:
        """Whether the window's own import or export is running (in its thread), or its
        suggestions' worker is storing what it computed (in its process)."""
        return self._transfer is not None and self._transfer[0].isRunning() or self.suggestions.computing

    def refresh_documents(self) -> None:
        self.sync_data_version()
        self.doc_model.refresh()
        self._select_doc_row()
        if self.doc_id is None and self.doc_model.visible:
            self.open_document(self.doc_model.doc_id(0))

    # ------------------------------------------------------------------ editing
    def _push(self, command: Any) -> bool:
        doc = self.session.document
        # the first edit of a new document starts the work: it marks the document "in progress"
        # in the same undo step, so that undoing that edit makes the document new again
        first = doc is not None and doc.status == "new" and not isinstance(command, cmd.SetStatus)
        if first:
            self.undo_stack.beginMacro(command.text())
        refused: NewsmarkError | None = None
        try:
            self.undo_stack.push(command)
            if first:
                assert doc is not None
                self.undo_stack.push(cmd.SetStatus(self.session, doc.id, "in progress"))
        except NewsmarkError as e:  # the edit was refused (and nothing was stored)
            refused = e
        finally:
            if first:
                self.undo_stack.endMacro()
        if refused is None:
            return True
        if first:  # the macro begun for it is empty: an obsolete step is dropped by its undo
            step = self.undo_stack.command(self.undo_stack.index() - 1)
            if step is not None and step.childCount() == 0:
                step.setObsolete(True)
                self.undo_stack.undo()
        self.statusBar().showMessage(str(refused), 10000)  # say why
        return False

    def _on_session_undo_refused(self, why: str) -> None:
        self._undo_refused = True
        self.statusBar().showMessage(why, 10000)

    def _said_undone(self, done: str, text: str) -> None:
        if self._undo_refused:
            self._undo_refused = False
            return
        self.statusBar().showMessage(f"{done}: {text}", 5000)

    def _macro(self, text: str) -> Any:
        window = self

        class Macro:
            def __enter__(self) -> None:
                window.undo_stack.beginMacro(text)

            def __exit__(self, *exc: object) -> None:
                window.undo_stack.endMacro()

        return Macro()

    def _on_article_label_key(self, key: str, shift: bool) -> None:
        label = self.key_to_label.get(key)
        if label:
            self.apply_label(label, all_occurrences=shift)

    def apply_label(self, label: str, all_occurrences: bool = False) -> None:
        if self.doc_id is None:
            return
        sel = self.article.selection(self.snap)
        if sel is not None:
            if all_occurrences:
                self.tag_all(sel, label)
            elif self._push(cmd.AddAnnotation(self.session, self.doc_id, sel[0], sel[1], label,
                                              self.linker.inferred_attributes(label, sel[0], sel[1], {}))):
                self._clear_text_selection()
        elif self.current is not None:
            ann = self.session.annotation(self.current)
            if ann is not None and ann.label != label:
                changes: dict[str, Any] = {"label": label}
                attrs = self.linker.inferred_attributes(label, ann.start, ann.end, ann.attributes)
                if attrs != ann.attributes:
                    changes["attributes"] = attrs
                if self._push(cmd.UpdateAnnotation(self.session, self.doc_id, ann.id, f"label {label}", **changes)):
                    self.statusBar().showMessage(
                        f"{ann.label} → {label}: {short(ann.text)} — Ctrl+Z undoes", 8000)
        else:
            self.statusBar().showMessage("Select some text first, then press the label's key.", 4000)

    def tag_all(self, sel: tuple[int, int], label: str) -> None:
        assert self.session.document is not None and self.doc_id is not None
        text = self.session.document.text
        needle = text[sel[0]:sel[1]]
        existing = {(a.start, a.end, a.label) for a in self.session.document.annotations}
        spans = []
        for m in re.finditer(re.escape(needle), text):
            s, e = m.span()
            if self.snap and ((s > 0 and text[s - 1].isalnum()) or (e < len(text) and text[e].isalnum())):
                continue  # not a whole-word occurrence
            if (s, e, label) not in existing:
                spans.append((s, e))
        if not spans:
            self.statusBar().showMessage("Every occurrence is already tagged.", 4000)
            return
        with self._macro(f"tag {len(spans)} × {label}"):
            for s, e in spans:
                self._push(cmd.AddAnnotation(self.session, self.doc_id, s, e, label))
        self._clear_text_selection()
        self.statusBar().showMessage(f"Tagged {counted(len(spans), 'occurrence')} of “{needle}” as {label}.", 5000)

    def _clear_text_selection(self) -> None:
        cursor = self.article.textCursor()
        cursor.clearSelection()
        self.article.setTextCursor(cursor)

    def delete_current(self) -> None:
        ann = self._current_annotation()
        if ann is not None and self.doc_id:
            links = len(self.session.relations_of(ann.id))
            if self._push(cmd.DeleteAnnotation(self.session, self.doc_id, ann.id)):
                also = f" and its {links} link{'s' if links > 1 else ''}" if links else ""
                self.statusBar().showMessage(f"Deleted {ann.label}: {short(ann.text)}{also} — Ctrl+Z undoes", 8000)

    def adjust(self, start: int = 0, end: int = 0) -> None:
        ann = self.session.annotation(self.current) if self.current else None
        if ann is None or self.doc_id is None:
            return
        s, e = ann.start + start, ann.end + end
        if 0 <= s < e <= len(self.article.text):
            self._push(cmd.UpdateAnnotation(self.session, self.doc_id, ann.id, "adjust span", start=s, end=e))

    def adjust_word(self, start: int = 0, end: int = 0) -> None:
        """Move a boundary of the current annotation to the next word boundary that way."""
        ann = self._current_annotation()
        if ann is None or self.doc_id is None:
            return
        text = self.article.text
        s = word_boundary(text, ann.start, start, "start") if start else ann.start
        e = word_boundary(text, ann.end, end, "end") if end else ann.end
        if 0 <= s < e <= len(text) and (s, e) != (ann.start, ann.end):
            self._push(cmd.UpdateAnnotation(self.session, self.doc_id, ann.id, "adjust span", start=s, end=e))

    def toggle_snap(self) -> None:
        self.snap = self.snap_action.isChecked()
        self.settings.setValue("snap_to_words", self.snap)
        self.statusBar().showMessage("Selections snap to whole words." if self.snap
                                     else "Selections are tagged exactly as selected.", 4000)

    def _on_attributes_edited(self, attributes: dict[str, Any]) -> None:
        if self.current and self.doc_id:
            self._push(cmd.UpdateAnnotation(self.session, self.doc_id, self.current, "edit attributes",
                                            attributes=attributes))

    def _on_note_edited(self, note: str) -> None:
        if self.current and self.doc_id:
            self._push(cmd.UpdateAnnotation(self.session, self.doc_id, self.current, "edit note",
                                            note=note or None))

    # ------------------------------------------------------------------ quotes and disputes
    def _current_annotation(self) -> Annotation | None:
        return self.session.annotation(self.current) if self.current else None

    def _entity_names(self) -> list[str]:
        """The article's entity names, each once, in text order; kept between calls (walking
        20,000 annotations on every add of a quote cost more than the add itself)."""
        if self._entity_names_cache is None:
            self._entity_names_cache = list(dict.fromkeys(a.text for a in self._entities()))
        return self._entity_names_cache

    def _entities(self) -> list[Annotation]:
        doc = self.session.document
        if doc is None:
            return []
        return [a for a in doc.annotations if self._is_entity(a)]

    def _is_entity(self, ann: Annotation) -> bool:
        return self.labels.get(ann.label, Label(ann.label)).layer == "entity"

    # speaker, cue and stance: gui/linking.py
    def attribute_speaker(self) -> None:
        self.linker.attribute_speaker()

    def set_speaker(self, quote_id: str, name: str, entities: list[Annotation] | None = None,
                    choices: list[str] | None = None) -> None:
        self.linker.set_speaker(quote_id, name, entities, choices)

    def mark_cue(self) -> None:
        self.linker.mark_cue()

    def link_stance(self, dispute_id: str | None = None) -> None:
        self.linker.link_stance(dispute_id)

    def add_stance(self, source_id: str, dispute_id: str, value: str) -> None:
        self.linker.add_stance(source_id, dispute_id, value)

    def toggle_all_links(self) -> None:
        on = self.all_links_action.isChecked()
        self.settings.setValue("show_all_links", on)
        self.links.set_show_all(on)

    def toggle_tags(self) -> None:
        on = self.tags_action.isChecked()
        self.settings.setValue("show_label_tags", on)
        self.tags.set_shown(on)

    def remove_link(self) -> None:
        item = self.relation_panel.list.currentItem() or self.relation_panel.list.item(0)
        if item is not None:
            self._remove_relation(item.data(Qt.ItemDataRole.UserRole))

    def _remove_relation(self, rel_id: str) -> None:
        if self.doc_id:
            self._push(cmd.DeleteRelation(self.session, self.doc_id, rel_id))

    # ------------------------------------------------------------------ current annotation
    def select_annotation(self, ann_id: str | None, reveal: bool = True) -> None:
        if ann_id != self.current:
            self.attr_editor.flush()  # what was typed for the annotation shown is stored first
        self.current = ann_id
        ann = self._current_annotation()
        self.article.mark_current(ann, self.colours.get(ann.label) if ann else None)
        if ann is not None and reveal:
            self.article.reveal(ann.start)
            self._clear_text_selection()
        self._show_current_in_list()
        self.quotes_panel.select(ann_id)
        self._refresh_detail()

    def _show_current_in_list(self) -> None:
        """The annotation list selects the current annotation's row, or none when it is filtered
        out (never the row that took its place: the keys act on the current one)."""
        row = self.ann_model.row_of(self.current) if self.current else None
        proxy = self.ann_filter.mapFromSource(self.ann_model.index(row, 0)) if row is not None else QModelIndex()
        if proxy.isValid():
            # (the view must hear of the change, or the old row stays painted as selected)
            self.ann_view.setCurrentIndex(proxy)
            self.ann_view.scrollTo(proxy)
        else:
            self.ann_view.selectionModel().clear()

    def edit_attributes(self) -> None:
        if not self.attr_editor.focus_first():
            self.statusBar().showMessage("Select an annotation first (click it, or Ctrl+] / Ctrl+[)", 5000)

    def clear_current(self) -> None:
        if self.corpus.close_focused():  # Esc in a corpus panel closes it
            return
        if self.find_bar.isVisible():
            self.find_bar.close_bar()
            return
        self.select_annotation(None, reveal=False)
        self._clear_text_selection()

    def _on_article_span_clicked(self, ids: list[str]) -> None:
        # clicking the same place again walks outwards through the spans stacked there
        if self.current in ids:
            ids = ids[ids.index(self.current) + 1:] + ids[:ids.index(self.current) + 1]
        self.select_annotation(ids[0], reveal=False)

    def span_tooltip(self, ids: list[str]) -> str:
        from newsmark.gui.describe import span_tooltip

        anns = [a for a in (self.session.annotation(i) for i in ids) if a is not None]
        return span_tooltip(anns, {a.id: self.session.relations_of(a.id) for a in anns[:3]},
                            self.session.by_id) if anns else ""

    def _on_ann_view_clicked(self, index: QModelIndex) -> None:
        ann_id = self.ann_filter.data(index, Qt.ItemDataRole.UserRole)
        if ann_id:
            self.select_annotation(str(ann_id))

    def step_annotation(self, delta: int) -> None:
        items = self.ann_model.items
        if not items:
            return
        row = self.ann_model.row_of(self.current) if self.current else None
        row = 0 if row is None else (row + delta) % len(items)
        self.select_annotation(items[row].id)

    def _refresh_detail(self) -> None:
        ann = self._current_annotation()
        label = self.labels.get(ann.label) if ann else None
        # the article's entity names, offered for entity attributes (a speaker): only computed
        # when the label has one, as it walks every annotation
        needs = label is not None and any(d.type == "entity" for d in label.attributes)
        self.attr_editor.show_annotation(ann, label, self._entity_names() if needs else [])
        relations = self.session.relations_of(ann.id) if ann else []
        self.relation_panel.show_relations(ann, relations, self.session.by_id)
        self.links.set_selected(ann, relations)
        self.linker.update_actions()

    # ------------------------------------------------------------------ session signals
    def _on_session_annotation_added(self, ann: Annotation) -> None:
        names = self._entity_names_cache
        if names is not None and self._is_entity(ann) and ann.text not in names:
            names.append(ann.text)
            self.attr_editor.entity_added(names, ann.text)
        self.article.add_span(ann, self.colours.get(ann.label, QColor("gray")))
        self.linker.note_dispute(None, ann)
        self.links.reset()
        self.ann_model.add(ann)
        self.doc_model.adjust_count(ann.document, +1)
        self.select_annotation(ann.id, reveal=False)

    def _on_session_annotation_removed(self, ann_id: str) -> None:
        self._entity_names_cache = None
        self.article.remove_span(ann_id)
        self.linker.note_dispute(ann_id, None)
        self.links.reset()
        self.ann_model.remove(ann_id)
        if self.doc_id:
            self.doc_model.adjust_count(self.doc_id, -1)
        if self.current == ann_id:
            self.select_annotation(None, reveal=False)

    def _on_session_annotation_changed(self, old: Annotation, new: Annotation) -> None:
        if old.label != new.label or old.text != new.text:
            self._entity_names_cache = None
        self.article.remove_span(old.id)
        self.article.add_span(new, self.colours.get(new.label, QColor("gray")))
        self.linker.note_dispute(old.id, new)
        self.links.reset()
        self.ann_model.replace(new)
        if self.current == new.id:
            self.select_annotation(new.id, reveal=False)

    # ------------------------------------------------------------------ find
    def open_find(self) -> None:
        sel = self.article.textCursor().selectedText()
        self.find_bar.show()
        if sel and "\u2029" not in sel:
            self.find_bar.edit.setText(sel)
        self._on_find_text()
        self.find_bar.edit.selectAll()
        self.find_bar.edit.setFocus()

    def _on_find_text(self) -> None:
        doc = self.session.document
        matches = self.find_bar.search(doc.text if doc is not None and self.find_bar.isVisible() else "")
        self.article.show_matches(matches[:MAX_SHOWN], None)

    def _on_find_bar_closed(self) -> None:
        self.article.show_matches([], None)
        self.article.setFocus()

    def find_step(self, direction: int) -> None:
        """Go to the next / previous match from the cursor; the focus stays where it is (in
        the find field while typing there)."""
        if self.session.document is None or not self.find_bar.edit.text():
            self.open_find()
            return
        if not self.find_bar.isVisible():
            self.find_bar.show()
            self._on_find_text()
        bar = self.find_bar
        if not bar.matches:
            self.statusBar().showMessage(f"“{bar.edit.text()}” is not in this article.", 4000)
            return
        cursor = self.article.textCursor()  # from where the annotator is (the last match, or a click)
        here = self.article.map.from_qt(cursor.selectionEnd() if direction > 0 else cursor.selectionStart())
        index = next_match(bar.matches, here, direction)
        assert index is not None
        bar.choose(index)
        s, e = bar.matches[index]
        self.article.show_matches(bar.matches[:MAX_SHOWN], index)
        self.article.select_span(s, e)

    # ------------------------------------------------------------------ view
    def zoom(self, delta: int) -> None:
        size = max(8, min(40, self.article.font().pointSize() + delta))
        self.settings.setValue("font_size", size)
        self._apply_font()

    def _apply_font(self) -> None:
        font = QFont(self.article.font())
        family = str(self.settings.value("font_family", "") or "")
        if family:
            font.setFamily(family)
        font.setPointSize(int(str(self.settings.value("font_size", 13))))
        self.article.setFont(font)
        self.tags.refresh()

    def show_help(self) -> None:
        rows = [f"<tr><td><b>{escape(lab.shortcut)}</b></td><td>tag the selection as {escape(lab.name)}; "
                f"Shift+{escape(lab.shortcut)}: every occurrence</td></tr>" for lab in self.schema.labels if lab.shortcut]
        for action in self.actions():
            keys = readable(action.shortcuts())
            if keys:
                name = action.property("help_text") or action.text().replace("&", "")
                rows.append(f"<tr><td><b>{escape(keys)}</b></td><td>{escape(str(name))}</td></tr>")
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(dialog)
        view = QTextBrowser()
        view.setHtml("<p>Select text with the mouse or Shift+arrows, then press a label's key. With an "
                     "annotation selected and no text selected, a label's key changes its label.</p>"
                     f"<table cellpadding=3>{''.join(rows)}</table>")
        layout.addWidget(view)
        dialog.resize(620, 640)
        dialog.show()
        self.help_dialog = dialog

    def about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<h3>{APP_NAME} {__version__}</h3><p>Annotate news articles: quotes, entities "
                          f"and disputed points. Every edit is saved at once.</p><p>Project: {escape(str(self.project.path))}</p>")

    # ------------------------------------------------------------------ dialogs (own module)
    def import_files(self) -> None:
        from newsmark.gui.dialogs.transfer import run_import

        run_import(self, folder=False)

    def import_folder(self) -> None:
        from newsmark.gui.dialogs.transfer import run_import

        run_import(self, folder=True)

    def export_project(self) -> None:
        from newsmark.gui.dialogs.transfer import run_export

        run_export(self)

    def merge_files(self) -> None:
        from newsmark.gui.dialogs.team import run_merge

        run_merge(self)

    def show_agreement(self) -> None:
        from newsmark.gui.dialogs.team import show_agreement

        show_agreement(self)

    def show_adjudication(self) -> None:
        from newsmark.gui.dialogs.team import show_adjudication

        show_adjudication(self)

    def render_document(self) -> None:
        from newsmark.gui.dialogs.transfer import render_current

        render_current(self)

    def _on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        from newsmark.gui.app import apply_theme

        if str(self.settings.value("theme", "system") or "system") == "system":
            apply_theme("system", scheme)

    def preferences(self) -> None:
        from PySide6.QtGui import QFontInfo

        from newsmark.gui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self, QFontInfo(self.article.font()).family())
        if dialog.exec():
            from newsmark.gui.app import apply_theme

            self.session.annotator = str(self.settings.value("annotator", "") or "") or None
            self._apply_font()
            apply_theme(str(self.settings.value("theme", "system")))
            self.suggestions.settings_changed()

    @staticmethod
    def _dark() -> bool:
        from PySide6.QtGui import QPalette
        from PySide6.QtWidgets import QApplication

        return QApplication.palette().color(QPalette.ColorRole.Base).lightnessF() < 0.5

    def _theme_colours(self) -> bool:
        """The labels' colours for the theme shown (core/palette.py); whether they changed."""
        from newsmark.core.palette import label_colour

        dark = self._dark()
        new = {name: QColor(label_colour(name, lab.colour, dark)) for name, lab in self.labels.items()}
        if new == self.colours:
            return False
        self.colours.clear()  # in place: the annotation list shares the dict
        self.colours.update(new)
        return True

    def changeEvent(self, event: Any) -> None:  # noqa: N802
        from PySide6.QtCore import QEvent

        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "article") and self._theme_colours():
            doc = self.session.document
            if doc is not None:
                grey = QColor("gray")
                self.article.highlighter.colours = {a.id: self.colours.get(a.label, grey) for a in doc.annotations}
            self.article.recolour()
            self.suggestions.recolour()
            self.palette_widget.set_labels(self.schema.labels, self.colours)
            self.doc_model.dark = self._dark()
            self.ann_view.viewport().update()
            self.doc_view.viewport().update()
            self.select_annotation(self.current, reveal=False)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt's names)
        return self.tab_order.step(next) or super().focusNextPrevChild(next)

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.attr_editor.flush()
        for timer in getattr(self, "_timers", ()):
            timer.stop()
        self.suggestions.shutdown()
        if self._following_scheme:  # a closed window no longer follows the system's scheme
            self._following_scheme = False
            QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._on_system_scheme)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.settings.sync()
        super().closeEvent(event)



def word_boundary(text: str, pos: int, direction: int, edge: str) -> int:
    """From ``pos``, the previous (direction -1) or next (+1) start or end of a word."""
    def word(i: int) -> bool:
        return 0 <= i < len(text) and text[i].isalnum()

    n = len(text)
    if direction > 0:
        p = pos
        if edge == "start":  # past the rest of this word, then past the gap
            while p < n and word(p):
                p += 1
            while p < n and not word(p):
                p += 1
        else:  # past the gap, then to the end of the next word
            while p < n and not word(p):
                p += 1
            while p < n and word(p):
                p += 1
        return p
    p = pos
    if edge == "start":  # back over the gap, then to the start of that word
        while p > 0 and not word(p - 1):
            p -= 1
        while p > 0 and word(p - 1):
            p -= 1
    else:  # back over this word, then over the gap: the end of the word before
        while p > 0 and word(p - 1):
            p -= 1
        while p > 0 and not word(p - 1):
            p -= 1
    return p
