"""Found in an annotator's day under Xvfb (real keys, real articles): each test drives the window
as the annotator did and fails before its fix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.gui.test_suggestions import caret, suggest_window  # noqa: F401 (fixture)


def test_accepting_a_quote_suggestion_selects_the_quote_not_its_speaker(qtbot: Any,
                                                                         suggest_window: Any) -> None:  # noqa: F811
    """Enter on a quote's ghost left its speaker (added last) selected: the stance key that
    follows (Ctrl+Shift+D) asked for the speaker's stance, Del deleted the speaker."""
    w = suggest_window
    text = w.session.document.text
    caret(w, text.index("every chance"))
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    quote = next(a for a in w.project.annotations("a") if a.label == "QUOTE")
    assert w.current == quote.id
    assert w.quotes_panel.tree.currentItem() is not None
    assert "We gave them every chance" in w.quotes_panel.tree.currentItem().text(0)
    # the next key acts on the quote: Del deletes it (its links go with it), the speaker stays
    qtbot.keyClick(w.article, Qt.Key.Key_Delete)
    assert sorted(a.label for a in w.project.annotations("a")) == ["CUE", "PERSON"]


def test_the_stance_dialog_quotes_a_point_without_a_proposition_once(qtbot: Any, window: Any) -> None:
    """A disputed point without a proposition yet (just tagged with x) was named ““…”” in the
    dialog's question."""
    from PySide6.QtWidgets import QLabel

    from tests.gui.driving import User, select

    window.open_document("second")
    text = window.session.document.text
    user = User(qtbot, window)
    select(window, text.index("nothing"), text.index("nothing") + len("nothing"))
    user.key("x")
    select(window, text.index("The minister"), text.index("The minister") + len("The minister"))
    user.key("p")
    asked: list[str] = []
    user.in_next_dialog("o", check=lambda d: asked.extend(lab.text() for lab in d.findChildren(QLabel)))
    user.key((Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
    assert asked and asked[0] == "Stance of PERSON “The minister” on “nothing”:"
    stance = [r for r in window.project.relations("second") if r.type == "stance"]
    assert [r.attributes["value"] for r in stance] == ["opposes"]
