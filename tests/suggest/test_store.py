"""The suggestions table: kept apart, accepted as a group in one transaction, rejected for good."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsmark.core.errors import ValidationError
from newsmark.core.model import Document
from newsmark.core.suggestion import SuggestedSpan, Suggestion
from newsmark.store import suggestions as store
from newsmark.suggest.quotes import suggest_quotes

TEXT = ("Officials met on Monday.\n"
        "“We will appeal the ruling,” said Jane Doe. 😀 Jane Doe added that the appeal would be filed in May.")


@pytest.fixture
def doc(project: Any) -> str:
    project.add_document(Document("d1", TEXT))
    return "d1"


def test_suggestions_change_no_annotation_until_accepted(project: Any, doc: str) -> None:
    stored = store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    assert len(stored) == 2
    assert project.annotations(doc) == []
    assert [s.head.text for s in store.open_suggestions(project, doc)] == [
        "We will appeal the ruling", "the appeal would be filed in May"]


def test_accept_makes_the_quote_group_in_one_go(project: Any, doc: str) -> None:
    stored = store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    done = store.accept(project, doc, stored[0].id)
    anns = {a.label: a for a in project.annotations(doc)}
    assert set(anns) == {"QUOTE", "CUE", "PERSON"}
    assert anns["QUOTE"].text == "We will appeal the ruling"
    assert anns["QUOTE"].attributes == {"type": "direct", "cue": "said", "speaker": "Jane Doe"}
    assert all(a.annotator == "suggest:quotes" for a in anns.values())
    rels = {(r.type, r.from_id, r.to_id) for r in project.relations(doc)}
    assert rels == {("said_by", anns["QUOTE"].id, anns["PERSON"].id), ("cue", anns["QUOTE"].id, anns["CUE"].id)}
    assert [s.id for s in store.open_suggestions(project, doc)] == [stored[1].id]
    # the second quote's speaker is another mention of Jane Doe: a new PERSON
    store.accept(project, doc, stored[1].id)
    assert len([a for a in project.annotations(doc) if a.label == "PERSON"]) == 2
    # undo takes back exactly the first accept and reopens it
    store.undo_accept(project, done)
    assert len(project.annotations(doc)) == 3
    assert [s.id for s in store.open_suggestions(project, doc)] == [stored[0].id]


def test_a_rejected_suggestion_does_not_come_back(project: Any, doc: str) -> None:
    stored = store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    store.reject(project, doc, stored[0].id)
    again = store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    assert [s.head.text for s in again] == ["the appeal would be filed in May"]
    assert len(store.open_suggestions(project, doc)) == 1
    with pytest.raises(ValidationError):
        store.accept(project, doc, stored[0].id)


def test_a_failed_accept_leaves_the_project_as_it_was(project: Any, doc: str) -> None:
    stored = store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    project.conn.execute("DELETE FROM relation_types WHERE name = 'cue'")  # the cue link cannot be made
    with pytest.raises(Exception):  # noqa: B017
        store.accept(project, doc, stored[0].id)
    assert project.annotations(doc) == []
    assert len(store.open_suggestions(project, doc)) == 2


def test_min_score_and_survives_reopening(project: Any, project_path: Path, doc: str) -> None:
    from newsmark.store import Project

    store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    assert len(store.open_suggestions(project, doc, min_score=0.8)) == 1
    project.close()
    with Project.open(project_path) as p:
        assert len(store.open_suggestions(p, doc)) == 2


def test_a_suggestion_that_does_not_fit_the_text_is_refused(project: Any, doc: str) -> None:
    bad = suggest_quotes(TEXT.replace("Officials", "The officials"))
    with pytest.raises(ValidationError):
        store.replace(project, doc, "quotes", bad)
    assert store.open_suggestions(project, doc) == []


def test_a_suggestion_made_again_keeps_its_id(project: Any, doc: str) -> None:
    first = store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    again = store.replace(project, doc, "quotes", suggest_quotes(TEXT)[:1])
    assert [s.id for s in again] == [first[0].id]
    assert [s.id for s in store.open_suggestions(project, doc)] == [first[0].id]


def test_a_schema_without_cues_or_people_gets_only_what_it_can_hold(tmp_path: Path) -> None:
    # a user's schema with QUOTE but no CUE, no PERSON, no relation types: the quotes were
    # stored with CUE and PERSON spans, drawn and offered, and every accept failed on them
    from newsmark.core.schema import schema_from_dict
    from newsmark.store import Project

    schema = schema_from_dict({"name": "mini", "labels": [
        {"name": "QUOTE", "layer": "quote", "colour": "#ff0000"},
        {"name": "SOURCE", "layer": "entity", "colour": "#00ff00"}], "relation_types": []})
    with Project.create(tmp_path / "mini.newsmark", schema) as p:
        p.add_document(Document("d1", TEXT))
        stored = store.replace(p, "d1", "quotes", suggest_quotes(TEXT))
        assert [s.head.text for s in stored] == ["We will appeal the ruling", "the appeal would be filed in May"]
        assert all([sp.label for sp in s.spans] == ["QUOTE"] and not s.relations for s in stored)
        for s in stored:
            store.accept(p, "d1", s.id)
        assert sorted(a.label for a in p.annotations("d1")) == ["QUOTE", "QUOTE"]
        # and a suggestion whose head the schema has no label for is not stored at all
        assert store.replace(p, "d1", "spacy:x", [Suggestion("spacy:x", 0.9, [
            SuggestedSpan("e", 0, 9, "ORG", TEXT[0:9])])]) == []


def test_one_span_suggested_by_two_recommenders_is_one_suggestion(project: Any, doc: str) -> None:
    # the same quote proposed by ``quotes`` and by ``strings`` (a wire story tagged in another
    # document) was two stacked ghosts: Backspace rejected one and the other stayed, and the
    # rejected one came back from the other recommender
    quotes = suggest_quotes(TEXT)
    head = quotes[0].head
    again = Suggestion("strings", 0.7, [SuggestedSpan("s", head.start, head.end, "QUOTE", head.text)])
    store.replace(project, doc, "quotes", quotes)
    store.replace(project, doc, "strings", [again])
    shown = [s for s in store.open_suggestions(project, doc) if s.head.text == head.text]
    assert len(shown) == 1 and shown[0].recommender == "quotes"  # the better scored one
    store.reject(project, doc, shown[0].id)
    assert [s.head.text for s in store.open_suggestions(project, doc)] == ["the appeal would be filed in May"]
    store.replace(project, doc, "strings", [again])  # made again by either: not back
    store.replace(project, doc, "quotes", suggest_quotes(TEXT))
    assert [s.head.text for s in store.open_suggestions(project, doc)] == ["the appeal would be filed in May"]
    store.reopen(project, doc, shown[0].id)  # the undo of the reject: back, once
    assert [s.head.text for s in store.open_suggestions(project, doc)] == [
        "We will appeal the ruling", "the appeal would be filed in May"]
    # accepting it settles the span for every recommender
    store.accept(project, doc, store.open_suggestions(project, doc)[0].id)
    assert [s.head.text for s in store.open_suggestions(project, doc)] == ["the appeal would be filed in May"]
    assert store.count_open(project) == 1


def test_written_in_steps_by_a_worker_the_decisions_made_meanwhile_stand(project: Any, doc: str) -> None:
    """The worker stores beside the window, a transaction per step: a suggestion the annotator
    rejects between the worker's reading and its writing stays rejected, and what changed is told."""
    first = store.replace(project, doc, "quotes", suggest_quotes(TEXT), step=1)
    store.reject(project, doc, first[0].id)
    changes = store.Changes()
    again = store.replace(project, doc, "quotes", suggest_quotes(TEXT), step=1, changes=changes)
    assert first[0].id not in {s.id for s in again}
    assert not changes.added and not changes.removed  # the same as stored: nothing written
    assert [s.id for s in store.open_suggestions(project, doc)] == [s.id for s in first[1:]]
    assert store.suggestion(project, doc, first[0].id)[1] == "rejected"
    fewer = store.Changes()
    store.replace(project, doc, "quotes", [], step=1, changes=fewer)
    assert sorted(fewer.removed) == sorted(s.id for s in first[1:]) and not fewer.added
    assert store.open_suggestions(project, doc) == []
    assert store.suggestion(project, doc, first[0].id)[1] == "rejected"  # a decided row is not removed


def test_an_identical_annotation_is_refused_after_another_connection_wrote(project: Any, doc: str) -> None:
    """The window keeps the document's spans to refuse identical annotations; another connection
    adds one to the document: the window sees it (its spans read again, once) and refuses it."""
    from newsmark.core.errors import DuplicateAnnotationError
    from newsmark.store import Project

    project.add_annotation(doc, 0, 9, "PERSON")
    project.add_annotation(doc, 17, 23, "DATE")  # the spans are kept
    assert project._spans is not None
    kept = project._spans[1]
    other = Project.open(project.path)
    try:
        made = other.add_annotation(doc, 59, 67, "PERSON")  # "Jane Doe", by another connection
    finally:
        other.close()
    assert project.add_annotation(doc, 0, 9, "ORG").label == "ORG"  # another label: stored
    assert project._spans is not None and project._spans[1] is not kept  # read again, with it
    kept = project._spans[1]
    with pytest.raises(DuplicateAnnotationError) as e:
        project.add_annotation(doc, 59, 67, "PERSON")
    assert made.id in str(e.value)
    with pytest.raises(DuplicateAnnotationError):
        project.add_annotation(doc, 0, 9, "PERSON")


def test_after_the_worker_stored_suggestions_the_kept_spans_serve_again(project: Any, doc: str) -> None:
    """Issue #16's last gap: once the worker had committed, every later add of the window asked
    SQLite for its span again (~3 ms a scan of a 20,000-annotation document) for as long as the
    window stayed open, and each add after one of its commits read the text again (0.6 ms for
    1 MB).  A commit that did not touch the document's annotations (the worker's
    suggestions) leaves the kept spans in use; one that did (another program's add, an import's
    rows that do not touch the document) is still seen, and duplicates are still refused."""
    from newsmark.core.errors import DuplicateAnnotationError
    from newsmark.store import Project

    project.add_annotation(doc, 0, 9, "PERSON")
    project.add_annotation(doc, 17, 23, "DATE")  # the spans are kept, and the text
    kept = project._spans[1]
    asked: list[str] = []  # the spans read again, the text read again
    project.conn.set_trace_callback(lambda sql: asked.append(sql) if (
        'SELECT start, "end", label, annotator, id FROM annotations' in sql or "SELECT text FROM" in sql) else None)
    with Project.open(project.path) as worker:  # the suggestions' worker, in steps of its own
        store.replace(worker, doc, "quotes", suggest_quotes(TEXT), step=1, between=lambda: None)
    project.add_annotation(doc, 0, 9, "ORG")
    with Project.open(project.path) as worker:
        store.replace(worker, doc, "quotes", [], step=1)
    project.add_annotation(doc, 17, 23, "ORG")
    assert asked == [] and project._spans is not None and project._spans[1] is kept
    with Project.open(project.path) as worker:
        store.replace(worker, doc, "quotes", suggest_quotes(TEXT), step=1)
    with pytest.raises(DuplicateAnnotationError):
        project.add_annotation(doc, 0, 9, "PERSON")
    assert asked == []

    project.add_annotation(doc, 0, 4, "GPE")  # (the refused add's rollback let the spans go: read again)
    asked.clear()
    with Project.open(project.path) as other:  # another program's add: seen, the spans read again
        made = other.add_annotation(doc, 59, 67, "PERSON")
    with pytest.raises(DuplicateAnnotationError) as e:
        project.add_annotation(doc, 59, 67, "PERSON")
    assert made.id in str(e.value) and len(asked) == 1 and "FROM annotations" in asked[0]

    project.add_annotation(doc, 0, 3, "GPE")  # kept spans read again
    with Project.open(project.path) as other:  # an import's rows: the document's 'updated' untouched
        with other.write():
            other.conn.execute("INSERT INTO annotations(doc, id, start, \"end\", label, text, created, updated)"
                               " VALUES (?, 'imported', 25, 27, 'PERSON', ?, 'x', 'x')", (doc, TEXT[25:27]))
    with pytest.raises(DuplicateAnnotationError, match="imported"):
        project.add_annotation(doc, 25, 27, "PERSON")

    # the window's own other writes (a status, a link) then the worker's: read again once, as
    # without the worker, and kept from then on
    project.add_annotation(doc, 0, 2, "GPE")
    project.set_status(doc, "in progress")
    with Project.open(project.path) as worker:
        store.replace(worker, doc, "quotes", [], step=1)
    asked.clear()
    project.add_annotation(doc, 1, 3, "GPE")
    assert len(asked) == 1
    with Project.open(project.path) as worker:
        store.replace(worker, doc, "quotes", suggest_quotes(TEXT), step=1)
    project.add_annotation(doc, 2, 4, "GPE")
    assert len(asked) == 1
