"""How good each recommender is on the project's own done documents: the figures of
``newsmark evaluate``, per recommender, in the window."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.errors import NewsmarkError
from newsmark.store.project import Project

COLUMNS = ("recommender", "label", "suggested", "gold", "P exact", "R exact", "F1 exact",
           "P overlap", "R overlap", "F1 overlap")


def recommender_names(settings: QSettings | None) -> list[str]:
    names = ["quotes", "strings"]
    model = str(settings.value("suggestions/spacy_model", "") or "") if settings is not None else ""
    if model:
        names.append(f"spacy:{model}")
    return names


class EvaluationDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None, names: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evaluate recommenders")
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        settings = getattr(parent, "settings", None)
        self.run(project, names or recommender_names(settings))

    def run(self, project: Project, names: list[str]) -> None:
        from newsmark.suggest.run import evaluate

        done = len(project.document_ids(["done"]))
        if done == 0:
            self.summary.setText("No document is marked done yet: the figures compare a recommender's "
                                 "suggestions with the annotations of done documents.")
            return
        lines = [f"Against the annotations of {done} done documents; each recommender sees the texts "
                 "without their annotations (strings learns from the other documents)."]
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for name in names:
                try:
                    report = evaluate(project, name)
                except NewsmarkError as e:
                    lines.append(f"{name}: {e}")
                    continue
                for row in report.rows():
                    self._add_row(name, row)
                q = report.quotes
                if q.predicted or q.gold:
                    lines.append(f"{name}: quotes (overlap) precision {q.precision:.2f}, recall {q.recall:.2f} "
                                 f"(quote-marked {q.recall_marked:.2f}), speaker right {q.speaker:.2f}, "
                                 f"cue right {q.cue:.2f}")
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.summary.setText("\n".join(lines))

    def _add_row(self, name: str, row: tuple[str, int, int, float, float, float, float, float, float]) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        cells = [name, row[0], str(row[1]), str(row[2]), *(f"{v:.3f}" for v in row[3:])]
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, c, item)
