"""Edits of the canonical entities (merge, rename, identifier, split) are steps of the window's
undo stack: Ctrl+Z puts the entities back as they were, Ctrl+Shift+Z as they were after."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from newsmark.corpus import entities
from newsmark.store import Project
from tests.gui.test_window import select_text


def _names(project: Project) -> list[tuple[str, str, str]]:
    return sorted((e.label, e.name, e.identifier) for e in entities.list_entities(project) if e.id is not None)


def _select_first(view: Any) -> None:
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.view.selectionModel().select(view.proxy.index(0, 0), flags)
    assert len(view.selected()) == 1


def test_entity_edits_are_undone_and_redone(qtbot: Any, window: Any, sample_project: Project) -> None:
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    select_text(window, "Mr Panetta")
    qtbot.keyClick(window.article, "p")
    qtbot.keyClick(window.article, Qt.Key.Key_N, ctrl_shift)  # Corpus → Entities
    view = window.corpus.entities
    qtbot.keyClicks(view.filter, "panetta")
    qtbot.keyClick(view.filter, Qt.Key.Key_Down)
    qtbot.keyClick(view.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert len(view.selected()) == 2
    depth = window.undo_stack.count()
    view.merge_selected("Leon Panetta")
    merged = _names(sample_project)
    assert merged == [("PERSON", "Leon Panetta", "")]
    assert view.proxy.rowCount() == 1
    assert window.undo_stack.count() == depth + 1 and "merge PERSON names" in window.undo_stack.undoText()
    _select_first(view)
    view.rename_selected("Leon E. Panetta")
    _select_first(view)
    view.identify_selected("Q312855")
    assert _names(sample_project) == [("PERSON", "Leon E. Panetta", "Q312855")]
    window.undo_stack.undo()  # the identifier
    assert _names(sample_project) == [("PERSON", "Leon E. Panetta", "")]
    window.undo_stack.undo()  # the name
    assert _names(sample_project) == [("PERSON", "Leon Panetta", "")]
    window.undo_stack.undo()  # the merge: two entities again, in the view too
    assert _names(sample_project) == [] and view.proxy.rowCount() == 2
    window.undo_stack.redo()
    assert _names(sample_project) == merged and view.proxy.rowCount() == 1
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert _names(sample_project) == [("PERSON", "Leon E. Panetta", "Q312855")]
    # a refused edit says why and leaves nothing to undo
    depth = window.undo_stack.count()
    _select_first(view)
    view.rename_selected("   ")
    assert "needs a name" in view.summary.text()
    assert window.undo_stack.count() == depth
    assert _names(sample_project) == [("PERSON", "Leon E. Panetta", "Q312855")]
