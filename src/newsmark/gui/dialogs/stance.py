"""A quote's or an entity's stance on a disputed point: the point and the value in one dialog,
the value on a single key (s, o, n), which also accepts."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.model import Annotation


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def value_keys(values: list[str]) -> dict[str, str]:
    """A single key for each stance value: its first letter not taken yet."""
    keys: dict[str, str] = {}
    for v in values:
        key = next((ch for ch in v.lower() if ch.isalpha() and ch not in keys), "")
        if key:
            keys[key] = v
    return keys


class StanceDialog(QDialog):
    """Choose the disputed point (the nearest first; not shown when it is known) and press the
    stance's key: s supports, o opposes, n neutral."""

    def __init__(self, source: Annotation, disputes: list[Annotation], values: list[str],
                 parent: QWidget | None = None, current: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stance")
        self.disputes = disputes
        self.value: str | None = None
        self.keys = value_keys(values)
        layout = QVBoxLayout(self)
        head = QLabel(f"Stance of {source.label} “{_short(source.text, 60)}” on"
                      + (":" if len(disputes) > 1 else f" {self._quoted(disputes[0])}:"))
        head.setWordWrap(True)
        layout.addWidget(head)
        self.list = QListWidget()
        for d in disputes:
            now = (current or {}).get(d.id)
            item = QListWidgetItem(self._name(d) + (f"   (now: {now})" if now else ""))
            item.setToolTip(d.text)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.installEventFilter(self)
        if len(disputes) > 1:
            layout.addWidget(self.list)
        else:
            self.list.hide()
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, v in self.keys.items():
            b = QPushButton(f"{v.capitalize()}  ({key})")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, v=v: self._choose(v))
            row.addWidget(b)
            self.buttons[v] = b
        layout.addLayout(row)
        hint = QLabel(" · ".join(f"{k}: {v}" for k, v in self.keys.items()) + " · Esc: cancel"
                      + (" · ↑↓: another point" if len(disputes) > 1 else ""))
        hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(hint)
        self.list.setFocus()

    @staticmethod
    def _name(d: Annotation) -> str:
        prop = d.attributes.get("proposition")
        return _short(str(prop)) if prop else f"“{_short(d.text)}”"

    @classmethod
    def _quoted(cls, d: Annotation) -> str:
        """The point in quotation marks once (a point without a proposition is named by its
        text, already quoted: it read ““…””)."""
        name = cls._name(d)
        return f"“{name}”" if d.attributes.get("proposition") else name

    def dispute(self) -> Annotation | None:
        row = self.list.currentRow()
        return self.disputes[row] if 0 <= row < len(self.disputes) else None

    def _choose(self, value: str) -> None:
        self.value = value
        self.accept()

    def _key(self, event: QKeyEvent) -> bool:
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        value = self.keys.get(event.text().lower())
        if value is None:
            return False
        self._choose(value)
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        # the list would take letters as a search: the stance keys go to the dialog
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and self._key(event):
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if not self._key(event):
            super().keyPressEvent(event)
