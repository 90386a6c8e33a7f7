"""Issue #18 point 2 in the window: the Quotes panel and the speaker dialog name a speaker by
the canonical entity its name is merged into, one group or one choice per entity.  Driven as an
annotator does: keys in the article, the Entities view's Merge, the speaker dialog's list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from newsmark.corpus import entities
from newsmark.store import Project
from tests.gui.driving import User
from tests.gui.test_links import CTRL_SHIFT, DOC, LAST_QUOTE, NONE, find, relations, select


def groups(window: Any) -> dict[str, int]:
    tree = window.quotes_panel.tree
    return {tree.topLevelItem(i).text(0).rsplit(" (", 1)[0]: tree.topLevelItem(i).childCount()
            for i in range(tree.topLevelItemCount())}


def reshow_quotes(qtbot: Any, window: Any) -> None:
    """Close and open the Quotes dock again (as after merging names from the CLI)."""
    window.quotes_dock.hide()
    window.quotes_dock.show()
    qtbot.waitUntil(lambda: window.quotes_panel.isVisible())


def test_quotes_panel_groups_a_speakers_merged_names_under_the_canonical_name(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    q = find(window, LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))
    user.key("q")
    user.in_next_dialog((Qt.Key.Key_Return, NONE))  # the proposed speaker: "Mr Panetta", tagged PERSON
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    # the quote's speaker is the full name its mention refers to (docs/quotes-guidelines.md)
    qtbot.waitUntil(lambda: groups(window).get("Leon Panetta") == 4)
    assert "Mr Panetta" not in groups(window)

    # merge the two names in the Entities view, as a user does
    user.key((Qt.Key.Key_N, CTRL_SHIFT))
    view = window.corpus.entities
    view.filter.setText("panetta")
    assert view.proxy.rowCount() == 2
    view.view.selectAll()
    view.merge_selected(name="Leon Panetta")
    assert groups(window) == {"Leon Panetta": 4, "The Iraqi government": 1, "Ali al-Dabbagh": 1}
    tree = window.quotes_panel.tree
    assert tree.topLevelItem(0).text(0) == "Leon Panetta (4)"

    # renamed through the API (or the CLI): the panel reads the name when shown again
    ent = entities.find_entity(sample_project, "PERSON", "Mr Panetta")
    entities.rename(sample_project, ent, "Leon E. Panetta")
    reshow_quotes(qtbot, window)
    qtbot.waitUntil(lambda: "Leon E. Panetta" in groups(window))
    assert groups(window)["Leon E. Panetta"] == 4 and "Leon Panetta" not in groups(window)

    # a new quote attributed to a merged spelling joins the canonical group at once
    select(window, *(lambda s: (s, s + len("Private contractors")))(find(window, "Private contractors")))
    user.key("q")
    window.set_speaker(window.current, "Leon Panetta")
    qtbot.waitUntil(lambda: groups(window).get("Leon E. Panetta") == 5)

    # split out again: the quotes' speaker "Leon Panetta" goes by its own name again
    entities.split(sample_project, "PERSON", "Leon Panetta")
    reshow_quotes(qtbot, window)
    qtbot.waitUntil(lambda: groups(window).get("Leon Panetta") == 5)
    assert "Leon E. Panetta" not in groups(window)


def test_speaker_dialog_lists_a_merged_entity_once_under_its_canonical_name(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    g = find(window, "Government spokesman")
    select(window, g, g + len("Government"))
    user.key("o")  # tag "Government" ORG
    entities.merge(sample_project, "ORG", ["The Iraqi government", "Government"], "Government of Iraq")
    dabbagh = find(window, "Immunity is the main disputed point")
    quote = next(a for a in sample_project.annotations(DOC) if a.label == "QUOTE" and a.start == dabbagh)
    user.click(quote.start + 5)  # the caret in the quote
    listed: list[str] = []

    def check(dialog: QWidget) -> None:
        combo = dialog.combo  # type: ignore[attr-defined]
        listed.extend(combo.itemText(i) for i in range(combo.count()))
        assert combo.currentIndex() == 0

    # the ORG choice is the third (the proposed speaker first, then "Iraqis" just after it)
    user.in_next_dialog((Qt.Key.Key_Down, NONE), (Qt.Key.Key_Down, NONE), (Qt.Key.Key_Return, NONE), check=check)
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    assert listed[0].startswith("Ali al-Dabbagh (PERSON)") and listed[1] == "Iraqis (NORP)"
    orgs = [t for t in listed if "(ORG)" in t]
    assert orgs == ["Government of Iraq (ORG) — also The Iraqi government, Government"], listed
    said_by = relations(sample_project, quote.id)["said_by"]
    assert len(said_by) == 1
    speaker = sample_project.annotation(DOC, said_by[0].to_id)
    assert (speaker.text, speaker.label) == ("Government", "ORG")  # the mention nearest the quote
    # and the Quotes panel puts it with the government's other quote
    qtbot.waitUntil(lambda: groups(window).get("Government of Iraq") == 2)
    assert "Ali al-Dabbagh" not in groups(window) and "The Iraqi government" not in groups(window)


def test_the_speaker_dialog_completes_a_typed_canonical_name(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    entities.merge(sample_project, "PERSON", ["Ali al-Dabbagh"], "Ali al-Dabbagh (Iraqi government spokesman)")
    q = find(window, LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))
    user.key("q")
    typed = "ali al-dabbagh (iraqi government spokesman)"  # the canonical name, typed (any case)
    user.in_next_dialog(*typed, (Qt.Key.Key_Return, NONE))
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    quote = sample_project.annotation(DOC, window.current)
    speaker = sample_project.annotation(DOC, relations(sample_project, quote.id)["said_by"][0].to_id)
    assert (speaker.text, speaker.label) == ("Ali al-Dabbagh", "PERSON")
    qtbot.waitUntil(lambda: groups(window).get("Ali al-Dabbagh (Iraqi government spokesman)") == 2)


def test_typing_a_merged_spelling_in_the_speaker_dialog_links_the_entitys_mention(
        qtbot: Any, window: Any, sample_project: Project) -> None:
    user = User(qtbot, window)
    entities.merge(sample_project, "PERSON", ["Ali al-Dabbagh", "Dabbagh"], "Ali al-Dabbagh")
    q = find(window, LAST_QUOTE)
    select(window, q, q + len(LAST_QUOTE))
    user.key("q")
    user.in_next_dialog(*"Dabbagh", (Qt.Key.Key_Return, NONE))  # a spelling merged into the entity
    user.key((Qt.Key.Key_S, CTRL_SHIFT))
    quote = sample_project.annotation(DOC, window.current)
    speaker = sample_project.annotation(DOC, relations(sample_project, quote.id)["said_by"][0].to_id)
    # the entity's mention, not a new "Dabbagh" tagged inside "Ali al-Dabbagh"
    assert (speaker.text, speaker.label) == ("Ali al-Dabbagh", "PERSON")
    assert not any(a.text == "Dabbagh" for a in sample_project.annotations(DOC))
    qtbot.waitUntil(lambda: groups(window).get("Ali al-Dabbagh") == 2)
