"""An adversarial pass over the data-safety changes of issues 12 and 13 (identical annotations,
the take-back, the journal and the temporary files): each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmark.core.errors import DuplicateAnnotationError
from newsmark.core.model import Document
from newsmark.store import Project

TEXT = "Alice said hello to Bob. 😀 Carol 𠀋 agreed."


@pytest.fixture
def two(tmp_path: Path) -> tuple[Project, Project]:
    """The window's connection and another program's (a CLI command) on one project."""
    path = tmp_path / "p.newsmark"
    window = Project.create(path)
    window.add_document(Document(id="d", text=TEXT))
    other = Project.open(path)
    yield window, other
    other.close()
    window.close()


def _spans(p: Project) -> list[tuple[int, int, str, str]]:
    return sorted((a.start, a.end, a.label, a.annotator or "") for a in p.annotations("d"))


def test_undoing_a_delete_does_not_store_a_duplicate_added_meanwhile(two: tuple[Project, Project]) -> None:
    window, other = two
    carol = TEXT.index("Carol")
    ann = window.add_annotation("d", carol, carol + 5, "PERSON", annotator="me")
    saved = window.delete_annotation("d", ann.id)
    again = other.add_annotation("d", carol, carol + 5, "PERSON", annotator="me")  # `newsmark annotate`
    with pytest.raises(DuplicateAnnotationError) as e:
        window.restore_annotation(*saved)  # Ctrl+Z in the window
    assert e.value.existing_id == again.id
    assert _spans(window) == [(carol, carol + 5, "PERSON", "me")]


def test_an_edit_cannot_make_an_annotation_identical_to_another(two: tuple[Project, Project]) -> None:
    window, other = two
    bob = TEXT.index("Bob")
    person = other.add_annotation("d", bob, bob + 3, "PERSON")
    org = window.add_annotation("d", bob, bob + 3, "ORG")
    wide = window.add_annotation("d", bob - 3, bob + 3, "PERSON")
    for changes in ({"label": "PERSON"}, {"start": bob}):
        target = org if "label" in changes else wide
        with pytest.raises(DuplicateAnnotationError) as e:
            window.update_annotation("d", target.id, **changes)
        assert e.value.existing_id == person.id
    assert _spans(window) == sorted([(bob, bob + 3, "PERSON", ""), (bob, bob + 3, "ORG", ""),
                                     (bob - 3, bob + 3, "PERSON", "")])
    # an edit that keeps the span, label and annotator is not a duplicate of itself
    window.update_annotation("d", person.id, note="checked")
    window.update_annotation("d", org.id, label="PERSON", annotator="me")  # another annotator's: fine
    assert (bob, bob + 3, "PERSON", "me") in _spans(window)
