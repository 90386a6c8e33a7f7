"""Suggestions in the window, driven as an annotator does: open a document, see the ghosts,
put the caret in one and press Enter or Backspace, click one, accept all of a label, undo."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.store import suggestions as store
from tests.gui.driving import qt_pos, select

ARTICLE = (
    "Talks collapse in Geneva 😀\n\n"
    "Negotiators from NATO left Geneva on Friday without a deal.\n\n"
    "“We gave them every chance,” said Foreign Minister Anna Berg. “They walked away.”\n\n"
    "Berg told reporters that a new round could start in March.\n\n"
    "NATO officials were not available.\n"
)


def caret(window: Any, cp: int) -> None:
    cursor = window.article.textCursor()
    cursor.setPosition(qt_pos(window.session.document.text, cp))
    window.article.setTextCursor(cursor)
    window.article.setFocus()


@pytest.fixture
def suggest_window(qtbot: Any, tmp_path: Path, settings: Any) -> Any:
    from newsmark.gui.main_window import MainWindow

    p = Project.create(tmp_path / "s.newsmark")
    p.add_document(Document("a", ARTICLE, title="Talks"))
    p.add_document(Document("b", "The NATO summit opened. NATO leaders met.", title="Summit"))
    p.add_annotation("b", 4, 8, "ORG")
    settings.setValue("last_document/" + str(p.path), "a")
    w = MainWindow(p, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    # every recommender's suggestions stored and drawn (each recommender's come as soon as made)
    qtbot.waitUntil(lambda: w.suggestions.latency_ms is not None and len(w.suggestions.items) >= 3, timeout=5000)
    yield w
    w.close()
    p.close()


def heads(window: Any) -> set[tuple[str, str]]:
    return {(s.label, s.head.text) for s in window.suggestions.items}


def test_ghosts_are_drawn_when_a_document_opens_and_change_nothing(suggest_window: Any) -> None:
    w = suggest_window
    assert {("QUOTE", "We gave them every chance"), ("QUOTE", "They walked away."),
            ("QUOTE", "a new round could start in March")} <= heads(w)
    assert w.project.annotations("a") == []  # suggestions are not annotations
    assert w.suggestions.overlay.spans  # drawn: dashed outlines over the article
    text = w.session.document.text
    s = text.index("We gave")
    rects = w.suggestions.overlay.rects(qt_pos(text, s), qt_pos(text, s + 5))
    assert len(rects) == 1 and rects[0].width() > 10
    assert w.suggestions.latency_ms is not None and w.suggestions.latency_ms < 1000


def test_enter_accepts_the_quote_group_and_undo_takes_it_back(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    text = w.session.document.text
    caret(w, text.index("every chance"))
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    anns = {a.label: a for a in w.project.annotations("a")}
    assert set(anns) == {"QUOTE", "CUE", "PERSON"}
    assert anns["QUOTE"].text == "We gave them every chance"
    assert anns["PERSON"].text == "Anna Berg" and anns["CUE"].text == "said"
    assert anns["QUOTE"].attributes["speaker"] == "Anna Berg"
    rels = {(r.type, r.from_id, r.to_id) for r in w.project.relations("a")}
    assert rels == {("said_by", anns["QUOTE"].id, anns["PERSON"].id), ("cue", anns["QUOTE"].id, anns["CUE"].id)}
    assert w.ann_model.rowCount() == 3  # the panel shows them
    assert ("QUOTE", "We gave them every chance") not in heads(w)
    w.undo_stack.undo()
    assert w.project.annotations("a") == [] and w.project.relations("a") == []
    assert w.ann_model.rowCount() == 0
    assert ("QUOTE", "We gave them every chance") in heads(w)
    w.undo_stack.redo()
    assert len(w.project.annotations("a")) == 3


def test_backspace_rejects_and_it_does_not_come_back(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    text = w.session.document.text
    caret(w, text.index("new round"))
    qtbot.keyClick(w.article, Qt.Key.Key_Backspace)
    assert ("QUOTE", "a new round could start in March") not in heads(w)
    assert w.project.annotations("a") == []
    w.open_document("b")
    w.open_document("a")
    qtbot.waitUntil(lambda: len(w.suggestions.items) >= 2, timeout=5000)
    qtbot.wait(50)
    assert ("QUOTE", "a new round could start in March") not in heads(w)
    w.undo_stack.undo()  # the reject is undone: it is back
    assert ("QUOTE", "a new round could start in March") in heads(w)


def test_a_click_on_a_ghost_accepts_it(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    text = w.session.document.text
    s = text.index("walked")
    cursor = QTextCursor(w.article.document())
    cursor.setPosition(qt_pos(text, s) + 2)
    point = w.article.cursorRect(cursor).center()
    qtbot.mouseClick(w.article.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point.x(), point.y()))
    quotes = [a.text for a in w.project.annotations("a") if a.label == "QUOTE"]
    assert quotes == ["They walked away."]


def test_accept_all_of_a_label_in_one_undo_step(suggest_window: Any) -> None:
    w = suggest_window
    n = w.suggestions.accept_label("QUOTE")
    assert n == 3
    assert sorted(a.text for a in w.project.annotations("a") if a.label == "QUOTE") == [
        "They walked away.", "We gave them every chance", "a new round could start in March"]
    # Anna Berg speaks two quotes: one PERSON annotation, two links
    assert sum(a.text == "Anna Berg" for a in w.project.annotations("a")) == 1
    w.undo_stack.undo()
    assert w.project.annotations("a") == []


def test_strings_learns_as_the_annotator_tags(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    # "NATO" was tagged ORG in the other document: suggested here at both places
    nato = [s for s in w.suggestions.items if s.head.text == "NATO"]
    assert len(nato) == 2 and {s.label for s in nato} == {"ORG"}
    # the annotator tags "Geneva" as GPE here: its other occurrence is suggested, while typing goes on
    text = w.session.document.text
    s = text.index("Geneva")
    cursor = w.article.textCursor()
    cursor.setPosition(qt_pos(text, s))
    cursor.setPosition(qt_pos(text, s + 6), QTextCursor.MoveMode.KeepAnchor)
    w.article.setTextCursor(cursor)
    qtbot.keyClick(w.article, "g")
    second = text.index("Geneva", s + 1)
    qtbot.waitUntil(lambda: any(x.head.text == "Geneva" and x.start == second for x in w.suggestions.items),
                    timeout=5000)


def test_backspace_on_a_selected_annotation_still_deletes_it(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    text = w.session.document.text
    s = text.index("Friday")
    cursor = w.article.textCursor()
    cursor.setPosition(qt_pos(text, s))
    cursor.setPosition(qt_pos(text, s + 6), QTextCursor.MoveMode.KeepAnchor)
    w.article.setTextCursor(cursor)
    qtbot.keyClick(w.article, "d")
    assert [a.text for a in w.project.annotations("a")] == ["Friday"]
    qtbot.keyClick(w.article, Qt.Key.Key_Backspace)
    assert w.project.annotations("a") == []


def test_minimum_score_and_switching_off(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    before = len(w.suggestions.items)
    w.settings.setValue("suggestions/min_score", 0.95)
    w.suggestions.settings_changed()
    qtbot.waitUntil(lambda: len(w.suggestions.items) < before, timeout=5000)
    assert all(s.score >= 0.95 for s in w.suggestions.items)
    w.suggestions.show_action.trigger()  # off
    assert w.suggestions.items == [] and w.suggestions.overlay.spans == []
    caret(w, w.session.document.text.index("every chance"))
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    assert w.project.annotations("a") == []


def test_next_suggestion_moves_the_caret(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    caret(w, 0)
    qtbot.keyClick(w.article, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    first = min(s.start for s in w.suggestions.items)
    assert w.article.map.from_qt(w.article.textCursor().position()) == first


def test_evaluation_dialog_shows_each_recommender(qtbot: Any, suggest_window: Any) -> None:
    from newsmark.gui.dialogs.evaluation import EvaluationDialog

    w = suggest_window
    w.suggestions.accept_label("QUOTE")
    w.session.set_status("a", "done")
    dialog = EvaluationDialog(w.project, w)
    qtbot.addWidget(dialog)
    assert not dialog.finished_computing and dialog.job is not None  # computed in a process of its own
    qtbot.waitUntil(lambda: dialog.finished_computing, timeout=20000)
    assert dialog.progress.isHidden() and dialog.job is None  # its process ended with it
    rows = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text())
            for r in range(dialog.table.rowCount())}
    assert ("quotes", "QUOTE") in rows and ("quotes", "CUE") in rows
    assert any(name == "strings" for name, _ in rows)
    assert "speaker right 1.00" in dialog.summary.text()
    q = next(r for r in range(dialog.table.rowCount())
             if (dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text()) == ("quotes", "QUOTE"))
    assert dialog.table.item(q, 9).text() == "1.000"  # F1 overlap: the accepted suggestions are the gold
    assert store.count_open(w.project) >= 0


def test_a_10000_character_article_shows_its_suggestions_soon_after_opening(
        qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    para = ("“We will not accept this,” said Maria Lopez, a union leader. Officials said that talks "
            "would resume on Monday after the holiday. ")
    text = (para * (10_000 // len(para) + 1))[:10_000]
    w.project.add_document(Document("long", text, title="Long"))
    w.refresh_documents()
    w.open_document("long")
    qtbot.waitUntil(lambda: w.suggestions.latency_ms is not None, timeout=5000)
    assert len(w.suggestions.items) > 50
    # issue #16: <= 100 ms on an idle machine (measured ~30-50 ms); the bound leaves room for a busy one
    print(f"\nsuggestions shown {w.suggestions.latency_ms:.0f} ms after opening a 10,000-character article")
    assert w.suggestions.latency_ms < 400, w.suggestions.latency_ms


def test_a_deleted_tag_is_unlearnt(qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    text = w.session.document.text
    s = text.index("Geneva")
    cursor = w.article.textCursor()
    cursor.setPosition(qt_pos(text, s))
    cursor.setPosition(qt_pos(text, s + 6), QTextCursor.MoveMode.KeepAnchor)
    w.article.setTextCursor(cursor)
    qtbot.keyClick(w.article, "g")
    qtbot.waitUntil(lambda: any(x.head.text == "Geneva" for x in w.suggestions.items), timeout=5000)
    w.undo_stack.undo()  # the tag is taken back: "Geneva" is no longer suggested
    qtbot.waitUntil(lambda: not any(x.head.text == "Geneva" for x in w.suggestions.items), timeout=5000)


def test_redo_of_an_accept_brings_back_the_same_annotations(qtbot: Any, suggest_window: Any) -> None:
    # a redo made the group again under new ids: an edit of the accepted quote, redone after
    # it, then named an annotation that no longer existed
    from newsmark.gui.commands import UpdateAnnotation

    w = suggest_window
    text = w.session.document.text
    caret(w, text.index("every chance"))
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    accepted = {a.id: a for a in w.project.annotations("a")}
    links = {(r.id, r.type, r.from_id, r.to_id) for r in w.project.relations("a")}
    quote = next(a for a in accepted.values() if a.label == "QUOTE")
    w.undo_stack.push(UpdateAnnotation(w.session, "a", quote.id, note="checked"))
    w.undo_stack.undo()
    w.undo_stack.undo()
    assert w.project.annotations("a") == [] and w.project.relations("a") == []
    w.undo_stack.redo()
    w.undo_stack.redo()
    assert set(a.id for a in w.project.annotations("a")) == set(accepted)
    assert {(r.id, r.type, r.from_id, r.to_id) for r in w.project.relations("a")} == links
    assert w.project.annotation("a", quote.id).note == "checked"
    assert {a.id for a in w.session.document.annotations} == set(accepted)  # the window agrees
    assert ("QUOTE", "We gave them every chance") not in heads(w)


def test_spacy_suggestions_go_when_spacy_no_longer_makes_them(qtbot: Any, suggest_window: Any,
                                                              tmp_path: Path) -> None:
    # a recommender that made nothing this time was not stored at all: its earlier ghosts
    # stayed (here over spans the annotator had since tagged by hand)
    spacy = pytest.importorskip("spacy")
    from newsmark.gui.commands import AddAnnotation

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Geneva"}])
    nlp.to_disk(tmp_path / "ner")
    w = suggest_window
    w.settings.setValue("suggestions/spacy_model", str(tmp_path / "ner"))
    w.suggestions.settings_changed()
    qtbot.waitUntil(lambda: ("GPE", "Geneva") in heads(w), timeout=10000)
    text = w.session.document.text
    for at in (text.index("Geneva"), text.rindex("Geneva")):
        w.undo_stack.push(AddAnnotation(w.session, "a", at, at + 6, "GPE"))
    # the ghosts go at once (tagged spans); the worker, computing again, takes them out of the store
    qtbot.waitUntil(lambda: ("GPE", "Geneva") not in heads(w), timeout=5000)
    qtbot.waitUntil(lambda: not [s for s in store.open_suggestions(w.project, "a") if s.label == "GPE"],
                    timeout=10000)
    assert ("GPE", "Geneva") not in heads(w)


def test_a_ghost_the_new_span_covers_goes_in_the_adds_own_turn_and_stays_gone(
        qtbot: Any, suggest_window: Any) -> None:
    """Issue #16's last gap: an edit's bookkeeping for the suggestions (telling the worker, noting
    the edit as the window's own, computing again) waits until the annotator pauses; the ghost
    the new span covers does not: it is gone when the key's turn ends, and stays gone after the
    bookkeeping and the worker's new computation."""
    w = suggest_window
    text = w.session.document.text
    ghost = next(s for s in w.suggestions.items if s.head.text == "a new round could start in March")
    job = w.suggestions.job
    s = text.index("new round")
    select(w, s, s + len("new round could start"))
    qtbot.keyClick(w.article, "q")  # QUOTE over part of the suggested quote
    assert [a.text for a in w.project.annotations("a")] == ["new round could start"]
    assert ghost.id not in {x.id for x in w.suggestions.items}  # in the same turn as the add
    assert ghost.id not in w.suggestions.overlay._of  # not drawn
    assert w.suggestions._edits and w.suggestions.job == job  # the rest waits for a pause
    qtbot.waitUntil(lambda: w.suggestions.job > job and not w.suggestions.computing
                    and not w.suggestions._to_read and not w.suggestions._reader.isActive(), timeout=5000)
    assert not w.suggestions._edits  # told to the worker
    assert ("QUOTE", "a new round could start in March") not in heads(w)
    assert ghost.id not in w.suggestions.overlay._of
    pixels = w.article.viewport().grab()  # and the window paints without it
    assert not pixels.isNull()


def test_reading_back_waits_while_the_annotator_types(qtbot: Any, suggest_window: Any) -> None:
    """What the worker changed is read back once the annotator's input pauses, never in the turn
    of a key press (an add's repaint comes first)."""
    from PySide6.QtWidgets import QApplication

    from newsmark.gui.suggestions import controller

    w = suggest_window
    ghost = next(s for s in w.suggestions.items if s.head.text == "NATO")
    caret(w, 0)
    qtbot.keyClick(w.article, Qt.Key.Key_Right)  # the annotator at work
    pressed = time.perf_counter()
    w.suggestions._on_worker_message(("stored", w.suggestions.job, "a", [ghost.id], [], False))
    QApplication.processEvents()
    assert ghost.id in {x.id for x in w.suggestions.items}  # not in the key's turn
    qtbot.waitUntil(lambda: ghost.id not in {x.id for x in w.suggestions.items}, timeout=2000)
    assert time.perf_counter() - pressed >= controller.INPUT_PAUSE_S * 0.9
    assert ghost.id not in w.suggestions.overlay._of


def test_enter_never_accepts_a_ghost_the_worker_removed_but_not_yet_taken_away(
        qtbot: Any, suggest_window: Any) -> None:
    w = suggest_window
    text = w.session.document.text
    ghost = next(s for s in w.suggestions.items if s.head.text == "a new round could start in March")
    caret(w, text.index("new round"))
    qtbot.keyClick(w.article, Qt.Key.Key_Right)
    w.suggestions._on_worker_message(("stored", w.suggestions.job, "a", [ghost.id], [], False))
    qtbot.keyClick(w.article, Qt.Key.Key_Return)  # at once: the removal is settled first
    assert w.project.annotations("a") == []
    assert ghost.id not in {x.id for x in w.suggestions.items}


@pytest.mark.parametrize(("size", "changed"), [(0, 5), (40, 33), (300, 100), (30_000, 100), (30_000, 2_000)])
def test_ghosts_sorted_lists_change_in_place_by_either_way(size: int, changed: int) -> None:
    """A slice read back changes a hundred of thousands of ghosts: by bisection while that is
    cheaper, in one pass beyond; the list comes out the same either way."""
    import random

    from newsmark.gui.suggestions.ghosts import change_sorted

    rng = random.Random(size + changed)
    items = sorted({(rng.randrange(10**6), rng.randrange(10**6), 0, f"g{i}") for i in range(size)})
    out = rng.sample(items, min(changed, size))
    into = [(rng.randrange(10**6), rng.randrange(10**6), 1, f"n{i}") for i in range(changed)]
    expected = sorted((set(items) - set(out)) | set(into))
    change_sorted(items, out, into)
    assert items == expected


def test_ghosts_stay_on_their_spans_when_the_article_scrolls(qtbot: Any, suggest_window: Any) -> None:
    """The article scrolls its viewport by moving its pixels and its child widgets: the ghosts'
    overlay went up with them and drew every ghost a scroll's height away from its words (out
    of sight after a page down)."""
    from PySide6.QtGui import QColor

    w = suggest_window
    para = "Officials said the talks went on for hours. NATO leaders met again on Friday."
    w.project.add_document(Document("long", "\n\n".join(f"{i}. {para}" for i in range(200)), title="Long"))
    w.refresh_documents()
    w.open_document("long")
    qtbot.waitUntil(lambda: sum(s.head.text == "NATO" for s in w.suggestions.items) == 200, timeout=10000)
    bar = w.article.verticalScrollBar()
    for step in (3, bar.pageStep(), bar.pageStep() * 5):
        bar.setValue(bar.value() + step)
        qtbot.wait(20)
        overlay = w.suggestions.overlay
        assert overlay.pos() == QPoint(0, 0)
        first = w.article.firstVisibleBlock().position()
        ghost = next(s for s in w.suggestions.items if qt_pos(w.session.document.text, s.start) > first + 200)
        start = qt_pos(w.session.document.text, ghost.start)
        cursor = QTextCursor(w.article.document())
        cursor.setPosition(start)
        word = w.article.cursorRect(cursor)  # where the ghost's first letter is on screen
        rect = overlay.rects(start, qt_pos(w.session.document.text, ghost.end))[0]
        assert abs(rect.left() - word.left()) <= 2 and abs(rect.top() - word.top()) <= 4
        image = w.article.viewport().grab().toImage()
        colour = QColor(w.colours["ORG"])
        edge = [image.pixelColor(x, round(rect.top()) + 1) for x in range(round(rect.left()), round(rect.right()))]
        assert any(abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue()) < 90
                   for c in edge), "the ghost's dashed outline is not drawn over its word"


def test_the_ghosts_page_copied_between_paints_is_the_page_drawn_afresh(qtbot: Any, suggest_window: Any) -> None:
    """An add repaints the whole page: the overlay copies the ghosts it drew last instead of
    drawing them again, for as long as nothing they depend on changed. After each change (a
    larger font moving the lines, label tags, a scroll, a narrower window, a ghost rejected) the copy must be what
    drawing afresh gives."""
    from PySide6.QtGui import QColor

    w = suggest_window
    w.article.verticalScrollBar().setValue(0)
    para = "Officials said the talks went on for hours. NATO leaders met again on Friday."
    w.project.add_document(Document("long", "\n\n".join(f"{i}. {para}" for i in range(60)), title="Long"))
    w.refresh_documents()
    w.open_document("long")
    qtbot.waitUntil(lambda: sum(s.head.text == "NATO" for s in w.suggestions.items) == 60, timeout=10000)
    overlay = w.suggestions.overlay

    def painted() -> Any:
        return overlay.grab().toImage()

    def afresh() -> Any:
        overlay._page = None  # noqa: SLF001 - the copy dropped: drawn again
        return painted()

    def same(step: str) -> None:
        qtbot.wait(20)
        copied = painted()  # after the change, as the next paint draws it
        assert overlay._page is not None  # noqa: SLF001 - the whole page is kept
        again = painted()  # and copied
        assert again == copied, step
        assert copied == afresh(), step

    same("opened")
    w.zoom(+2)  # a larger font: every line moves, at the same scroll position
    same("zoomed")
    w.toggle_tags()  # label tags above the lines
    same("tags shown")
    w.article.verticalScrollBar().setValue(w.article.verticalScrollBar().value() + 37)
    same("scrolled")
    w.resize(w.width() - 180, w.height())
    same("narrower")
    w.toggle_tags()
    same("tags hidden")
    first = w.article.firstVisibleBlock().position()
    text = w.session.document.text
    ghost = next(s for s in w.suggestions.items if s.head.text == "NATO" and qt_pos(text, s.start) > first)
    w.suggestions.reject(ghost)  # one on the page
    qtbot.waitUntil(lambda: ghost.id not in {s.id for s in w.suggestions.items})
    same("a ghost rejected")
    # one far below the page: the page's copy is kept (not drawn again) and still right
    kept = overlay._page  # noqa: SLF001
    below = next(s for s in reversed(w.suggestions.items) if s.head.text == "NATO")
    w.suggestions.reject(below)
    qtbot.waitUntil(lambda: below.id not in {s.id for s in w.suggestions.items})
    copied = painted()
    assert overlay._page is kept  # noqa: SLF001
    assert copied == afresh()
    # a ghost on the page scored anew by the worker (gone and come back, the same outlines): kept
    kept = overlay._page  # noqa: SLF001
    shown = next(s for s in w.suggestions.items if s.head.text == "NATO" and qt_pos(text, s.start) > first)
    drawn = [(a, b, overlay.colours[(sid, i)], i) for a, b, sid, i in overlay._of[shown.id]]  # noqa: SLF001
    overlay.change([shown.id], [(shown.id, drawn)])
    assert painted() == copied and overlay._page is kept  # noqa: SLF001
    # the same ghost in another colour: the page is drawn again, with it
    overlay.change([shown.id], [(shown.id, [(a, b, QColor("black"), i) for a, b, _c, i in drawn])])
    recoloured = painted()
    assert overlay._page is not kept and recoloured != copied  # noqa: SLF001
    assert recoloured == afresh()
