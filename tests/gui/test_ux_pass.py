"""Found while annotating under Xvfb as an annotator would: each with a test that drives the
window and fails before its fix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionViewItem

from newsmark.store import Project
from tests.gui.test_suggestions import suggest_window  # noqa: F401, F811 (fixture)
from tests.gui.test_window import DOC, qt_pos, select_text


def _cell_fits(window: Any, row: int, col: int) -> bool:
    """Whether the document list paints the cell's text whole, as the style lays it out (its text
    rectangle beside the status dot, less the style's text margins), not elided."""
    view = window.doc_view
    index = window.doc_model.index(row, col)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    view.itemDelegate().initStyleOption(option, index)
    style = view.style()
    text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return option.fontMetrics.horizontalAdvance(option.text) <= text_rect.width() - 2 * margin


def test_the_document_list_shows_each_status_whole(qtbot: Any, window: Any, sample_project: Project) -> None:
    row = window.doc_model.row_of[DOC]
    # the first edit marks the document "in progress": the list says so in full, not "in ...ess"
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    assert window.doc_model.status_of(DOC) == "in progress"
    assert _cell_fits(window, row, 1)
    for key, status in ((Qt.Key.Key_4, "review"), (Qt.Key.Key_3, "done"), (Qt.Key.Key_1, "new")):
        window.article.setFocus()
        qtbot.keyClick(window.article, key, Qt.KeyboardModifier.ControlModifier)
        assert sample_project.document(DOC).status == status
        assert _cell_fits(window, row, 1), status


def test_the_quotes_panel_says_in_full_how_to_tag_a_first_quote(qtbot: Any, window: Any) -> None:
    # the next document has no quotes: the panel's hint is read whole, not "No quotes in this article yet: ..."
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == "second"
    tree = window.quotes_panel.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1)
    hint = tree.topLevelItem(0)
    assert "press q" in hint.text(0)
    rect = tree.visualRect(tree.indexFromItem(hint, 0))
    needed = tree.fontMetrics().horizontalAdvance(hint.text(0))
    assert needed <= rect.width() - 8, (needed, rect.width())
    # the first quote replaces it
    select_text(window, "Second article.")
    qtbot.keyClick(window.article, "q")
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] != [hint.text(0)]
    assert all("press q" not in tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount()))


def test_ctrl_alt_a_in_the_article_asks_which_label_and_accepts_them(qtbot: Any, suggest_window: Any) -> None:  # noqa: F811
    from tests.gui.test_preferences_and_about import answer_modal

    w = suggest_window
    w.article.setFocus()

    def choose_quote(dialog: Any) -> None:
        combo = dialog.findChild(QComboBox)
        combo.setCurrentIndex(next(i for i in range(combo.count()) if combo.itemText(i).startswith("QUOTE")))
        dialog.accept()

    answer_modal(qtbot, choose_quote)
    qtbot.keyClick(w.article, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert sorted(a.text for a in w.project.annotations("a") if a.label == "QUOTE") == [
        "They walked away.", "We gave them every chance", "a new round could start in March"]
    assert "accepted 3 suggested QUOTE" in w.statusBar().currentMessage()


def test_ctrl_shift_j_links_the_selected_disputed_point_to_a_new_shared_one(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    from tests.gui.test_preferences_and_about import answer_modal

    dispute = next(a for a in window.session.document.annotations if a.label == "DISPUTE")
    window.select_annotation(dispute.id)
    window.article.setFocus()
    seen = answer_modal(qtbot, lambda d: d.accept())  # the first choice: a new shared point
    qtbot.keyClick(window.article, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert seen, "no dialog asked which point"
    points = sample_project.conn.execute("SELECT proposition FROM disputes").fetchall()
    assert len(points) == 1


def test_search_hits_are_reached_with_the_arrow_keys_from_the_query(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_F, ctrl_shift)
    panel = window.corpus.search
    assert panel.query.hasFocus()
    qtbot.keyClicks(panel.query, "immunity")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.results.topLevelItemCount() >= 3
    # Down leaves the field for the first hit (it went nowhere: five Tabs past the conditions)
    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    assert panel.results.hasFocus()
    assert panel.results.currentItem() is panel.results.topLevelItem(0)
    qtbot.keyClick(panel.results, Qt.Key.Key_Down)
    assert panel.results.currentItem() is panel.results.topLevelItem(1)
    qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    hit = panel.hits[1]
    text = window.session.document.text
    cursor = window.article.textCursor()
    assert window.doc_id == hit.document
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (qt_pos(text, hit.start), qt_pos(text, hit.end))
    # Up from the first hit goes back to the query, to change it
    panel.results.setFocus()
    qtbot.keyClick(panel.results, Qt.Key.Key_Up)
    assert panel.results.currentItem() is panel.results.topLevelItem(0)
    qtbot.keyClick(panel.results, Qt.Key.Key_Up)
    assert panel.query.hasFocus()


def test_one_search_hit_is_one_hit(qtbot: Any, window: Any) -> None:
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.corpus.search
    qtbot.keyClicks(panel.query, "nothing")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.summary.text() == "1 hit"


def test_the_stance_map_opens_tall_enough_to_be_read(qtbot: Any, window: Any) -> None:
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.corpus.stance_map
    qtbot.waitUntil(lambda: view.isVisible() and view.canvas.height() > 0)
    qtbot.wait(50)
    shown = view.scroller.viewport().height()
    # it opened a strip of ~70 px, the map's top edge only
    assert shown >= min(view.canvas.height(), window.height() // 4), (shown, view.canvas.height())
    assert window.article.viewport().height() >= window.height() // 3  # the article keeps room too


def test_the_stance_map_shows_its_last_heading_and_legend_whole(qtbot: Any, tmp_path: Any, settings: Any) -> None:
    from PySide6.QtGui import QColor

    from newsmark.gui.main_window import MainWindow
    from tests.corpus.helpers import article, import_jsonl, write_jsonl

    p = Project.create(tmp_path / "map.newsmark")
    recs = [article("d1", "Ana Ruiz", "the toll must stay", "said", "supports", proposition="The bridge toll stays"),
            article("d2", "Tom Berg", "the night buses are a lifeline", "said", "supports",
                    proposition="The night buses are kept in every district")]
    import_jsonl(p, write_jsonl(tmp_path / "in.jsonl", recs))
    w = MainWindow(p, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.article.setFocus()
    qtbot.keyClick(w.article, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = w.corpus.stance_map
    qtbot.waitUntil(lambda: view.canvas.width() > 0)
    image = view.canvas.grab().toImage()
    white = QColor("white").rgb()
    # nothing is cut at an edge: the last heading ("The night b…") and the legend ("opp…") were
    for x in (0, 1, image.width() - 2, image.width() - 1):
        assert all(image.pixel(x, y) == white for y in range(image.height())), f"column {x} is drawn on"
    for y in (image.height() - 2, image.height() - 1):
        assert all(image.pixel(x, y) == white for x in range(image.width())), f"row {y} is drawn on"
    # the legend's note stands on a line of its own, not over the first key
    ink_rows = [y for y in range(image.height()) if any(image.pixel(x, y) != white for x in range(0, 60))]
    bands = [y for i, y in enumerate(ink_rows) if i == 0 or ink_rows[i - 1] != y - 1]
    assert len(bands) >= 2, bands  # the first key and the note below it (the note alone before)
    w.close()
    p.close()


def test_adjudication_shows_every_annotators_version_side_by_side(qtbot: Any, tmp_path: Any, settings: Any) -> None:
    from newsmark.gui.main_window import MainWindow
    from newsmark.team.merge import merge
    from tests.team.test_team_project import annotator_file

    text = ("Mayor Ana Ruiz said the toll on the river bridge must stay until the repairs are paid for. "
            "\u201cWithout the toll there is no money for the bridge,\u201d Ruiz insisted on Monday evening.")
    texts = {"d1": text}
    long_quote = "Without the toll there is no money for the bridge"
    annotator_file(tmp_path / "alice.newsmark", {"d1": [("QUOTE", long_quote),
                                                        ("QUOTE", "the toll on the river bridge must stay")]},
                   annotator="alice", texts=texts)
    annotator_file(tmp_path / "bob.newsmark", {"d1": [("QUOTE", long_quote + ","),
                                                      ("QUOTE", "the toll on the river bridge must stay until the "
                                                                "repairs are paid for")]},
                   annotator="bob", texts=texts)
    merge(tmp_path / "team.newsmark", [tmp_path / "alice.newsmark", tmp_path / "bob.newsmark"])
    project = Project.open(tmp_path / "team.newsmark")
    w = MainWindow(project, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w, Qt.Key.Key_F8)
    view = w._adjudication.view
    qtbot.waitExposed(w._adjudication)
    assert view.model.rowCount() == 2
    header = view.view.horizontalHeader()
    visible = view.view.viewport().width()
    names = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    for col, name in enumerate(names):
        if name in ("1: alice", "2: bob"):
            # the versions compared (keys 1 and 2) are on screen whole, no scrolling sideways
            assert header.sectionViewportPosition(col) >= 0
            assert header.sectionViewportPosition(col) + header.sectionSize(col) <= visible, (name, visible)
            assert header.sectionSize(col) >= 150, name
    w._adjudication.close()
    project.close()


def test_the_entities_view_shows_names_whole_on_one_line(qtbot: Any, window: Any) -> None:
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.corpus.entities
    qtbot.waitUntil(lambda: view.isVisible() and view.proxy.rowCount() > 0)
    table = view.view
    fm = table.fontMetrics()
    names = [view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())]
    assert "The Iraqi government" in names
    width = table.horizontalHeader().sectionSize(1)
    # the names were wrapped over two lines in a 100 px column beside a wide "also written"
    assert all(fm.horizontalAdvance(n) + 8 <= width for n in names), width
    heights = {table.rowHeight(r) for r in range(view.proxy.rowCount())}
    assert heights == {table.verticalHeader().defaultSectionSize()}


def test_a_linking_key_that_does_not_apply_says_why(qtbot: Any, window: Any, sample_project: Project) -> None:
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == "second"
    # a quote, and no disputed point in this article: Ctrl+Shift+D did nothing at all
    select_text(window, "The minister said nothing.")
    qtbot.keyClick(window.article, "q")
    assert not window.stance_action.isEnabled()  # the menu still shows it does not apply
    window.statusBar().clearMessage()
    qtbot.keyClick(window.article, Qt.Key.Key_D, ctrl_shift)
    assert "disputed point" in window.statusBar().currentMessage()
    assert "press x" in window.statusBar().currentMessage()
    # nothing selected, the caret in plain text: the speaker and cue keys say to select a quote
    window.clear_current()
    select_text(window, "Second")
    cursor = window.article.textCursor()
    cursor.clearSelection()
    window.article.setTextCursor(cursor)
    for key in (Qt.Key.Key_S, Qt.Key.Key_C):
        window.statusBar().clearMessage()
        qtbot.keyClick(window.article, key, ctrl_shift)
        assert "Select a quote" in window.statusBar().currentMessage(), key
    assert sum(1 for a in sample_project.annotations("second")) == 1  # nothing else was done


def test_the_disputed_points_view_shows_points_and_speakers_whole(qtbot: Any, window: Any) -> None:
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.corpus.disputes
    qtbot.waitUntil(lambda: view.isVisible() and view.tree.topLevelItemCount() > 0)
    tree = view.tree
    fm = tree.fontMetrics()
    top = tree.topLevelItem(0)
    shown = [top] + [top.child(i) for i in range(top.childCount())]
    assert any(i.text(0) == "Leon Panetta" for i in shown)
    for item in shown[1:]:
        # "Tom B…", "Lena …": the first column was as narrow as Qt's default
        rect = tree.visualRect(tree.indexFromItem(item, 0))
        assert fm.horizontalAdvance(item.text(0)) + 8 <= rect.width(), item.text(0)
    # a long proposition takes up to a third of the view (not 80 px) and its tooltip says it whole
    assert tree.header().sectionSize(0) >= tree.viewport().width() // 3 - 2
    assert top.toolTip(0) == top.text(0)
    assert top.text(1) == f"{len(view.points[0].stances)} stances" and top.text(3).startswith("1 article ")  # not "1 articles"


def test_undo_and_redo_say_what_they_did(qtbot: Any, window: Any, sample_project: Project) -> None:
    ctrl = Qt.KeyboardModifier.ControlModifier
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    assert any(a.text == "Private contractors" for a in sample_project.annotations(DOC))
    qtbot.keyClick(window.article, Qt.Key.Key_Z, ctrl)
    assert not any(a.text == "Private contractors" for a in sample_project.annotations(DOC))
    message = window.statusBar().currentMessage()
    # it still said what the edit had done ("… — Ctrl+Z undoes") after it was undone
    assert message.startswith("Undone: ") and "Ctrl+Z undoes" not in message, message
    assert window.undo_stack.redoText() in message
    qtbot.keyClick(window.article, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert any(a.text == "Private contractors" for a in sample_project.annotations(DOC))
    assert window.statusBar().currentMessage() == f"Redone: {window.undo_stack.undoText()}"


def test_backspace_on_a_suggestion_says_it_was_rejected(qtbot: Any, suggest_window: Any) -> None:  # noqa: F811
    w = suggest_window
    w.article.setFocus()
    before = len(w.suggestions.items)
    qtbot.keyClick(w.article, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert "Backspace rejects" in w.statusBar().currentMessage()
    qtbot.keyClick(w.article, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: len(w.suggestions.items) < before)
    message = w.statusBar().currentMessage()
    # it still said "…: Enter accepts, Backspace rejects" of the suggestion just rejected
    assert message.startswith("rejected the suggested ") and "Ctrl+Z" in message, message


def test_opening_the_entities_view_puts_the_typing_in_its_filter(qtbot: Any, window: Any) -> None:
    from PySide6.QtWidgets import QApplication

    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.corpus.entities
    qtbot.waitUntil(lambda: view.isVisible())
    # the focus stayed in the article, where "panetta" tagged and retagged the selection
    qtbot.keyClicks(QApplication.focusWidget(), "panetta")
    assert view.filter.text() == "panetta"
    assert view.proxy.rowCount() == 1 and view.proxy.index(0, 1).data() == "Leon Panetta"
    # Down goes on to the rows, to select them for Merge…
    qtbot.keyClick(view.filter, Qt.Key.Key_Down)
    assert view.view.hasFocus() and view.view.currentIndex().row() == 0


def test_the_disputed_points_view_is_walked_with_the_keys(qtbot: Any, window: Any) -> None:
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.corpus.disputes
    tree = view.tree
    # the arrows moved the article's caret: the view had no focus
    assert tree.hasFocus() and tree.currentItem() is tree.topLevelItem(0)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    stance = view.points[0].stances[0]
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert window.doc_id == stance.document and window.current == stance.annotation


def test_merging_names_in_the_entities_view_says_so_and_keeps_the_entity_selected(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    from tests.gui.test_preferences_and_about import answer_modal

    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    select_text(window, "Mr Panetta")
    qtbot.keyClick(window.article, "p")
    qtbot.keyClick(window.article, Qt.Key.Key_N, ctrl_shift)
    view = window.corpus.entities
    qtbot.keyClicks(view.filter, "panetta")
    qtbot.keyClick(view.filter, Qt.Key.Key_Down)
    qtbot.keyClick(view.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert len(view.selected()) == 2
    answer_modal(qtbot, lambda d: d.accept())  # the first name offered
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    assert view.proxy.rowCount() == 1
    # it only counted the entities ("10 entities, 21 mentions"), and nothing stayed selected
    assert view.summary.text().startswith("Merged 2 names into "), view.summary.text()
    assert [e.name for e in view.selected()] == [view.proxy.index(0, 1).data()]


def test_adjudication_keeps_a_column_width_the_curator_set(qtbot: Any, tmp_path: Any, settings: Any) -> None:
    """A column dragged wider by hand stays so after accepting a version (the view refreshes)
    and after the window is resized (the columns were fitted anew each time)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    from newsmark.gui.main_window import MainWindow
    from newsmark.team.merge import merge
    from tests.team.test_team_project import annotator_file

    text = ("Mayor Ana Ruiz said the toll on the river bridge must stay until the repairs are paid for. "
            "\u201cWithout the toll there is no money for the bridge,\u201d Ruiz insisted on Monday evening.")
    texts = {"d1": text}
    annotator_file(tmp_path / "alice.newsmark", {"d1": [("QUOTE", "the toll on the river bridge must stay"),
                                                        ("PERSON", "Ana Ruiz")]}, annotator="alice", texts=texts)
    annotator_file(tmp_path / "bob.newsmark", {"d1": [("QUOTE", "the toll on the river bridge must stay until"),
                                                      ("PERSON", "Mayor Ana Ruiz")]}, annotator="bob", texts=texts)
    merge(tmp_path / "team.newsmark", [tmp_path / "alice.newsmark", tmp_path / "bob.newsmark"])
    project = Project.open(tmp_path / "team.newsmark")
    w = MainWindow(project, settings)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w, Qt.Key.Key_F8)
    qtbot.waitExposed(w._adjudication)
    adj = w._adjudication.view
    table = adj.view
    header = table.horizontalHeader()
    names = [adj.model.headerData(c, Qt.Orientation.Horizontal) for c in range(adj.model.columnCount())]
    col = names.index("1: alice")
    before = header.sectionSize(col)
    # drag the column's right edge 70 pixels to the right, on the header, as a curator does
    edge = header.sectionViewportPosition(col) + header.sectionSize(col) - 1
    y = header.height() // 2
    hv = header.viewport()
    QTest.mousePress(hv, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(edge, y))
    for dx in range(10, 71, 10):
        QTest.mouseMove(hv, QPoint(edge + dx, y))
    QTest.mouseRelease(hv, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(edge + 70, y))
    wanted = header.sectionSize(col)
    assert wanted >= before + 60, (before, wanted)
    assert adj.model.rowCount() == 2
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_1)  # alice's version accepted: the view refreshes
    assert adj.model.items[0].resolved or adj.model.rowCount() < 2 or adj.model.items[1].resolved
    assert header.sectionSize(col) == wanted
    w.resize(1100, 900)
    qtbot.waitUntil(lambda: table.viewport().width() < 1000)
    assert header.sectionSize(col) == wanted
    qtbot.wait(100)  # the panels' refresh after the accept, before the project closes
    w._adjudication.close()
    project.close()


def test_a_selected_quote_over_paragraphs_paints_nothing_on_the_empty_line(qtbot: Any, window: Any,
                                                                            sample_project: Project) -> None:
    """The selected annotation's outline covered the paragraphs' ends: Qt painted a box at the end
    of each line and a lone box on the empty line between the paragraphs."""
    from PySide6.QtGui import QColor, QTextCursor
    from PySide6.QtWidgets import QApplication

    from newsmark.core.model import Document
    from tests.gui.driving import span_point

    text = ('Ruiz began, \u201cWe will\n\n\u201ckeep going,\u201d she said.\n\nThird paragraph.')
    sample_project.add_document(Document(id="paras", text=text, title="Paragraphs"))
    start, end = text.index("\u201cWe"), text.index("going,\u201d") + 7
    sample_project.add_annotation("paras", start, end, "QUOTE")
    window.refresh_documents()
    window.open_document("paras")
    art = window.article
    qtbot.mouseClick(art.viewport(), Qt.MouseButton.LeftButton, pos=span_point(window, start + 3))
    assert window.current is not None and window.session.annotation(window.current).label == "QUOTE"
    # every character of the quote is outlined, and no paragraph's end
    painted = "".join(s.cursor.selectedText() for s in art.extraSelections())
    assert painted == text[start:end].replace("\n", "")
    assert "\u2029" not in painted
    # on screen: the empty line between the paragraphs shows no colour
    empty = art.document().findBlock(len(text[:text.index("\n\n") + 1].encode("utf-16-le")) // 2)
    assert empty.length() == 1  # the empty paragraph
    rect = art.cursorRect(QTextCursor(empty))
    QApplication.processEvents()
    image = art.viewport().grab().toImage()
    base = art.palette().color(art.viewport().backgroundRole())
    coloured = [(x, y) for x in range(rect.left(), rect.left() + 40) for y in range(rect.top() + 2, rect.bottom() - 1)
                if QColor(image.pixel(x, y)).saturation() > 40 and QColor(image.pixel(x, y)) != base]
    assert not coloured, coloured[:5]
