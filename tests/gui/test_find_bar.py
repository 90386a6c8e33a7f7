"""Find in the article: every match highlighted, match case, whole word, "3 of 15", and Enter /
Shift+Enter walking the matches with the focus kept in the field."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt

from newsmark.gui.widgets.find_bar import find_all, next_match


def selected(window: Any) -> tuple[int, int]:
    cursor = window.article.textCursor()
    m = window.article.map
    return m.from_qt(cursor.selectionStart()), m.from_qt(cursor.selectionEnd())


def highlighted(window: Any) -> set[tuple[int, int]]:
    m = window.article.map
    return {(m.from_qt(s.cursor.selectionStart()), m.from_qt(s.cursor.selectionEnd()))
            for s in window.article.extraSelections()}


def test_find_highlights_counts_and_walks_with_enter(qtbot: Any, window: Any) -> None:
    text = window.session.document.text
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_bar.edit, "the")
    expected = [m.span() for m in re.finditer("the", text, re.IGNORECASE)]
    assert len(expected) > 3
    assert window.find_bar.count.text() == f"{len(expected)} found"
    assert set(expected) <= highlighted(window)  # every match is highlighted
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert selected(window) == expected[0]
    assert window.find_bar.count.text() == f"1 of {len(expected)}"
    assert window.find_bar.edit.hasFocus()  # the focus stays in the field
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Enter)
    assert selected(window) == expected[2]
    assert window.find_bar.count.text() == f"3 of {len(expected)}"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # back
    assert selected(window) == expected[1]
    assert window.find_bar.count.text() == f"2 of {len(expected)}"
    assert window.find_bar.edit.hasFocus()
    for _ in range(2):  # wraps around to the last
        qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert selected(window) == expected[-1]
    # F3 from the article goes on from there
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_F3)
    assert selected(window) == expected[0]
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()
    assert not highlighted(window)


def test_match_case_and_whole_word(qtbot: Any, window: Any) -> None:
    text = window.session.document.text
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_bar.edit, "The")
    every = len(re.findall("the", text, re.IGNORECASE))
    assert window.find_bar.count.text() == f"{every} found"
    qtbot.mouseClick(window.find_bar.match_case, Qt.MouseButton.LeftButton)
    cased = len(re.findall("The", text))
    assert cased < every
    assert window.find_bar.count.text() == f"{cased} found"
    assert window.find_bar.edit.hasFocus()  # clicking an option keeps the focus in the field
    qtbot.mouseClick(window.find_bar.match_case, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.find_bar.whole_word, Qt.MouseButton.LeftButton)
    words = len(re.findall(r"\bthe\b", text, re.IGNORECASE))
    assert words < every
    assert window.find_bar.count.text() == f"{words} found"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    s, e = selected(window)
    assert text[s:e].lower() == "the" and not text[e].isalnum() and not text[s - 1].isalnum()
    window.find_bar.edit.setText("zzzqqq")
    assert window.find_bar.count.text() == "no match"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert "not in this article" in window.statusBar().currentMessage()


def test_find_counts_code_points_in_naughty_text(qtbot: Any, window: Any, sample_project: Any) -> None:
    from newsmark.core.model import Document
    from tests.conftest import NAUGHTY

    sample_project.add_document(Document(id="naughty", text=NAUGHTY, title="naughty"))
    window.refresh_documents()
    window.open_document("naughty")
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_bar.edit, "kanji")
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    s, e = selected(window)
    assert NAUGHTY[s:e] == "kanji"


def test_find_all_keeps_lengths_and_wraps() -> None:
    # "İ".lower() is two code points: offsets found on a lowered copy would drift by one
    assert find_all("İİ istanbul", "istanbul") == [(3, 11)]
    assert find_all("cat concat cat", "cat", whole_word=True) == [(0, 3), (11, 14)]
    assert find_all("Cat cat", "cat", match_case=True) == [(4, 7)]
    matches = [(0, 3), (5, 8), (10, 13)]
    assert next_match(matches, 4, +1) == 1
    assert next_match(matches, 14, +1) == 0
    assert next_match(matches, 5, -1) == 0
    assert next_match(matches, 0, -1) == 2
    assert next_match([], 0, 1) is None
