"""Regressions and interactions found using today's window changes as an annotator (the review
pass under Xvfb), each driven with keys and clicks and checked in the lists and the article."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

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



def test_ctrl_z_in_the_adjudication_window_undoes_an_acceptance(qtbot: Any, team_window: Any) -> None:
    """F8's keys say "Ctrl+Z undo"; pressed in the adjudication window (a window of its own, where
    the curator presses 1-9) it did nothing: only the main window's Edit menu undid an acceptance."""
    w, project = team_window, team_window.project
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w.article, Qt.Key.Key_F8)
    dialog = w._adjudication
    dialog.activateWindow()  # as the window manager does when it opens
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    view = dialog.view
    view.view.setFocus()
    view.view.selectRow(0)

    def curated() -> list[str]:
        return [a.text for a in project.annotations("d1") if a.annotator == "curator"]

    qtbot.keyClick(view.view, Qt.Key.Key_3)  # accept carol's "Obama"
    assert curated() == ["Obama"] and view.model.rowCount() == 1
    qtbot.keyClick(view.view, Qt.Key.Key_Z, CTRL)
    assert curated() == []
    assert view.model.rowCount() == 2  # the disagreement is open again, in the table
    assert "curator" not in {a.annotator for a in w.session.document.annotations}  # and the article
    qtbot.keyClick(view.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo
    assert curated() == ["Obama"] and view.model.rowCount() == 1


def test_after_undoing_an_acceptance_the_disagreement_undone_is_the_one_selected(
        qtbot: Any, team_window: Any) -> None:
    """Accept the second disagreement (its row goes, the first stays selected), Ctrl+Z: the row
    comes back, but the selection stayed on the first, so the curator's next key (1-9, E) acted on
    another disagreement than the one just taken back."""
    w = team_window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w.article, Qt.Key.Key_F8)
    dialog = w._adjudication
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    view = dialog.view
    assert view.model.rowCount() == 2
    view.view.setFocus()
    view.view.selectRow(1)
    second = view.current()
    n = next(i for i, who in enumerate(view.model.annotators) if second.versions.get(who))
    qtbot.keyClick(view.view, getattr(Qt.Key, f"Key_{n + 1}"))  # accept that annotator's version
    assert view.model.rowCount() == 1 and view.current() is not None
    assert (view.current().start, view.current().end) != (second.start, second.end)
    qtbot.keyClick(view.view, Qt.Key.Key_Z, CTRL)
    assert view.model.rowCount() == 2
    back = view.current()
    assert back is not None and (back.document, back.start, back.end) == (second.document, second.start, second.end)


def test_link_captions_stay_inside_the_article_at_every_width(qtbot: Any, window: Any) -> None:
    """A caption sits on its curve's top, centred there; near the article's edge (a narrow window,
    the curve's top by the margin) it ran over the edge and was cut: "stance: support" at the
    right under Xvfb at 1000 px, the left half of "stance: supports" at 900 px offscreen."""
    user = User(qtbot, window)
    text = window.session.document.text
    user.click(text.index("any US troops") + 2)  # a quote with a speaker, a cue and a stance
    assert window.session.annotation(window.current).label == "QUOTE"
    viewport = window.article.viewport()
    for every_link in (False, True):
        if every_link:
            user.key((Qt.Key.Key_K, CTRL | Qt.KeyboardModifier.ShiftModifier))
        for width in range(700, 1300, 10):
            window.resize(width, 800)
            QApplication.processEvents()
            viewport.repaint()
            assert window.links.captions
            cut = [(rel.type, rect.left(), rect.right()) for rel, rect in window.links.captions
                   if rect.left() < 0 or rect.right() > viewport.width()]
            assert not cut, (width, viewport.width(), cut)


def test_tab_skips_a_corpus_panel_tabbed_behind_another(qtbot: Any, window: Any) -> None:
    """Entities (Ctrl+Shift+N) then the search (Ctrl+Shift+F): one panel, two tabs, the search in
    front. Tab from the article went into the entities panel behind it: five stops on fields and
    buttons no one could see, the focus lost from view."""
    user = User(qtbot, window)
    shift = CTRL | Qt.KeyboardModifier.ShiftModifier
    user.key((Qt.Key.Key_N, shift))
    user.key((Qt.Key.Key_F, shift), QApplication.focusWidget())
    assert window.corpus.shown("search") and not window.corpus.shown("entities")
    window.article.setFocus()
    reached = []
    for _ in range(40):
        user.key((Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier), QApplication.focusWidget())
        focus = QApplication.focusWidget()
        if focus is window.article:
            break
        reached.append(focus)
    assert focus is window.article  # round to the article again
    assert any(window.corpus.docks["search"].isAncestorOf(w) for w in reached)
    assert not [w for w in reached if window.corpus.docks["entities"].isAncestorOf(w)]
    assert not [type(w).__name__ for w in reached if w.visibleRegion().isEmpty()]  # every stop seen



def test_down_walks_the_quotes_panel_past_a_speakers_row(qtbot: Any, window: Any) -> None:
    """↓ in the Quotes panel reached the first speaker's row, which selects the speaker (his
    entity); the panel then showed no row as current, and every further ↓ started again from the
    top, on that speaker: no quote could be reached with the keys."""
    window.quotes_dock.show()
    qtbot.waitUntil(lambda: window.quotes_panel.tree.topLevelItemCount() > 1)
    user = User(qtbot, window)
    tree = window.quotes_panel.tree
    tree.setFocus()
    reached = []
    for _ in range(6):
        user.key((Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier), tree)
        ann = window.session.annotation(window.current)
        reached.append((ann.label, ann.text[:12]))
        assert tree.currentItem() is not None and tree.currentItem().isSelected()
    assert reached == [("PERSON", "Leon Panetta"), ("QUOTE", "any US troop"), ("QUOTE", "we protect a"),
                       ("QUOTE", "I can say ve"), ("ORG", "The Iraqi go"), ("QUOTE", "immunity is ")]



def _walk_to_baghdad(qtbot: Any, window: Any) -> tuple[User, str]:
    """Walk the annotation list with ↓ to "Baghdad" (selected as it is reached)."""
    user = User(qtbot, window)
    window.ann_view.setFocus()
    while window.current is None or window.session.annotation(window.current).text != "Baghdad":
        user.key((Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier), window.ann_view)
        assert user.actions < 30
    return user, window.current


def test_an_edit_made_from_the_annotation_list_keeps_its_annotation_selected(qtbot: Any, window: Any) -> None:
    """Walked to in the annotation list, an annotation is selected; an edit to it from there
    (Alt+Shift+← moves its end) takes its row out and puts it back, and the list's current row,
    moved to the neighbour meanwhile, selected the neighbour: the next key acted on another."""
    user, baghdad = _walk_to_baghdad(qtbot, window)
    user.key((Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier),
             window.ann_view)
    assert window.project.annotation(DOC, baghdad).text == "Baghda"
    assert window.current == baghdad  # still the one edited, in the panels and the list
    index = window.ann_view.currentIndex()
    assert window.ann_filter.data(index, Qt.ItemDataRole.UserRole) == baghdad
    user.key((Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier),
             window.ann_view)
    assert window.project.annotation(DOC, baghdad).text == "Baghdad" and window.current == baghdad


def test_a_label_key_in_the_annotation_list_relabels_the_annotation_walked_to(qtbot: Any, window: Any) -> None:
    """Walked to with the arrows, an annotation is selected in the article and the panels (Del
    deletes it); its label's key there searched the list instead (Qt's type-ahead: "l" jumped to
    the next row whose label begins with L) and so selected another annotation."""
    user, baghdad = _walk_to_baghdad(qtbot, window)
    assert window.session.annotation(baghdad).label == "GPE"
    user.key("l", window.ann_view)  # LOCATION
    assert window.current == baghdad  # still the one walked to
    assert window.project.annotation(DOC, baghdad).label == "LOCATION"
    assert QApplication.focusWidget() is window.ann_view  # the annotator goes on in the list
    user.key((Qt.Key.Key_Z, CTRL), window.ann_view)
    assert window.project.annotation(DOC, baghdad).label == "GPE"


def test_a_label_key_in_the_quotes_panel_acts_on_the_quote_walked_to(qtbot: Any, window: Any) -> None:
    """The same in the Quotes panel: "p" searched the speakers' names for a P and selected
    another row (a quote walked to, then p, ended on a speaker's entity)."""
    window.quotes_dock.show()
    qtbot.waitUntil(lambda: window.quotes_panel.tree.topLevelItemCount() > 1)
    user = User(qtbot, window)
    tree = window.quotes_panel.tree
    tree.setFocus()
    none = Qt.KeyboardModifier.NoModifier
    while window.current is None or window.session.annotation(window.current).label != "QUOTE":
        user.key((Qt.Key.Key_Down, none), tree)
        assert user.actions < 10
    quote = window.current
    user.key("c", tree)  # CUE: the key acts on the quote selected, not on the panel's rows
    assert window.current == quote and window.project.annotation(DOC, quote).label == "CUE"
    user.key((Qt.Key.Key_Z, CTRL), tree)
    assert window.project.annotation(DOC, quote).label == "QUOTE"
