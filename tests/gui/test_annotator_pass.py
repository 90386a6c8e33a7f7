"""Traps met using the merged window as an annotator does (issues #15-#17), each driven with
keys and clicks and checked in the panels and the store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from newsmark.store import Project
from tests.gui.driving import User, qt_pos

DOC = "000_b24136a7fc6a8277"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
LAST_QUOTE = "These issues are still very much in negotiation."


def select(window: Any, start: int, end: int) -> None:
    text = window.session.document.text
    cursor = window.article.textCursor()
    cursor.setPosition(qt_pos(text, start))
    cursor.setPosition(qt_pos(text, end), QTextCursor.MoveMode.KeepAnchor)
    window.article.setTextCursor(cursor)
    window.article.setFocus()


def groups(window: Any) -> dict[str, list[str]]:
    """The Quotes panel as shown: each speaker row's text -> its quotes' texts."""
    tree = window.quotes_panel.tree
    out = {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        out[top.text(0)] = [top.child(j).text(0) for j in range(top.childCount())]
    return out


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
