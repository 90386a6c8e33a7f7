"""Issue #15 points 1-4, driven as an annotator drives the window: clicks at the pixels of spans,
keys, Ctrl+click pointing; then the panel, the drawn links and the store are checked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from newsmark.gui.widgets.links import link_caption
from newsmark.store import Project
from tests.gui.driving import User, qt_pos, select

DOC = "000_b24136a7fc6a8277"
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
LAST_QUOTE = "These issues are still very much in negotiation."


def find(window: Any, needle: str, nth: int = 1) -> int:
    text = window.session.document.text
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    return pos


def relations(project: Project, from_id: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for r in project.relations(DOC):
        if r.from_id == from_id:
            out.setdefault(r.type, []).append(r)
    return out


def by_text(project: Project, text: str, label: str | None = None) -> Any:
    return next(a for a in project.annotations(DOC) if a.text == text and (label is None or a.label == label))


# ---------------------------------------------------------------------- the whole task, counted
def test_a_quote_with_speaker_and_cue_in_four_actions_and_a_stance_in_three(qtbot: Any, window: Any,
                                                                          sample_project: Project) -> None:
    """Select a quote's text -> quote with speaker and cue -> stance on a disputed point."""
    user = User(qtbot, window)
    q = find(window, LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))  # the selection itself is not counted
    user.key("q")  # the quote
    user.in_next_dialog((Qt.Key.Key_Return, NONE))  # the proposed speaker and cue: Enter
    user.key((Qt.Key.Key_S, CTRL_SHIFT))  # Speaker…
    quote_actions = user.actions
    quote = sample_project.annotation(DOC, window.current)
    assert quote.label == "QUOTE" and quote.text == LAST_QUOTE
    links = relations(sample_project, quote.id)
    speaker = sample_project.annotation(DOC, links["said_by"][0].to_id)
    cue = sample_project.annotation(DOC, links["cue"][0].to_id)
    # "He added:" a sentence after "But Mr Panetta, visiting Brussels, said: …"
    assert (speaker.text, speaker.label) == ("Mr Panetta", "PERSON")
    assert (cue.text, cue.label) == ("added", "CUE")
    # the mention is "Mr Panetta", the speaker the full name it refers to (quotes-guidelines.md)
    assert quote.attributes == {"type": "direct", "speaker": "Leon Panetta", "cue": "added"}
    assert len(links["said_by"]) == len(links["cue"]) == 1
    assert quote_actions <= 4, quote_actions

    user.actions = 0
    user.in_next_dialog("o")  # the article's one disputed point: only the stance's key
    user.key((Qt.Key.Key_D, CTRL_SHIFT))
    stance = relations(sample_project, quote.id)["stance"]
    dispute = sample_project.annotation(DOC, stance[0].to_id)
    assert len(stance) == 1 and stance[0].attributes == {"value": "opposes"} and dispute.label == "DISPUTE"
    assert user.actions <= 3, user.actions
    # the Links panel shows the three links, the stance value in full
    texts = [window.relation_panel.list.item(i).text() for i in range(window.relation_panel.list.count())]
    assert any(t.startswith("stance: opposes → DISPUTE") for t in texts)
    assert any(t.startswith("said_by → PERSON “Mr Panetta”") for t in texts)
    # and one undo takes back each step
    window.undo_stack.undo()
    assert "stance" not in relations(sample_project, quote.id)
    window.undo_stack.undo()
    assert relations(sample_project, quote.id) == {}
    assert "Mr Panetta" not in {a.text for a in sample_project.annotations(DOC)}


# ---------------------------------------------------------------------- 1. no traps
def test_a_click_on_plain_text_lets_go_of_the_annotation(qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    org = by_text(sample_project, "The Iraqi government")
    user.click(org.start + 4)
    assert window.current == org.id
    user.click(find(window, "Talks are continuing") + 3)  # plain text
    assert window.current is None
    before = {(a.id, a.label) for a in sample_project.annotations(DOC)}
    user.key("p")  # once relabelled the entity clicked away from
    assert {(a.id, a.label) for a in sample_project.annotations(DOC)} == before
    user.key((Qt.Key.Key_Delete, NONE))
    assert {(a.id, a.label) for a in sample_project.annotations(DOC)} == before
    assert "Select some text first" in window.statusBar().currentMessage()


def test_relabel_and_delete_say_what_they_did(qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    org = by_text(sample_project, "The Iraqi government")
    user.click(org.start + 4)
    user.key("p")
    assert sample_project.annotation(DOC, org.id).label == "PERSON"
    assert window.statusBar().currentMessage() == "ORG → PERSON: The Iraqi government — Ctrl+Z undoes"
    user.key((Qt.Key.Key_Delete, NONE))
    assert org.id not in {a.id for a in sample_project.annotations(DOC)}
    assert window.statusBar().currentMessage() == ("Deleted PERSON: The Iraqi government and its 2 links"
                                                   " — Ctrl+Z undoes")
    user.key((Qt.Key.Key_Z, CTRL))
    assert sample_project.annotation(DOC, org.id).label == "PERSON"


def test_speaker_cue_and_stance_are_enabled_only_where_they_apply(qtbot: Any, window: Any,
                                                                 sample_project: Project) -> None:
    user = User(qtbot, window)
    buttons = window.relation_panel

    def state() -> tuple[bool, bool, bool]:
        on = (window.speaker_action.isEnabled(), window.cue_action.isEnabled(), window.stance_action.isEnabled())
        assert on == (buttons.speaker.isEnabled(), buttons.cue.isEnabled(), buttons.stance.isEnabled())
        return on

    user.click(find(window, "Talks are continuing") + 3)
    assert state() == (False, False, False)
    user.click(by_text(sample_project, "Baghdad").start + 2)  # a place: only a stance applies
    assert state() == (False, False, True)
    user.click(by_text(sample_project, "has insisted").start + 1)  # a CUE: nothing
    assert state() == (False, False, False)
    quote = by_text(sample_project, "immunity is not necessary")
    user.click(quote.start + 2)
    assert window.current == quote.id and state() == (True, True, True)
    # the caret in a quote, nothing selected: Speaker… acts on the quote under the caret
    user.key((Qt.Key.Key_Escape, NONE))
    assert window.current is None
    cursor = window.article.textCursor()
    cursor.setPosition(qt_pos(window.session.document.text, quote.start + 5))
    window.article.setTextCursor(cursor)
    assert state() == (True, True, True)
    seen: list[str] = []
    user.in_next_dialog((Qt.Key.Key_Escape, NONE), check=lambda d: seen.append(d.combo.itemText(0)))
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    assert seen and seen[0].startswith("The Iraqi government (ORG)")


# ---------------------------------------------------------------------- 2. links drawn, pointing
def he_added(window: Any, project: Project) -> Any:
    """The sample's last quote ('He added: "These issues…"') tagged with its speaker "He" and its
    cue "added" (two links from the quote to its own line), and the document opened again."""
    start = find(window, "These issues")
    quote = project.add_annotation(DOC, start, start + len("These issues are still very much in negotiation."), "QUOTE")
    he = project.add_annotation(DOC, find(window, "He added"), find(window, "He added") + 2, "PERSON")
    added = project.add_annotation(DOC, find(window, "added"), find(window, "added") + 5, "CUE")
    project.add_relation(DOC, "said_by", quote.id, he.id)
    project.add_relation(DOC, "cue", quote.id, added.id)
    window.open_document(DOC)
    return quote


def _painted(window: Any) -> Any:
    window.article.viewport().repaint()
    QApplication.processEvents()
    return window.links.drawn


def test_the_selected_quotes_links_are_drawn(qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    quote = by_text(sample_project, "immunity is not necessary")
    user.click(quote.start + 2)
    drawn = _painted(window)
    kinds = sorted((r.type, r.attributes.get("value")) for r, _p0, _p3 in drawn)
    assert kinds == [("cue", None), ("said_by", None), ("stance", "opposes")]
    art = window.article
    text = window.session.document.text
    for rel, p0, p3 in drawn:
        other = sample_project.annotation(DOC, rel.to_id)
        # each connector joins the quote to its other end, where those are on screen
        for ann, point in ((quote, p0), (other, p3)):
            c = QTextCursor(art.document())
            c.setPosition(qt_pos(text, ann.start))
            first = art.cursorRect(c)
            c.setPosition(qt_pos(text, ann.end))
            last = art.cursorRect(c)
            if 0 <= first.top() and last.bottom() <= art.viewport().height():
                assert first.top() - 3 <= point.y() <= last.bottom() + 3, (rel.type, ann.text)
    # what is on screen: the arrow head pointing at the speaker has the link's colour
    speaker = next(p3 for r, _p0, p3 in drawn if r.type == "said_by")
    shot = art.viewport().grab().toImage()
    ratio = shot.width() / art.viewport().width()
    near = {shot.pixelColor(int((speaker.x() + dx) * ratio), int((speaker.y() - 3) * ratio)).name()
            for dx in (-1, 0, 1)}
    said_by = next(r for r, *_ in drawn if r.type == "said_by")
    colour = window.links._colour(said_by, sample_project.annotation(DOC, said_by.to_id), False)
    assert colour.name() in near
    # letting go of the quote: nothing drawn
    user.click(find(window, "Talks are continuing") + 3)
    assert _painted(window) == []


def test_view_switch_draws_every_link_on_screen(qtbot: Any, window: Any, sample_project: Project) -> None:
    window.select_annotation(None)
    assert _painted(window) == []
    window.all_links_action.trigger()
    art = window.article
    art.verticalScrollBar().setValue(0)
    drawn = _painted(window)
    first, last = art.firstVisibleBlock().position(), art.cursorForPosition(
        art.viewport().rect().bottomRight()).position()
    text = window.session.document.text
    ids = {a.id: a for a in sample_project.annotations(DOC)}
    on_screen = {r.id for r in sample_project.relations(DOC)
                 if any(qt_pos(text, ids[x].start) < last and qt_pos(text, ids[x].end) > first
                        for x in (r.from_id, r.to_id))}
    assert on_screen and {r.id for r, *_ in drawn} == on_screen
    captions = {link_caption(r) for r, *_ in drawn}
    assert {"said by", "cue", "stance: supports", "stance: opposes"} <= captions
    assert window.settings.value("show_all_links", type=bool) is True


def test_ctrl_click_points_a_link(qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    q = find(window, LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))
    user.key("q")
    quote_id = window.current
    dabbagh = by_text(sample_project, "Ali al-Dabbagh")
    user.click(dabbagh.start + 3, CTRL)  # an entity: the speaker
    assert window.current == quote_id
    assert [r.to_id for r in relations(sample_project, quote_id)["said_by"]] == [dabbagh.id]
    assert sample_project.annotation(DOC, quote_id).attributes["speaker"] == "Ali al-Dabbagh"
    panetta = by_text(sample_project, "Leon Panetta")
    user.click(panetta.start + 3, CTRL)  # another: it replaces the first, a quote has one speaker
    assert [r.to_id for r in relations(sample_project, quote_id)["said_by"]] == [panetta.id]
    said = by_text(sample_project, "said", "CUE")
    user.click(said.start + 1, CTRL)  # a CUE: the cue
    assert [r.to_id for r in relations(sample_project, quote_id)["cue"]] == [said.id]
    dispute = next(a for a in sample_project.annotations(DOC) if a.label == "DISPUTE")
    asked: list[bool] = []
    user.in_next_dialog("n", check=lambda d: asked.append(d.list.isHidden()))
    user.click(dispute.start + 2, CTRL)  # a DISPUTE: only the stance is asked
    assert asked == [True]
    stance = relations(sample_project, quote_id)["stance"]
    assert [(r.to_id, r.attributes) for r in stance] == [(dispute.id, {"value": "neutral"})]
    assert window.current == quote_id


# ---------------------------------------------------------------------- 3. speaker in one step
def test_the_speaker_list_is_grouped_and_proposes_the_nearest_person(qtbot: Any, window: Any,
                                                                     sample_project: Project) -> None:
    user = User(qtbot, window)
    q = find(window, LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))
    user.key("q")
    items: list[str] = []
    cue_text: list[str] = []

    def look(dialog: Any) -> None:
        items.extend(dialog.combo.itemText(i) for i in range(dialog.combo.count()))
        cue_text.append(dialog.cue.text())

    user.in_next_dialog((Qt.Key.Key_Escape, NONE), check=look)
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    assert items[0] == "Leon Panetta (PERSON) — also Mr Panetta  ← proposed"
    assert not any("Brussels" in i or "(GPE)" in i or "(LOCATION)" in i or "(DATE)" in i for i in items)
    assert sum("Panetta" in i for i in items) == 1
    assert {i.split(" (")[1].split(")")[0] for i in items} <= {"PERSON", "ORG", "NORP"}
    assert cue_text == ["Cue: “added” (tagged CUE)"]
    assert relations(sample_project, window.current) == {}  # Esc: nothing linked


def test_a_typed_name_is_tagged_where_it_occurs(qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    q = find(window, "immunity is not necessary")
    quote = by_text(sample_project, "immunity is not necessary")
    user.click(q + 2)
    assert window.current == quote.id
    keys: list[Any] = [(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)]
    keys += list("Mr Panetta") + [(Qt.Key.Key_Return, NONE)]
    user.in_next_dialog(*keys)
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    speaker = sample_project.annotation(DOC, relations(sample_project, quote.id)["said_by"][0].to_id)
    assert (speaker.text, speaker.label) == ("Mr Panetta", "PERSON")
    assert sample_project.annotation(DOC, quote.id).attributes["speaker"] == "Leon Panetta"


def test_the_quote_type_is_inferred_and_stays_editable(qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    cases = [(LAST_QUOTE, "direct"),
             ("an agreement is needed for the trainers to remain", "indirect"),
             ('insisted that "we protect', "mixed")]
    for needle, kind in cases:
        s = find(window, needle)
        select(window, s, s + len(needle))
        user.key("q")
        assert sample_project.annotation(DOC, window.current).attributes == {"type": kind}, needle
    _, box = window.attr_editor.fields["type"]
    box.setCurrentText("direct")
    assert sample_project.annotation(DOC, window.current).attributes["type"] == "direct"


# ---------------------------------------------------------------------- 4. dispute and stance in one dialog
def test_stance_dialog_offers_the_points_and_takes_a_single_key(qtbot: Any, window: Any,
                                                               sample_project: Project) -> None:
    user = User(qtbot, window)
    s = find(window, "civilian shootings")
    select(window, s, s + len("civilian shootings"))
    user.key("x")  # a second disputed point, near the entity below
    second = window.current
    contractors = find(window, "Private contractors")
    select(window, contractors, contractors + len("Private contractors"))
    user.key("o")
    org = window.current
    seen: list[list[str]] = []
    user.in_next_dialog((Qt.Key.Key_Down, NONE), "s",
                        check=lambda d: seen.append([d.list.item(i).text() for i in range(d.list.count())]))
    user.key((Qt.Key.Key_D, CTRL_SHIFT))
    assert seen[0][0] == "“civilian shootings”" and len(seen[0]) == 2  # the nearest first
    stance = relations(sample_project, org)["stance"]
    assert [(r.attributes["value"], r.to_id != second) for r in stance] == [("supports", True)]
    # again on the same point: the stance is replaced, not doubled; the dialog says what it is now
    user.in_next_dialog((Qt.Key.Key_Down, NONE), "n",
                        check=lambda d: seen.append([d.list.item(i).text() for i in range(d.list.count())]))
    user.key((Qt.Key.Key_D, CTRL_SHIFT))
    assert seen[1][1].endswith("(now: supports)")
    assert [r.attributes["value"] for r in relations(sample_project, org)["stance"]] == ["neutral"]
    texts = [window.relation_panel.list.item(i).text() for i in range(window.relation_panel.list.count())]
    assert texts == [t for t in texts if t.startswith("stance: neutral → DISPUTE")] and len(texts) == 1


# ---------------------------------------------------------------------- hard characters
def test_links_and_pointing_line_up_beside_astral_characters(qtbot: Any, window: Any,
                                                             sample_project: Project) -> None:
    """Emoji, astral CJK, combining marks, CRLF, NBSP and U+2028/2029 before the spans: the
    speaker is proposed, Ctrl+click finds the right span and the drawn link ends on it."""
    from newsmark.core.model import Document
    from tests.conftest import NAUGHTY

    text = NAUGHTY + "\r\n𠀋 Leader 👩‍👩‍👧 Ana Lí said: \u201cWe won 😀 again.\u201d Mr Lí\u2028smiled."
    sample_project.add_document(Document(id="hard", text=text))
    window.refresh_documents()
    window.open_document("hard")
    user = User(qtbot, window)
    name = text.index("Ana Lí")
    select(window, name, name + len("Ana Lí"))
    user.key("p")
    q = text.index("We won")
    select(window, q, q + len("We won 😀 again."))
    user.key("q")
    quote = sample_project.annotation("hard", window.current)
    assert quote.text == "We won 😀 again." and quote.attributes == {"type": "direct"}
    user.in_next_dialog((Qt.Key.Key_Return, NONE))
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    links = {r.type: r for r in sample_project.relations("hard") if r.from_id == quote.id}
    assert sample_project.annotation("hard", links["said_by"].to_id).text == "Ana Lí"
    cue = sample_project.annotation("hard", links["cue"].to_id)
    assert (cue.text, cue.label) == ("said", "CUE") and text[cue.start:cue.end] == "said"
    # the drawn speaker link ends on the speaker's span, in Qt's UTF-16 positions
    drawn = {r.type: (p0, p3) for r, p0, p3 in _painted(window)}
    art = window.article
    c = QTextCursor(art.document())
    c.setPosition(qt_pos(text, name))
    left = art.cursorRect(c)
    c.setPosition(qt_pos(text, name + len("Ana Lí")))
    right = art.cursorRect(c)
    p3 = drawn["said_by"][1]
    assert left.left() - 2 <= p3.x() <= right.right() + 2 and abs(p3.y() - left.top()) <= 4
    # Ctrl+click on a plain word points at nothing: the quote stays selected, nothing changes
    before = {r.id for r in sample_project.relations("hard")}
    user.click(text.index("smiled") + 2, CTRL)
    assert window.current == quote.id and {r.id for r in sample_project.relations("hard")} == before
    assert "Nothing to link there" in window.statusBar().currentMessage()


def test_captions_stay_off_the_words_above_where_there_is_room_and_off_each_other(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    """A link's curve rose 14-60 pixels above its ends and its caption was drawn over the words of
    the line above; it rises into the empty line between paragraphs now, and captions of links
    from one span are drawn one above the other, not over each other."""
    user = User(qtbot, window)
    art = window.article
    text = window.session.document.text
    # "insisted" (the cue) and the quote after it: both on a paragraph's first line, an empty line above
    quote = by_text(sample_project, "we protect and provide the appropriate immunity for our soldiers")
    user.click(quote.start + 3)
    _painted(window)
    captions = dict((rel.type, rect) for rel, rect in window.links.captions)
    assert "cue" in captions
    c = QTextCursor(art.document())
    c.setPosition(qt_pos(text, find(window, "immunity is not necessary") + 20))
    above = art.cursorRect(c)  # the line of text above
    c.setPosition(qt_pos(text, find(window, "However")))
    line = art.cursorRect(c)
    cue = captions["cue"]
    assert cue.top() >= above.bottom() - 1, (cue, above)  # off the words above
    assert cue.bottom() <= line.top() + 1, (cue, line)  # and off its own line
    # "He added": two links from the quote to its line, right under a line of text: captions apart
    last = he_added(window, sample_project)
    user.click(last.start + 3)
    _painted(window)
    rects = [rect for _rel, rect in window.links.captions]
    assert len(rects) >= 2
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b), (a, b)
    # both captions fall in the empty line above "He added" (room for one caption's height): the
    # second one ("cue") moves beside the first rather than up onto the words of the line above
    c.setPosition(qt_pos(text, find(window, "He added")))
    line = art.cursorRect(c)
    c.setPosition(qt_pos(text, find(window, 'soldiers."')))
    above = art.cursorRect(c)
    for rect in rects:
        assert above.bottom() - 1 <= rect.top() and rect.bottom() <= line.top() + 1, (rect, above, line)
