"""Issue #15's last point: label tags above spans (View > Show label tags), driven with the
menu's key; checked on the screen's pixels, the lines' geometry, clicks and the store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QTextCursor
from PySide6.QtWidgets import QApplication

from newsmark.store import Project
from tests.gui.driving import User, qt_pos

DOC = "000_b24136a7fc6a8277"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _toggle(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.keyClick(window.article, Qt.Key.Key_T, CTRL_SHIFT)
    QApplication.processEvents()


def _char_rect(window: Any, cp: int) -> Any:
    art = window.article
    c = QTextCursor(art.document())
    c.setPosition(qt_pos(window.session.document.text, cp))
    return art.cursorRect(c)


def _shot(window: Any) -> QImage:
    window.article.viewport().repaint()
    QApplication.processEvents()
    return window.article.viewport().grab().toImage()


def _inked(image: QImage, rect: Any, background: QColor) -> int:
    """Pixels in ``rect`` that differ clearly from the background."""
    n = 0
    r = rect.toAlignedRect() if hasattr(rect, "toAlignedRect") else rect
    for y in range(max(0, r.top()), min(image.height(), r.bottom() + 1)):
        for x in range(max(0, r.left()), min(image.width(), r.right() + 1)):
            c = image.pixelColor(x, y)
            if abs(c.red() - background.red()) + abs(c.green() - background.green()) + abs(
                    c.blue() - background.blue()) > 90:
                n += 1
    return n


def test_tags_are_written_above_the_spans_in_room_made_without_changing_the_text(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    art = window.article
    art.verticalScrollBar().setValue(0)
    text = window.session.document.text
    panetta = next(a for a in sample_project.annotations(DOC) if a.text == "Leon Panetta")
    before_rect = _char_rect(window, panetta.start)
    shown_before = art.toPlainText()
    base = art.palette().color(art.palette().ColorRole.Base)
    above = before_rect.translated(0, -before_rect.height())
    blank = _inked(_shot(window), above.adjusted(0, 0, 40, 0), base)
    assert window.tags.drawn == []

    _toggle(qtbot, window)  # View > Show label tags
    assert window.tags_action.isChecked()
    after_rect = _char_rect(window, panetta.start)
    gap = window.article.spaced_layout.gap
    assert gap >= 8
    # every line moved down by the gap (more for the lines below): room above the text
    assert after_rect.top() >= before_rect.top() + gap - 1
    assert art.toPlainText() == shown_before  # no character inserted
    image = _shot(window)
    tags = {ann_id: (label, rect) for ann_id, label, rect in window.tags.drawn}
    label, rect = tags[panetta.id]
    assert label == "PERSON"
    # the tag stands over the span's first character, in the gap, not over the text
    assert abs(rect.left() - after_rect.left()) <= 2
    assert rect.bottom() <= after_rect.top() + 1 and rect.top() >= after_rect.top() - gap - 1
    # and it is on the screen: ink in the label's (darkened) colour where there was none
    assert _inked(image, rect, base) > 20 > blank
    colour = window.colours["PERSON"].darker(150)
    near = [image.pixelColor(x, y) for y in range(int(rect.top()), int(rect.bottom()))
            for x in range(int(rect.left()), int(rect.right()))]
    assert any(abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue()) < 60
               for c in near)
    # every annotation starting on screen has its tag; tags of one line never overlap
    first = art.firstVisibleBlock().position()
    last = art.cursorForPosition(art.viewport().rect().bottomRight()).position()
    starting = {a.id for a in sample_project.annotations(DOC)
                if first <= qt_pos(text, a.start) < last - 20}
    assert starting and starting <= set(tags)
    rects = [r for _l, r in tags.values()]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b) or abs(a.top() - b.top()) > 1

    # off again: Qt's own line geometry, no tag
    _toggle(qtbot, window)
    assert _char_rect(window, panetta.start) == before_rect
    _shot(window)
    assert window.tags.drawn == []


def test_with_tags_shown_clicks_and_keys_still_hit_the_exact_characters(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    from newsmark.core.model import Document
    from tests.conftest import NAUGHTY

    text = NAUGHTY + "\r\n𠀋 Leader 👩‍👩‍👧 Ana Lí said: \u201cWe won 😀 again.\u201d Mr Lí\u2028smiled."
    sample_project.add_document(Document(id="hard", text=text))
    window.refresh_documents()
    window.open_document("hard")
    _toggle(qtbot, window)
    user = User(qtbot, window)
    q = text.index("We won")
    art = window.article
    cursor = art.textCursor()
    cursor.setPosition(qt_pos(text, q))
    cursor.setPosition(qt_pos(text, q + len("We won 😀 again.")), QTextCursor.MoveMode.KeepAnchor)
    art.setTextCursor(cursor)
    user.key("q")
    quote = sample_project.annotation("hard", window.current)
    assert (quote.start, quote.end, quote.text) == (q, q + 15, "We won 😀 again.")
    # a click at the span's pixels (below its tag) selects it; a click on the tag's row too
    # lands in the text, never in a half character
    window.select_annotation(None)
    user.click(q + 8)
    assert window.current == quote.id
    _shot(window)
    tag = next(r for i, _l, r in window.tags.drawn if i == quote.id)
    assert tag.bottom() <= _char_rect(window, q).top() + 1
    # the drag-selection still maps to code points in a tagged, spaced layout
    name = text.index("Ana Lí")
    left, right = _char_rect(window, name), _char_rect(window, name + len("Ana Lí"))
    qtbot.mousePress(art.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(left.left() + 1, left.center().y()))
    qtbot.mouseMove(art.viewport(), QPoint(right.left() - 1, right.center().y()))
    qtbot.mouseRelease(art.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(right.left() - 1, right.center().y()))
    assert art.selection(snap=True) == (name, name + len("Ana Lí"))


def test_the_choice_is_remembered_and_follows_the_zoom(qtbot: Any, window: Any, sample_project: Project,
                                                       settings: QSettings) -> None:
    from newsmark.gui.main_window import MainWindow

    _toggle(qtbot, window)
    assert settings.value("show_label_tags", type=bool) is True
    gap = window.article.spaced_layout.gap
    window.zoom(+4)
    QApplication.processEvents()
    assert window.article.spaced_layout.gap > gap
    window.close()
    again = MainWindow(sample_project, settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.tags_action.isChecked() and again.article.spaced_layout.gap > 0
    _shot(again)
    assert again.tags.drawn


def test_links_end_above_the_tags_not_on_them(qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    _toggle(qtbot, window)
    quote = next(a for a in sample_project.annotations(DOC) if a.text == "immunity is not necessary")
    user.click(quote.start + 2)
    _shot(window)
    drawn = window.links.drawn
    tags = {ann_id: rect for ann_id, _label, rect in window.tags.drawn}
    assert drawn
    for rel, _p0, p3 in drawn:
        rect = tags.get(rel.to_id)
        if rect is not None:  # the arrow's tip stands on the tag's top, not inside it
            assert p3.y() <= rect.top() + 1.5, (rel.type, p3, rect)


def test_tags_follow_an_edit_and_the_lines_stay_spaced(qtbot: Any, window: Any, sample_project: Project) -> None:
    _toggle(qtbot, window)
    user = User(qtbot, window)
    text = window.session.document.text
    talks = text.index("Talks are continuing")
    art = window.article
    cursor = art.textCursor()
    cursor.setPosition(qt_pos(text, talks + len("Talks are continuing for several thousand of the ")))
    cursor.setPosition(qt_pos(text, talks + len("Talks are continuing for several thousand of the 43,000 US troops")),
                       QTextCursor.MoveMode.KeepAnchor)
    art.setTextCursor(cursor)
    before = _char_rect(window, talks)
    user.key("o")  # "43,000 US troops" as ORG: the block is coloured and laid out again
    ann = sample_project.annotation(DOC, window.current)
    assert ann.text == "43,000 US troops"
    _shot(window)
    gap = art.spaced_layout.gap
    block = art.document().findBlock(qt_pos(text, talks))
    assert block.layout().lineAt(0).position().y() == gap  # still spaced after the re-layout
    assert _char_rect(window, talks) == before
    assert any(i == ann.id and label == "ORG" for i, label, _r in window.tags.drawn)
    window.undo_stack.undo()
    _shot(window)
    assert not any(i == ann.id for i, _l, _r in window.tags.drawn)
    assert _char_rect(window, talks) == before
