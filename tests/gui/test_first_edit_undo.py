"""The first edit of a new document marks it "in progress" in the same undo step: undoing that
edit makes the document new again, redoing it marks it again; a refused first edit leaves no
step behind."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from newsmark.store import Project
from tests.gui.test_window import DOC, select, select_text


def test_undoing_the_first_edit_makes_the_document_new_again(qtbot: Any, window: Any,
                                                              sample_project: Project) -> None:
    window.open_document(DOC)
    assert sample_project.document(DOC).status == "new"
    steps = window.undo_stack.count()
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    assert sample_project.document(DOC).status == "in progress"
    assert window.doc_model.status_of(DOC) == "in progress"
    assert window.undo_stack.count() == steps + 1  # one step: the tag and the status
    assert window.undo_stack.undoText() == "tag ORG"
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not any(a.label == "ORG" and a.text == "Private contractors" for a in sample_project.annotations(DOC))
    assert sample_project.document(DOC).status == "new"
    assert window.doc_model.status_of(DOC) == "new"
    window.undo_stack.redo()
    assert sample_project.document(DOC).status == "in progress"
    assert any(a.label == "ORG" and a.text == "Private contractors" for a in sample_project.annotations(DOC))
    # the second edit is a step of its own, and its undo leaves the document in progress
    select_text(window, "immunity")
    qtbot.keyClick(window.article, "o")
    assert window.undo_stack.count() == steps + 2
    window.undo_stack.undo()
    assert sample_project.document(DOC).status == "in progress"


def test_a_refused_first_edit_leaves_no_step_and_the_document_new(qtbot: Any, window: Any,
                                                                 sample_project: Project) -> None:
    window.open_document(DOC)
    s, e = select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    window.set_status("new")  # the document is new again, the tag stays
    assert sample_project.document(DOC).status == "new"
    steps, index = window.undo_stack.count(), window.undo_stack.index()
    select(window, s, e)
    qtbot.keyClick(window.article, "o")  # the same tag again: refused, nothing stored
    assert "already has this annotation" in window.statusBar().currentMessage()
    assert (window.undo_stack.count(), window.undo_stack.index()) == (steps, index)
    assert window.undo_stack.undoText() == "mark new"
    assert sample_project.document(DOC).status == "new"
