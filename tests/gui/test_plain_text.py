"""Issue #13 point 6: everything from a document is plain text in every widget.  Qt guesses rich
text for labels, tooltips and message boxes: a title holding <img src="/local/file"> loaded
the file (and <img src="/dev/zero"> read until the window aborted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QLabel

from newsmark.core.model import Annotation, Document


def seen(text: str) -> str:
    """What a tooltip / auto-format widget shows for ``text``: Qt renders it as rich text when
    it might be rich text."""
    if QtGui.Qt.mightBeRichText(text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def test_document_content_is_never_rich_text(qtbot: Any, window: Any, sample_project: Any, tmp_path: Path) -> None:
    picture = tmp_path / "big.png"
    image = QImage(600, 600, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(picture))
    evil = f'<img src="{picture}"> <b>bold</b>'
    sample_project.add_document(Document(id="evil", text="Attack at dawn, said Eve.", title=evil,
                                         meta={"author": f'<img src="{picture}">', "site": "<i>x</i>"}))
    ann = sample_project.add_annotation("evil", 0, 6, "QUOTE", attributes={
        "speaker": "Eve", f'<img src="{picture}">': "odd attribute name", "cue": "<b>said</b>"})
    sample_project.update_annotation("evil", ann.id, note=f'<img src="{picture}">')
    window.refresh_documents()
    window.open_document("evil")

    # the title and the metadata show the characters, and take one line, not a 600 px picture
    assert window.title.text() == evil
    assert window.title.textFormat() == Qt.TextFormat.PlainText
    assert window.title.sizeHint().height() < 200
    assert window.meta.textFormat() == Qt.TextFormat.PlainText
    assert window.meta.sizeHint().height() < 200

    # the document list's tooltip shows the title as written
    row = window.doc_model.view_row("evil")
    tip = window.doc_model.data(window.doc_model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert evil in seen(tip)

    # the annotation list's tooltip, and the selected annotation's panel
    window.select_annotation(ann.id)
    proxy_row = window.ann_view.currentIndex().row()
    tip = window.ann_filter.data(window.ann_filter.index(proxy_row, 2), Qt.ItemDataRole.ToolTipRole)
    assert "<b>said</b>" in seen(tip) and f'<img src="{picture}">' in seen(tip)
    title = window.attr_editor.title
    assert "Attack" in seen(title.text()) and title.sizeHint().height() < 200
    # an attribute named like an image is a plain form label
    form_labels = [w for w in window.attr_editor.pages.currentWidget().findChildren(QLabel)
                   if "img" in w.text()]
    assert form_labels and all(w.textFormat() == Qt.TextFormat.PlainText and w.sizeHint().height() < 200
                               for w in form_labels)


def test_a_notice_naming_a_file_is_plain(qtbot: Any, window: Any, tmp_path: Path) -> None:
    from newsmark.gui.dialogs.transfer import notice

    picture = tmp_path / "big.png"
    image = QImage(900, 900, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(picture))
    box = notice(window, "Import", f'<img src="{picture}"> failed: not an article')
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.sizeHint().height() < 500
    box.close()


def test_the_span_tooltip_escapes_content(qtbot: Any, window: Any, sample_project: Any) -> None:
    doc = window.session.document
    ann: Annotation = doc.annotations[0]
    tip = window.span_tooltip([ann.id])
    assert ann.label in seen(tip) and " ".join(ann.text.split())[:40] in " ".join(seen(tip).split())


def test_hovering_a_span_shows_its_label_attributes_links_and_annotator(qtbot: Any, window: Any,
                                                                       sample_project: Any) -> None:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    doc = window.session.document
    quote = next(a for a in doc.annotations if a.label == "QUOTE" and a.text.startswith("we protect"))
    window.select_annotation(quote.id)
    window.attr_editor.note.setText('<img src="no-such-file.png"> check')
    window.attr_editor.note.editingFinished.emit()
    article = window.article
    cursor = article.textCursor()
    cursor.setPosition(article.map.to_qt(quote.start + 3))
    article.setTextCursor(cursor)
    pos: QPoint = article.cursorRect(cursor).center() + QPoint(2, 0)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, article.viewport().mapToGlobal(pos))
    QApplication.sendEvent(article.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    shown = seen(QToolTip.text())
    assert shown.startswith("QUOTE “we protect and provide")
    assert "speaker: Leon Panetta" in shown and "type: direct" in shown
    assert 'note: <img src="no-such-file.png"> check' in shown  # the characters, not an image
    assert "said_by → PERSON “Leon Panetta”" in shown and "stance supports → DISPUTE" in shown
    assert "by newsmark-sample" in shown
    QToolTip.hideText()
