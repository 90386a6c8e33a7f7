"""A pronoun made a quote's speaker by Ctrl+click ("He added: …") links the pronoun, as the
annotator chose, and names the quote by the person it stands for, not "He": the Quotes panel
groups the quote with that person's others."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from newsmark.gui.widgets.quotes_panel import ID_ROLE
from newsmark.store import Project
from tests.gui.driving import User, select

DOC = "000_b24136a7fc6a8277"
CTRL = Qt.KeyboardModifier.ControlModifier
LAST_QUOTE = "These issues are still very much in negotiation."


def _he_and_the_quote(qtbot: Any, window: Any, project: Project) -> tuple[User, int, Any, str]:
    """Tag "He" PERSON (the annotator's coreference) and the last quote QUOTE, with keys: the
    user, where "He" is, its annotation and the quote's id."""
    user = User(qtbot, window)
    text = window.session.document.text
    he = text.index("He added")
    select(window, he, he + 2)
    user.key("p")
    pronoun = next(a for a in project.annotations(DOC) if (a.start, a.end) == (he, he + 2))
    assert (pronoun.text, pronoun.label) == ("He", "PERSON")
    q = text.index(LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))
    user.key("q")
    return user, he, pronoun, window.current


def test_ctrl_click_on_a_tagged_pronoun_names_the_speaker_it_stands_for(qtbot: Any, window: Any,
                                                                        sample_project: Project) -> None:
    user, he, pronoun, quote_id = _he_and_the_quote(qtbot, window, sample_project)
    user.click(he, CTRL)  # the pronoun: the speaker mention
    said_by = [r.to_id for r in sample_project.relations(DOC) if r.type == "said_by" and r.from_id == quote_id]
    assert said_by == [pronoun.id]
    assert sample_project.annotation(DOC, quote_id).attributes["speaker"] == "Leon Panetta"
    panel = window.quotes_panel
    qtbot.waitUntil(lambda: quote_id in panel.items, timeout=3000)
    assert "he" not in panel.groups
    leon = panel.groups["leon panetta"]
    assert any(leon.child(i).data(0, ID_ROLE) == quote_id for i in range(leon.childCount()))


def test_the_speaker_dialog_links_a_tagged_pronoun_under_the_name_it_stands_for(qtbot: Any, window: Any,
                                                                                sample_project: Project) -> None:
    user, he, pronoun, quote_id = _he_and_the_quote(qtbot, window, sample_project)
    items: list[str] = []
    user.in_next_dialog((Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
                        check=lambda d: items.extend(d.combo.itemText(i) for i in range(d.combo.count())))
    user.key((Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
    assert items[0].startswith("Leon Panetta (PERSON)") and items[0].endswith("← proposed")
    assert not any(i.startswith("He ") for i in items)
    said_by = [r.to_id for r in sample_project.relations(DOC) if r.type == "said_by" and r.from_id == quote_id]
    assert said_by == [pronoun.id]
    assert sample_project.annotation(DOC, quote_id).attributes["speaker"] == "Leon Panetta"
