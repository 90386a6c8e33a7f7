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
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressDialog,
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
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, window)
    box.open()
    window._notice = box
    return box


def run_import(window: MainWindow, folder: bool, paths: list[Path] | None = None) -> Worker | None:
    if paths is None:
        if folder:
            chosen = QFileDialog.getExistingDirectory(window, "Import a folder of articles")
            paths = [Path(chosen)] if chosen else []
        else:
            chosen_files, _ = QFileDialog.getOpenFileNames(
                window, "Import articles", "", "Articles and annotations (*.html *.htm *.txt *.md *.jsonl "
                "*.json *.csv *.tsv *.conll *.iob *.bio *.ann);;All files (*)")
            paths = [Path(f) for f in chosen_files]
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


class ExportDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Export")
        from newsmark.formats.registry import EXPORT_FORMATS

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
        form.addRow("Save to", self.target)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

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
                      else QFileDialog.getSaveFileName(window, "Export to")[0])
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


def render_current(window: MainWindow, target: str | None = None) -> Path | None:
    from newsmark.core.names import safe_file_name
    from newsmark.gui.render_qt import render_file

    doc = window.session.document
    if doc is None:
        return None
    if target is None:
        target, _ = QFileDialog.getSaveFileName(window, "Render the annotated article",
                                                f"{safe_file_name(doc.id)}.html", "HTML (*.html);;PDF (*.pdf);;PNG (*.png)")
    if not target:
        return None
    from newsmark.core.errors import NewsmarkError

    try:
        path = render_file(window.project.document(doc.id), window.schema.labels, target)
    except NewsmarkError as e:
        notice(window, APP_NAME, str(e), warning=True)
        return None
    window.statusBar().showMessage(f"Saved {path}", 6000)
    return path
