"""Undo in the window when another program has meanwhile stored an annotation identical to the
one the undo puts back: it is not stored twice, and the one there takes its place and links."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from newsmark.store import Project
from tests.gui.test_window import DOC, select_text


def _same(p: Project, ann: Any) -> list[Any]:
    return [a for a in p.annotations(DOC) if (a.start, a.end, a.label, a.annotator)
            == (ann.start, ann.end, ann.label, ann.annotator)]


def test_undo_of_a_delete_when_another_program_added_the_same(qtbot: Any, window: Any,
                                                              sample_project: Project) -> None:
    panetta = next(a for a in sample_project.annotations(DOC) if a.text == "Leon Panetta")
    links = {(r.type, r.from_id) for r in sample_project.relations(DOC) if r.to_id == panetta.id}
    assert links
    window.select_annotation(panetta.id)
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    with Project.open(sample_project.path) as other:  # `newsmark annotate` meanwhile
        again = other.add_annotation(DOC, panetta.start, panetta.end, panetta.label, annotator=panetta.annotator)
    window.external_change()
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [a.id for a in _same(sample_project, panetta)] == [again.id]  # one, not two
    assert {(r.type, r.from_id) for r in sample_project.relations(DOC) if r.to_id == again.id} == links
    assert window.ann_model.row_of(again.id) is not None and window.ann_model.row_of(panetta.id) is None
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _same(sample_project, panetta) == []  # redo deletes it again: the one that stood for it


def test_redo_of_a_tag_when_another_program_added_the_same(qtbot: Any, window: Any,
                                                           sample_project: Project) -> None:
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    mine = sample_project.annotation(DOC, window.current)
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Project.open(sample_project.path) as other:
        again = other.add_annotation(DOC, mine.start, mine.end, "ORG", annotator=mine.annotator)
    window.external_change()
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [a.id for a in _same(sample_project, mine)] == [again.id]
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _same(sample_project, mine) == []


def test_undo_of_a_relabel_when_another_program_stored_the_old_one(qtbot: Any, window: Any,
                                                                  sample_project: Project) -> None:
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    ann = sample_project.annotation(DOC, window.current)
    qtbot.keyClick(window.article, "p")  # the selected ORG becomes a PERSON
    assert sample_project.annotation(DOC, ann.id).label == "PERSON"
    with Project.open(sample_project.path) as other:  # the ORG again, from another program
        org = other.add_annotation(DOC, ann.start, ann.end, "ORG", annotator=ann.annotator)
    window.external_change()
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [a.id for a in _same(sample_project, ann)] == [org.id]  # not two ORG
    assert sample_project.annotation(DOC, ann.id).label == "PERSON"  # left as it was
    assert "Cannot undo" in window.statusBar().currentMessage()
    assert "already has this annotation" in window.statusBar().currentMessage()
