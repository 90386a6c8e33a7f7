"""The Corpus menu's views driven as a user drives them (#18): search the project, open a hit,
merge entities, the disputed points and the stance map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from newsmark.store import Project
from tests.gui.test_window import DOC, qt_pos, select_text

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_search_the_project_and_open_a_hit(qtbot: Any, window: Any, sample_project: Project) -> None:
    assert window.doc_id == DOC
    qtbot.keyClick(window.article, Qt.Key.Key_F, CTRL_SHIFT)
    panel = window.corpus.search
    assert panel is not None and panel.isVisible()
    qtbot.keyClicks(panel.query, "NOTHING")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.results.topLevelItemCount() == 1
    item = panel.results.topLevelItem(0)
    assert "【nothing】" in item.text(3)
    rect = panel.results.visualItemRect(item)
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.doc_id == "second"
    text = window.session.document.text
    cursor = window.article.textCursor()
    s = text.index("nothing")
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (qt_pos(text, s), qt_pos(text, s + 7))


def test_a_conditioned_hit_selects_its_annotation(qtbot: Any, window: Any, sample_project: Project) -> None:
    window.open_document("second")
    qtbot.keyClick(window.article, Qt.Key.Key_F, CTRL_SHIFT)
    panel = window.corpus.search
    panel.label.setCurrentIndex(panel.label.findText("QUOTE"))
    qtbot.keyClicks(panel.speaker, "Panetta")
    qtbot.keyClicks(panel.query, "immunity")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    n = panel.results.topLevelItemCount()
    assert n >= 2 and all(panel.results.topLevelItem(i).text(1) == "QUOTE" for i in range(n))
    item = panel.results.topLevelItem(1)
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=panel.results.visualItemRect(item).center())
    hit = panel.hits[1]
    assert window.doc_id == DOC and window.current == hit.annotation
    assert sample_project.annotation(DOC, hit.annotation).text == hit.text


def test_merge_entities_in_the_entities_view(qtbot: Any, window: Any, sample_project: Project) -> None:
    select_text(window, "Mr Panetta")
    qtbot.keyClick(window.article, "p")  # tag it PERSON, as a user does
    qtbot.keyClick(window.article, Qt.Key.Key_N, CTRL_SHIFT)
    view = window.corpus.entities
    names = [(r.label, r.name) for r in view.model.rows]
    assert ("PERSON", "Mr Panetta") in names and ("PERSON", "Leon Panetta") in names
    view.filter.setText("panetta")
    assert view.proxy.rowCount() == 2
    view.view.selectAll()
    view.merge_selected(name="Leon Panetta")
    person = [r for r in view.model.rows if r.label == "PERSON" and "Panetta" in r.name]
    assert len(person) == 1 and person[0].mentions == 2 and person[0].id is not None
    assert sample_project.conn.execute("SELECT name FROM entities").fetchall() == [("Leon Panetta",)]
    view.filter.setText("Leon")
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.view.visualRect(view.proxy.index(0, 1)).center())
    view.identify_selected("Q312855")
    assert sample_project.conn.execute("SELECT identifier FROM entities").fetchall() == [("Q312855",)]


def test_disputes_view_opens_a_stance_and_the_stance_map_saves(qtbot: Any, window: Any, sample_project: Project,
                                                                tmp_path: Path) -> None:
    window.open_document("second")
    qtbot.keyClick(window.article, Qt.Key.Key_P, CTRL_SHIFT)
    view = window.corpus.disputes
    assert view.tree.topLevelItemCount() == 1
    point = view.tree.topLevelItem(0)
    assert point.childCount() == 6
    child = point.child(0)
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=view.tree.visualItemRect(child).center())
    assert window.doc_id == DOC and window.current is not None
    qtbot.keyClick(window.article, Qt.Key.Key_M, CTRL_SHIFT)
    smap = window.corpus.stance_map
    assert "Leon Panetta" in smap.map.speakers
    png = smap.save_as(tmp_path / "map.png")
    assert png is not None and png.read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in smap.save_as(tmp_path / "map.html").read_text(encoding="utf-8")


def test_link_a_dispute_to_a_shared_point(qtbot: Any, window: Any, sample_project: Project) -> None:
    dispute = next(a for a in sample_project.annotations(DOC) if a.label == "DISPUTE")
    window.select_annotation(dispute.id)
    qtbot.keyClick(window.article, Qt.Key.Key_P, CTRL_SHIFT)
    window.corpus.link_dispute(choice="New shared point: " + dispute.attributes["proposition"])
    assert sample_project.conn.execute("SELECT doc, ann FROM dispute_links").fetchall() == [(DOC, dispute.id)]
    top = window.corpus.disputes.tree.topLevelItem(0)
    assert "not linked" not in top.text(3)
