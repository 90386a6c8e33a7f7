"""Import, export and render from the window: the work runs in a worker thread (with its own
connection to the project), with a progress dialog that can cancel; the window never freezes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QPushButton,
)

from newsmark import APP_NAME
from newsmark.core.model import STATUSES
from newsmark.core.wording import counted

if TYPE_CHECKING:
    from newsmark.gui.main_window import MainWindow


class Worker(QObject):
    """Runs ``job(progress)`` in a thread; ``progress(n)`` adds to the bar and raises
    ImportCancelled once cancel() was called."""

    advanced = Signal(int)
    finished = Signal(object, str)  # result, error message ("" when fine)

    def __init__(self, job: Any) -> None:
        super().__init__()
        self.job = job
        self.cancelled = False
        self.done = 0

    def progress(self, n: int) -> None:
        from newsmark.store.importer import ImportCancelled

        if self.cancelled:
            raise ImportCancelled()
        self.done += n
        self.advanced.emit(self.done)

    def run(self) -> None:
        from newsmark.core.errors import NewsmarkError
        from newsmark.store.importer import ImportCancelled

        try:
            result = self.job(self.progress)
        except ImportCancelled:
            self.finished.emit(None, "cancelled")
        except NewsmarkError as e:
            self.finished.emit(None, str(e))
        except ImportError as e:  # a package missing from the installation: say which
            from newsmark.core.dependencies import missing_dependency

            missing = missing_dependency(e)
            if missing is None:
                raise
            self.finished.emit(None, str(missing))
        else:
            self.finished.emit(result, "")


class Relay(QObject):
    """Lives in the window's thread, so that the worker's signals reach the widgets there
    (queued), never from the worker's thread."""

    def __init__(self, dialog: QProgressDialog, thread: QThread, on_done: Any) -> None:
        super().__init__()
        self.dialog, self.worker_thread, self.on_done = dialog, thread, on_done

    @Slot(int)
    def advance(self, n: int) -> None:
        self.dialog.setValue(min(n, self.dialog.maximum() - 1))

    @Slot(object, str)
    def finish(self, result: Any, error: str) -> None:
        self.dialog.reset()
        self.worker_thread.quit()
        self.worker_thread.wait()
        self.on_done(result, error)


def run_in_thread(window: MainWindow, title: str, total: int, job: Any, on_done: Any) -> Worker:
    dialog = QProgressDialog(title, "Cancel", 0, max(1, total), window)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    thread = QThread(window)
    worker = Worker(job)
    worker.moveToThread(thread)
    relay = Relay(dialog, thread, on_done)
    thread.started.connect(worker.run)
    worker.advanced.connect(relay.advance)
    worker.finished.connect(relay.finish)
    dialog.canceled.connect(lambda: setattr(worker, "cancelled", True))
    window._transfer = (thread, worker, dialog, relay)  # keep them alive
    thread.start()
    return worker


def notice(window: MainWindow, title: str, text: str, warning: bool = False) -> QMessageBox:
    """A message that does not block (the window stays usable, and tests can read it)."""
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # before the text: file names are never rich text
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    window._notice = box
    return box


def run_import(window: MainWindow, folder: bool, paths: list[Path] | None = None) -> Worker | None:
    if paths is None:
        # where the last import was chosen (the dialog opened in the folder the program was
        # started from, each time, however deep the articles were): else the home folder
        last = str(window.settings.value("last_import_folder", "") or "")
        start = last if last and Path(last).is_dir() else str(Path.home())
        if folder:
            chosen = QFileDialog.getExistingDirectory(window, "Import a folder of articles", start)
            paths = [Path(chosen)] if chosen else []
        else:
            chosen_files, _ = QFileDialog.getOpenFileNames(
                window, "Import articles", start, "Articles and annotations (*.html *.htm *.txt *.md *.jsonl "
                "*.json *.csv *.tsv *.conll *.iob *.bio *.ann);;All files (*)")
            paths = [Path(f) for f in chosen_files]
        if paths:
            window.settings.setValue("last_import_folder", str(paths[0] if folder else paths[0].parent))
    if not paths:
        return None
    from newsmark.ingest.batch import expand, import_paths

    left_out: list[str] = []
    files = list(expand(paths, left_out))
    whole_text = str(window.settings.value("cut_chrome", "true")).lower() in ("false", "0")
    total = sum(p.stat().st_size for p in files if p.is_file())
    project_path = window.project.path

    def job(progress: Any) -> Any:
        from newsmark.store.project import Project

        with Project.open(project_path) as project:  # this thread's own connection
            return import_paths(project, files, progress=progress, whole_text=whole_text, left_out=left_out)

    def done(summary: Any, error: str) -> None:
        window.refresh_documents()
        if error:
            message = ("Import cancelled: the file in progress was not imported; the files before it were."
                       if error == "cancelled" else f"Import failed: {error}")
            notice(window, APP_NAME, message, warning=True)
            return
        lines = summary.lines() + summary.failure_lines()
        window.statusBar().showMessage(lines[0], 8000)
        if summary.failed or summary.duplicates or summary.skipped or summary.trimmed or summary.links_left_out:
            notice(window, "Import", "\n".join(lines[:60]))

    return run_in_thread(window, f"Importing {counted(len(files), 'file')}…", total, job, done)


# the file name ending and the file dialog's filter of each export format
EXTENSIONS = {"jsonl": ".jsonl", "doccano": ".jsonl", "doccano-rel": ".jsonl", "prodigy": ".jsonl",
              "label-studio": ".json", "w3c": ".jsonld", "conll": ".conll", "citron": ".jsonl", "spacy": ".spacy"}
FILTERS = {".jsonl": "JSON Lines (*.jsonl)", ".json": "JSON (*.json)", ".jsonld": "JSON-LD (*.jsonld *.json)",
           ".conll": "CoNLL (*.conll *.iob *.bio *.txt)", ".spacy": "spaCy DocBin (*.spacy)"}


def file_filter(fmt: str) -> str:
    """The save dialog's filter for an export format (its own files first, then all)."""
    ext = EXTENSIONS.get(fmt)
    return f"{FILTERS[ext]};;All files (*)" if ext in FILTERS else "All files (*)"


def default_target(project_path: Path, fmt: str, folder: Path | None = None) -> Path:
    """Where an export goes unless the annotator says otherwise: beside the project (or in the
    last folder exported to), named after the project and the format."""
    from newsmark.formats.registry import EXPORT_FORMATS

    base = f"{project_path.stem}-{fmt}"
    name = base if EXPORT_FORMATS[fmt][0] == "folder" else base + EXTENSIONS.get(fmt, "")
    return (folder or project_path.parent) / name


class ExportDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Export")
        from newsmark.formats.registry import EXPORT_FORMATS

        self.window_ = window
        last = str(window.settings.value("last_export_folder", "") or "")
        self.folder = Path(last) if last and Path(last).is_dir() else None
        form = QFormLayout(self)
        self.format = QComboBox()
        for name, (_, desc) in EXPORT_FORMATS.items():
            self.format.addItem(f"{name} — {desc}", name)
        form.addRow("Format", self.format)
        self.status = QListWidget()
        self.status.addItems(list(STATUSES))
        self.status.setSelectionMode(QListWidget.SelectionMode.MultiSelection)
        self.status.setMaximumHeight(90)
        form.addRow("Only status (none: all)", self.status)
        self.labels = QListWidget()
        self.labels.addItems([lab.name for lab in window.schema.labels])
        self.labels.setSelectionMode(QListWidget.SelectionMode.MultiSelection)
        self.labels.setMaximumHeight(140)
        form.addRow("Only labels (none: all)", self.labels)
        self.target = QLineEdit()
        self.target.setClearButtonEnabled(True)
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self.choose_target)
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(self.browse)
        form.addRow("Save to", row)
        self._suggested = ""
        self.format.currentIndexChanged.connect(lambda _i: self._suggest())
        self._suggest()
        self.setMinimumWidth(560)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _suggest(self) -> None:
        """The default file (or folder) name for the chosen format, unless one was typed."""
        if self.target.text().strip() in ("", self._suggested):
            self._suggested = str(default_target(self.window_.project.path, str(self.format.currentData()),
                                                 self.folder))
            self.target.setText(self._suggested)

    def choose_target(self) -> None:
        from newsmark.formats.registry import EXPORT_FORMATS

        fmt = str(self.format.currentData())
        current = self.target.text().strip() or str(default_target(self.window_.project.path, fmt, self.folder))
        if EXPORT_FORMATS[fmt][0] == "folder":
            chosen = QFileDialog.getExistingDirectory(self, "Export into a folder", str(Path(current).parent))
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", current, file_filter(fmt))
            ext = EXTENSIONS.get(fmt, "")
            if chosen and ext and not Path(chosen).suffix:
                chosen += ext
        if chosen:
            self.target.setText(chosen)

    def accept(self) -> None:
        target = self.target.text().strip()
        if target:
            self.window_.settings.setValue("last_export_folder", str(Path(target).expanduser().parent))
        super().accept()

    def choices(self) -> tuple[str, list[str], list[str], str]:
        return (str(self.format.currentData()), [i.text() for i in self.status.selectedItems()],
                [i.text() for i in self.labels.selectedItems()], self.target.text().strip())


def run_export(window: MainWindow, choices: tuple[str, list[str], list[str], str] | None = None) -> Worker | None:
    from newsmark.formats.registry import EXPORT_FORMATS

    if choices is None:
        dialog = ExportDialog(window)
        if not dialog.exec():
            return None
        fmt, statuses, labels, target = dialog.choices()
        if not target:
            kind = EXPORT_FORMATS[fmt][0]
            target = (QFileDialog.getExistingDirectory(window, "Export into a folder") if kind == "folder"
                      else QFileDialog.getSaveFileName(window, "Export to", "", file_filter(fmt))[0])
        choices = (fmt, statuses, labels, target)
    fmt, statuses, labels, target = choices
    if not target:
        return None
    project_path = window.project.path
    total = window.project.count_documents()

    def job(progress: Any) -> Any:
        from newsmark.core.atomicfile import atomic_write
        from newsmark.formats import jsonl
        from newsmark.formats.registry import write as write_format
        from newsmark.store.project import Project

        with Project.open(project_path, readonly=True) as project:
            filters = {"statuses": statuses, "labels": labels}
            if fmt == "jsonl":
                with atomic_write(target) as f:
                    return jsonl.write(project, f, progress=progress, **filters).lines()
            if EXPORT_FORMATS[fmt][0] == "file":
                with atomic_write(target) as f:
                    return write_format(fmt, project, f, **filters).lines()
            return write_format(fmt, project, Path(target), **filters).lines()

    def done(lines: Any, error: str) -> None:
        if error:
            notice(window, APP_NAME, "Export cancelled: no file was written." if error == "cancelled"
                   else f"Export failed: {error}", warning=True)
            return
        window.statusBar().showMessage(f"{lines[0]} to {target}", 8000)
        if len(lines) > 1:
            notice(window, "Export", "\n".join(lines))

    return run_in_thread(window, "Exporting…", total, job, done)


def render_current(window: MainWindow, target: str | None = None) -> Worker | None:
    """Render the open article (HTML, PDF or PNG) in a worker thread, with progress and cancel;
    the window stays usable and a cancel leaves no file."""
    from newsmark.core.names import safe_file_name

    doc = window.session.document
    if doc is None:
        return None
    if target is None:
        target, _ = QFileDialog.getSaveFileName(window, "Render the annotated article",
                                                str(window.project.path.parent / f"{safe_file_name(doc.id)}.html"),
                                                "HTML (*.html);;PDF (*.pdf);;PNG (*.png)")
    if not target:
        return None
    from newsmark.gui.render_qt import FORMATS

    if Path(target).suffix.lower() not in FORMATS:
        notice(window, APP_NAME, f"{target}: choose a file ending in .html, .pdf or .png", warning=True)
        return None
    project_path, doc_id, labels = window.project.path, doc.id, window.schema.labels

    def job(progress: Any) -> Any:
        from newsmark.gui.render_qt import render_file
        from newsmark.store.project import Project

        done = [0]

        def advance(n: int) -> None:  # render_file says how far it is; the worker counts steps
            progress(n - done[0])
            done[0] = n

        with Project.open(project_path, readonly=True) as project:  # this thread's own connection
            article = project.document(doc_id)
        return render_file(article, labels, target, progress=advance)

    def done(path: Any, error: str) -> None:
        if error:
            notice(window, APP_NAME, "Rendering cancelled: no file was written." if error == "cancelled"
                   else f"Rendering failed: {error}", warning=True)
            return
        window.statusBar().showMessage(f"Saved {path}", 6000)

    return run_in_thread(window, f"Rendering {Path(target).name}…", len(doc.text), job, done)
