"""Traps met using the merged window as an annotator does (issues #15-#17), each driven with
keys and clicks and checked in the panels and the store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from newsmark.store import Project
from tests.gui.driving import User, qt_pos, select
from tests.gui.driving import quote_groups as groups

DOC = "000_b24136a7fc6a8277"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
LAST_QUOTE = "These issues are still very much in negotiation."


def test_a_speaker_named_otherwise_near_the_quote_is_still_the_same_speaker(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    """The speaker dialog proposes "Leon Panetta — also Mr Panetta" for "He added: …"; Enter
    links the mention "Mr Panetta", but the quote is Leon Panetta's (the guidelines: the
    ``speaker`` attribute is the full name the mention refers to), listed under him in the Quotes
    panel, not under a second speaker "Mr Panetta"."""
    window.quotes_dock.show()
    user = User(qtbot, window)
    text = window.session.document.text
    q = text.index(LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))
    user.key("q")
    user.in_next_dialog((Qt.Key.Key_Return, NONE))
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    assert user.actions == 3
    quote = sample_project.annotation(DOC, window.current)
    said_by = next(r for r in sample_project.relations(DOC) if r.from_id == quote.id and r.type == "said_by")
    assert sample_project.annotation(DOC, said_by.to_id).text == "Mr Panetta"  # the mention
    assert quote.attributes["speaker"] == "Leon Panetta"  # the name it refers to
    shown = groups(window)
    assert not any(k.startswith("Mr Panetta") for k in shown), shown
    leon = next(k for k in shown if k.startswith("Leon Panetta"))
    assert len(shown[leon]) == 4 and any("These issues" in t for t in shown[leon])


def test_pointing_at_a_short_mention_keeps_the_full_name(qtbot: Any, window: Any, sample_project: Project) -> None:
    """Ctrl+click on a tagged "Mr Panetta" makes it the quote's speaker mention; the name stays
    Leon Panetta's."""
    text = window.session.document.text
    user = User(qtbot, window)
    mr = text.index("Mr Panetta")
    select(window, mr, mr + len("Mr Panetta"))
    user.key("p")
    quote = next(a for a in sample_project.annotations(DOC) if a.text == "immunity is not necessary")
    user.click(quote.start + 2)
    assert window.current == quote.id
    user.click(mr + 4, Qt.KeyboardModifier.ControlModifier)
    quote = sample_project.annotation(DOC, quote.id)
    assert quote.attributes["speaker"] == "Leon Panetta"
    assert not any(k.startswith("Mr Panetta") for k in groups(window))


def test_next_suggestion_inside_the_selected_quote_then_backspace_rejects_it_not_the_quote(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    """Click a quote, Alt+N: the caret goes to the suggested GPE "Iraq" inside it and the status
    bar says "Backspace rejects"; Backspace used to delete the quote and its three links."""
    qtbot.waitUntil(lambda: len(window.suggestions.items) >= 2, timeout=5000)
    user = User(qtbot, window)
    quote = next(a for a in sample_project.annotations(DOC) if a.text.startswith("any US troops remaining in Iraq"))
    links = {r.id for r in sample_project.relations(DOC) if quote.id in (r.from_id, r.to_id)}
    user.click(quote.start + 3)
    assert window.current == quote.id
    user.key((Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier))
    text = window.session.document.text
    iraq = text.index("Iraq", quote.start)
    caret = window.article.map.from_qt(window.article.textCursor().position())
    assert caret == iraq and "Backspace rejects" in window.statusBar().currentMessage()
    ghost = window.suggestions.at(iraq)
    assert ghost is not None and ghost.label == "GPE"
    assert window.current is None  # the quote let go: the keys act on the suggestion
    user.key((Qt.Key.Key_Backspace, NONE))
    assert sample_project.annotation(DOC, quote.id) is not None
    assert {r.id for r in sample_project.relations(DOC) if quote.id in (r.from_id, r.to_id)} == links
    assert window.suggestions.at(iraq) is None or window.suggestions.at(iraq).label != "GPE"
    # Enter on the next one accepts it
    user.key((Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier))
    pos = window.article.map.from_qt(window.article.textCursor().position())
    nxt = window.suggestions.at(pos)
    assert nxt is not None
    before = len(sample_project.annotations(DOC))
    user.key((Qt.Key.Key_Return, NONE))
    assert len(sample_project.annotations(DOC)) > before
    assert any(a.start == nxt.start and a.end == nxt.end and a.label == nxt.label
               for a in sample_project.annotations(DOC))


def _listed_selection(window: Any) -> list[str]:
    """The annotations the list shows as selected."""
    return [str(window.ann_filter.data(i, Qt.ItemDataRole.UserRole))
            for i in window.ann_view.selectionModel().selectedRows()]


def test_filtering_the_list_never_shows_another_annotation_as_selected(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    """Filtering the annotation list by text hid the selected quote's row and painted the row
    that took its place as selected, while the keys still acted on the hidden quote."""
    user = User(qtbot, window)
    quote = next(a for a in sample_project.annotations(DOC) if a.text == "immunity is not necessary")
    user.click(quote.start + 2)
    assert window.current == quote.id and _listed_selection(window) == [quote.id]
    qtbot.keyClicks(window.ann_search, "Panetta")  # its row is filtered out
    assert window.current == quote.id
    assert _listed_selection(window) == []
    window.ann_search.clear()  # back: its row selected again
    assert _listed_selection(window) == [quote.id]
    window.ann_choice.setCurrentIndex(window.ann_choice.findText("PERSON"))
    assert _listed_selection(window) == []
    window.ann_choice.setCurrentIndex(0)
    assert _listed_selection(window) == [quote.id]
    # sorting keeps the same annotation selected
    window.ann_view.horizontalHeader().sectionClicked.emit(0)
    window.ann_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert _listed_selection(window) == [quote.id]


def test_a_quote_tagged_a_character_short_of_its_suggestion_leaves_no_ghost(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    """A drag to the end of "negotiation" (snapped to the word, without the period) made the
    quote; the suggested quote with the period stayed drawn over it, and Enter on it made a
    second, overlapping QUOTE."""
    qtbot.waitUntil(lambda: len(window.suggestions.items) >= 2, timeout=5000)
    text = window.session.document.text
    q = text.index(LAST_QUOTE)
    assert window.suggestions.at(q + 3) is not None  # the ghost is there at first
    user = User(qtbot, window)
    select(window, q, q + len(LAST_QUOTE) - 1)
    user.key("q")
    quote = sample_project.annotation(DOC, window.current)
    assert quote.text == LAST_QUOTE[:-1]

    def no_quote_ghost() -> bool:
        ghost = window.suggestions.at(q + 3)
        return ghost is None or ghost.label != "QUOTE"

    qtbot.waitUntil(no_quote_ghost, timeout=5000)  # recomputed after the edit, in the background
    window.select_annotation(None)
    caret = window.article.textCursor()
    caret.setPosition(qt_pos(text, q + 3))
    window.article.setTextCursor(caret)
    user.key((Qt.Key.Key_Return, NONE))
    assert [a.id for a in sample_project.annotations(DOC) if a.label == "QUOTE" and a.start <= q + 3 < a.end] == [
        quote.id]
