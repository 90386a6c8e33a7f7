"""A label's key pressed in the annotation list or the Quotes panel acts on the annotation
selected there, as in the article (with no text selected: it changes its label).

Walked to with the arrows, a row's annotation is selected in the article and the panels, and
Del deletes it; its label's key was Qt's type-ahead search instead ("l" jumped to the next row
beginning with L), which selected another annotation for the next key to act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget


class LabelKeysInLists(QObject):
    """Installed on the lists; ``label_key(key, shift)`` is the article's own handler."""

    def __init__(self, views: Iterable[QWidget], keys: Callable[[], set[str]],
                 label_key: Callable[[str, bool], None]) -> None:
        super().__init__()
        self._keys, self._label_key = keys, label_key
        for view in views:
            view.installEventFilter(self)

    def _label_of(self, event: QKeyEvent) -> str | None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return None
        text = event.text().lower()
        return text if text and text in self._keys() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) or not isinstance(event, QKeyEvent):
            return False
        key = self._label_of(event)
        if key is None:
            return False
        event.accept()
        if kind == QEvent.Type.KeyPress:
            self._label_key(key, bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        return True
