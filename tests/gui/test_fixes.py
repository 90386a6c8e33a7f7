"""Issue #15 point 8, found while trying the window: each with a test that fails before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QPushButton, QTextBrowser

from newsmark.store import Project
from tests.gui.test_preferences_and_about import answer_modal, light_again  # noqa: F401 (fixture)
from tests.gui.test_window import DOC, select_text


def test_choosing_a_theme_keeps_the_article_font(qtbot: Any, window: Any) -> None:
    before = QFontInfo(window.article.font()).family()
    assert "Serif" in before or "serif" in before.lower()
    answer_modal(qtbot, lambda d: (d.theme.setCurrentIndex(d.theme.findData("dark")), d.accept()))
    window.preferences()
    assert QFontInfo(window.article.font()).family() == before
    assert not window.settings.value("font_family", "")  # nothing chosen, nothing written
    # choosing a font still works
    def pick(d: Any) -> None:
        from PySide6.QtGui import QFont

        d.family.setCurrentFont(QFont("DejaVu Sans"))
        d.accept()

    answer_modal(qtbot, pick)
    window.preferences()
    assert window.settings.value("font_family") == "DejaVu Sans"
    assert QFontInfo(window.article.font()).family() == "DejaVu Sans"


def test_the_windows_own_import_is_not_another_program(qtbot: Any, window: Any, sample_project: Project,
                                                        tmp_path: Path, monkeypatch: Any) -> None:
    from newsmark.gui import app
    from newsmark.gui.dialogs.transfer import run_import

    monkeypatch.setattr(app, "WATCH_MS", 100)
    app._start_timers(window)
    article = tmp_path / "new.txt"
    article.write_text("A new article\n\nThe minister said the budget was fine.", encoding="utf-8")
    run_import(window, folder=False, paths=[article])
    qtbot.waitUntil(lambda: "new" in window.doc_model.row_of and window._transfer[0].isFinished(), timeout=10000)
    qtbot.wait(400)  # several turns of the watcher
    assert "another program" not in window.statusBar().currentMessage()
    # another program's write is still noticed
    with Project.open(sample_project.path) as other:
        other.set_status("second", "review")
    qtbot.waitUntil(lambda: "another program" in window.statusBar().currentMessage(), timeout=3000)
    assert window.doc_model.status_of("second") == "review"


def test_a_note_is_stored_while_typing(qtbot: Any, window: Any, sample_project: Project) -> None:
    quote = next(a for a in window.session.document.annotations if a.label == "QUOTE")
    window.select_annotation(quote.id)
    note = window.attr_editor.note
    note.setFocus()
    qtbot.keyClicks(note, "check the cue")  # no Enter, the focus stays in the field
    assert note.hasFocus()

    def stored_note() -> str | None:
        with Project.open(sample_project.path, readonly=True) as fresh:  # as after a crash
            return fresh.annotation(DOC, quote.id).note

    qtbot.waitUntil(lambda: stored_note() == "check the cue", timeout=3000)
    # typed, then another annotation chosen at once: stored on the right annotation
    qtbot.keyClicks(note, " again")
    other = next(a for a in window.session.document.annotations if a.label == "PERSON")
    window.select_annotation(other.id)
    assert stored_note() == "check the cue again"
    assert sample_project.annotation(DOC, other.id).note is None
    # a typed attribute too
    window.select_annotation(quote.id)
    cue_field = window.attr_editor.fields["cue"][1]
    cue_field.setFocus()
    cue_field.selectAll()
    qtbot.keyClicks(cue_field, "declared")
    qtbot.waitUntil(lambda: sample_project.annotation(DOC, quote.id).attributes.get("cue") == "declared",
                    timeout=3000)


def test_the_shortcut_list_says_undo_not_the_last_edit(qtbot: Any, window: Any) -> None:
    from PySide6.QtCore import Qt

    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    assert window.undo_stack.undoText()
    qtbot.keyClick(window.article, Qt.Key.Key_F1)
    html = window.help_dialog.findChild(QTextBrowser).toPlainText()
    assert "Undo" in html and "Redo" in html
    assert window.undo_stack.undoText() not in html


def test_export_dialog_has_a_default_file_browse_and_filter(qtbot: Any, window: Any, sample_project: Project,
                                                            monkeypatch: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    from newsmark.gui.dialogs.transfer import ExportDialog

    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    project = sample_project.path
    assert dialog.target.text() == str(project.parent / "gui-jsonl.jsonl")
    dialog.format.setCurrentIndex(dialog.format.findData("brat"))
    assert dialog.target.text() == str(project.parent / "gui-brat")  # a folder
    dialog.format.setCurrentIndex(dialog.format.findData("label-studio"))
    assert dialog.target.text().endswith("gui-label-studio.json")
    asked: list[tuple[str, str]] = []

    def save_name(_parent: Any, _caption: str, start: str, filters: str) -> tuple[str, str]:
        asked.append((start, filters))
        return str(tmp_path / "mine"), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    browse = next(b for b in dialog.findChildren(QPushButton) if b.text().startswith("Browse"))
    browse.click()
    assert asked == [(str(project.parent / "gui-label-studio.json"), "JSON (*.json);;All files (*)")]
    assert dialog.target.text() == str(tmp_path / "mine.json")  # the format's ending added
    # a typed name is kept when the format changes
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    assert dialog.target.text() == str(tmp_path / "mine.json")
    dialog.accept()
    assert window.settings.value("last_export_folder") == str(tmp_path)
    # the next export starts in that folder
    again = ExportDialog(window)
    qtbot.addWidget(again)
    assert again.target.text() == str(tmp_path / "gui-jsonl.jsonl")
