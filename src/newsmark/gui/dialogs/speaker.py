"""Who said it: one dialog, the proposed speaker already chosen and the cue verb already found,
so Enter attributes the quote (speaker and cue) in one step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from newsmark.attribution import CueProposal, SpeakerChoice


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class SpeakerDialog(QDialog):
    """The article's people, organisations and nationalities, one entry per person (the proposed
    one first and chosen); a name can be typed instead.  Enter accepts."""

    def __init__(self, quote_text: str, choices: list[SpeakerChoice], cue: CueProposal | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Speaker")
        self.choices = choices
        layout = QVBoxLayout(self)
        quote = QLabel(f"Who said “{_short(quote_text)}”?")
        quote.setWordWrap(True)
        layout.addWidget(quote)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumWidth(420)
        for c in choices:
            self.combo.addItem(c.describe() + ("  ← proposed" if c.proposed else ""))
        self.combo.setCurrentIndex(0 if choices else -1)
        edit = self.combo.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("type a name")
            edit.selectAll()
            # the editable list keeps Return to itself: Enter accepts, as the hint says
            edit.returnPressed.connect(self.accept)
        layout.addWidget(self.combo)
        self.cue = QCheckBox()
        if cue is not None:
            self.cue.setText(f"Cue: “{_short(cue.text, 40)}”" + ("" if cue.ann_id else " (tagged CUE)"))
            self.cue.setChecked(True)
        else:
            self.cue.hide()
        layout.addWidget(self.cue)
        hint = QLabel("Enter: attribute · ↑↓: another speaker · or type a name")
        hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Attribute")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def chosen(self) -> SpeakerChoice | str | None:
        """The chosen entry, or the name typed (None when nothing)."""
        text = self.combo.currentText().strip()
        i = self.combo.currentIndex()
        if 0 <= i < len(self.choices) and text == self.combo.itemText(i).strip():
            return self.choices[i]
        return text.removesuffix("← proposed").strip() or None

    def with_cue(self) -> bool:
        return not self.cue.isHidden() and self.cue.isChecked()
