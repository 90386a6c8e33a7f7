"""Team → Adjudication, "Accept agreed spans" on the window's undo stack: undo takes out all it
added, relations between spans that were already curated included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from newsmark.store import Project
from newsmark.team import CURATOR
from newsmark.team.merge import merge
from tests.team.test_team_project import TEXT1, annotator_file


def _said_by(path: Path) -> Path:
    """An annotator's file: the quote, its speaker and the link between them."""
    annotator_file(path, {"d1": [("QUOTE", "\u201cWe agree\u201d"), ("PERSON", "Barack Obama")]})
    with Project.open(path) as p:
        quote, person = sorted(p.annotations("d1"), key=lambda a: a.label, reverse=True)
        p.add_relation("d1", "said_by", quote.id, person.id)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    team = tmp_path / "team.newsmark"
    merge(team, [_said_by(tmp_path / "alice.newsmark"), _said_by(tmp_path / "bob.newsmark")])
    p = Project.open(team)
    yield p
    p.close()


def test_undo_of_accept_agreed_takes_out_a_link_between_spans_already_curated(qtbot: Any, project: Project,
                                                                              settings: Any) -> None:
    from newsmark.gui.main_window import MainWindow

    for needle, label in (("\u201cWe agree\u201d", "QUOTE"), ("Barack Obama", "PERSON")):  # curated before
        start = TEXT1.index(needle)
        project.add_annotation("d1", start, start + len(needle), label, annotator=CURATOR)
    w = MainWindow(project, settings)
    qtbot.addWidget(w)
    w.show()
    w.open_document("d1")
    depth = w.undo_stack.count()

    def curated_links() -> list[str]:
        ids = {a.id for a in project.annotations("d1") if a.annotator == CURATOR}
        return [r.type for r in project.relations("d1") if r.from_id in ids]

    team_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Team")
    next(a for a in team_menu.actions() if a.text() == "A&djudication…").trigger()  # Team → Adjudication
    view = w._adjudication.view
    qtbot.mouseClick(view.accept_agreed, Qt.MouseButton.LeftButton)
    assert curated_links() == ["said_by"]  # the spans were there: only the link is new
    assert view.status.text().endswith("; accepted 0 agreed spans and 1 relation")
    assert w.undo_stack.count() == depth + 1 and w.undo_stack.undoText() == "accept agreed spans"
    w.undo_stack.undo()
    assert curated_links() == []
    assert len([a for a in project.annotations("d1") if a.annotator == CURATOR]) == 2  # the spans stay
    w.undo_stack.redo()
    assert curated_links() == ["said_by"]
