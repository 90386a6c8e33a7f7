"""Each platform's keys for the window's actions (issue #20, point 9).

Qt's standard keys where they exist (undo, redo, find, zoom, preferences, quit, help: ⌘ on
macOS, F1 or ⌘? for help...), and platform-right keys where a choice collides there:

- "Snap selections to words" was Ctrl+W, which is Close on every system (⌘W closes the window
  on macOS, Ctrl+W on Windows and Linux): Ctrl+B (⌘B), "word boundaries".
- Moving an annotation's start or end by a word was Ctrl+Alt+arrows, which rotate the screen on
  many Windows laptops (Intel's graphics hotkeys): Alt+PgUp/PgDown there.  On Linux many
  desktops switch workspaces with them (GNOME, Xfce, Cinnamon, Openbox: the window never sees
  the key and the annotator lands on an empty desktop): Alt+PgUp/PgDown too, beside them.

In the key strings "Ctrl" is ⌘ on macOS (Qt's convention) and "Meta" the Control key.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

# An action's keys: "*" for every platform, or per sys.platform value with "*" the rest
KEYS: dict[str, dict[str, list[str]]] = {
    "snap": {"*": ["Ctrl+B"]},
    "start_word_left": {"win32": ["Alt+PgUp"], "linux": ["Ctrl+Alt+Left", "Alt+PgUp"], "*": ["Ctrl+Alt+Left"]},
    "start_word_right": {"win32": ["Alt+PgDown"], "linux": ["Ctrl+Alt+Right", "Alt+PgDown"], "*": ["Ctrl+Alt+Right"]},
    "end_word_left": {"win32": ["Alt+Shift+PgUp"], "linux": ["Ctrl+Alt+Shift+Left", "Alt+Shift+PgUp"],
                      "*": ["Ctrl+Alt+Shift+Left"]},
    "end_word_right": {"win32": ["Alt+Shift+PgDown"], "linux": ["Ctrl+Alt+Shift+Right", "Alt+Shift+PgDown"],
                       "*": ["Ctrl+Alt+Shift+Right"]},
}
# Qt's standard keys (the platform's own), with Newsmark's extra ones after them
STANDARD: dict[str, tuple[QKeySequence.StandardKey, list[str]]] = {
    "undo": (QKeySequence.StandardKey.Undo, ["Ctrl+Z"]),
    "redo": (QKeySequence.StandardKey.Redo, ["Ctrl+Shift+Z", "Ctrl+Y"]),
    "find": (QKeySequence.StandardKey.Find, ["Ctrl+F"]),
    "find_next": (QKeySequence.StandardKey.FindNext, ["F3", "Ctrl+G"]),
    "find_previous": (QKeySequence.StandardKey.FindPrevious, ["Shift+F3", "Ctrl+Shift+G"]),
    "zoom_in": (QKeySequence.StandardKey.ZoomIn, ["Ctrl++", "Ctrl+="]),
    "zoom_out": (QKeySequence.StandardKey.ZoomOut, ["Ctrl+-"]),
    "preferences": (QKeySequence.StandardKey.Preferences, ["Ctrl+,"]),
    "quit": (QKeySequence.StandardKey.Quit, ["Ctrl+Q"]),
    "help": (QKeySequence.StandardKey.HelpContents, ["F1", "Ctrl+/"]),
}


def keys(action: str, platform: str | None = None) -> list[str]:
    """The key strings of an action from KEYS on ``platform`` (default: this one)."""
    table = KEYS[action]
    return list(table.get(sys.platform if platform is None else platform, table["*"]))


def sequences(action: str) -> list[QKeySequence]:
    """The key sequences of an action on this platform: Qt's standard ones first."""
    if action in STANDARD:
        standard, extra = STANDARD[action]
        out = list(QKeySequence.keyBindings(standard))
        for s in extra:
            seq = QKeySequence(s)
            if seq not in out:
                out.append(seq)
        return out
    return [QKeySequence(s) for s in keys(action)]


def readable(seqs: list[QKeySequence]) -> str:
    """An action's keys as the shortcut list shows them: those of an ordinary keyboard only.
    Qt's standard keys add the keys of special keyboards on X11 (F14, Undo, Find, Exit, Zoom
    In, Help), which read as words of the action: "Ctrl+Z, F14, Undo"."""
    shown = []
    for seq in seqs:
        keys = [seq[i].key().value for i in range(seq.count())]  # type: ignore[index]
        if all(k < 0x01000000 or k <= Qt.Key.Key_F12.value for k in keys):
            shown.append(seq.toString(QKeySequence.SequenceFormat.NativeText))
    return ", ".join(shown)
