"""The speaker dialog proposes the speaker and cue the quotes recommender finds where no tagged
entity gives one: the annotator tags a quote in an article with no entity yet, and Enter
attributes it (the speaker's mention tagged, the cue tagged, both linked)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from newsmark.core.model import Document
from newsmark.store import Project
from tests.gui.test_window import select

TEXT = ("Talks on the agreement resumed in Baghdad on Monday.\r\n"
        "“We will not leave before the deadline 😀,” Leon Panetta said on Tuesday.\r\n"
        "Ali al-Dabbagh insisted that the talks were over.\u2028The rest is noise.")


def test_an_untagged_speaker_is_proposed_from_the_quote_suggestion(qtbot: Any, window: Any,
                                                                     sample_project: Project) -> None:
    from tests.gui.driving import User

    sample_project.add_document(Document(id="plain", text=TEXT, title="No entities yet"))
    window.refresh_documents()
    window.open_document("plain")
    q = TEXT.index("We will")
    quote_text = "We will not leave before the deadline 😀,"
    select(window, q, q + len(quote_text))
    window.apply_label("QUOTE")
    quote_id = window.current
    assert sample_project.annotation("plain", quote_id).text == quote_text
    offered: list[str] = []
    cue: list[str] = []

    def look(dialog: Any) -> None:
        offered.extend(dialog.combo.itemText(i) for i in range(dialog.combo.count()))
        cue.append(dialog.cue.text() if not dialog.cue.isHidden() else "")

    User(qtbot, window).in_next_dialog((Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier), check=look)
    window.attribute_speaker()
    assert offered[0] == "Leon Panetta (PERSON)  ← proposed"
    assert "said" in cue[0]
    anns = {a.id: a for a in sample_project.annotations("plain")}
    rels = sample_project.relations("plain")
    speaker = anns[next(r.to_id for r in rels if r.type == "said_by" and r.from_id == quote_id)]
    assert (speaker.text, speaker.label) == ("Leon Panetta", "PERSON")
    assert TEXT[speaker.start:speaker.end] == "Leon Panetta"
    cue_ann = anns[next(r.to_id for r in rels if r.type == "cue" and r.from_id == quote_id)]
    assert (cue_ann.text, cue_ann.label) == ("said", "CUE")
    assert anns[quote_id].attributes.get("speaker") == "Leon Panetta"
    # one step undoes the attribution: the tags it made and the links go
    window.undo_stack.undo()
    left = sample_project.annotations("plain")
    assert [a.id for a in left] == [quote_id] and not sample_project.relations("plain")


def test_a_tagged_proposal_is_kept_over_the_suggestion(qtbot: Any, window: Any, sample_project: Project) -> None:
    """Where a tagged entity gives a proposal, the dialog keeps it first (and the suggestion's
    speaker, the same person here, adds no second entry)."""
    from tests.gui.driving import User

    sample_project.add_document(Document(id="plain", text=TEXT, title="One entity"))
    window.refresh_documents()
    window.open_document("plain")
    s = TEXT.index("Leon Panetta")
    select(window, s, s + len("Leon Panetta"))
    window.apply_label("PERSON")
    q = TEXT.index("We will")
    select(window, q, q + len("We will not leave before the deadline 😀,"))
    window.apply_label("QUOTE")
    quote_id = window.current
    offered: list[str] = []
    User(qtbot, window).in_next_dialog((Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
                                       check=lambda d: offered.extend(d.combo.itemText(i) for i in range(d.combo.count())))
    window.attribute_speaker()
    assert offered == ["Leon Panetta (PERSON)  ← proposed"]
    rels = sample_project.relations("plain")
    speaker = sample_project.annotation("plain", next(r.to_id for r in rels if r.type == "said_by" and r.from_id == quote_id))
    assert speaker.start == s and len(sample_project.annotations("plain")) == 3  # PERSON, QUOTE, CUE
