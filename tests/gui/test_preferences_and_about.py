"""Preferences (annotator, font, light/dark), following the system's scheme, the About box."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from newsmark import __version__
from newsmark.store import Project
from tests.gui.test_window import DOC, select


@pytest.fixture(autouse=True)
def light_again() -> Iterator[None]:
    yield
    from newsmark.gui.app import apply_theme

    apply_theme("light")


def base_lightness() -> float:
    return QApplication.palette().color(QPalette.ColorRole.Base).lightnessF()


def dark_spans(qtbot: Any, window: Any, pos: int, dark: bool = True) -> None:
    """Wait until the palette change reached the article (Qt delivers it through the event loop)."""
    qtbot.waitUntil(lambda: (span_background(window, pos) < 0.45) == dark, timeout=2000)


def span_background(window: Any, pos: int) -> float:
    """The lightness of the background the article paints at code point ``pos``."""
    qt = window.article.map.to_qt(pos)
    block = window.article.document().findBlock(qt)
    for r in block.layout().formats():
        if r.start <= qt - block.position() < r.start + r.length:
            return float(r.format.background().color().lightnessF())
    raise AssertionError(f"no highlight at {pos}")


def answer_modal(qtbot: Any, handle: Any) -> list[Any]:
    """Run ``handle`` on the modal dialog that the next call opens (as a user would answer it)."""
    seen: list[Any] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
            return
        seen.append(dialog)
        handle(dialog)

    QTimer.singleShot(0, poll)
    return seen


def test_preferences_set_annotator_font_and_dark(qtbot: Any, window: Any, sample_project: Project) -> None:
    ann = sample_project.document(DOC).annotations[0]
    light_span = span_background(window, ann.start)
    assert base_lightness() > 0.8 and light_span > 0.6

    def fill(dialog: Any) -> None:
        dialog.annotator.setText("  rk ")
        dialog.font_size.setValue(17)
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        assert dialog.cut_chrome.isChecked()  # the default: a saved page's text keeps its article
        dialog.cut_chrome.setChecked(False)
        dialog.accept()

    seen = answer_modal(qtbot, fill)
    window.preferences()
    assert seen, "the preferences dialog did not open"
    assert window.settings.value("theme") == "dark" and window.settings.value("annotator") == "rk"
    assert str(window.settings.value("cut_chrome")).lower() == "false"
    assert window.article.font().pointSize() == 17
    assert base_lightness() < 0.2
    dark_spans(qtbot, window, ann.start)  # fails if the spans keep their light-theme background
    assert window.article.highlighter.base.lightnessF() < 0.2

    # a span tagged now carries the annotator's name, and is coloured for the dark page
    text = sample_project.document(DOC).text
    s = text.index("negotiation")
    select(window, s, s + len("negotiation"))
    window.apply_label("ORG")
    new = sample_project.annotation(DOC, window.current)
    assert new.annotator == "rk"
    window.select_annotation(None, reveal=False)
    assert span_background(window, s) < 0.45

    answer_modal(qtbot, lambda d: (d.theme.setCurrentIndex(d.theme.findData("light")), d.accept()))
    window.preferences()
    assert base_lightness() > 0.8
    dark_spans(qtbot, window, ann.start, dark=False)
    assert span_background(window, ann.start) == pytest.approx(light_span)


def test_cancelled_preferences_change_nothing(qtbot: Any, window: Any) -> None:
    def fill(dialog: Any) -> None:
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        dialog.annotator.setText("nobody")
        dialog.reject()

    answer_modal(qtbot, fill)
    window.preferences()
    assert window.settings.value("theme") is None and window.settings.value("annotator") is None
    assert base_lightness() > 0.8


def test_following_the_system_scheme(qtbot: Any, window: Any, sample_project: Project) -> None:
    """The offscreen platform reports no scheme, so the system's change is sent as Qt would."""
    ann = sample_project.document(DOC).annotations[0]
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # "system" is the default
    assert base_lightness() < 0.2
    dark_spans(qtbot, window, ann.start)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert base_lightness() > 0.8
    dark_spans(qtbot, window, ann.start, dark=False)
    window.settings.setValue("theme", "light")  # chosen in Preferences: the system is not followed
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert base_lightness() > 0.8


def test_about_names_the_version_and_project(qtbot: Any, window: Any, sample_project: Project) -> None:
    texts: list[str] = []

    def read(dialog: Any) -> None:
        assert isinstance(dialog, QMessageBox)
        texts.append(dialog.text())
        dialog.accept()

    answer_modal(qtbot, read)
    window.about()
    assert texts and __version__ in texts[0] and str(sample_project.path) in texts[0]
    assert not window.windowIcon().isNull()  # the app's icon, which the About box shows too
    assert window.windowIcon().pixmap(64, 64).width() == 64


def test_window_layout_is_remembered(qtbot: Any, sample_project: Project, settings: Any) -> None:
    """Size, a hidden panel and a panel moved to the other side come back in the next window."""
    from newsmark.gui.main_window import MainWindow

    first = MainWindow(sample_project, settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(701, 502)  # within the offscreen screen (restoring clamps to it)
    first.palette_dock.hide()
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, first.ann_dock)
    qtbot.wait(50)
    size = (first.width(), first.height())  # 701 x 502, or the window's minimum size if larger
    assert size[0] >= 701 and size[1] >= 502
    first.close()

    second = MainWindow(sample_project, settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == size
    assert not second.palette_dock.isVisible() and second.doc_dock.isVisible()
    assert second.dockWidgetArea(second.ann_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
