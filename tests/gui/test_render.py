"""Rendering PDF and PNG (gui/render_qt.py) and from the window: bounded pages, a cancel that
leaves nothing, the work off the window's thread, the legend's names apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage, QTextDocument

from newsmark.core.model import Annotation, Document
from newsmark.core.render import render_html
from newsmark.store import Project


def long_doc(paragraphs: int = 300) -> Document:
    text = "\n\n".join(f"Paragraph {i}: the minister said talks on immunity were continuing, and the "
                       "spokesman insisted that an agreement on the number of trainers was needed."
                       for i in range(paragraphs))
    anns = []
    pos = 0
    for i in range(0, paragraphs, 3):
        pos = text.index(f"Paragraph {i}:")
        anns.append(Annotation(id=f"a{i}", document="d", start=pos, end=pos + 9, label="PERSON", text=text[pos:pos + 9]))
    return Document(id="d", text=text, title="Long", annotations=anns)


def test_a_long_png_comes_in_pages_cut_between_lines(tmp_path: Path, monkeypatch: Any, project: Project) -> None:
    from newsmark.gui import render_qt
    from newsmark.gui.app import application

    application()
    monkeypatch.setattr(render_qt, "PAGE_PX", 1500)
    monkeypatch.setattr(render_qt, "SLICE_CHARS", 3000)
    doc = long_doc()
    done: list[int] = []
    first = render_qt.render_file(doc, project.labels(), tmp_path / "long.png", progress=done.append)
    pages = sorted(tmp_path.glob("long-*.png"))
    assert first == pages[0] and len(pages) > 5
    assert not (tmp_path / "long.png").exists()
    assert not list(tmp_path.glob(".*partial"))
    for page in pages:
        image = QImage(str(page))
        assert image.width() == 900 and 0 < image.height() <= 1500
    assert done[-1] == len(doc.text)
    # a short article stays one file of the name asked for
    short = Document(id="s", text="Short.", title="S")
    assert render_qt.render_file(short, project.labels(), tmp_path / "short.png") == tmp_path / "short.png"


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".html"])
def test_a_cancelled_render_leaves_nothing(tmp_path: Path, monkeypatch: Any, project: Project, suffix: str) -> None:
    from newsmark.gui import render_qt
    from newsmark.gui.app import application

    application()
    monkeypatch.setattr(render_qt, "SLICE_CHARS", 3000)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"out{suffix}"
    target.write_bytes(b"the old file")

    class Cancelled(Exception):
        pass

    def cancel(n: int) -> None:
        if n > 5000:
            raise Cancelled

    with pytest.raises(Cancelled):
        render_qt.render_file(long_doc(600), project.labels(), target, progress=cancel)
    assert target.read_bytes() == b"the old file"
    assert sorted(p.name for p in folder.iterdir()) == [target.name]


def test_the_legend_names_stay_apart_in_qt(qapp: Any, project: Project) -> None:
    doc = Document(id="d", text="Ann met Bob at ACME.", title="t", annotations=[
        Annotation(id="1", document="d", start=0, end=3, label="PERSON", text="Ann"),
        Annotation(id="2", document="d", start=15, end=19, label="ORG", text="ACME")])
    text = QTextDocument()
    text.setHtml(render_html(doc, project.labels()))
    assert "PERSONORG" not in text.toPlainText()
    assert "PERSON\nORG" in text.toPlainText()  # a cell each


def test_the_window_renders_in_the_background_and_can_cancel(qtbot: Any, window: Any, sample_project: Project,
                                                             tmp_path: Path) -> None:
    doc = long_doc(3000)
    sample_project.add_document(Document(id="long", text=doc.text, title="Long"))
    for a in doc.annotations:
        sample_project.add_annotation("long", a.start, a.end, a.label)
    window.refresh_documents()
    window.open_document("long")
    from newsmark.gui.dialogs.transfer import render_current

    target = tmp_path / "long.pdf"
    worker = render_current(window, str(target))
    assert worker is not None
    thread, _, dialog, _ = window._transfer
    assert thread.isRunning()  # the window's thread is free meanwhile
    from PySide6.QtWidgets import QPushButton

    dialog.findChild(QPushButton).click()  # the progress dialog's Cancel
    qtbot.waitUntil(lambda: thread.isFinished(), timeout=30000)
    qtbot.waitUntil(lambda: window._notice is not None and "cancelled" in window._notice.text(), timeout=5000)
    assert not target.exists() and not list(tmp_path.glob(".*partial"))
    window._notice.close()
    # and done to the end
    worker = render_current(window, str(target))
    qtbot.waitUntil(lambda: window._transfer[0].isFinished(), timeout=60000)
    assert target.read_bytes().startswith(b"%PDF")
    assert window.statusBar().currentMessage().startswith("Saved")
