"""The agreement view: a heatmap of labels x annotator pairs (span F1 exact or overlap, or
Cohen's kappa), and Fleiss' kappa and Krippendorff's alpha_U per label over all annotators."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsmark.team.agreement import ALL, Agreement, project_agreement
from newsmark.team.report import MEASURES, colour, fmt


class _Relay(QObject):
    done = Signal(int, object)  # request number, Agreement or the error's message


class AgreementDialog(QDialog):
    """Agreement of the project's annotators, recomputed when the layer filter changes.  The
    figures are computed in a thread on a read-only connection of their own, so the window
    stays usable on a large project."""

    def __init__(self, project: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.project = project
        self.figures: Agreement | None = None
        self._request = 0
        self._relay = _Relay()
        self._relay.done.connect(self._on_computed)
        self._thread: threading.Thread | None = None
        self.layer = QComboBox()
        self.layer.addItem("all layers", "")
        for layer in sorted({lab.layer for lab in project.labels()}):
            self.layer.addItem(layer, layer)
        self.measure = QComboBox()
        for key, name in MEASURES:
            self.measure.addItem(name, key)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.heatmap = QTableWidget()
        self.heatmap.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.overall = QTableWidget()
        self.overall.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer:"))
        top.addWidget(self.layer)
        top.addWidget(QLabel("Measure:"))
        top.addWidget(self.measure)
        top.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.heatmap, 3)
        layout.addWidget(QLabel("All annotators (documents every annotator annotated):"))
        layout.addWidget(self.overall, 2)
        layout.addWidget(buttons)
        self.layer.currentIndexChanged.connect(self.compute)
        self.measure.currentIndexChanged.connect(self._fill_heatmap)
        self.resize(900, 640)
        self.compute()

    def compute(self, *_: object) -> None:
        layer = self.layer.currentData()
        self._request += 1
        request, path = self._request, self.project.path
        self.figures = None
        self.summary.setText("Computing…")

        def work() -> None:
            from newsmark.core.errors import NewsmarkError
            from newsmark.store.project import Project

            result: object
            try:
                with Project.open(path, readonly=True) as project:
                    result = project_agreement(project, layers=[layer] if layer else [])
            except NewsmarkError as e:
                result = str(e)
            self._relay.done.emit(request, result)

        self._thread = threading.Thread(target=work, name="agreement", daemon=True)
        self._thread.start()

    def _on_computed(self, request: int, result: object) -> None:
        if request != self._request:
            return  # a later filter asked meanwhile
        if not isinstance(result, Agreement):
            self.summary.setText(f"Agreement could not be computed: {result}")
            return
        self.figures = r = result
        if len(r.annotators) < 2:
            self.summary.setText(f"{len(r.annotators)} annotator(s) in this project: agreement needs two or "
                                 "more (File → Merge annotators' files…).")
        else:
            self.summary.setText(
                f"{len(r.annotators)} annotators ({', '.join(r.annotators)}); {r.documents} documents "
                f"annotated by two or more, {r.documents_all} by all. Tokens: {r.tokenizer}. "
                "Grey: undefined (no shared documents, or nothing to compare).")
        self._fill_heatmap()
        self._fill_overall()

    def _fill_heatmap(self, *_: object) -> None:
        r = self.figures
        if r is None:
            return
        key = self.measure.currentData()
        pairs = sorted({(p.a, p.b) for p in r.pairs})
        rows = [ALL, *r.labels] + ([] if key == "kappa" else r.relation_types)
        cells = {(p.a, p.b, p.label): p for p in r.pairs}
        t = self.heatmap
        t.clear()
        t.setRowCount(len(rows))
        t.setColumnCount(len(pairs))
        t.setVerticalHeaderLabels(rows)
        t.setHorizontalHeaderLabels([f"{a} / {b}" for a, b in pairs])
        for i, label in enumerate(rows):
            for j, (a, b) in enumerate(pairs):
                p = cells.get((a, b, label))
                value = getattr(p, key) if p else None
                item = QTableWidgetItem(fmt(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QBrush(QColor(colour(value))))
                item.setForeground(QBrush(QColor("#000000")))
                if p:
                    item.setToolTip(f"{a} / {b}, {label}: {p.documents} documents, {p.count_a} vs {p.count_b}; "
                                    f"F1 exact {fmt(p.f1_exact)}, overlap {fmt(p.f1_overlap)}, κ {fmt(p.kappa)}")
                t.setItem(i, j, item)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _fill_overall(self) -> None:
        r = self.figures
        assert r is not None
        labels = [ALL, *r.labels]
        t = self.overall
        t.clear()
        t.setRowCount(len(labels))
        t.setColumnCount(2)
        t.setVerticalHeaderLabels(labels)
        t.setHorizontalHeaderLabels(["Fleiss' κ", "Krippendorff's α_U"])
        for i, label in enumerate(labels):
            for j, value in enumerate((r.fleiss_kappa.get(label), r.alpha_u.get(label))):
                item = QTableWidgetItem(fmt(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QBrush(QColor(colour(value))))
                item.setForeground(QBrush(QColor("#000000")))
                t.setItem(i, j, item)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def cell(self, label: str, a: str, b: str) -> str:
        """The heatmap's text for a label and a pair (for tests and screen readers)."""
        t = self.heatmap
        rows = [h.text() if (h := t.verticalHeaderItem(i)) else "" for i in range(t.rowCount())]
        cols = [c.text() if (c := t.horizontalHeaderItem(j)) else "" for j in range(t.columnCount())]
        found = t.item(rows.index(label), cols.index(f"{a} / {b}"))
        return found.text() if found else ""
