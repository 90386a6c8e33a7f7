"""How good each recommender is on the project's own done documents: the figures of
``newsmark evaluate``, per recommender, in the window.  Computed in a process of its own
(``newsmark.suggest.worker.evaluate``), with a progress bar; closing the dialog stops it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsmark.gui.suggestions.process import WorkerProcess
from newsmark.store.project import Project
from newsmark.suggest import worker

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
        self.progress = QProgressBar()
        self.progress.setFormat("%p%")
        layout.addWidget(self.progress)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.finished_computing = False
        self.job: WorkerProcess | None = None
        self.names = names or recommender_names(getattr(parent, "settings", None))
        self._documents = 0
        self._lines: list[str] = []
        self.finished.connect(self._stop)
        self.run(project)

    def run(self, project: Project) -> None:
        done = len(project.document_ids(["done"]))
        if done == 0:
            self.summary.setText("No document is marked done yet: the figures compare a recommender's "
                                 "suggestions with the annotations of done documents.")
            self.progress.hide()
            self.finished_computing = True
            return
        self._documents = done
        self._lines = [f"Against the annotations of {done} done documents; each recommender sees the texts "
                       "without their annotations (strings learns from the other documents)."]
        self.summary.setText(self._lines[0] + f"\nComputing ({', '.join(self.names)})…")
        self.progress.setRange(0, done * len(self.names))
        self.progress.setValue(0)
        self.job = WorkerProcess(worker.evaluate, (str(project.path), self.names), "newsmark-evaluate", self)
        self.job.received.connect(self._on_message)
        self.job.ended.connect(self._on_ended)

    def _on_message(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "start":
            self._documents = max(1, int(msg[1]))
            self.progress.setRange(0, self._documents * len(self.names))
        elif kind == "progress":
            self.progress.setValue(int(msg[1]) * self._documents + int(msg[2]))
        elif kind == "report":
            name, rows, q = msg[1], msg[2], msg[3]
            for row in rows:
                self._add_row(name, row)
            if q is not None:
                self._lines.append(f"{name}: quotes (overlap) precision {q[0]:.2f}, recall {q[1]:.2f} "
                                   f"(quote-marked {q[2]:.2f}), speaker right {q[3]:.2f}, cue right {q[4]:.2f}")
            self.progress.setValue((self.names.index(name) + 1) * self._documents)
        elif kind == "error":
            self._lines.append(f"{msg[1]}: {msg[2]}" if msg[1] else str(msg[2]))
        elif kind == "end":
            self.progress.setValue(self.progress.maximum())
            self.progress.hide()
            self.finished_computing = True
            self._stop()
        self.summary.setText("\n".join(self._lines + ([] if self.finished_computing else ["Computing…"])))

    def _on_ended(self, why: str) -> None:
        if not self.finished_computing:
            self._lines.append(f"The evaluation stopped: its process ended ({why}).")
            self.summary.setText("\n".join(self._lines))
            self.progress.hide()
            self.finished_computing = True
        self._stop()

    def _stop(self, *_args: Any) -> None:
        """The evaluation is done, or the dialog closes: its process ends (killed if it is
        still computing: it only reads the project)."""
        if self.job is not None:
            job, self.job = self.job, None
            job.stop(0.2)

    def _add_row(self, name: str, row: tuple[str, int, int, float, float, float, float, float, float]) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        cells = [name, row[0], str(row[1]), str(row[2]), *(f"{v:.3f}" for v in row[3:])]
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, c, item)
