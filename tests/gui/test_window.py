"""The window driven as an annotator drives it: select text, press keys, check the panel and
the store."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from newsmark.core.model import Document
from newsmark.store import Project
from tests.conftest import NAUGHTY
from tests.gui.driving import qt_pos, select

DOC = "000_b24136a7fc6a8277"


def select_text(window: Any, needle: str, nth: int = 1) -> tuple[int, int]:
    text = window.session.document.text
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    select(window, pos, pos + len(needle))
    return pos, pos + len(needle)


def stored(project: Project, doc: str = DOC) -> set[tuple[int, int, str, str]]:
    return {(a.start, a.end, a.label, a.text) for a in project.annotations(doc)}


def test_window_opens_on_a_document(window: Any) -> None:
    assert window.windowTitle() == "Newsmark — gui.newsmark"
    assert window.doc_id == DOC
    assert window.ann_model.rowCount() == 20
    assert "US insists on immunity" in window.title.text()


def test_select_and_press_a_label_key(qtbot: Any, window: Any, sample_project: Project) -> None:
    s, e = select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    assert (s, e, "ORG", "Private contractors") in stored(sample_project)
    assert window.ann_model.rowCount() == 21
    current = window.session.annotation(window.current)
    assert current.text == "Private contractors" and current.label == "ORG"
    assert window.doc_model.count(DOC) == 21
    # with no text selected, another label key changes the current annotation's label
    qtbot.keyClick(window.article, "n")
    assert (s, e, "NORP", "Private contractors") in stored(sample_project)


def test_selection_snaps_to_words_unless_exact(qtbot: Any, window: Any, sample_project: Project) -> None:
    text = window.session.document.text
    start = text.index("contractors")
    select(window, start + 2, start + 6)  # "ntra"
    qtbot.keyClick(window.article, "o")
    assert (start, start + len("contractors"), "ORG", "contractors") in stored(sample_project)
    window.snap_action.trigger()  # exact characters
    select(window, start + 2, start + 6)
    qtbot.keyClick(window.article, "l")
    assert (start + 2, start + 6, "LOCATION", "ntra") in stored(sample_project)


def test_overlapping_spans_are_all_visible_and_selectable(qtbot: Any, window: Any, sample_project: Project) -> None:
    outer = select_text(window, "Private contractors have already lost their immunity")
    qtbot.keyClick(window.article, "q")
    inner = select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    # the highlighter knows both at a position inside the inner span, innermost first
    text = window.session.document.text
    ids = window.article.highlighter.spans_at(qt_pos(text, inner[0] + 3))
    labels = [window.session.annotation(i).label for i in ids]
    assert labels == ["ORG", "QUOTE"]
    # a click selects the innermost, a second click on the same spot the one around it
    window.clear_current()
    cursor = window.article.textCursor()
    cursor.setPosition(qt_pos(text, inner[0] + 3))
    rect = window.article.cursorRect(cursor)
    qtbot.mouseClick(window.article.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.annotation(window.current).label == "ORG"
    qtbot.mouseClick(window.article.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.annotation(window.current).label == "QUOTE"
    assert outer[1] - outer[0] > inner[1] - inner[0]


def test_delete_undo_redo(qtbot: Any, window: Any, sample_project: Project) -> None:
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    ann = window.session.annotation(window.current)
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the tag
    assert ann.id not in {a.id for a in sample_project.annotations(DOC)}
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    again = sample_project.annotation(DOC, ann.id)  # redo brings back the same annotation
    assert (again.label, again.text, again.created) == ("ORG", "Private contractors", ann.created)
    window.select_annotation(ann.id)
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert ann.id not in {a.id for a in sample_project.annotations(DOC)}
    assert window.ann_model.row_of(ann.id) is None
    window.undo_stack.undo()
    assert sample_project.annotation(DOC, ann.id).text == "Private contractors"


def test_deleting_an_entity_takes_its_links_and_undo_restores_them(window: Any, sample_project: Project) -> None:
    panetta = next(a for a in sample_project.annotations(DOC) if a.text == "Leon Panetta")
    before = {r.id for r in sample_project.relations(DOC)}
    window.select_annotation(panetta.id)
    window.delete_current()
    assert {r.id for r in sample_project.relations(DOC)} < before
    window.undo_stack.undo()
    assert {r.id for r in sample_project.relations(DOC)} == before


def test_adjust_boundaries_from_the_keyboard(qtbot: Any, window: Any, sample_project: Project) -> None:
    s, e = select_text(window, "contractors")
    qtbot.keyClick(window.article, "o")
    ann_id = window.current
    qtbot.keyClick(window.article, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    a = sample_project.annotation(DOC, ann_id)
    assert (a.start, a.end) == (s - 1, e + 1) and a.text == sample_project.document(DOC).text[s - 1:e + 1]


def test_attribute_a_quote_to_a_speaker_by_name(window: Any, sample_project: Project) -> None:
    doc = sample_project.document(DOC)
    quote_span = doc.text.index("These issues are still very much in negotiation.")
    # the quote is new: tag it, then name its speaker
    select(window, quote_span, quote_span + len("These issues are still very much in negotiation."))
    window.apply_label("QUOTE")
    quote_id = window.current
    window.set_speaker(quote_id, "Mr Panetta")  # not tagged yet: tagged where it occurs nearest
    rels = [r for r in sample_project.relations(DOC) if r.from_id == quote_id and r.type == "said_by"]
    assert len(rels) == 1
    speaker = sample_project.annotation(DOC, rels[0].to_id)
    assert speaker.text == "Mr Panetta" and speaker.label == "PERSON"
    nearest = max(i for i in range(len(doc.text)) if doc.text.startswith("Mr Panetta", i) and i < quote_span)
    assert speaker.start == nearest
    # the mention is "Mr Panetta"; the speaker, the full name it refers to (quotes-guidelines.md)
    assert sample_project.annotation(DOC, quote_id).attributes["speaker"] == "Leon Panetta"
    # the relations panel shows the link; undo takes back the whole attribution at once
    assert any("said_by" in window.relation_panel.list.item(i).text() for i in range(window.relation_panel.list.count()))
    window.undo_stack.undo()
    assert not [r for r in sample_project.relations(DOC) if r.from_id == quote_id]
    assert "speaker" not in sample_project.annotation(DOC, quote_id).attributes


def test_attribute_to_an_existing_entity_and_mark_the_cue(window: Any, sample_project: Project) -> None:
    doc = sample_project.document(DOC)
    q = doc.text.index("These issues are still very much in negotiation.")
    select(window, q, q + len("These issues are still very much in negotiation."))
    window.apply_label("QUOTE")
    quote_id = window.current
    panetta = next(a for a in doc.annotations if a.text == "Leon Panetta")
    window.set_speaker(quote_id, "Leon Panetta")
    assert any(r.to_id == panetta.id and r.type == "said_by" for r in sample_project.relations(DOC))
    select_text(window, "added")
    window.mark_cue()
    cue = [r for r in sample_project.relations(DOC) if r.from_id == quote_id and r.type == "cue"]
    assert len(cue) == 1 and sample_project.annotation(DOC, cue[0].to_id).text == "added"
    assert sample_project.annotation(DOC, quote_id).attributes["cue"] == "added"


def test_stance_link_shown_and_removed(window: Any, sample_project: Project) -> None:
    doc = sample_project.document(DOC)
    dispute = next(a for a in doc.annotations if a.label == "DISPUTE")
    person = next(a for a in doc.annotations if a.text == "Ali al-Dabbagh")
    window.select_annotation(person.id)
    window.add_stance(person.id, dispute.id, "neutral")
    rel = next(r for r in sample_project.relations(DOC) if r.from_id == person.id and r.type == "stance")
    assert rel.attributes == {"value": "neutral"}
    texts = [window.relation_panel.list.item(i).text() for i in range(window.relation_panel.list.count())]
    assert any(t.startswith("stance: neutral") for t in texts)
    window.relation_panel.list.setCurrentRow(texts.index(next(t for t in texts if "stance" in t)))
    window.relation_panel.remove.click()
    assert rel.id not in {r.id for r in sample_project.relations(DOC)}


def test_attributes_edited_in_the_panel_are_stored(window: Any, sample_project: Project) -> None:
    quote = next(a for a in sample_project.annotations(DOC) if a.label == "QUOTE")
    window.select_annotation(quote.id)
    _, box = window.attr_editor.fields["type"]
    box.setCurrentText("mixed")
    assert sample_project.annotation(DOC, quote.id).attributes["type"] == "mixed"
    window.attr_editor.note.setText("check this")
    window.attr_editor.note.editingFinished.emit()
    assert sample_project.annotation(DOC, quote.id).note == "check this"


def test_find_and_tag_all_occurrences(qtbot: Any, window: Any, sample_project: Project) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "immunity")
    assert window.find_bar.count.text().endswith("found")
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    text = window.session.document.text
    first = text.lower().index("immunity")
    cursor = window.article.textCursor()
    assert (window.article.map.from_qt(cursor.selectionStart()), window.article.map.from_qt(cursor.selectionEnd())) \
        == (first, first + len("immunity"))
    select_text(window, "Panetta")
    qtbot.keyClick(window.article, "P", Qt.KeyboardModifier.ShiftModifier)  # every occurrence
    tagged = [a for a in sample_project.annotations(DOC) if a.text == "Panetta" and a.label == "PERSON"]
    assert len(tagged) == text.count("Panetta")
    window.undo_stack.undo()  # one undo for all of them
    assert not [a for a in sample_project.annotations(DOC) if a.text == "Panetta"]


def test_status_and_document_navigation(qtbot: Any, window: Any, sample_project: Project) -> None:
    qtbot.keyClick(window.article, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert sample_project.document(DOC).status == "done"
    assert window.doc_model.status_of(DOC) == "done"
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == "second"
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == DOC
    qtbot.keyClick(window.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == "second"
    window.doc_search.setText("second")
    assert window.doc_model.rowCount() == 1
    window.doc_status.setCurrentText("done")
    assert window.doc_model.rowCount() == 0


def test_help_overlay_lists_every_shortcut(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    html = window.help_dialog.findChild(__import__("PySide6.QtWidgets", fromlist=["QTextBrowser"]).QTextBrowser).toHtml()
    for needle in ("Ctrl+Z", "Ctrl+F", "Ctrl+Shift+S", "tag the selection as PERSON"):
        assert needle in html
    window.help_dialog.close()


NEEDLES = ["👩‍👩‍👧", "😀", "𠀋𠀌", "café", "\u00a0NBSP\u2028LS", "LS\u2029PS", "end\ufeff", "“we won”", "NUL"]


@pytest.mark.parametrize("needle", NEEDLES)
def test_tagging_beside_hard_characters_gives_exact_offsets(qtbot: Any, window: Any, sample_project: Project,
                                                            needle: str) -> None:
    sample_project.add_document(Document(id="hard", text=NAUGHTY))
    window.refresh_documents()
    window.open_document("hard")
    window.snap_action.setChecked(False)
    window.toggle_snap()
    start = NAUGHTY.index(needle)
    select(window, start, start + len(needle))
    qtbot.keyClick(window.article, "e")
    (ann,) = sample_project.annotations("hard")
    assert (ann.start, ann.end) == (start, start + len(needle))
    assert ann.text == needle == NAUGHTY[ann.start:ann.end]
    # and the window shows it where it is: the highlight covers exactly those Qt positions
    ids = window.article.highlighter.spans_at(qt_pos(NAUGHTY, start))
    assert ann.id in ids
    assert ann.id not in window.article.highlighter.spans_at(qt_pos(NAUGHTY, start + len(needle)))


def test_crlf_text_positions_line_up_in_qt(window: Any, sample_project: Project) -> None:
    sample_project.add_document(Document(id="crlf", text=NAUGHTY))
    window.refresh_documents()
    window.open_document("crlf")
    doc = window.article.document()
    display = window.article.map.display
    for cp in range(len(NAUGHTY)):
        ch = display[cp]
        pos = qt_pos(NAUGHTY, cp)
        got = doc.characterAt(pos)
        if ch in "\n\u2029":
            assert got == "\u2029"
        elif ord(ch) > 0xFFFF:
            assert got == ch.encode("utf-16-le")[:2].decode("utf-16-le", "surrogatepass")
        else:
            assert got == ch, (cp, repr(ch), repr(got))


def test_models_pass_qt_model_tester(qtbot: Any, window: Any, sample_project: Project) -> None:
    for model in (window.doc_model, window.ann_model, window.ann_filter):
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")  # rows inserted under the tester's eyes
    window.delete_current()
    window.refresh_documents()
    window.doc_search.setText("second")
    window.doc_status.setCurrentText("done")
    window.doc_search.setText("")
    window.ann_choice.setCurrentIndex(2)


def test_external_changes_appear(qtbot: Any, window: Any, sample_project: Project, monkeypatch: Any) -> None:
    from newsmark.gui import app

    monkeypatch.setattr(app, "WATCH_MS", 50)
    app._start_timers(window)
    other = Project.open(sample_project.path)  # another program
    other.add_document(Document(id="from-cli", text="Imported meanwhile by the command line."))
    other.close()
    qtbot.waitUntil(lambda: "from-cli" in window.doc_model.row_of, timeout=3000)


def test_render_from_the_window(qtbot: Any, window: Any, tmp_path: Any) -> None:
    from newsmark.gui.dialogs.transfer import render_current

    for suffix in (".html", ".pdf", ".png"):
        path = tmp_path / f"article{suffix}"
        assert render_current(window, str(path)) is not None  # in a worker thread
        qtbot.waitUntil(lambda p=path: window._transfer[0].isFinished() and p.exists(), timeout=20000)
        assert path.stat().st_size > 1000
    assert (tmp_path / "article.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "article.png").read_bytes().startswith(b"\x89PNG")
    html = (tmp_path / "article.html").read_text(encoding="utf-8")
    assert "Ali al-Dabbagh" in html and "<h2>Quotes</h2>" in html


def test_a_long_article_is_coloured_screen_first_then_all(qtbot: Any, window: Any, sample_project: Project) -> None:
    from newsmark.gui.widgets.article import EAGER_BLOCKS

    paras = [f"Paragraph {i}: the minister said talks on immunity were continuing." for i in range(EAGER_BLOCKS * 2)]
    text = "\n".join(paras)
    sample_project.add_document(Document(id="long", text=text))
    for i in range(0, len(paras), 7):
        s = text.index(f"Paragraph {i}:")
        sample_project.add_annotation("long", s, s + 9, "EVENT")
    window.refresh_documents()
    window.open_document("long")
    doc = window.article.document()
    first, last = doc.findBlockByNumber(0), doc.findBlockByNumber((len(paras) - 1) // 7 * 7)
    assert window.article.highlighter.lazy
    assert first.layout().formats() and not last.layout().formats()
    window.article.verticalScrollBar().setValue(window.article.verticalScrollBar().maximum())
    assert last.layout().formats()  # scrolled to: coloured at once
    qtbot.waitUntil(lambda: not window.article.highlighter.lazy, timeout=5000)  # the rest, while idle
    middle = doc.findBlockByNumber((len(paras) // 2) // 7 * 7)
    assert middle.layout().formats()


def test_two_windows_on_one_project(qtbot: Any, window: Any, sample_project: Project, settings: Any,
                                    monkeypatch: Any) -> None:
    """A second window on the same project works safely: each edit is its own transaction,
    and each window picks up the other's edits."""
    from newsmark.gui import app
    from newsmark.gui.main_window import MainWindow

    monkeypatch.setattr(app, "WATCH_MS", 50)
    second_project = Project.open(sample_project.path)
    second = MainWindow(second_project, settings)
    qtbot.addWidget(second)
    app._start_timers(window)
    app._start_timers(second)
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    qtbot.waitUntil(lambda: any(a.text == "Private contractors" for a in second.session.document.annotations),
                    timeout=3000)
    second.set_status("review")
    qtbot.waitUntil(lambda: window.doc_model.status_of(DOC) == "review", timeout=3000)
    assert sample_project.document(DOC).status == "review"
    second.close()
    second_project.close()


def test_adjust_boundaries_by_word(qtbot: Any, window: Any, sample_project: Project) -> None:
    text = window.session.document.text
    s, e = select_text(window, "contractors have")
    window.apply_label("ORG")
    ann_id = window.current
    qtbot.keyClick(window.article, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    a = sample_project.annotation(DOC, ann_id)
    assert a.text == "Private contractors have" and a.start == text.index("Private contractors")
    qtbot.keyClick(window.article, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert sample_project.annotation(DOC, ann_id).text == "Private contractors"
    qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert sample_project.annotation(DOC, ann_id).text == "contractors have"
    assert (s, e) == (text.index("contractors have"), text.index("contractors have") + len("contractors have"))


def test_speaker_and_stance_through_their_dialogs(qtbot: Any, window: Any, sample_project: Project) -> None:
    """The dialogs answered as a user would (keys in them), and what was stored."""
    from tests.gui.driving import User

    doc = sample_project.document(DOC)
    q = doc.text.index("These issues are still very much in negotiation.")
    select(window, q, q + len("These issues are still very much in negotiation."))
    window.apply_label("QUOTE")
    quote_id = window.current
    user = User(qtbot, window)
    offered: list[str] = []

    def look(dialog: Any) -> None:
        offered.extend(dialog.combo.itemText(i) for i in range(dialog.combo.count()))

    # the second entry (Down), then Enter: Ali al-Dabbagh is not proposed but can be chosen
    user.in_next_dialog((Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier),
                        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier), check=look)
    window.attribute_speaker()
    assert offered[0].startswith("Leon Panetta (PERSON)")
    chosen = window.session.annotation(
        next(r.to_id for r in sample_project.relations(DOC) if r.type == "said_by" and r.from_id == quote_id))
    assert offered[1].startswith(f"{chosen.text} ({chosen.label})") and chosen.text != "Leon Panetta"
    window.select_annotation(quote_id)
    user.in_next_dialog("o")
    window.link_stance()
    stance = [r for r in sample_project.relations(DOC) if r.from_id == quote_id and r.type == "stance"]
    assert len(stance) == 1 and stance[0].attributes == {"value": "opposes"}
    assert sample_project.annotation(DOC, stance[0].to_id).label == "DISPUTE"


def test_speaker_field_offers_the_articles_entities_as_they_change(window: Any, sample_project: Project) -> None:
    """The speaker list is kept between adds: an entity tagged or deleted shows in it."""
    doc = sample_project.document(DOC)
    quote = next(a for a in doc.annotations if a.label == "QUOTE")
    window.select_annotation(quote.id)
    offered = window.attr_editor._entity_model.stringList
    assert "Leon Panetta" in offered() and "Camp Liberty" in offered()
    assert "Mr Panetta" not in offered()
    s = doc.text.index("Mr Panetta")
    select(window, s, s + len("Mr Panetta"))
    window.apply_label("PERSON")
    tagged = window.current
    window.select_annotation(quote.id)
    assert "Mr Panetta" in offered()
    window.select_annotation(tagged)
    window.delete_current()
    window.select_annotation(quote.id)
    assert "Mr Panetta" not in offered() and "Leon Panetta" in offered()


def test_a_new_span_is_painted_at_once_and_a_deleted_one_cleared(qtbot: Any, window: Any,
                                                                   sample_project: Project) -> None:
    """What is on screen (the window's backing store, not a fresh render): an add repaints only
    the blocks it touches, so check those pixels really changed, and changed back on delete."""
    from collections import Counter

    from PySide6.QtGui import QColor, QGuiApplication
    from PySide6.QtWidgets import QApplication

    text = sample_project.document(DOC).text
    s = text.index("negotiation")
    art = window.article

    def pixel() -> Any:
        QApplication.processEvents()
        cursor = art.textCursor()
        cursor.setPosition(art.map.to_qt(s + 4))
        at = art.viewport().mapTo(window, art.cursorRect(cursor).center())
        shot = QGuiApplication.primaryScreen().grabWindow(window.winId()).toImage()
        ratio = shot.width() / window.width()
        x, y = int(at.x() * ratio), int(at.y() * ratio)
        # the commonest colour around there: the background, not the letters' strokes
        seen = Counter(shot.pixelColor(x + dx, y + dy).name() for dx in range(-12, 13) for dy in range(-4, 5))
        return QColor(seen.most_common(1)[0][0])

    art.reveal(s)
    before = pixel()
    select(window, s, s + len("negotiation"))
    window.apply_label("ORG")
    ann_id = window.current
    window.select_annotation(None, reveal=False)  # no outline: the span's own colour
    tagged = pixel()
    want = window.article.highlighter._format(window.colours["ORG"], None, 1).background().color()
    assert before.lightness() > 240 and tagged.name() == want.name()
    # undone while another annotation is current: nothing else repaints that spot
    other = next(a for a in sample_project.document(DOC).annotations if a.id != ann_id)
    window.select_annotation(other.id, reveal=False)
    window.undo_stack.undo()
    assert sample_project.document(DOC).annotations == [a for a in sample_project.document(DOC).annotations
                                                         if a.id != ann_id]
    assert pixel().name() == before.name()
    window.undo_stack.redo()  # and back
    window.select_annotation(None, reveal=False)
    assert pixel().name() == want.name()
