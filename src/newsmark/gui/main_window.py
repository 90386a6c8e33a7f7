"""The main window: document list, the article, and the panels around it.

Everything an annotator does is an action with a shortcut (Help > Keyboard shortcuts lists
them); every edit is an undo command over the store, committed when it is made.
"""

from __future__ import annotations

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
    QInputDialog,
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
from newsmark.gui.models.annotations import AnnotationFilter, AnnotationListModel
from newsmark.gui.models.documents import DocumentListModel
from newsmark.gui.models.session import Session
from newsmark.gui.shortcuts import keys, sequences
from newsmark.gui.widgets.article import ArticleView
from newsmark.gui.widgets.panels import AttributeEditor, LabelPalette, RelationPanel
from newsmark.store.project import Project

QUOTE_LAYER = "quote"


class FindBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 2, 24, 2)
        row.addWidget(QLabel("Find:"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("text in the article (Enter: next, Shift+Enter: previous, Esc: close)")
        row.addWidget(self.edit)
        self.count = QLabel("")
        row.addWidget(self.count)
        self.hide()


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
        from newsmark.gui.widgets.suggestions import Suggestions

        self.suggestions = Suggestions(self)  # issue #16: ghost spans, its own menu and thread
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
        self.colours = {name: QColor(lab.colour) for name, lab in self.labels.items()}
        self.key_to_label = {lab.shortcut: lab.name for lab in self.schema.labels if lab.shortcut}

    def _build(self) -> None:
        # centre: title, metadata, find bar, the article
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setContentsMargins(28, 10, 28, 0)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.meta = QLabel()
        self.meta.setContentsMargins(28, 2, 28, 6)
        self.meta.setStyleSheet("color: palette(mid);")
        self.meta.setWordWrap(True)
        self.find_bar = FindBar()
        self.article = ArticleView()
        self.article.label_keys = set(self.key_to_label)
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
        header.resizeSection(1, 80)
        header.resizeSection(2, 90)
        header.setStretchLastSection(False)
        dl.addWidget(self.doc_view)
        self.doc_dock = self._dock("Documents", docs, Qt.DockWidgetArea.LeftDockWidgetArea)

        # right: labels, annotations, attributes and links
        self.palette_widget = LabelPalette()
        self.palette_widget.set_labels(self.schema.labels)
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
        al.addWidget(self.ann_choice)
        self.ann_model = AnnotationListModel()
        self.ann_model.colours = self.colours
        self.ann_model.layers = {n: lab.layer for n, lab in self.labels.items()}
        self.ann_filter = AnnotationFilter()
        self.ann_filter.setSourceModel(self.ann_model)
        self.ann_view = QTableView()
        self.ann_view.setModel(self.ann_filter)
        self._table_look(self.ann_view)
        self.ann_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
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
        action.triggered.connect(slot)
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
        m.addSeparator()
        self._action(m, "&Preferences…", self.preferences, sequences("preferences"))
        m.addSeparator()
        self._action(m, "&Quit", self.close, sequences("quit"))

        m = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(sequences("undo"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(sequences("redo"))
        for a in (undo, redo):
            m.addAction(a)
            self.addAction(a)
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
        self._action(m, "Attribute quote to &speaker…", self.attribute_speaker, "Ctrl+Shift+S")
        self._action(m, "Mark selection as the quote's &cue", self.mark_cue, "Ctrl+Shift+C")
        self._action(m, "Link to a disputed point (s&tance)…", self.link_stance, "Ctrl+Shift+D")
        self._action(m, "Remove &link", self.remove_link, "Ctrl+Shift+L")
        m.addSeparator()
        self._action(m, "Next annotation", lambda: self.step_annotation(+1), "Ctrl+]")
        self._action(m, "Previous annotation", lambda: self.step_annotation(-1), "Ctrl+[")
        self._action(m, "Clear selection", self.clear_current, "Esc")

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
        for dock in (self.doc_dock, self.palette_dock, self.ann_dock, self.detail_dock):
            m.addAction(dock.toggleViewAction())

        m = bar.addMenu("&Help")
        self._action(m, "&Keyboard shortcuts", self.show_help, sequences("help"))
        self._action(m, "&About Newsmark", self.about)

    def _connect(self) -> None:
        s = self.session
        s.annotation_added.connect(self._on_session_annotation_added)
        s.annotation_removed.connect(self._on_session_annotation_removed)
        s.annotation_changed.connect(self._on_session_annotation_changed)
        s.relations_changed.connect(self._refresh_detail)
        s.status_changed.connect(self._on_session_status_changed)
        self.article.label_key.connect(self._on_article_label_key)
        self.article.span_clicked.connect(self._on_article_span_clicked)
        self.article.empty_clicked.connect(lambda: None)
        self.palette_widget.label_chosen.connect(lambda name: self.apply_label(name, all_occurrences=False))
        self.doc_view.selectionModel().currentRowChanged.connect(self._on_doc_view_row)
        self.doc_search.textChanged.connect(self._on_doc_filter)
        self.doc_status.currentTextChanged.connect(self._on_doc_filter)
        self.ann_choice.currentIndexChanged.connect(
            lambda _i: self.ann_filter.set_choice(str(self.ann_choice.currentData() or "")))
        self.ann_view.clicked.connect(self._on_ann_view_clicked)
        self.ann_view.activated.connect(self._on_ann_view_clicked)
        self.attr_editor.attributes_edited.connect(self._on_attributes_edited)
        self.attr_editor.note_edited.connect(self._on_note_edited)
        self.relation_panel.remove_requested.connect(self._remove_relation)
        self.relation_panel.speaker_requested.connect(self.attribute_speaker)
        self.relation_panel.cue_requested.connect(self.mark_cue)
        self.relation_panel.stance_requested.connect(self.link_stance)
        self.relation_panel.jump_requested.connect(self.select_annotation)
        self.find_bar.edit.returnPressed.connect(lambda: self.find_step(+1))
        self.find_bar.edit.textChanged.connect(self._on_find_text)

    # ------------------------------------------------------------------ documents
    @property
    def doc_id(self) -> str | None:
        return self.session.document.id if self.session.document else None

    def open_document(self, doc_id: str) -> None:
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
        self.ann_model.set_annotations(doc.annotations)
        self._refresh_detail()
        self.settings.setValue(f"last_document/{self.project.path}", doc_id)
        self._select_doc_row()
        self.article.setFocus()

    def _select_doc_row(self) -> None:
        row = self.doc_model.view_row(self.doc_id) if self.doc_id else None
        if row is not None and self.doc_view.currentIndex().row() != row:
            self.doc_view.selectionModel().blockSignals(True)
            self.doc_view.setCurrentIndex(self.doc_model.index(row, 0))
            self.doc_view.selectionModel().blockSignals(False)

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
        self.step_document(+1)

    def _on_session_status_changed(self, doc_id: str, status: str) -> None:
        self.doc_model.set_document_status(doc_id, status)
        if doc_id == self.doc_id and self.session.document:
            doc = self.session.document
            bits = [doc.meta.get(k) for k in ("site", "author", "date", "language", "url", "source_file")]
            self.meta.setText(" · ".join(str(b) for b in bits if b) + f" · {status} · {doc.id}")
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
        self.statusBar().showMessage("The project was changed by another program: list refreshed.", 5000)

    def refresh_documents(self) -> None:
        self.doc_model.refresh()
        self._select_doc_row()
        if self.doc_id is None and self.doc_model.visible:
            self.open_document(self.doc_model.doc_id(0))

    # ------------------------------------------------------------------ editing
    def _push(self, command: Any) -> bool:
        try:
            self.undo_stack.push(command)
        except NewsmarkError as e:  # the edit was refused (and nothing was stored): say why
            self.statusBar().showMessage(str(e), 10000)
            return False
        return True

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
            elif self._push(cmd.AddAnnotation(self.session, self.doc_id, sel[0], sel[1], label)):
                self._clear_text_selection()
        elif self.current is not None:
            ann = self.session.annotation(self.current)
            if ann is not None and ann.label != label:
                self._push(cmd.UpdateAnnotation(self.session, self.doc_id, ann.id, f"label {label}", label=label))
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
        if self.current and self.doc_id:
            self._push(cmd.DeleteAnnotation(self.session, self.doc_id, self.current))

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

    def attribute_speaker(self) -> None:
        quote = self._current_annotation()
        if quote is None or self.doc_id is None or self.labels.get(quote.label, Label("")).layer != QUOTE_LAYER:
            self.statusBar().showMessage("Select a quote first.", 4000)
            return
        entities = sorted(self._entities(), key=lambda a: abs(a.start - quote.start))
        choices = [f"{a.text} ({a.label})" for a in entities]
        name, ok = QInputDialog.getItem(self, "Speaker", "Who said it? Choose an entity of the article or "
                                        "type a name:", choices, 0, True)
        if ok and name.strip():
            self.set_speaker(quote.id, name.strip(), entities, choices)

    def set_speaker(self, quote_id: str, name: str, entities: list[Annotation] | None = None,
                    choices: list[str] | None = None) -> None:
        """Link a quote to its speaker: a chosen entity, or a typed name that is tagged where
        it occurs nearest the quote (or kept as the speaker's name when it does not occur)."""
        assert self.doc_id is not None and self.session.document is not None
        quote = self.session.annotation(quote_id)
        assert quote is not None
        entities = entities if entities is not None else self._entities()
        choices = choices if choices is not None else [f"{a.text} ({a.label})" for a in entities]
        target = entities[choices.index(name)] if name in choices else next(
            (a for a in entities if a.text == name), None)
        text = self.session.document.text
        with self._macro("attribute to speaker"):
            if target is None:
                hits = [m.start() for m in re.finditer(re.escape(name), text)]
                if hits:
                    s = min(hits, key=lambda h: abs(h - quote.start))
                    person = "PERSON" if "PERSON" in self.labels else next(
                        (n for n, lab in self.labels.items() if lab.layer == "entity"), None)
                    if person:
                        add = cmd.AddAnnotation(self.session, self.doc_id, s, s + len(name), person)
                        if self._push(add):
                            target = add.annotation
            if target is not None and not any(
                    r.type == "said_by" and r.from_id == quote.id and r.to_id == target.id
                    for r in self.session.relations_of(quote.id)):
                self._push(cmd.AddRelation(self.session, self.doc_id, "said_by", quote.id, target.id))
            speaker = target.text if target is not None else name
            attrs = {**quote.attributes, "speaker": speaker}
            self._push(cmd.UpdateAnnotation(self.session, self.doc_id, quote.id, "speaker", attributes=attrs))
        self.select_annotation(quote.id)

    def mark_cue(self) -> None:
        quote = self._current_annotation()
        sel = self.article.selection(self.snap)
        if quote is None or self.doc_id is None or sel is None:
            self.statusBar().showMessage("Select a quote, then select its cue verb in the text.", 5000)
            return
        cue_label = "CUE" if "CUE" in self.labels else None
        if cue_label is None:
            return
        with self._macro("mark cue"):
            # the same cue already tagged (by this annotator) is linked, not tagged twice
            cue = next((a for a in self.session.document.annotations if (a.start, a.end, a.label) == (*sel, cue_label)
                        and a.annotator == self.session.annotator), None) if self.session.document else None
            if cue is None:
                add = cmd.AddAnnotation(self.session, self.doc_id, sel[0], sel[1], cue_label)
                if not self._push(add):
                    return
                assert add.annotation is not None
                cue = add.annotation
            if not any(r.type == "cue" and r.to_id == cue.id for r in self.session.relations_of(quote.id)):
                self._push(cmd.AddRelation(self.session, self.doc_id, "cue", quote.id, cue.id))
            attrs = {**quote.attributes, "cue": cue.text}
            self._push(cmd.UpdateAnnotation(self.session, self.doc_id, quote.id, "cue", attributes=attrs))
        self._clear_text_selection()
        self.select_annotation(quote.id)

    def link_stance(self) -> None:
        source = self._current_annotation()
        if source is None or self.doc_id is None or self.session.document is None:
            self.statusBar().showMessage("Select a quote or an entity first.", 4000)
            return
        rt = self.schema.relation_type("stance")
        disputes = [a for a in self.session.document.annotations
                    if rt is not None and label_matches(self.labels.get(a.label, Label(a.label)), rt.to_labels)]
        if not disputes:
            QMessageBox.information(self, APP_NAME, "Tag the disputed point first (DISPUTE), then link to it.")
            return
        names = [f"{a.attributes.get('proposition') or a.text} ({a.start})" for a in disputes]
        point, ok = QInputDialog.getItem(self, "Stance", "Disputed point:", names, 0, False)
        if not ok:
            return
        values = ["supports", "opposes", "neutral"]
        if rt is not None and rt.attributes and rt.attributes[0].values:
            values = rt.attributes[0].values
        value, ok = QInputDialog.getItem(self, "Stance", "Stance:", values, 0, False)
        if ok:
            self.add_stance(source.id, disputes[names.index(point)].id, value)

    def add_stance(self, source_id: str, dispute_id: str, value: str) -> None:
        assert self.doc_id is not None
        self._push(cmd.AddRelation(self.session, self.doc_id, "stance", source_id, dispute_id,
                                   {"value": value}))

    def remove_link(self) -> None:
        item = self.relation_panel.list.currentItem() or self.relation_panel.list.item(0)
        if item is not None:
            self._remove_relation(item.data(Qt.ItemDataRole.UserRole))

    def _remove_relation(self, rel_id: str) -> None:
        if self.doc_id:
            self._push(cmd.DeleteRelation(self.session, self.doc_id, rel_id))

    # ------------------------------------------------------------------ current annotation
    def select_annotation(self, ann_id: str | None, reveal: bool = True) -> None:
        self.current = ann_id
        ann = self._current_annotation()
        self.article.mark_current(ann, self.colours.get(ann.label) if ann else None)
        if ann is not None and reveal:
            self.article.reveal(ann.start)
            self._clear_text_selection()
        row = self.ann_model.row_of(ann_id) if ann_id else None
        if row is not None:
            proxy = self.ann_filter.mapFromSource(self.ann_model.index(row, 0))
            self.ann_view.selectionModel().blockSignals(True)
            self.ann_view.setCurrentIndex(proxy)
            self.ann_view.scrollTo(proxy)
            self.ann_view.selectionModel().blockSignals(False)
        else:
            self.ann_view.clearSelection()
        self._refresh_detail()

    def clear_current(self) -> None:
        if self.find_bar.isVisible():
            self.find_bar.hide()
            self.article.setFocus()
            return
        self.select_annotation(None, reveal=False)
        self._clear_text_selection()

    def _on_article_span_clicked(self, ids: list[str]) -> None:
        # clicking the same place again walks outwards through the spans stacked there
        if self.current in ids:
            ids = ids[ids.index(self.current) + 1:] + ids[:ids.index(self.current) + 1]
        self.select_annotation(ids[0], reveal=False)

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
        self.relation_panel.show_relations(ann, self.session.relations_of(ann.id) if ann else [],
                                           self.session.by_id)

    # ------------------------------------------------------------------ session signals
    def _on_session_annotation_added(self, ann: Annotation) -> None:
        names = self._entity_names_cache
        if names is not None and self._is_entity(ann) and ann.text not in names:
            names.append(ann.text)
            self.attr_editor.entity_added(names, ann.text)
        self.article.add_span(ann, self.colours.get(ann.label, QColor("gray")))
        self.ann_model.add(ann)
        self.doc_model.adjust_count(ann.document, +1)
        self.select_annotation(ann.id, reveal=False)

    def _on_session_annotation_removed(self, ann_id: str) -> None:
        self._entity_names_cache = None
        self.article.remove_span(ann_id)
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
        self.ann_model.replace(new)
        if self.current == new.id:
            self.select_annotation(new.id, reveal=False)

    # ------------------------------------------------------------------ find
    def open_find(self) -> None:
        self.find_bar.show()
        sel = self.article.textCursor().selectedText()
        if sel and "\u2029" not in sel:
            self.find_bar.edit.setText(sel)
        self.find_bar.edit.selectAll()
        self.find_bar.edit.setFocus()

    def _on_find_text(self, text: str) -> None:
        doc = self.session.document
        if doc is None or not text:
            self.find_bar.count.setText("")
            return
        n = doc.text.lower().count(text.lower())
        self.find_bar.count.setText(f"{n} found")

    def find_step(self, direction: int) -> None:
        doc = self.session.document
        needle = self.find_bar.edit.text()
        if doc is None or not needle:
            self.open_find()
            return
        low, pat = doc.text.lower(), needle.lower()
        cursor = self.article.textCursor()
        here = self.article.map.from_qt(cursor.selectionEnd() if direction > 0 else cursor.selectionStart())
        pos = low.find(pat, here) if direction > 0 else low.rfind(pat, 0, max(0, here))
        if pos < 0:  # wrap around
            pos = low.find(pat) if direction > 0 else low.rfind(pat)
        if pos < 0:
            self.statusBar().showMessage(f"“{needle}” is not in this article.", 4000)
            return
        # select with the same length as the match in the original text
        self.article.select_span(pos, pos + len(needle))
        self.article.setFocus()

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

    def show_help(self) -> None:
        rows = [f"<tr><td><b>{lab.shortcut}</b></td><td>tag the selection as {lab.name}; "
                f"Shift+{lab.shortcut}: every occurrence</td></tr>" for lab in self.schema.labels if lab.shortcut]
        for action in self.actions():
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                rows.append(f"<tr><td><b>{keys}</b></td><td>{action.text().replace('&', '')}</td></tr>")
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
                          f"and disputed points. Every edit is saved at once.</p><p>Project: {self.project.path}</p>")

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

    def render_document(self) -> None:
        from newsmark.gui.dialogs.transfer import render_current

        render_current(self)

    def _on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        from newsmark.gui.app import apply_theme

        if str(self.settings.value("theme", "system") or "system") == "system":
            apply_theme("system", scheme)

    def preferences(self) -> None:
        from newsmark.gui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        if dialog.exec():
            from newsmark.gui.app import apply_theme

            self.session.annotator = str(self.settings.value("annotator", "") or "") or None
            self._apply_font()
            apply_theme(str(self.settings.value("theme", "system")))
            self.suggestions.settings_changed()

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: Any) -> None:  # noqa: N802
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
