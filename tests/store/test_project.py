from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsmark.core.errors import NotFoundError, ProjectError, ValidationError
from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.store.migrations import LATEST
from tests.conftest import NAUGHTY

TEXT = "Mr Panetta said: “Immunity is needed.” Iraq disagrees."


@pytest.fixture
def doc(project: Project) -> str:
    return project.add_document(Document(id="d1", text=TEXT, title="T")).id


def _other_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_pragmas(project: Project) -> None:
    c = project.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_per_document_queries_use_indexes(project: Project) -> None:
    plans = {
        "annotations": 'SELECT * FROM annotations WHERE doc = ? ORDER BY start, "end"',
        "relations_of": "SELECT * FROM relations WHERE doc = ? AND from_id = ?",
        "status": "SELECT id FROM documents WHERE status = ?",
        "sha": "SELECT id FROM documents WHERE text_sha256 = ?",
    }
    for name, sql in plans.items():
        n = sql.count("?")
        plan = " ".join(r[3] for r in project.conn.execute(f"EXPLAIN QUERY PLAN {sql}", ("x",) * n))
        assert "USING" in plan and "INDEX" in plan, (name, plan)


def test_every_edit_is_committed_at_once(project: Project, project_path: Path, doc: str) -> None:
    ann = project.add_annotation(doc, 3, 10, "PERSON", annotator="ann")
    other = _other_connection(project_path)
    row = other.execute('SELECT label, text, annotator FROM annotations WHERE id = ?', (ann.id,)).fetchone()
    assert row == ("PERSON", "Panetta", "ann")
    project.update_annotation(doc, ann.id, label="ORG")
    assert other.execute("SELECT label FROM annotations").fetchone()[0] == "ORG"
    project.set_status(doc, "in progress")
    assert other.execute("SELECT status FROM documents").fetchone()[0] == "in progress"
    project.delete_annotation(doc, ann.id)
    assert other.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    other.close()


def test_annotation_text_is_the_slice(project: Project, doc: str) -> None:
    a = project.add_annotation(doc, 18, 37, "QUOTE", attributes={"type": "direct", "speaker": "Panetta"})
    assert a.text == TEXT[18:37] == "Immunity is needed."
    stored = project.annotation(doc, a.id)
    assert stored.text == a.text and stored.attributes == {"type": "direct", "speaker": "Panetta"}
    moved = project.update_annotation(doc, a.id, start=17, end=38)
    assert moved.text == TEXT[17:38] == "“Immunity is needed.”"


def test_annotation_rules(project: Project, doc: str) -> None:
    with pytest.raises(ValidationError, match="past the end"):
        project.add_annotation(doc, 0, 999, "PERSON")
    with pytest.raises(ValidationError, match="reversed"):
        project.add_annotation(doc, 5, 2, "PERSON")
    with pytest.raises(NotFoundError, match="no label 'NOPE'"):
        project.add_annotation(doc, 0, 2, "NOPE")
    with pytest.raises(ValidationError, match="must be one of direct, indirect, mixed"):
        project.add_annotation(doc, 0, 2, "QUOTE", attributes={"type": "shouted"})
    with pytest.raises(NotFoundError):
        project.add_annotation("nope", 0, 2, "PERSON")
    assert project.annotations(doc) == []


def test_overlapping_and_nested_annotations(project: Project, doc: str) -> None:
    outer = project.add_annotation(doc, 0, 38, "QUOTE")
    inner = project.add_annotation(doc, 3, 10, "PERSON")
    same = project.add_annotation(doc, 3, 10, "ORG")
    ids = [a.id for a in project.annotations(doc)]
    # by position; two annotations on the same span are ordered by id
    assert ids == [outer.id, *sorted([inner.id, same.id])]


def test_relations_follow_the_schema(project: Project, doc: str) -> None:
    quote = project.add_annotation(doc, 18, 37, "QUOTE")
    speaker = project.add_annotation(doc, 3, 10, "PERSON")
    place = project.add_annotation(doc, 39, 43, "GPE")
    dispute = project.add_annotation(doc, 18, 26, "DISPUTE")
    said = project.add_relation(doc, "said_by", quote.id, speaker.id)
    assert said.type == "said_by"
    project.add_relation(doc, "stance", place.id, dispute.id, attributes={"value": "opposes"})
    with pytest.raises(ValidationError, match="needs the attribute 'value'"):
        project.add_relation(doc, "stance", quote.id, dispute.id)
    with pytest.raises(ValidationError, match="cannot end at a DISPUTE"):
        project.add_relation(doc, "said_by", quote.id, dispute.id)
    with pytest.raises(ValidationError, match="cannot start at a PERSON"):
        project.add_relation(doc, "cue", speaker.id, quote.id)
    with pytest.raises(NotFoundError):
        project.add_relation(doc, "said_by", quote.id, "missing")
    assert len(project.relations(doc)) == 2


def test_delete_annotation_takes_its_relations_and_restore_puts_them_back(project: Project, doc: str) -> None:
    quote = project.add_annotation(doc, 18, 37, "QUOTE")
    speaker = project.add_annotation(doc, 3, 10, "PERSON")
    rel = project.add_relation(doc, "said_by", quote.id, speaker.id)
    ann, rels = project.delete_annotation(doc, speaker.id)
    assert [r.id for r in rels] == [rel.id]
    assert project.relations(doc) == []
    project.restore_annotation(ann, rels)
    assert project.annotation(doc, speaker.id) == ann
    assert project.relations(doc) == rels


def test_text_never_changes_once_annotated(project: Project, doc: str) -> None:
    project.conn.execute("UPDATE documents SET text = 'x' || text WHERE id = ?", (doc,))  # allowed: no annotations
    project.conn.execute("UPDATE documents SET text = ? WHERE id = ?", (TEXT, doc))
    project.add_annotation(doc, 3, 10, "PERSON")
    with pytest.raises(sqlite3.IntegrityError, match="cannot change"):
        project.conn.execute("UPDATE documents SET text = 'changed' WHERE id = ?", (doc,))
    assert project.document(doc).text == TEXT


def test_a_failed_edit_leaves_the_project_as_it_was(project: Project, doc: str) -> None:
    project.add_annotation(doc, 3, 10, "PERSON", id="a1")
    with pytest.raises(ValidationError):
        project.add_annotation(doc, 0, 2, "ORG", id="a1")  # duplicate id
    assert [a.id for a in project.annotations(doc)] == ["a1"]
    assert not project.conn.in_transaction


def test_statuses(project: Project, doc: str) -> None:
    assert project.set_status(doc, "done") == "new"
    assert project.set_status(doc, "in_progress") == "done"
    assert project.document(doc).status == "in progress"
    with pytest.raises(ValidationError, match="not one of"):
        project.set_status(doc, "finished")


def test_unicode_offsets_survive_the_store(project: Project) -> None:
    d = project.add_document(Document(id="u", text=NAUGHTY)).id
    spans = {}
    for needle in ("👩‍👩‍👧", "😀", "𠀋𠀌", "café", "\u00a0NBSP\u2028LS\u2029PS\r", "\r\n", "\x00"):
        start = NAUGHTY.index(needle)
        spans[needle] = project.add_annotation(d, start, start + len(needle), "EVENT")
    project.close()
    reopened = Project.open(project.path)
    stored = reopened.document(d)
    assert stored.text == NAUGHTY
    for needle, ann in spans.items():
        got = reopened.annotation(d, ann.id)
        assert got.text == needle == stored.text[got.start:got.end]
    reopened.close()


def test_document_summaries_do_not_need_texts(project: Project, doc: str) -> None:
    project.add_annotation(doc, 3, 10, "PERSON")
    project.add_document(Document(id="d2", text="another"))
    s = project.document_summaries()
    assert [(x.id, x.annotations, x.status) for x in s] == [("d1", 1, "new"), ("d2", 0, "new")]
    assert s[1].title == "another"


# ------------------------------------------------------------------ files that are not projects
def test_open_missing(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "none.newsmark")


def test_open_not_sqlite(tmp_path: Path) -> None:
    f = tmp_path / "notes.newsmark"
    f.write_text("just some notes", encoding="utf-8")
    with pytest.raises(ProjectError, match="not an SQLite database"):
        Project.open(f)
    assert f.read_text(encoding="utf-8") == "just some notes"
    empty = tmp_path / "empty.newsmark"
    empty.write_bytes(b"")
    with pytest.raises(ProjectError, match="empty file"):
        Project.open(empty)


def test_open_other_sqlite(tmp_path: Path) -> None:
    f = tmp_path / "other.db"
    c = sqlite3.connect(f)
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()
    before = f.read_bytes()
    with pytest.raises(ProjectError, match="not a Newsmark project"):
        Project.open(f)
    assert f.read_bytes() == before


def test_open_newer_version(project_path: Path) -> None:
    Project.create(project_path).close()
    c = sqlite3.connect(project_path)
    c.execute(f"PRAGMA user_version = {LATEST + 1}")
    c.commit()
    c.close()
    before = project_path.read_bytes()
    with pytest.raises(ProjectError, match="newer version of Newsmark"):
        Project.open(project_path)
    assert project_path.read_bytes() == before


def test_create_refuses_existing(project_path: Path) -> None:
    project_path.write_text("precious", encoding="utf-8")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(project_path)
    assert project_path.read_text(encoding="utf-8") == "precious"


def test_kept_texts_never_check_a_span_against_an_old_text(project: Project, project_path: Path) -> None:
    """Project keeps recent texts for checking spans; a text replaced by this connection or by
    another one (same id, new text) must be read again."""
    project.add_document(Document(id="d", text="first text here"))
    project.add_annotation("d", 0, 5, "PERSON")  # the text is now kept
    project.delete_document("d")
    project.add_document(Document(id="d", text="Another, longer text than before"))
    assert project.add_annotation("d", 0, 7, "PERSON").text == "Another"
    project.delete_document("d")
    project.add_document(Document(id="d", text="abc"))
    with Project.open(project_path) as other:  # another connection: delete and re-add it
        other.delete_document("d")
        other.add_document(Document(id="d", text="xyz and more words"))
    assert project.add_annotation("d", 4, 7, "PERSON").text == "and"
    with pytest.raises(ValidationError):
        project.add_annotation("d", 0, 40, "PERSON")
