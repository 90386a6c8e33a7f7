"""Preferences: the annotator's name (stored on each annotation), the article's font, light or
dark (or as the system is)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)


class PreferencesDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None, article_family: str = "") -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Preferences")
        form = QFormLayout(self)
        self.annotator = QLineEdit(str(settings.value("annotator", "") or ""))
        self.annotator.setPlaceholderText("your name or initials, stored on each annotation")
        form.addRow("Annotator", self.annotator)
        self.family = QFontComboBox()
        # the font the article is shown in (a serif by default); written back only when the
        # annotator picks another, so that changing the theme leaves the font as it was
        family = str(settings.value("font_family", "") or "") or article_family
        if family:
            self.family.setCurrentFont(QFont(family))
        self._shown_family = self.family.currentFont().family()
        form.addRow("Article font", self.family)
        self.font_size = QSpinBox()
        self.font_size.setRange(8, 40)
        self.font_size.setValue(int(str(settings.value("font_size", 13))))
        form.addRow("Font size", self.font_size)
        from newsmark.gui.app import THEMES

        self.theme = QComboBox()
        for key, name in THEMES.items():
            self.theme.addItem(name, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(str(settings.value("theme", "system") or "system"))))
        form.addRow("Appearance", self.theme)
        self.cut_chrome = QCheckBox("Keep only the article of a saved page's text (cut menus, "
                                    "related stories, footers)")
        self.cut_chrome.setChecked(str(settings.value("cut_chrome", "true")).lower() not in ("false", "0"))
        form.addRow("Importing text", self.cut_chrome)
        self.suggest_on = QCheckBox("Show suggested spans (dashed) in the article")
        self.suggest_on.setChecked(bool(settings.value("suggestions/enabled", True, type=bool)))
        form.addRow("Suggestions", self.suggest_on)
        self.min_score = QDoubleSpinBox()
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setDecimals(2)
        self.min_score.setValue(float(str(settings.value("suggestions/min_score", 0.5))))
        self.min_score.setToolTip("Suggestions scored below this are not shown")
        form.addRow("Minimum score", self.min_score)
        self.spacy_model = QLineEdit(str(settings.value("suggestions/spacy_model", "") or ""))
        self.spacy_model.setPlaceholderText("optional: an installed spaCy pipeline (package name or folder)")
        form.addRow("spaCy pipeline", self.spacy_model)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.settings.setValue("annotator", self.annotator.text().strip())
        if self.family.currentFont().family() != self._shown_family:
            self.settings.setValue("font_family", self.family.currentFont().family())
        self.settings.setValue("font_size", self.font_size.value())
        self.settings.setValue("theme", self.theme.currentData())
        self.settings.setValue("cut_chrome", self.cut_chrome.isChecked())
        self.settings.setValue("suggestions/enabled", self.suggest_on.isChecked())
        self.settings.setValue("suggestions/min_score", round(self.min_score.value(), 2))
        self.settings.setValue("suggestions/spacy_model", self.spacy_model.text().strip())
        super().accept()
