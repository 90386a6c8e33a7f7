"""Every key of the window does one thing: Qt silently ignores a shortcut two actions share."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def test_no_two_actions_share_a_shortcut(window: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QKeySequence

    owners: dict[str, list[str]] = defaultdict(list)
    for action in window.findChildren(QAction):
        if action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut:
            continue  # a widget's own key (a list's Del), not the window's
        for seq in action.shortcuts():
            if not seq.isEmpty():
                owners[seq.toString(QKeySequence.SequenceFormat.PortableText)].append(
                    action.text().replace("&", ""))
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared, f"shortcuts used by more than one action: {shared}"
