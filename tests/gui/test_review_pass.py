"""Regressions and interactions found using today's window changes as an annotator (the review
pass under Xvfb), each driven with keys and clicks and checked in the lists and the article."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.gui.driving import User, select

DOC = "000_b24136a7fc6a8277"
CTRL = Qt.KeyboardModifier.ControlModifier


def test_undo_opening_a_document_the_list_filters_out_leaves_no_other_row_selected(
        qtbot: Any, window: Any) -> None:
    """Undo opens the article its edit was made in; when the document list's filter hides that
    article, the list selected the row it had ("Second") while the article showed another, and
    Ctrl+PgDn / Ctrl+PgUp, stepping from that row, did nothing at all."""
    user = User(qtbot, window)
    text = window.session.document.text
    i = text.index("Camp Liberty")
    select(window, i, i + len("Camp Liberty"))
    user.key("l")  # LOCATION, in the first article
    for ch in "Second":
        user.key(ch, window.doc_search)
    user.key((Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier), window.doc_search)  # into the list
    assert window.doc_id == "second"
    user.key((Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier), window.doc_view)  # to the article
    user.key((Qt.Key.Key_Z, CTRL))
    assert window.doc_id == DOC  # undo opened the article of the edit
    assert window.doc_search.text() == "Second"  # (the filter the annotator typed is kept)
    # the list shows no row as the open document: "Second" is not the article shown
    assert not window.doc_view.currentIndex().isValid()
    assert not window.doc_view.selectionModel().selectedRows()
    user.key((Qt.Key.Key_PageDown, CTRL))  # next document: the one the list shows
    assert window.doc_id == "second"
    assert window.doc_view.currentIndex().row() == 0
