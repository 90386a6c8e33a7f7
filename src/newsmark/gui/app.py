"""Starting the window: the application object, settings, the project to open."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from newsmark import APP_NAME, __version__
from newsmark.core.errors import NewsmarkError

BACKUP_MINUTES = 30
WATCH_MS = 2000


def settings() -> QSettings:
    """The user's settings: an INI file in the user's config folder (tests redirect it)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "newsmark", "newsmark")


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("newsmark")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    apply_theme()  # and each window follows the system's changes (MainWindow._on_system_scheme)
    return app


def app_icon() -> QIcon:
    """The app's icon, drawn from its SVG source (an empty icon if the file is missing)."""
    from newsmark.resources import resource_path

    try:
        return QIcon(str(resource_path("icons", "newsmark.svg")))
    except FileNotFoundError:
        return QIcon()


THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


def system_scheme() -> Qt.ColorScheme:
    """The system's colour scheme as Qt reports it (Unknown where the platform does not say)."""
    return QGuiApplication.styleHints().colorScheme()


def _dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.Base, "#1e1e1e"),
                         (QPalette.ColorRole.AlternateBase, "#262626"), (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.WindowText, "#e6e6e6"), (QPalette.ColorRole.Button, "#333333"),
                         (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#2f65ca"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.ToolTipBase, "#333333"),
                         (QPalette.ColorRole.ToolTipText, "#e6e6e6"), (QPalette.ColorRole.PlaceholderText, "#8c8c8c"),
                         (QPalette.ColorRole.Link, "#6ea8fe"), (QPalette.ColorRole.Mid, "#5a5a5a"),
                         (QPalette.ColorRole.Dark, "#1a1a1a"), (QPalette.ColorRole.Light, "#4a4a4a"),
                         (QPalette.ColorRole.BrightText, "#ff6b6b")):
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p


def apply_theme(theme: str | None = None, scheme: Qt.ColorScheme | None = None) -> bool:
    """Light or dark as the user chose (Preferences), or as the system is ("system", the
    default; ``scheme`` is the system's, when Qt reports a change).  Returns whether dark."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = theme or str(settings().value("theme", "system") or "system")
    if theme not in THEMES:
        theme = "system"
    dark = theme == "dark" or (theme == "system" and (scheme or system_scheme()) == Qt.ColorScheme.Dark)
    style = app.style()
    assert style is not None
    app.setPalette(_dark_palette() if dark else style.standardPalette())
    return dark


def open_window(project_path: Path | None = None, *, show: bool = True) -> object:
    """Open the main window on ``project_path``, the last project, or the default project
    (created with the sample article on first run).  Returns the window."""
    from newsmark.gui.main_window import MainWindow
    from newsmark.ingest.sample import ensure_default_project
    from newsmark.store.maintenance import ensure_recent_backup
    from newsmark.store.project import Project

    application()
    conf = settings()
    if project_path is None:
        last = str(conf.value("last_project", "") or "")
        project_path = Path(last) if last and Path(last).exists() else None
    if project_path is None:
        from newsmark.store.project import default_project_path

        project, _ = ensure_default_project(default_project_path())
    else:
        project = Project.open(project_path)
        ensure_recent_backup(project)
    conf.setValue("last_project", str(project.path.resolve()))
    window = MainWindow(project, conf)
    if project.journal_note:  # a network share or synced folder: a rollback journal (#20)
        window.statusBar().showMessage(project.journal_note)
    _start_timers(window)
    if show:
        window.show()
    return window


def _start_timers(window: object) -> None:
    from newsmark.gui.main_window import MainWindow
    from newsmark.store.maintenance import ensure_recent_backup

    assert isinstance(window, MainWindow)
    backup = QTimer(window)
    backup.setInterval(BACKUP_MINUTES * 60 * 1000)
    backup.timeout.connect(lambda: ensure_recent_backup(window.project, BACKUP_MINUTES * 60))
    backup.start()
    # another program (a CLI import, a second window) committing to the project changes
    # SQLite's data_version for this connection: then the list and the article are refreshed
    # (the window's own imports write through their own connection too: the window takes their
    # changes in when they finish, and says nothing about another program)
    window.sync_data_version()

    def watch() -> None:
        if window.writing_in_background():
            return
        try:
            version = window.project.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:  # the project was closed: the window is going away
            watcher.stop()
            return
        if version != window.data_version:
            window.data_version = version
            window.external_change()

    watcher = QTimer(window)
    watcher.setInterval(WATCH_MS)
    watcher.timeout.connect(watch)
    watcher.start()
    window._timers = (backup, watcher)  # type: ignore[attr-defined]


def run(project_path: Path | None = None) -> int:
    import os

    app = application()
    try:
        open_window(project_path)
    except NewsmarkError as e:
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, "")
        box.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never rich text
        box.setText(str(e))
        box.exec()
        return 1
    quit_after = os.environ.get("NEWSMARK_QUIT_AFTER_MS")  # smoke tests: open, then close
    if quit_after:
        QTimer.singleShot(int(quit_after), app.closeAllWindows)
        QTimer.singleShot(int(quit_after) + 100, app.quit)
    return app.exec()
