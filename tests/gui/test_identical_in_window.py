"""In the window: tagging a span again with the same label stores nothing new and says so;
marking a cue already tagged links the one there."""

from __future__ import annotations

from typing import Any

from newsmark.store import Project
from tests.gui.test_window import DOC, select, select_text


def test_the_same_key_twice_on_the_same_span_stores_one(qtbot: Any, window: Any, sample_project: Project) -> None:
    s, e = select_text(window, "Private contractors")
    qtbot.keyClick(window.article, "o")
    first = window.current
    select(window, s, e)
    qtbot.keyClick(window.article, "o")
    orgs = [a for a in sample_project.annotations(DOC) if (a.start, a.end, a.label) == (s, e, "ORG")]
    assert [a.id for a in orgs] == [first]
    assert window.ann_model.rowCount() == 21
    assert "already has this annotation" in window.statusBar().currentMessage()
    window.undo_stack.undo()  # the one add is undone; nothing else was pushed
    assert not any((a.start, a.end, a.label) == (s, e, "ORG") for a in sample_project.annotations(DOC))


def test_marking_a_cue_already_tagged_links_it(window: Any, sample_project: Project) -> None:
    text = sample_project.document(DOC).text
    q = text.index("These issues are still very much in negotiation.")
    select(window, q, q + len("These issues are still very much in negotiation."))
    window.apply_label("QUOTE")
    first_quote = window.current
    select_text(window, "added")
    window.mark_cue()
    q2 = text.index("Private contractors have already lost their immunity.")
    select(window, q2, q2 + len("Private contractors have already lost their immunity."))
    window.apply_label("QUOTE")
    second_quote = window.current
    select_text(window, "added")
    window.mark_cue()  # the same CUE: linked, not tagged twice
    cues = [a for a in sample_project.annotations(DOC) if a.label == "CUE" and a.text == "added"]
    assert len(cues) == 1
    for quote in (first_quote, second_quote):
        (link,) = [r for r in sample_project.relations(DOC) if r.from_id == quote and r.type == "cue"]
        assert link.to_id == cues[0].id
