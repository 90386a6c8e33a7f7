"""The window's team actions: File → Merge annotators' files…, Team → Agreement…, Team →
Adjudication… (the views live in dialogs/agreement.py and widgets/adjudication.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QVBoxLayout

from newsmark.core.errors import NewsmarkError

if TYPE_CHECKING:
    from newsmark.gui.main_window import MainWindow


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


def show_adjudication(window: MainWindow) -> QDialog:
    from newsmark.gui.widgets.adjudication import AdjudicationView

    dialog = QDialog(window)
    dialog.setWindowTitle("Adjudication")
    view = AdjudicationView(window.project, window.doc_id, dialog)
    QVBoxLayout(dialog).addWidget(view)
    dialog.resize(1000, 500)

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
