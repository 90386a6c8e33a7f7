"""A team project is searchable as soon as a merge ends: its new documents are indexed (words
and marks) at the merge's end, as an import's are, and a merge into an existing team keeps the
index exact."""

from __future__ import annotations

from pathlib import Path

from newsmark.core.model import Document
from newsmark.corpus.search import Query, search
from newsmark.store import Project, migrations
from newsmark.store.search_index import document_marks
from newsmark.team.merge import merge
from tests.store.test_packed import _sources

QUERIES = [Query("Paris"), Query("Alice met"), Query("Two"), Query(label="PERSON"), Query(annotator="bob"),
           Query(annotator="carol"), Query("Paris", annotator="alice"), Query(label="DATE")]


def _hits(p: Project) -> list[list[tuple[str, int, int]]]:
    return [[(h.document, h.start, h.end) for h in search(p, q, limit=None)] for q in QUERIES]


def _rebuilt(p: Project) -> tuple[list[list[tuple[str, int, int]]], list[tuple[str, str]]]:
    with p.write():
        migrations.rebuild_search(p.db)
    return _hits(p), document_marks(p.conn)


def _index_ok(p: Project) -> None:
    for table in ("search_text", "search_marks_fts"):
        p.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")


def test_a_new_team_is_searchable_as_a_rebuilt_index_finds_it(tmp_path: Path) -> None:
    team = tmp_path / "team.newsmark"
    merge(team, _sources(tmp_path))
    with Project.open(team) as p:
        _index_ok(p)
        hits, marks = _hits(p), document_marks(p.conn)
        assert all(hits[:6]), hits
        assert {d for d, *_ in hits[0]} == {"d1", "d2", "d3"}
        assert _rebuilt(p) == (hits, marks)


def test_merging_into_an_existing_team_keeps_the_index_exact(tmp_path: Path) -> None:
    team = tmp_path / "team.newsmark"
    sources = _sources(tmp_path)
    merge(team, sources[:1])
    with Project.open(team) as p:
        p.add_document(Document(id="own", text="The team's own article about Paris."))
    with Project.open(sources[2]) as carol:
        carol.add_document(Document(id="d9", text="A late article from Paris."))
        carol.add_annotation("d9", 2, 6, "DATE", annotator="carol")
    merge(team, sources)
    with Project.open(team) as p:
        _index_ok(p)
        hits, marks = _hits(p), document_marks(p.conn)
        assert {d for d, *_ in hits[0]} == {"d1", "d2", "d3", "own", "d9"}
        assert "d9" in {d for d, *_ in hits[7]}
        assert _rebuilt(p) == (hits, marks)
