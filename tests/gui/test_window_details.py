"""Four window details from an annotator's pass, driven as a user drives them: the corpus panels
close with their shortcut again and with Esc; a link's caption moves sideways before it moves up
onto the words above; titles are cut on the right with the whole title in the tooltip; Tab from
the article follows the work."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QToolTip, QWidget

from newsmark.core.model import Document
from newsmark.store import Project
from tests.gui.driving import User, qt_pos
from tests.gui.test_links import DOC, _painted, by_text, find, he_added

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
PANELS = [("search", Qt.Key.Key_F), ("entities", Qt.Key.Key_N), ("disputes", Qt.Key.Key_P),
          ("stance_map", Qt.Key.Key_M)]


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def in_article(window: Any) -> bool:
    return focused() is window.article


def in_front(dock: Any) -> bool:
    """Shown, not a tab behind another (Qt keeps those "visible", out of the window)."""
    return bool(dock.isVisible() and not dock.visibleRegion().isEmpty())


# ---------------------------------------------------------------------- 1. the corpus panels
@pytest.mark.parametrize(("key", "letter"), PANELS)
def test_a_corpus_panel_closes_with_esc_and_with_its_shortcut_again(qtbot: Any, window: Any, key: str,
                                                                   letter: Any) -> None:
    user = User(qtbot, window)
    user.key((letter, CTRL_SHIFT))
    dock = window.corpus.docks[key]
    assert dock.isVisible()
    inside = focused()
    assert inside is not None and dock.isAncestorOf(inside), inside  # the panel took the focus
    user.key((Qt.Key.Key_Escape, NONE), inside)  # Esc in the panel: closed, back in the article
    assert not dock.isVisible()
    assert in_article(window)
    user.key((letter, CTRL_SHIFT))  # open again
    assert dock.isVisible()
    window.article.setFocus()  # the annotator goes on in the article, the panel open below
    user.key((letter, CTRL_SHIFT))  # the same shortcut again: closed
    assert not dock.isVisible()
    assert in_article(window)
    user.key((letter, CTRL_SHIFT))  # and open again
    assert dock.isVisible()


def test_the_shortcut_of_a_panel_behind_another_brings_it_to_the_front(qtbot: Any, window: Any) -> None:
    user = User(qtbot, window)
    user.key((Qt.Key.Key_F, CTRL_SHIFT))
    user.key((Qt.Key.Key_P, CTRL_SHIFT), focused())  # tabbed with the search, in front of it
    search, disputes = window.corpus.docks["search"], window.corpus.docks["disputes"]
    qtbot.wait(20)
    assert in_front(disputes) and not in_front(search)
    user.key((Qt.Key.Key_F, CTRL_SHIFT), focused())  # the search's tab to the front, not closed
    qtbot.wait(20)
    assert in_front(search) and not in_front(disputes)
    assert search.isAncestorOf(focused())
    user.key((Qt.Key.Key_Escape, NONE), focused())  # Esc closes the one in front only
    qtbot.wait(20)
    assert not search.isVisible() and in_front(disputes)
    assert in_article(window)


def test_esc_still_closes_the_find_bar_and_lets_go_of_the_annotation_with_a_panel_open(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    user.key((Qt.Key.Key_P, CTRL_SHIFT))
    disputes = window.corpus.docks["disputes"]
    quote = by_text(sample_project, "immunity is not necessary")
    user.click(quote.start + 2)
    assert window.current == quote.id and in_article(window)
    user.key((Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier))
    assert window.find_bar.isVisible()
    user.key((Qt.Key.Key_Escape, NONE), focused())  # in the find field: the find bar goes
    assert not window.find_bar.isVisible() and disputes.isVisible()
    assert window.current == quote.id
    user.key((Qt.Key.Key_Escape, NONE))  # in the article: the annotation is let go
    assert window.current is None and disputes.isVisible()


# ---------------------------------------------------------------------- 2. link captions
def test_a_second_caption_moves_sideways_in_the_blank_line_not_up_onto_the_words(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    """'He added: "These issues…"': the quote's speaker ("He") and cue ("added") are the first
    words of a paragraph with an empty line above it; both captions fall in that line."""
    user = User(qtbot, window)
    art = window.article
    text = window.session.document.text
    quote = he_added(window, sample_project)
    for width in (1400, 1100):
        window.resize(width, 900)
        qtbot.wait(20)
        user.click(quote.start + 3)
        _painted(window)
        captions = {rel.type: rect for rel, rect in window.links.captions}
        curves = {rel.type: (p0, p3) for rel, p0, p3 in window.links.drawn}
        assert set(captions) == {"said_by", "cue"}
        c = QTextCursor(art.document())
        c.setPosition(qt_pos(text, find(window, "He added")))
        line = art.cursorRect(c)
        c.setPosition(qt_pos(text, find(window, 'soldiers."')))
        above = art.cursorRect(c)  # the last line of the paragraph above
        # an empty line between the paragraphs, with room for one caption's height, not two
        assert captions["cue"].height() <= line.top() - above.bottom() < 2 * captions["cue"].height()
        for kind, rect in captions.items():
            assert rect.top() >= above.bottom() - 1, (width, kind, rect, above)  # off the words above
            assert rect.bottom() <= line.top() + 1, (width, kind, rect, line)  # and off its own line
            assert 0 <= rect.left() and rect.right() <= art.viewport().width()
            p0, p3 = curves[kind]
            assert min(p0.x(), p3.x()) <= rect.center().x() <= max(p0.x(), p3.x())  # over its curve
        assert not captions["said_by"].intersects(captions["cue"])


# ---------------------------------------------------------------------- 3. titles
TITLE = "Die elektronische Patientenakte im Gesundheitswesen: was sich 2025 für Versicherte ändert"


def _shown(view: Any, index: Any) -> str:
    """The text as the view paints it in the cell: elided by the style as the delegate says."""
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)  # the view's elide mode among the rest
    option.rect = view.visualRect(index)
    view.itemDelegate().initStyleOption(option, index)
    margin = view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    width = option.rect.width() - 2 * margin
    if option.icon is not None and not option.icon.isNull():
        width -= option.decorationSize.width() + 2 * margin
    return option.fontMetrics.elidedText(option.text, option.textElideMode, width)


def _tooltip(qtbot: Any, view: Any, index: Any) -> str:
    from html import unescape

    pos: QPoint = view.visualRect(index).center()
    QToolTip.hideText()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    return unescape(QToolTip.text().replace("<br>", "\n"))


def test_long_titles_are_cut_on_the_right_and_whole_in_their_tooltip(qtbot: Any, window: Any,
                                                                      sample_project: Project) -> None:
    user = User(qtbot, window)
    sample_project.add_document(Document(id="epa", title=TITLE,
                                         text="Die Patientenakte kommt. Die Kassen sagen: sie ist sicher."))
    window.refresh_documents()
    window.resizeDocks([window.doc_dock], [330], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    view = window.doc_view
    index = window.doc_model.index(window.doc_model.view_row("epa"), 0)
    shown = _shown(view, index)
    assert shown != TITLE and shown.endswith("…"), shown  # cut, on the right
    assert TITLE.startswith(shown[:-1].rstrip()), shown
    assert len(shown) > 12
    assert TITLE in _tooltip(qtbot, view, index)
    # the search results: the document's title cut on the right too, whole in the tooltip
    user.key((Qt.Key.Key_F, CTRL_SHIFT))
    panel = window.corpus.search
    qtbot.keyClicks(panel.query, "Kassen")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.results.topLevelItemCount() == 1
    panel.results.header().resizeSection(0, 160)
    item = panel.results.topLevelItem(0)
    index = panel.results.indexFromItem(item, 0)
    shown = _shown(panel.results, index)
    assert shown.endswith("…") and TITLE.startswith(shown[:-1].rstrip()), shown
    assert TITLE in _tooltip(qtbot, panel.results, index)
    # the disputed points: each stance's article title and quote cut on the right, whole in tooltips
    user.key((Qt.Key.Key_P, CTRL_SHIFT), focused())
    tree = window.corpus.disputes.tree
    tree.header().resizeSection(2, 120)
    tree.header().resizeSection(3, 120)
    stance = tree.topLevelItem(0).child(0)
    title = sample_project.document(DOC).title
    for column, whole in ((3, title), (2, stance.text(2))):
        index = tree.indexFromItem(stance, column)
        shown = _shown(tree, index)
        assert shown.endswith("…") and whole.startswith(shown[:-1].rstrip()), shown
        assert whole in _tooltip(qtbot, tree, index)
    # the quotes panel: a quote cut on the right, whole in its tooltip
    quotes = window.quotes_panel.tree
    quotes.header().resizeSection(0, 140)
    quote = by_text(sample_project, "we protect and provide the appropriate immunity for our soldiers")
    index = quotes.indexFromItem(window.quotes_panel.items[quote.id], 0)
    shown = _shown(quotes, index)
    assert shown.endswith("…") and f"“{quote.text}”".startswith(shown[:-1].rstrip()), shown
    assert quote.text in _tooltip(qtbot, quotes, index)


# ---------------------------------------------------------------------- 4. Tab
def test_tab_from_the_article_follows_the_work_and_never_types_a_tab(qtbot: Any, window: Any,
                                                                   sample_project: Project) -> None:
    user = User(qtbot, window)
    text = window.session.document.text
    tab, back = (Qt.Key.Key_Tab, NONE), (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    # nothing selected: the article, the annotation list, the document list
    user.click(find(window, "Talks are continuing") + 2)  # plain text
    assert window.current is None and in_article(window)
    user.key(tab)
    assert focused() is window.ann_view
    user.key(tab, focused())
    assert focused() is window.doc_view
    assert window.doc_id == DOC  # reaching the list opened no other document
    user.key(back, focused())
    assert focused() is window.ann_view
    # (the list, reached, selected its first row's annotation, as a list does: Shift+Tab goes
    # back by that annotation's fields and links, if any, to the article)
    for _ in range(20):
        user.key(back, focused())
        if in_article(window):
            break
        assert window.detail_dock.isAncestorOf(focused()), focused()
    assert in_article(window), focused()
    # a quote selected: its fields, then its links, then the lists
    quote = by_text(sample_project, "immunity is not necessary")
    user.click(quote.start + 2)
    assert window.current == quote.id
    user.key(tab)
    fields = [w for _d, w in window.attr_editor.fields.values()]
    assert focused() is fields[0] or fields[0].isAncestorOf(focused()), focused()
    seen = []
    for _ in range(20):
        if focused() is window.ann_view:
            break
        seen.append(focused())
        user.key(tab, focused())
    assert focused() is window.ann_view, seen
    assert window.attr_editor.note in seen  # every field on the way
    assert window.relation_panel.list in seen and window.relation_panel.speaker in seen
    assert window.current == quote.id  # walking past the fields changed nothing
    user.key(back, focused())
    assert window.relation_panel.isAncestorOf(focused())  # Shift+Tab: the way back
    user.key(tab, focused())
    user.key(tab, focused())
    assert focused() is window.doc_view
    # a corpus panel open: Tab walks its fields and lists (not a table's cells), then the article
    user.key((Qt.Key.Key_N, CTRL_SHIFT), focused())
    entities = window.corpus.docks["entities"]
    assert entities.isAncestorOf(focused())
    walked = []
    for _ in range(15):
        user.key(tab, focused())
        if in_article(window):
            break
        walked.append(focused())
        assert entities.isAncestorOf(focused()), focused()
    assert in_article(window)
    assert walked.count(window.corpus.entities.view) == 1  # one stop, not one a cell
    user.key(back, focused())
    assert entities.isAncestorOf(focused())  # Shift+Tab from the article: the last stop
    # Tab in the article types nothing: the text never changes
    window.article.setFocus()
    for _ in range(3):
        qtbot.keyClick(window.article, Qt.Key.Key_Tab)
        window.article.setFocus()
    assert window.article.toPlainText() == window.article.map.display
    assert "\t" not in window.article.toPlainText()
    assert sample_project.document(DOC).text == text
    assert [a.id for a in sample_project.annotations(DOC)] == [a.id for a in window.session.document.annotations]
