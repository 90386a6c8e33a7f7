"""The window's team actions: File → Merge annotators' files…, Team → Agreement…, Team →
Adjudication… (the views live in dialogs/agreement.py and widgets/adjudication.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDialog, QFileDialog, QVBoxLayout

from newsmark.core.errors import NewsmarkError
from newsmark.core.model import Annotation, Relation
from newsmark.team.adjudicate import AdjudicationSummary
from newsmark.team.data import Span

if TYPE_CHECKING:
    from newsmark.gui.main_window import MainWindow


class AcceptVersion(QUndoCommand):
    """Accept an annotator's version of a disagreement into the curated layer (the curator's
    spans there replaced); undo takes the copies out and puts the curator's spans back."""

    def __init__(self, window: MainWindow, doc_id: str, spans: list[Span], replace: list[Span]) -> None:
        who = spans[0].annotator if spans else "nobody"
        super().__init__(f"accept {who}'s version")
        self.window, self.doc_id, self.spans, self.replace = window, doc_id, spans, replace
        self.added: list[Annotation] = []
        self.removed: list[tuple[Annotation, list[Relation]]] = []

    def redo(self) -> None:
        from newsmark.team.adjudicate import accept_version

        project = self.window.project
        if not self.added and not self.removed:  # the first time
            self.removed = [(project.annotation(self.doc_id, c.id), project.relations_of(self.doc_id, c.id))
                            for c in self.replace]
            self.added = accept_version(project, self.doc_id, self.spans, self.replace)
        else:
            with project.write():
                for ann, _ in self.removed:
                    project.delete_annotation(self.doc_id, ann.id)
                for ann in self.added:
                    project.restore_annotation(ann)
        self._show()

    def undo(self) -> None:
        project = self.window.project
        with project.write():
            for ann in self.added:
                project.delete_annotation(self.doc_id, ann.id)
            for ann, rels in self.removed:
                project.restore_annotation(ann, rels)
        self._show()
        stretch = self.spans + self.replace
        view = getattr(getattr(self.window, "_adjudication", None), "view", None)
        if view is not None and stretch:  # the disagreement taken back is the one selected again
            view.select_stretch(self.doc_id, min(x.start for x in stretch), max(x.end for x in stretch))

    def _show(self) -> None:
        w = self.window
        if w.doc_id == self.doc_id:
            w.open_document(self.doc_id)
        view = getattr(getattr(w, "_adjudication", None), "view", None)
        if view is not None:
            view.refresh()


class AcceptAgreed(QUndoCommand):
    """Accept every span all annotators made identically (and their relations) into the
    curated layer; undo takes them out again."""

    def __init__(self, window: MainWindow, doc_ids: list[str] | None) -> None:
        super().__init__("accept agreed spans")
        self.window, self.doc_ids = window, doc_ids
        self.summary: AdjudicationSummary | None = None

    def redo(self) -> None:
        from newsmark.team.adjudicate import adjudicate

        project = self.window.project
        if self.summary is None:  # the first time
            self.summary = adjudicate(project, "unanimous", doc_ids=self.doc_ids)
            if not self.summary.added and not self.summary.added_relations:
                self.setObsolete(True)  # nothing to undo: the stack drops it
        else:
            with project.write():
                for ann in self.summary.added:
                    project.restore_annotation(ann)
                for rel in self.summary.added_relations:
                    project.restore_relation(rel)
        self._show()

    def undo(self) -> None:
        assert self.summary is not None
        project = self.window.project
        with project.write():
            # its relations first: some link spans that were curated before, which stay
            for rel in reversed(self.summary.added_relations):
                project.delete_relation(rel.document, rel.id)
            for ann in reversed(self.summary.added):
                project.delete_annotation(ann.document, ann.id)
        self._show()

    def _show(self) -> None:
        w = self.window
        assert self.summary is not None
        w.doc_model.refresh()
        changed = {a.document for a in self.summary.added} | {r.document for r in self.summary.added_relations}
        if w.doc_id is not None and w.doc_id in changed:
            w.open_document(w.doc_id)
        view = getattr(getattr(w, "_adjudication", None), "view", None)
        if view is not None:
            view.refresh()


def run_merge(window: MainWindow, paths: list[Path] | None = None) -> None:
    """Merge annotators' project files into the open project (it becomes the team project)."""
    from newsmark.gui.dialogs.transfer import notice
    from newsmark.team.merge import merge

    if paths is None:
        chosen, _ = QFileDialog.getOpenFileNames(window, "Merge annotators' project files", "",
                                                 "Newsmark projects (*.newsmark);;All files (*)")
        paths = [Path(f) for f in chosen]
    if not paths:
        return
    try:
        summary = merge(window.project.path, paths)
    except NewsmarkError as e:
        notice(window, "Merge", f"Nothing was merged: {e}", warning=True)
        return
    window.external_change()
    notice(window, "Merge", "\n".join(summary.lines()))


def show_agreement(window: MainWindow) -> QDialog:
    from newsmark.gui.dialogs.agreement import AgreementDialog

    dialog = AgreementDialog(window.project, window)
    dialog.open()
    window._agreement = dialog  # type: ignore[attr-defined]  # kept alive; tests find it
    return dialog


def _accept_agreed(window: MainWindow, doc_ids: list[str] | None) -> AdjudicationSummary:
    command = AcceptAgreed(window, doc_ids)
    window._push(command)  # a refusal is said in the status bar
    return command.summary or AdjudicationSummary()


def show_adjudication(window: MainWindow) -> QDialog:
    from newsmark.gui.widgets.adjudication import AdjudicationView

    dialog = QDialog(window)
    dialog.setWindowTitle("Adjudication")
    view = AdjudicationView(window.project, window.doc_id, dialog,
                            accept=lambda doc_id, spans, replace: window._push(
                                AcceptVersion(window, doc_id, spans, replace)),
                            accept_agreed=lambda doc_ids: _accept_agreed(window, doc_ids))
    QVBoxLayout(dialog).addWidget(view)
    dialog.resize(1000, 500)
    # Ctrl+Z / Ctrl+Shift+Z where the curator accepts (the window's shortcuts stop at its edge)
    dialog.addActions([window.undo_redo.undo_action, window.undo_redo.redo_action])

    def edit(doc_id: str, start: int, end: int) -> None:
        window.open_document(doc_id)
        window.article.select_span(start, end)
        window.activateWindow()

    def changed(doc_ids: list[str]) -> None:
        window.doc_model.refresh()
        current = window.doc_id
        if current is not None and (current in doc_ids or not doc_ids):
            window.open_document(current)  # the article shows the curated annotations

    view.edit_requested.connect(edit)
    view.changed.connect(changed)
    dialog.view = view  # type: ignore[attr-defined]
    dialog.show()
    window._adjudication = dialog  # type: ignore[attr-defined]
    return dialog
