"""Found in an annotator's day under Xvfb (real keys, real articles): each test drives the window
as the annotator did and fails before its fix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.gui.test_suggestions import caret, suggest_window  # noqa: F401 (fixture)


def test_accepting_a_quote_suggestion_selects_the_quote_not_its_speaker(qtbot: Any,
                                                                         suggest_window: Any) -> None:  # noqa: F811
    """Enter on a quote's ghost left its speaker (added last) selected: the stance key that
    follows (Ctrl+Shift+D) asked for the speaker's stance, Del deleted the speaker."""
    w = suggest_window
    text = w.session.document.text
    caret(w, text.index("every chance"))
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    quote = next(a for a in w.project.annotations("a") if a.label == "QUOTE")
    assert w.current == quote.id
    assert w.quotes_panel.tree.currentItem() is not None
    assert "We gave them every chance" in w.quotes_panel.tree.currentItem().text(0)
    # the next key acts on the quote: Del deletes it (its links go with it), the speaker stays
    qtbot.keyClick(w.article, Qt.Key.Key_Delete)
    assert sorted(a.label for a in w.project.annotations("a")) == ["CUE", "PERSON"]


def test_the_stance_dialog_quotes_a_point_without_a_proposition_once(qtbot: Any, window: Any) -> None:
    """A disputed point without a proposition yet (just tagged with x) was named ““…”” in the
    dialog's question."""
    from PySide6.QtWidgets import QLabel

    from tests.gui.driving import User, select

    window.open_document("second")
    text = window.session.document.text
    user = User(qtbot, window)
    select(window, text.index("nothing"), text.index("nothing") + len("nothing"))
    user.key("x")
    select(window, text.index("The minister"), text.index("The minister") + len("The minister"))
    user.key("p")
    asked: list[str] = []
    user.in_next_dialog("o", check=lambda d: asked.extend(lab.text() for lab in d.findChildren(QLabel)))
    user.key((Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
    assert asked and asked[0] == "Stance of PERSON “The minister” on “nothing”:"
    stance = [r for r in window.project.relations("second") if r.type == "stance"]
    assert [r.attributes["value"] for r in stance] == ["opposes"]


PERSSON = ('Ms Persson said: "I would like to emphasise that the injured party has submitted a credible '
           'and reliable version of events.\n\n"Her statements have been coherent, extensive and detailed; '
           'however, my overall assessment is that the evidential situation has been weakened."\n\nThe end.')


def test_a_quote_ghost_over_paragraphs_draws_nothing_on_the_empty_line(qtbot: Any, suggest_window: Any) -> None:  # noqa: F811
    """The dashed outline of a suggested quote running over two paragraphs drew a lone box on
    the empty line between them (as the selected annotation's outline did)."""
    from PySide6.QtGui import QColor, QTextCursor
    from PySide6.QtWidgets import QApplication

    from newsmark.core.model import Document
    from tests.gui.driving import qt_pos

    w = suggest_window
    w.project.add_document(Document("persson", PERSSON, title="Persson"))
    w.refresh_documents()
    w.open_document("persson")
    qtbot.waitUntil(lambda: any(s.label == "QUOTE" and "\n\n" in s.head.text for s in w.suggestions.items),
                    timeout=5000)
    art = w.article
    empty = art.document().findBlock(qt_pos(PERSSON, PERSSON.index("\n\n") + 1))
    assert empty.length() == 1  # the empty paragraph inside the suggested quote
    rect = art.cursorRect(QTextCursor(empty))
    QApplication.processEvents()
    image = art.viewport().grab().toImage()
    base = art.palette().color(art.viewport().backgroundRole())
    coloured = [(x, y) for x in range(max(0, rect.left() - 3), rect.left() + 40)
                for y in range(rect.top() + 2, rect.bottom() - 1)
                if QColor(image.pixel(x, y)).saturation() > 40 and QColor(image.pixel(x, y)) != base]
    assert not coloured, coloured[:5]
    # the paragraphs' lines are outlined still
    line = art.cursorRect(QTextCursor(empty.next()))
    assert any(QColor(image.pixel(x, line.top() + 1)).saturation() > 40 for x in range(line.left(), line.left() + 400))


def test_ghosts_take_the_dark_themes_colours_when_it_is_chosen(qtbot: Any, suggest_window: Any) -> None:  # noqa: F811
    """After Preferences → Dark, the ghosts already drawn kept the light theme's colours (a
    dark red CUE outline, hard to see on the dark page) until the document was opened again."""
    from newsmark.gui.app import apply_theme
    from tests.gui.test_preferences_and_about import answer_modal

    w = suggest_window
    overlay = w.suggestions.overlay

    def drawn() -> dict[str, int]:
        """Each label's ghost colour as drawn (every span of every suggestion)."""
        return {sp.label: overlay.colours[(s.id, i)].rgba() for s in w.suggestions.items
                for i, sp in enumerate(s.spans) if (s.id, i) in overlay.colours}

    light = drawn()
    assert "CUE" in light and "QUOTE" in light
    light_quote = w.colours["QUOTE"].rgba()
    try:
        answer_modal(qtbot, lambda d: (d.theme.setCurrentIndex(d.theme.findData("dark")), d.accept()))
        w.preferences()
        qtbot.waitUntil(lambda: w.colours["QUOTE"].rgba() != light_quote, timeout=3000)  # the palette went dark
        assert drawn() == {label: w.colours[label].rgba() for label in drawn()}
        assert all(drawn()[label] != light[label] for label in light)
    finally:
        apply_theme("light")


def test_redo_selects_again_the_quote_that_was_selected_when_undone(qtbot: Any, suggest_window: Any) -> None:  # noqa: F811
    """Ctrl+Z then Ctrl+Shift+Z on an accepted quote (or a quote attributed to a new speaker
    mention) left the last annotation the step adds selected, its speaker: the next key acted
    on the speaker, not on the quote the annotator was working on."""
    w = suggest_window
    ctrl = Qt.KeyboardModifier.ControlModifier
    text = w.session.document.text
    caret(w, text.index("every chance"))
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    quote = next(a for a in w.project.annotations("a") if a.label == "QUOTE")
    assert w.current == quote.id
    qtbot.keyClick(w.article, Qt.Key.Key_Z, ctrl)
    assert w.project.annotations("a") == []
    assert w.statusBar().currentMessage().startswith("Undone: ")
    qtbot.keyClick(w.article, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert len(w.project.annotations("a")) == 3
    assert w.current == quote.id
    assert w.session.annotation(w.current).label == "QUOTE"
    assert w.statusBar().currentMessage().startswith("Redone: ")
    # the menu's actions name the step, as before
    assert w.undo_redo.undo_action.text() == f"&Undo {w.undo_stack.undoText()}"
    assert not w.undo_redo.redo_action.isEnabled()


def test_the_document_list_is_walked_with_the_arrows_and_enter_goes_to_the_article(qtbot: Any, window: Any) -> None:
    """Each document opened as its row was reached and took the focus to the article: the second
    ↓ moved the caret in the article instead of going on down the list; End did nothing; ↓ in the
    filter field did nothing."""
    from newsmark.core.model import Document

    window.project.add_document(Document(id="third", text="Third article, the last.", title="Third"))
    window.refresh_documents()
    order = [window.doc_model.doc_id(i) for i in range(window.doc_model.rowCount())]
    assert len(order) == 3
    ctrl = Qt.KeyboardModifier.ControlModifier
    window.open_document(order[0])
    qtbot.keyClick(window.article, Qt.Key.Key_L, ctrl)
    view = window.doc_view
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.doc_id == order[1] and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.doc_id == order[2] and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert window.doc_id == order[0] and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert window.doc_id == order[2] and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.article.hasFocus() and window.doc_id == order[2]
    # Ctrl+PgUp from the article opens the previous one and leaves the focus in the article
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp, ctrl)
    assert window.doc_id == order[1] and window.article.hasFocus()
    # from the filter field: ↓ goes to the list on the first document it shows, Enter to the article
    window.doc_search.setFocus()
    qtbot.keyClicks(window.doc_search, "Third")
    qtbot.keyClick(window.doc_search, Qt.Key.Key_Down)
    assert window.doc_id == "third" and view.hasFocus()
    window.doc_search.setFocus()
    window.doc_search.clear()
    qtbot.keyClicks(window.doc_search, "Second")
    qtbot.keyClick(window.doc_search, Qt.Key.Key_Return)
    assert window.doc_id == "second" and window.article.hasFocus()
    # a click on a row opens its document in the article, as before (a letter typed in the
    # list would search the titles and open another document)
    window.doc_search.clear()
    view.setFocus()
    row = window.doc_model.view_row(order[0])
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(window.doc_model.index(row, 0)).center())
    assert window.doc_id == order[0] and window.article.hasFocus()


def test_alt_n_from_the_document_list_goes_to_the_suggestion_in_the_article(qtbot: Any, suggest_window: Any) -> None:  # noqa: F811
    """With the focus left in the document list (a document opened there), Alt+N moves the caret
    to the next suggestion and the focus with it: Enter then accepts it."""
    w = suggest_window
    caret(w, 0)
    w.doc_view.setFocus()
    qtbot.keyClick(w.doc_view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    first = min(s.start for s in w.suggestions.items)
    assert w.article.map.from_qt(w.article.textCursor().position()) == first
    assert w.article.hasFocus()
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    assert w.project.annotations("a")


def test_a_name_before_a_possessive_is_tagged_without_it(qtbot: Any, window: Any) -> None:
    """Found with Ctrl+F "China", Esc, Shift+g: the whole-word snap widened every match to
    "China's" (and tagged only that one, the other "China"s no longer being the same text)."""
    from newsmark.core.model import Document
    from tests.gui.driving import select

    text = ("On Tuesday a tribunal dismissed China's claims. China rejects it; the Philippines' "
            "envoy and Mr O'Brien welcomed it, as did Panetta\u2019s office.")
    window.project.add_document(Document(id="poss", text=text, title="Possessives"))
    window.refresh_documents()
    window.open_document("poss")
    # "China" as Ctrl+F finds it, in "China's", then every occurrence of it
    select(window, text.index("China"), text.index("China") + 5)
    qtbot.keyClick(window.article, "g", Qt.KeyboardModifier.ShiftModifier)
    tagged = sorted((a.start, a.text) for a in window.project.annotations("poss"))
    assert [t for _s, t in tagged] == ["China", "China"]
    # a part of a name is widened to the name, not to its possessive ending (’ or ')
    for part, name, key in (("Panet", "Panetta", "p"), ("Philippi", "Philippines", "g"), ("O'Bri", "O'Brien", "p")):
        select(window, text.index(part), text.index(part) + len(part))
        qtbot.keyClick(window.article, key)
        assert window.session.annotation(window.current).text == name


def test_the_suggestion_enter_would_accept_is_shown_filled(qtbot: Any, suggest_window: Any) -> None:  # noqa: F811
    """After Alt+N the caret sat at the start of a dashed outline, among others (a speaker's, a
    cue's): nothing showed which suggestion Enter would accept, and the status bar did not name it."""
    from PySide6.QtWidgets import QApplication

    w = suggest_window
    text = w.session.document.text
    overlay = w.suggestions.overlay
    caret(w, text.index("without a deal"))  # plain text: no suggestion there
    assert overlay.current is None
    QApplication.processEvents()
    before = w.article.viewport().grab().toImage()
    qtbot.keyClick(w.article, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    sug = w.suggestions.at(w.article.map.from_qt(w.article.textCursor().position()))
    assert sug is not None and overlay.current == sug.id
    assert f"“{sug.head.text}”" in w.statusBar().currentMessage()
    QApplication.processEvents()
    after = w.article.viewport().grab().toImage()
    head = overlay.rects(w.article.map.to_qt(sug.head.start), w.article.map.to_qt(sug.head.end))[0].toAlignedRect()
    inside = [(x, y) for x in range(head.left() + 3, head.right() - 3, 2) for y in range(head.top() + 3, head.bottom() - 3, 2)]
    changed = [p for p in inside if before.pixel(*p) != after.pixel(*p)]
    assert len(changed) > len(inside) // 2  # filled, not only outlined
    # Enter accepts that one; a caret moved off every suggestion fills none
    qtbot.keyClick(w.article, Qt.Key.Key_Return)
    assert any(a.label == sug.label and a.start == sug.head.start for a in w.project.annotations("a"))
    caret(w, text.index("without a deal"))
    assert overlay.current is None


def test_on_linux_words_are_moved_with_alt_page_keys_too(qtbot: Any, window: Any) -> None:
    """Under a desktop that switches workspaces with Ctrl+Alt+←/→ (Openbox here; GNOME, Xfce,
    Cinnamon) moving an annotation's start by a word took the annotator to an empty desktop:
    Linux has Windows' Alt+PgUp/PgDn beside them."""
    import sys

    from newsmark.gui import shortcuts
    from tests.gui.test_window import DOC, select_text

    assert shortcuts.keys("start_word_left", "linux") == ["Ctrl+Alt+Left", "Alt+PgUp"]
    if not sys.platform.startswith("linux"):
        return  # the window below was built with this system's keys
    text = window.session.document.text
    select_text(window, "contractors have")
    window.apply_label("ORG")
    ann_id = window.current
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp, alt)
    a = window.project.annotation(DOC, ann_id)
    assert a.text == "Private contractors have" and a.start == text.index("Private contractors")
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp, alt | Qt.KeyboardModifier.ShiftModifier)
    assert window.project.annotation(DOC, ann_id).text == "Private contractors"
    qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | alt)  # still there
    assert window.project.annotation(DOC, ann_id).text == "contractors"


def test_the_search_below_the_article_leaves_the_side_lists_their_height(qtbot: Any, window: Any) -> None:
    """Ctrl+Shift+F opened the search across the whole window's width: the annotation list was
    squeezed to three rows and the document list lost half its rows while searching."""
    from PySide6.QtWidgets import QApplication

    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.width() == 1600)
    QApplication.processEvents()
    before = (window.ann_view.viewport().height(), window.doc_view.viewport().height())
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dock = window.corpus.docks["search"]
    qtbot.waitUntil(dock.isVisible)
    QApplication.processEvents()
    after = (window.ann_view.viewport().height(), window.doc_view.viewport().height())
    assert after[0] >= before[0] - 4 and after[1] >= before[1] - 4, (before, after)
    # below the article, between the side columns, and tall enough to read the hits
    assert dock.geometry().left() >= window.doc_dock.geometry().right()
    assert dock.geometry().right() <= window.ann_dock.geometry().left()
    assert dock.height() >= window.height() // 4


def test_the_quotes_panel_is_walked_with_the_arrows_and_the_article_follows(qtbot: Any, window: Any) -> None:
    """↓ in the Quotes panel moved its row only: the article kept the quote clicked before
    selected, and the next key (Ctrl+Shift+D, Del) acted on that one, not on the row shown."""
    from tests.gui.test_lists_and_quotes import click_item

    tree = window.quotes_panel.tree
    qtbot.waitUntil(lambda: window.quotes_panel.quote_count() == 5)
    panetta = tree.topLevelItem(0)
    click_item(qtbot, tree, panetta.child(0))
    first = window.session.annotation(window.current)
    assert first.label == "QUOTE" and first.text.startswith("any US troops")
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    second = window.session.annotation(window.current)
    assert second.label == "QUOTE" and second.text.startswith("we protect and provide")
    assert tree.hasFocus() and tree.currentItem() is panetta.child(1)
    assert window.attr_editor.annotation.id == second.id
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert window.session.annotation(window.current).text.startswith("I can say very clearly")
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    assert window.current == second.id and tree.hasFocus()


def test_the_annotation_list_is_walked_with_the_arrows_and_the_article_follows(qtbot: Any, window: Any) -> None:
    """↓ in the annotation list moved its row only: the selected annotation (and what Del, a
    label's key or Alt+← act on) stayed the one clicked before."""
    view = window.ann_view
    first = window.ann_filter.index(0, 1)
    view.scrollTo(first)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(first).center())
    a = window.session.annotation(window.current)
    assert a.id == window.ann_filter.data(first, Qt.ItemDataRole.UserRole)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    b = window.session.annotation(window.current)
    assert b.id == window.ann_filter.data(window.ann_filter.index(1, 1), Qt.ItemDataRole.UserRole) != a.id
    assert view.hasFocus()
    assert window.attr_editor.annotation.id == b.id
    # the key acts on it: Del deletes the annotation reached, not the one clicked
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    ids = {x.id for x in window.project.annotations(window.doc_id)}
    assert a.id in ids and b.id not in ids


def test_the_shortcut_list_shows_the_keys_of_an_ordinary_keyboard(qtbot: Any, window: Any) -> None:
    """F1 listed Qt's special-keyboard keys beside the real ones, read as words of the action:
    "Ctrl+Z, F14, Undo", "Ctrl+F, Find", "Ctrl+Q, Exit"."""
    from PySide6.QtGui import QKeySequence, QTextTable
    from PySide6.QtWidgets import QTextBrowser

    qtbot.keyClick(window, Qt.Key.Key_F1)
    doc = window.help_dialog.findChild(QTextBrowser).document()
    window.help_dialog.close()
    table = next(f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable))
    rows = {table.cellAt(r, 1).firstCursorPosition().block().text(): table.cellAt(r, 0).firstCursorPosition().block().text()
            for r in range(table.rows())}
    assert rows["Undo"].startswith("Ctrl+Z")
    special = {"F13", "F14", "Undo", "Redo", "Find", "Exit", "Help", "Zoom In", "Zoom Out"}
    for name, keys in rows.items():
        assert not special & {k.strip() for k in keys.split(",")}, (name, keys)
    # every key an action has on an ordinary keyboard is still listed
    undo = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in window.undo_redo.undo_action.shortcuts()]
    assert [k.strip() for k in rows["Undo"].split(",")] == [k for k in undo if k not in special]


def test_f2_types_in_the_annotations_fields_and_esc_comes_back_to_the_article(qtbot: Any, window: Any) -> None:
    """No key reached the selected annotation's fields (Tab went to the document filter), and
    Esc in a field let go of the annotation, leaving the focus in a field no longer shown."""
    dispute = next(a for a in window.session.document.annotations if a.label == "DISPUTE")
    window.select_annotation(dispute.id)
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_F2)
    proposition = window.attr_editor.fields["proposition"][1]
    assert proposition.hasFocus()
    qtbot.keyClicks(proposition, "Immunity for US troops after 2011")
    qtbot.keyClick(proposition, Qt.Key.Key_Escape)
    assert window.article.hasFocus() and window.current == dispute.id  # still selected
    assert window.project.annotation(window.doc_id, dispute.id).attributes["proposition"] == \
        "Immunity for US troops after 2011"
    # Enter in the note stores it and comes back too; then Esc lets go of the annotation
    qtbot.keyClick(window.article, Qt.Key.Key_F2)
    note = window.attr_editor.note
    note.setFocus()
    qtbot.keyClicks(note, "check the parties")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert window.article.hasFocus() and window.project.annotation(window.doc_id, dispute.id).note == "check the parties"
    qtbot.keyClick(window.article, Qt.Key.Key_Escape)
    assert window.current is None
    # F2 with nothing selected says what to do
    qtbot.keyClick(window.article, Qt.Key.Key_F2)
    assert window.article.hasFocus() and "Select an annotation" in window.statusBar().currentMessage()


def test_the_speaker_and_stance_dialogs_open_beside_the_quote_not_over_it(qtbot: Any, window: Any) -> None:
    """Centred on the window, the dialogs opened over the middle of the article: over the quote
    they ask about, which the annotator reads to answer."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from newsmark.gui.dialogs.placement import span_rect
    from tests.gui.driving import User

    art = window.article
    QApplication.processEvents()
    # the quote in the middle of the window, where a centred dialog lands
    middle = window.geometry().center().y()

    def off_middle(a: Any) -> int:
        rect = span_rect(art, a.start, a.end)
        return abs(rect.center().y() - middle) if rect is not None else 10**6

    quote = min((a for a in window.session.document.annotations if a.label == "QUOTE"), key=off_middle)
    assert off_middle(quote) < 60
    window.select_annotation(quote.id, reveal=False)
    user = User(qtbot, window)
    seen: list[tuple[QRect, QRect]] = []

    def where(dialog: Any) -> None:
        span = span_rect(art, quote.start, quote.end)
        assert span is not None
        seen.append((dialog.frameGeometry(), span))

    user.in_next_dialog((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier), check=where)
    user.key((Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
    user.in_next_dialog((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier), check=where)
    user.key((Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
    assert len(seen) == 2
    for dialog, span in seen:
        assert not dialog.intersects(span), (dialog, span)


def test_undo_of_an_edit_in_another_document_opens_that_document(qtbot: Any, window: Any,
                                                                 sample_project: Any) -> None:
    """Tag in one article, Ctrl+PgDn, Ctrl+Z: the tag was taken away in the article no longer
    shown, out of sight, and the document list went on counting it."""
    from tests.gui.test_window import DOC, select_text

    ctrl = Qt.KeyboardModifier.ControlModifier
    count = window.doc_model.data(window.doc_model.index(window.doc_model.view_row(DOC), 2))
    select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    tagged = window.current
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, ctrl)
    assert window.doc_id == "second"
    qtbot.keyClick(window.article, Qt.Key.Key_Z, ctrl)
    assert window.doc_id == DOC  # opened where the edit is undone
    assert tagged not in {a.id for a in sample_project.annotations(DOC)}
    assert window.doc_model.data(window.doc_model.index(window.doc_model.view_row(DOC), 2)) == count
    assert window.ann_model.rowCount() == int(count)
    # and redone there too, from elsewhere
    window.open_document("second")
    qtbot.keyClick(window.article, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert window.doc_id == DOC and tagged in {a.id for a in sample_project.annotations(DOC)}
    assert window.session.annotation(tagged) is not None


def test_the_import_dialog_opens_where_the_last_import_was_chosen(qtbot: Any, window: Any, tmp_path: Any,
                                                                 monkeypatch: Any) -> None:
    """Ctrl+I opened in the folder the program was started from every time: the annotator
    walked down to the articles' folder again for each import.  (The system's file dialog is
    answered by a stand-in that notes the folder it opens in.)"""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    home = tmp_path / "home"
    articles = home / "news" / "2026-12"
    articles.mkdir(parents=True)
    (articles / "one.txt").write_text("One\n\nThe minister said nothing at all.", encoding="utf-8")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    monkeypatch.chdir(tmp_path)
    opened_in: list[str] = []
    answers = [[str(articles / "one.txt")], []]

    def get_open_file_names(_parent: Any, _caption: str = "", folder: str = "", _filter: str = "") -> Any:
        opened_in.append(folder)
        return answers.pop(0), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(get_open_file_names))
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "one" in window.doc_model.row_of, timeout=10000)
    qtbot.waitUntil(lambda: window._transfer[0].isFinished(), timeout=10000)
    qtbot.keyClick(window.article, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert [Path(p) for p in opened_in] == [home, articles]
