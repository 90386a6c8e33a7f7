"""The team views driven as a user would: File → Merge, Team → Agreement (F7), Team →
Adjudication (F8: keys 1-9 accept a version, E edits, agreed spans accepted at once)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.team.test_team_project import TEXT1, annotator_file


def test_agreement_view_heatmap(qtbot: Any, team_window: Any) -> None:
    qtbot.keyClick(team_window, Qt.Key.Key_F7)
    dialog = team_window._agreement
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.figures is not None, timeout=20000)  # computed in a thread
    assert dialog.cell("PERSON", "alice", "bob") == "0.500"  # F1 exact: 1 of 2 and 2
    assert dialog.cell("GPE", "alice", "carol") == "1.000"
    dialog.measure.setCurrentIndex(1)  # F1 overlap
    assert dialog.cell("PERSON", "alice", "bob") == "1.000"
    rows = [dialog.heatmap.verticalHeaderItem(i).text() for i in range(dialog.heatmap.rowCount())]
    assert dialog.heatmap.item(rows.index("GPE"), 0).background().color().name() == "#50c870"  # 1.0: green
    assert "alice, bob, carol" in dialog.summary.text()
    dialog.layer.setCurrentIndex(dialog.layer.findData("quote"))  # no quotes: nothing to compare
    qtbot.waitUntil(lambda: dialog.figures is not None, timeout=20000)
    assert dialog.figures.labels == [] and dialog.heatmap.columnCount() == 0
    assert "needs two or more" in dialog.summary.text()
    dialog.layer.setCurrentIndex(0)
    qtbot.waitUntil(lambda: dialog.figures is not None, timeout=20000)
    overall = dialog.overall
    assert overall.verticalHeaderItem(0).text() == "*" and overall.item(1, 1).text() == "1.000"  # GPE alpha_U


def test_adjudication_accept_edit_and_agreed(qtbot: Any, team_window: Any) -> None:
    qtbot.keyClick(team_window, Qt.Key.Key_F8)
    view = team_window._adjudication.view
    assert view.model.rowCount() == 2 and view.status.text().startswith("2 disagreements")
    headers = [view.model.headerData(i, Qt.Orientation.Horizontal) for i in range(view.model.columnCount())]
    assert headers == ["document", "text", "1: alice", "2: bob", "3: carol", "curator"]
    assert view.model.data(view.model.index(0, 4)) == "PERSON «Obama»"
    view.view.setFocus()
    view.view.selectRow(0)
    qtbot.keyClick(view.view, Qt.Key.Key_3)  # accept carol's "Obama"
    curated = [a for a in team_window.project.annotations("d1") if a.annotator == "curator"]
    assert [(a.text, a.label) for a in curated] == [("Obama", "PERSON")]
    assert view.model.rowCount() == 1  # resolved ones hidden
    # the article shows the curated annotation at once
    assert "curator" in {a.annotator for a in team_window.session.document.annotations}
    # change one's mind: show resolved, accept alice's version instead (replaces the curator's)
    view.hide_resolved.setChecked(False)
    view.view.selectRow(0)
    qtbot.keyClick(view.view, Qt.Key.Key_1)
    curated = [a.text for a in team_window.project.annotations("d1") if a.annotator == "curator"]
    assert curated == ["Barack Obama"]
    # Ctrl+Z in the window undoes an acceptance (carol's "Obama" back), Ctrl+Shift+Z redoes it
    team_window.undo_stack.undo()
    assert [a.text for a in team_window.project.annotations("d1") if a.annotator == "curator"] == ["Obama"]
    assert "Obama" in [a.text for a in team_window.session.document.annotations if a.annotator == "curator"]
    team_window.undo_stack.redo()
    assert [a.text for a in team_window.project.annotations("d1") if a.annotator == "curator"] == ["Barack Obama"]
    qtbot.mouseClick(view.accept_agreed, Qt.MouseButton.LeftButton)
    curated = sorted(a.text for a in team_window.project.annotations("d1") if a.annotator == "curator")
    assert curated == ["Barack Obama", "Berlin"]
    # accepting the agreed spans is one step of the undo stack too
    assert team_window.undo_stack.undoText() == "accept agreed spans"
    team_window.undo_stack.undo()
    assert [a.text for a in team_window.project.annotations("d1") if a.annotator == "curator"] == ["Barack Obama"]
    assert "Berlin" not in [a.text for a in team_window.session.document.annotations if a.annotator == "curator"]
    team_window.undo_stack.redo()
    curated = sorted(a.text for a in team_window.project.annotations("d1") if a.annotator == "curator")
    assert curated == ["Barack Obama", "Berlin"]
    depth = team_window.undo_stack.count()
    qtbot.mouseClick(view.accept_agreed, Qt.MouseButton.LeftButton)  # nothing new: nothing to undo
    assert team_window.undo_stack.count() == depth
    # E: the article opens at the stretch for editing by hand
    view.hide_resolved.setChecked(True)
    assert view.model.rowCount() == 1
    view.view.selectRow(0)
    qtbot.keyClick(view.view, Qt.Key.Key_E)
    assert team_window.article.selection(snap=False) == (TEXT1.index("Angela"), TEXT1.index(" in Berlin"))


def test_adjudication_of_all_documents(qtbot: Any, team_window: Any) -> None:
    qtbot.keyClick(team_window, Qt.Key.Key_F8)
    view = team_window._adjudication.view
    view.scope.setCurrentIndex(1)
    assert view.model.rowCount() == 2 and "in 1 document" in view.status.text()


def test_merge_from_the_window(qtbot: Any, team_window: Any, tmp_path: Path) -> None:
    from newsmark.gui.dialogs.team import run_merge

    extra = annotator_file(tmp_path / "dave.newsmark", {"d2": [("GPE", "Paris")]},
                           texts={"d2": "The talks in Paris ended without a deal, said the minister.",
                                  "d4": "A new article."})
    run_merge(team_window, [extra])
    assert "1 new documents" in team_window._notice.text()
    assert team_window.doc_model.rowCount() == 4
    bad = annotator_file(tmp_path / "eve.newsmark", {}, texts={"d1": "Another text."})
    run_merge(team_window, [bad])
    assert "Nothing was merged" in team_window._notice.text() and "eve.newsmark" in team_window._notice.text()
