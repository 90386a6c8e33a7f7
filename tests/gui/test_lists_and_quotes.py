"""The lists and the Quotes panel, driven as an annotator does: sort and filter the annotation
list, click quotes in the Quotes panel, watch the document list's statuses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette

from newsmark.core.model import Document
from newsmark.store import Project
from tests.gui.driving import quote_groups as groups
from tests.gui.test_window import DOC, select_text, stored

QUOTES = {"Leon Panetta": 3, "The Iraqi government": 1, "Ali al-Dabbagh": 1}


def click_item(qtbot: Any, tree: Any, item: Any) -> None:
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_quotes_panel_groups_quotes_by_speaker_and_selects_on_click(qtbot: Any, window: Any,
                                                                    sample_project: Project) -> None:
    assert window.quotes_dock.isVisible()
    qtbot.waitUntil(lambda: window.quotes_panel.quote_count() == 5)
    shown = groups(window)
    assert {k.rsplit(" (", 1)[0]: len(v) for k, v in shown.items()} == QUOTES
    assert list(shown)[0] == "Leon Panetta (3)"  # in the order speakers first speak
    tree = window.quotes_panel.tree
    panetta = tree.topLevelItem(0)
    assert panetta.child(0).text(1) == "has insisted"  # the cue
    assert panetta.child(0).text(2) == "supports"  # the stance (the disputed point in its tooltip)
    assert "supports: US troops who stay in Iraq" in panetta.child(0).toolTip(2)
    # a click on a quote selects it: in the article, the list and the panel
    click_item(qtbot, tree, panetta.child(1))
    quote = window.session.annotation(window.current)
    assert quote.label == "QUOTE" and quote.text.startswith("we protect and provide")
    assert window.attr_editor.annotation.id == quote.id
    assert window.ann_filter.data(window.ann_view.currentIndex(), Qt.ItemDataRole.UserRole) == quote.id
    # tagging a new quote puts it under "no speaker yet"; attributing it moves it
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "q")
    qtbot.waitUntil(lambda: window.quotes_panel.quote_count() == 6)
    assert any(k.startswith("(no speaker yet)") for k in groups(window))
    assert tree.currentItem().text(0) == "“Private contractors”"  # the new quote is the current one
    window.set_speaker(window.current, "Ali al-Dabbagh")
    qtbot.waitUntil(lambda: "Ali al-Dabbagh (2)" in groups(window))
    assert not any(k.startswith("(no speaker yet)") for k in groups(window))
    # undo takes it back out of the group
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: "Ali al-Dabbagh (1)" in groups(window))


def test_quotes_panel_follows_the_document(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: window.quotes_panel.quote_count() == 5)
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == "second"
    qtbot.waitUntil(lambda: window.quotes_panel.quote_count() == 0)
    assert "No quotes" in window.quotes_panel.tree.topLevelItem(0).text(0)


def column(window: Any, col: int) -> list[str]:
    f = window.ann_filter
    return [f.data(f.index(r, col)) for r in range(f.rowCount())]


def test_annotation_list_sorts_by_each_column_and_filters(qtbot: Any, window: Any) -> None:
    header = window.ann_view.horizontalHeader()
    in_text_order = column(window, 1)
    starts = [window.session.annotation(window.ann_filter.data(window.ann_filter.index(r, 0), Qt.ItemDataRole.UserRole)).start
              for r in range(window.ann_filter.rowCount())]
    assert starts == sorted(starts)  # text order until a header is clicked
    assert not window.ann_filter.dynamicSortFilter()  # and no sorting work in text order

    def click_header(col: int) -> None:
        x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click_header(0)
    labels = column(window, 0)
    assert labels == sorted(labels) and labels != column(window, 0)[::-1]
    assert window.ann_filter.dynamicSortFilter()  # sorted by a column: kept sorted as rows change
    click_header(0)
    assert column(window, 0) == sorted(labels, reverse=True)
    click_header(1)
    texts = column(window, 1)
    assert texts == sorted(texts, key=str.casefold)
    click_header(2)
    details = column(window, 2)
    assert details == sorted(details, key=str.casefold)
    click_header(2)
    click_header(2)  # a third click: back to text order
    assert column(window, 1) == in_text_order
    assert not window.ann_filter.dynamicSortFilter()
    # filter by label, then by text
    window.ann_choice.setCurrentIndex(window.ann_choice.findData("CUE"))
    assert set(column(window, 0)) == {"CUE"} and len(column(window, 0)) == 5
    qtbot.keyClicks(window.ann_search, "insisted")
    assert column(window, 1) == ["has insisted", "insisted"]
    window.ann_choice.setCurrentIndex(0)
    assert len(column(window, 1)) == 4  # and the quotes whose cue it is (in their details)
    window.ann_search.clear()
    assert len(column(window, 1)) == 20


def test_annotation_list_is_taller_and_long_details_have_a_tooltip(qtbot: Any, window: Any,
                                                                  sample_project: Project) -> None:
    assert window.ann_dock.height() > window.detail_dock.height()
    assert window.ann_view.height() > 300
    long = "a long note " * 40
    quote = next(a for a in window.session.document.annotations if a.label == "QUOTE")
    window.select_annotation(quote.id)
    window.attr_editor.note.setText(long)
    window.attr_editor.note.editingFinished.emit()
    row = window.ann_view.currentIndex().row()
    tip = window.ann_filter.data(window.ann_filter.index(row, 2), Qt.ItemDataRole.ToolTipRole)
    assert "speaker: Leon Panetta" in tip and long.strip() in tip


def row_pixel(view: Any, row: int) -> QColor:
    """What is on screen at a row (the window's backing store, not a fresh render), the
    commonest colour: the row's background, not the letters."""
    from collections import Counter

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    window = view.window()
    y = view.rowViewportPosition(row) + view.rowHeight(row) // 2
    at = view.viewport().mapTo(window, QPoint(view.columnViewportPosition(1) + 60, y))
    shot = QGuiApplication.primaryScreen().grabWindow(window.winId()).toImage()
    ratio = shot.width() / window.width()
    x, y = int(at.x() * ratio), int(at.y() * ratio)
    seen = Counter(shot.pixelColor(x + dx, y + dy).name() for dx in range(-30, 30) for dy in range(-3, 4))
    return QColor(seen.most_common(1)[0][0])


def test_selecting_in_the_article_moves_the_highlighted_row(qtbot: Any, window: Any) -> None:
    view = window.ann_view
    click = view.visualRect(window.ann_filter.index(2, 1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=click)
    highlight = {view.palette().color(group, QPalette.ColorRole.Highlight).name()
                 for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)}
    qtbot.waitUntil(lambda: row_pixel(view, 2).name() in highlight)
    # now a click on another annotation in the article
    target = next(a for a in window.session.document.annotations if a.text == "Leon Panetta")
    article = window.article
    cursor = article.textCursor()
    cursor.setPosition(article.map.to_qt(target.start + 2))
    pos = article.cursorRect(cursor).center()
    qtbot.mouseClick(article.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.current == target.id
    new_row = view.currentIndex().row()
    assert new_row != 2
    qtbot.wait(50)
    assert row_pixel(view, new_row).name() in highlight
    assert row_pixel(view, 2).name() not in highlight  # the old row is no longer painted as selected
    assert [i.row() for i in view.selectionModel().selectedRows()] == [new_row]
    # and the next annotation from the keyboard, the focus staying in the article
    qtbot.keyClick(article, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == new_row + 1
    assert row_pixel(view, new_row + 1).name() in highlight
    assert row_pixel(view, new_row).name() not in highlight


def test_document_list_titles_statuses_and_progress(qtbot: Any, window: Any, sample_project: Project) -> None:
    long_title = "A very long headline " + "about many things " * 8 + "that ends HERE"
    sample_project.add_document(Document(id="long", text="Short text. Nothing else said.", title=long_title))
    window.refresh_documents()
    model = window.doc_model
    # cut on the right, read from its start (the whole title in the tooltip): test_window_details.py
    assert window.doc_view.textElideMode() == Qt.TextElideMode.ElideRight
    row = model.view_row("long")
    assert long_title in model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    # a colour per status
    colours = {}
    for doc_id, status in ((DOC, "new"), ("second", "review"), ("long", "done")):
        sample_project.set_status(doc_id, status)
    model.refresh()
    for doc_id in (DOC, "second", "long"):
        index = model.index(model.view_row(doc_id), 1)
        colours[model.data(index)] = model.data(index, Qt.ItemDataRole.ForegroundRole).name()
        assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert len(set(colours.values())) == 3
    # the first edit of a new document marks it in progress (in the store)
    window.open_document(DOC)
    assert sample_project.document(DOC).status == "new"
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    assert sample_project.document(DOC).status == "in progress"
    assert model.status_of(DOC) == "in progress"
    # done and next: at the end of the list it says what is left, then that all are done
    window.open_document("long")
    qtbot.keyClick(window.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "last document" in window.statusBar().currentMessage()
    assert "2 of the project are not done" in window.statusBar().currentMessage()
    for doc_id in (DOC, "second"):
        window.open_document(doc_id)
        qtbot.keyClick(window.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "all 3 documents of the project are done" in window.statusBar().currentMessage()
    assert stored(sample_project)  # nothing else lost


def test_quotes_panel_updates_a_row_not_the_panel(qtbot: Any, window: Any, sample_project: Project) -> None:
    """An article may hold thousands of quotes: an edit moves one row, and the panel ends as a
    full refresh would show it."""
    panel = window.quotes_panel
    qtbot.waitUntil(lambda: panel.quote_count() == 5)
    refreshes: list[bool] = []
    original = panel.refresh
    panel.refresh = lambda: (refreshes.append(True), original())  # type: ignore[method-assign]
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "q")
    assert panel.quote_count() == 6  # at once, not on the next turn of the event loop
    new_quote = window.current
    window.set_speaker(new_quote, "Leon Panetta")
    assert "Leon Panetta (4)" in groups(window)
    select_text(window, "lost")
    window.mark_cue()
    assert panel.items[new_quote].text(1) == "lost"
    window.select_annotation(new_quote)
    qtbot.keyClick(window.article, "e")  # no longer a quote: its row goes
    assert new_quote not in panel.items and "Leon Panetta (3)" in groups(window)
    qtbot.keyClick(window.article, "q")  # a quote again
    assert panel.items[new_quote].text(1) == "lost"
    window.undo_stack.undo()
    window.undo_stack.undo()
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)  # the quote itself
    assert new_quote not in panel.items
    qtbot.wait(20)
    assert not refreshes
    shown = groups(window)
    panel.refresh()
    assert groups(window) == shown


def test_a_long_articles_quotes_panel_follows_once_the_annotator_pauses(qtbot: Any, window: Any,
                                                                       monkeypatch: Any) -> None:
    from newsmark.gui.widgets import quotes_panel

    monkeypatch.setattr(quotes_panel, "BATCH_FROM", 3)  # as if the article had thousands of quotes
    panel = window.quotes_panel
    qtbot.waitUntil(lambda: panel.quote_count() == 5)
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "q")
    new_quote = window.current
    assert new_quote not in panel.items  # not in the time of the edit
    qtbot.waitUntil(lambda: new_quote in panel.items, timeout=2000)
    window.set_speaker(new_quote, "Ali al-Dabbagh")
    qtbot.waitUntil(lambda: "Ali al-Dabbagh (2)" in groups(window), timeout=2000)
    shown = groups(window)
    panel.refresh()
    assert groups(window) == shown


def test_a_speaker_named_with_and_without_the_is_one_group(qtbot: Any, window: Any,
                                                           sample_project: Project) -> None:
    """Speakers typed as "the Swedish Prosecution Authority" in one quote and "Swedish
    Prosecution  Authority" in another were two groups of the Quotes panel."""
    text = ("The Swedish Prosecution Authority said the case was closed. "
            "It added that \u201cno appeal is possible\u201d. Officials said more.")
    sample_project.add_document(Document(id="spa", text=text, title="Prosecutors"))
    for quote, name in (("the case was closed", "the Swedish Prosecution Authority"),
                        ("no appeal is possible", "Swedish Prosecution  Authority")):
        start = text.index(quote)
        sample_project.add_annotation("spa", start, start + len(quote), "QUOTE", attributes={"speaker": name})
    window.refresh_documents()
    window.open_document("spa")
    qtbot.waitUntil(lambda: window.quotes_panel.quote_count() == 2)
    shown = groups(window)
    assert len(shown) == 1, shown
    (name,) = shown
    assert name.endswith("(2)") and "Swedish Prosecution" in name
