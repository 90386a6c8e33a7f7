"""Each platform's keys (#20, point 9): Qt's standard ones, and no key the system takes."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QTextBrowser

from newsmark.gui import shortcuts
from newsmark.store import Project
from tests.gui.test_window import DOC, select_text

ARROWS = ("Left", "Right", "Up", "Down")


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_no_key_the_system_takes(platform: str) -> None:
    every = [k for action in shortcuts.KEYS for k in shortcuts.keys(action, platform)]
    assert len(every) == len(set(every))
    assert "Ctrl+W" not in every  # Close everywhere; ⌘W closes the window on macOS
    if platform == "win32":  # Intel's graphics hotkeys rotate the screen
        assert not [k for k in every if k.startswith("Ctrl+Alt+") and k.endswith(ARROWS)]


def test_standard_keys_come_from_qt(qapp: Any) -> None:
    for action, (standard, _extra) in shortcuts.STANDARD.items():
        seqs = shortcuts.sequences(action)
        for s in QKeySequence.keyBindings(standard):
            assert s in seqs, action
        assert len(seqs) == len(set(s.toString() for s in seqs)), action


def test_snap_is_ctrl_b_and_ctrl_w_no_longer(qtbot: Any, window: Any) -> None:
    before = window.snap_action.isChecked()
    qtbot.keyClick(window.article, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.snap_action.isChecked() == before
    qtbot.keyClick(window.article, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.snap_action.isChecked() != before
    qtbot.keyClick(window, Qt.Key.Key_F1)
    html = window.help_dialog.findChild(QTextBrowser).toHtml()
    assert "Ctrl+B" in html and "Ctrl+W" not in html
    window.help_dialog.close()


@pytest.fixture
def windows_window(qtbot: Any, sample_project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from newsmark.gui.main_window import MainWindow

    monkeypatch.setattr(sys, "platform", "win32")  # the window is built with Windows' keys
    w = MainWindow(sample_project, settings)
    monkeypatch.undo()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_on_windows_words_are_moved_with_alt_page_keys(qtbot: Any, windows_window: Any,
                                                       sample_project: Project) -> None:
    window = windows_window
    text = window.session.document.text
    select_text(window, "contractors have")
    window.apply_label("ORG")
    ann_id = window.current
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window.article, Qt.Key.Key_Left, ctrl_alt)  # the screen's, not ours
    assert sample_project.annotation(DOC, ann_id).text == "contractors have"
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier)
    a = sample_project.annotation(DOC, ann_id)
    assert a.text == "Private contractors have" and a.start == text.index("Private contractors")
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert sample_project.annotation(DOC, ann_id).text == "Private contractors"
    qtbot.keyClick(window, Qt.Key.Key_F1)
    html = window.help_dialog.findChild(QTextBrowser).toHtml()
    assert "Alt+PgUp" in html
    window.help_dialog.close()
