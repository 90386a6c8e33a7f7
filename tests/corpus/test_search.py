"""Search across articles (#18): words and phrases folded, exact code-point hits, annotation
conditions on packed documents and rows alike, an index kept in every write's transaction."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.errors import InputError, ValidationError
from newsmark.core.model import Document
from newsmark.corpus import entities
from newsmark.corpus.search import Query, search
from newsmark.store import Project, migrations, search_index
from tests.conftest import NAUGHTY
from tests.corpus.helpers import article, import_jsonl, records, unpacked_copy, write_jsonl


@pytest.fixture
def corpus_project(project: Project, tmp_path: Path) -> Project:
    import_jsonl(project, write_jsonl(tmp_path / "in.jsonl", records()))
    assert all(project.is_packed(d) for d in project.document_ids())
    return project


def _keys(hits: list) -> list[tuple[str, int, int]]:
    return [(h.document, h.start, h.end) for h in hits]


def _check_exact(project: Project, hits: list) -> None:
    for h in hits:
        text = project.document(h.document, with_annotations=False).text
        assert h.text == text[h.start:h.end]
        for s, e in h.matches:
            assert h.start <= s < e <= h.end


def test_words_are_found_with_case_and_accents_folded_at_code_point_offsets(corpus_project: Project) -> None:
    hits = search(corpus_project, Query("CAFE"))
    # d1: "café" twice (NAUGHTY), then "Café" with a combining accent; d4: "café" twice
    assert [(h.document, h.text) for h in hits] == [
        ("d1", "café"), ("d1", "café"), ("d1", "Cafe\u0301"), ("d4", "café"), ("d4", "café")]
    _check_exact(corpus_project, hits)
    d1 = corpus_project.document("d1", with_annotations=False).text
    assert hits[2].start == d1.index("Cafe\u0301") and hits[2].end == hits[2].start + 5
    # offsets after astral emoji and CJK are code points, not UTF-16 units
    [kanji] = search(corpus_project, Query("石油"))
    assert (kanji.start, kanji.end) == (NAUGHTY.index("石油"), NAUGHTY.index("石油") + 2)


def test_phrases_and_every_term_must_occur(corpus_project: Project) -> None:
    hits = search(corpus_project, Query('"main disputed point"'))
    assert [(h.document, h.text) for h in hits] == [("d3", "main disputed point")]
    assert search(corpus_project, Query('"disputed main point"')) == []
    # two words: documents with both; each occurrence is a hit
    hits = search(corpus_project, Query("immunity soldiers"))
    assert {h.document for h in hits} == {"d2"}
    assert sorted(h.text.lower() for h in hits) == ["immunity", "immunity", "soldiers"]


def test_annotation_conditions_label_speaker_cue_stance_attr_annotator_status(corpus_project: Project) -> None:
    q = search(corpus_project, Query(label="QUOTE"))
    assert _keys(q) and {h.label for h in q} == {"QUOTE"} and len(q) == 4
    # a layer works as a label
    assert len(search(corpus_project, Query(label="quote"))) == 8
    # the speaker's words, the attribute as written or the said_by entity (d2 has only the link)
    assert [h.document for h in search(corpus_project, Query(speaker="panetta"))] == ["d1", "d2"]
    assert [h.document for h in search(corpus_project, Query(speaker="Leon Panetta"))] == ["d1"]
    assert [h.document for h in search(corpus_project, Query(cue="said"))] == ["d2", "d3"]
    assert [h.document for h in search(corpus_project, Query(stance="opposes"))] == ["d4"]
    assert [h.document for h in search(corpus_project, Query(label="QUOTE", attrs={"type": "direct"}))] == ["d1", "d2", "d3", "d4"]
    assert [h.document for h in search(corpus_project, Query(label="DISPUTE", attrs={"parties": "Iraq"}))] == ["d1", "d2", "d3", "d4"]
    assert search(corpus_project, Query(label="QUOTE", attrs={"type": "indirect"})) == []
    assert {h.document for h in search(corpus_project, Query(annotator="bob"))} == {"d3"}
    assert [h.document for h in search(corpus_project, Query("immunity", label="QUOTE", status=["done"]))] == ["d3"]
    # words within the annotations that meet the conditions
    hits = search(corpus_project, Query("immunity", label="QUOTE", speaker="panetta"))
    assert [h.document for h in hits] == ["d1", "d2"]
    _check_exact(corpus_project, hits)
    assert all(len(h.matches) == 1 and h.matches[0][1] - h.matches[0][0] == len("immunity") for h in hits)


def test_canonical_names_widen_the_speaker_condition(corpus_project: Project) -> None:
    assert [h.document for h in search(corpus_project, Query(speaker="Leon Panetta"))] == ["d1"]
    entities.merge(corpus_project, "PERSON", ["Leon Panetta", "Mr Panetta"])
    hits = search(corpus_project, Query(speaker="Leon Panetta"))
    assert [h.document for h in hits] == ["d1", "d2"]
    assert {h.speaker for h in hits} == {"Leon Panetta"}


QUERIES = [Query("immunity"), Query(label="QUOTE"), Query(speaker="panetta"), Query(cue="said"),
           Query(stance="supports"), Query("café", label="QUOTE"), Query(annotator="ann"),
           Query(label="DISPUTE", attrs={"parties": "US"})]


def test_packed_and_unpacked_documents_give_the_same_hits(corpus_project: Project, tmp_path: Path) -> None:
    rows = unpacked_copy(corpus_project, tmp_path)
    try:
        for q in QUERIES:
            a = [h.to_dict() for h in search(corpus_project, q)]
            b = [h.to_dict() for h in search(rows, q)]
            assert a == b, q
        assert _marks(corpus_project) == _marks(rows)
    finally:
        rows.close()


def _marks(p: Project) -> list[tuple[str, str]]:
    """Each document's marks as the index holds them (search_marks_fts over search_doc_marks)."""
    p.conn.execute("INSERT INTO search_marks_fts(search_marks_fts) VALUES ('integrity-check')")
    return search_index.document_marks(p.conn)


def test_every_edit_keeps_the_index_and_marks_in_its_transaction(corpus_project: Project) -> None:
    p = corpus_project
    assert search(p, Query(speaker="Nouri")) != []
    text = p.document("d4", with_annotations=False).text
    start = text.index("foreign")
    a = p.add_annotation("d4", start, start + 7, "QUOTE", attributes={"speaker": "Zebari"}, annotator="eve")
    assert [h.document for h in search(p, Query(speaker="zebari"))] == ["d4"]
    assert [h.annotation for h in search(p, Query(annotator="eve"))] == [a.id]
    p.update_annotation("d4", a.id, attributes={"speaker": "Hoshyar Zebari"})
    assert [h.speaker for h in search(p, Query(speaker="hoshyar"))] == ["Hoshyar Zebari"]
    p.delete_annotation("d4", a.id)
    assert search(p, Query(speaker="zebari")) == [] and search(p, Query(annotator="eve")) == []
    rel = next(r for r in p.relations("d3") if r.type == "stance")
    p.delete_relation("d3", rel.id)
    assert search(p, Query(stance="neutral")) == []
    from newsmark.core.model import Document
    p.add_document(Document(id="new", text="Ein Straßenfest in Köln"))
    assert [h.text for h in search(p, Query("koln"))] == ["Köln"]
    p.delete_document("new")
    assert search(p, Query("koln")) == []
    # what the triggers kept equals a build from scratch
    kept = _marks(p)
    with p.write():
        migrations.rebuild_search(p.db)
    assert _marks(p) == kept
    p.conn.execute("INSERT INTO search_text(search_text) VALUES ('integrity-check')")


def test_a_failed_edit_leaves_the_index_as_it_was(corpus_project: Project) -> None:
    p = corpus_project
    before = _marks(p)
    with pytest.raises(RuntimeError), p.write():
        p.add_annotation("d1", 0, 6, "QUOTE", attributes={"speaker": "Ghost"})
        from newsmark.core.model import Document
        p.add_document(Document(id="ghost", text="a ghostly word"))
        raise RuntimeError("the edit failed")
    assert _marks(p) == before
    assert search(p, Query("ghostly")) == [] and search(p, Query(speaker="ghost")) == []


def test_the_migration_builds_the_index_for_an_existing_project(tmp_path: Path) -> None:
    path = tmp_path / "old.newsmark"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    migrations.migrate(db, target=4)
    conn.execute("INSERT INTO project VALUES ('created', 'c')")
    conn.execute("INSERT INTO labels(name, layer, colour, attributes, position) VALUES"
                 " ('QUOTE', 'quote', '#000', '[{\"name\": \"speaker\", \"type\": \"entity\"}]', 1)")
    conn.execute("INSERT INTO documents(id, text, text_sha256, created, updated) VALUES ('rows', 'Élan vital 😀 ok', 'x', 'c', 'u')")
    conn.execute("INSERT INTO documents(id, text, text_sha256, created, updated) VALUES ('pk', 'un élan', 'y', 'c', 'u')")
    conn.execute("INSERT INTO annotations(doc, id, start, \"end\", label, text, attributes, created, updated)"
                 " VALUES ('rows', 'a', 0, 4, 'QUOTE', 'Élan', '{\"speaker\": \"Ann\"}', 'c', 'u')")
    conn.execute("INSERT INTO packed VALUES ('pk', '[[\"QUOTE\", null, 1]]', '[]',"
                 " '[{\"id\": \"b\", \"start\": 3, \"end\": 7, \"label\": \"QUOTE\", \"layer\": \"quote\", \"text\": \"élan\","
                 " \"attributes\": {\"speaker\": \"Ann\"}}]', '[]', 1, 0)")
    conn.execute("COMMIT")
    conn.close()
    with Project.open(path) as p:
        assert migrations.version(p.db) == migrations.LATEST
        assert [(h.document, h.start, h.end) for h in search(p, Query("elan"))] == [("rows", 0, 4), ("pk", 3, 7)]
        assert [h.document for h in search(p, Query(speaker="ann"))] == ["rows", "pk"]


def test_bad_conditions_are_clear_errors(corpus_project: Project) -> None:
    with pytest.raises(ValidationError, match="no label or layer 'NOPE'"):
        search(corpus_project, Query("x", label="NOPE"))
    with pytest.raises(ValidationError, match="words or a phrase"):
        search(corpus_project, Query("  ,; "))
    with pytest.raises(ValidationError, match="status"):
        search(corpus_project, Query("x", status=["finished"]))


def test_cli_search(corpus_project: Project) -> None:
    path = str(corpus_project.path)
    corpus_project.close()
    r = CliRunner().invoke(cli, ["search", path, "immunity", "--label", "QUOTE", "--speaker", "Panetta", "--json"])
    assert r.exit_code == 0, r.output
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(h["document"], h["label"]) for h in hits] == [("d1", "QUOTE"), ("d2", "QUOTE")]
    r = CliRunner().invoke(cli, ["search", path, '"main disputed point"', "--status", "done"])
    assert r.exit_code == 0 and r.stdout.startswith("d3\t") and "[main disputed point]" in r.stdout
    r = CliRunner().invoke(cli, ["search", path, "x", "--attr", "novalue"])
    assert r.exit_code == 1 and "KEY=VALUE" in r.output and "Traceback" not in r.output


def test_common_and_rare_marks_choose_documents_alike(corpus_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsmark.corpus import search as search_module

    rare = {i: [h.to_dict() for h in search(corpus_project, q)] for i, q in enumerate(QUERIES)}
    monkeypatch.setattr(search_module, "SELECTIVE", 0)  # every mark common: checked per document
    common = {i: [h.to_dict() for h in search(corpus_project, q)] for i, q in enumerate(QUERIES)}
    assert rare == common and all(rare.values())
    # a limit stops the reading early, with the first hits in project order
    assert [h.document for h in search(corpus_project, Query(label="QUOTE"), limit=2)] == ["d1", "d2"]


def test_words_within_an_annotation_across_batches_of_candidates(project: Project, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """label + words reads its candidates in batches (the annotations' spans and the terms'
    spans of many documents at once): the hits are those a document-by-document check finds,
    in project order, with a limit stopping inside a batch."""
    from newsmark.corpus import search as search_module
    from newsmark.corpus.text import OPEN

    recs = []
    for i in range(150):
        inside = i % 3 == 0  # "contractors" within the quote; else only outside it, or nowhere
        quote = "private contractors lost immunity" if inside else "immunity is vital"
        prefix = ("Contractors said nothing. " if i % 3 == 1 else "") + (OPEN + " marked. " if i % 25 == 0 else "")
        recs.append(records_article(f"n{i:03}", quote, prefix))
    import_jsonl(project, write_jsonl(tmp_path / "many.jsonl", recs))
    with project.write():  # some documents in rows, not packed
        project._unpack([f"n{i:03}" for i in range(0, 150, 7)])
    hits = search(project, Query("contractors immunity", label="QUOTE"), limit=None)
    assert [h.document for h in hits] == [f"n{i:03}" for i in range(0, 150, 3)]
    _check_exact(project, hits)
    assert all(h.label == "QUOTE" and len(h.matches) == 2 for h in hits)
    assert [h.to_dict() for h in search(project, Query("contractors immunity", label="QUOTE"), limit=45)] == \
        [h.to_dict() for h in hits[:45]]
    # the layer, and no hit where the word is only outside the annotations asked for
    assert [h.document for h in search(project, Query("contractors", label="quote"), limit=None)] == \
        [h.document for h in hits]
    assert search(project, Query("nothing", label="QUOTE")) == []
    # the same hits when every candidate is checked alone
    monkeypatch.setattr(search_module, "_BATCH", (1, 1))
    assert [h.to_dict() for h in search(project, Query("contractors immunity", label="QUOTE"), limit=None)] == \
        [h.to_dict() for h in hits]


def records_article(doc_id: str, quote: str, prefix: str) -> dict[str, Any]:
    return article(doc_id, "Leon Panetta", quote, "said", "supports", prefix=prefix)


def _as_version_6(project: Project, path: Path) -> None:
    """The project's data in a file as version 6 of the app kept it: the marks counted in
    search_marks for every document, packed or not."""
    project.conn.execute("PRAGMA wal_checkpoint(FULL)")
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("ATTACH DATABASE ? AS src", (str(project.path),))
    conn.execute("BEGIN")
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    migrations.migrate(db, target=6)
    for table in ("project", "labels", "relation_types", "documents", "packed", "annotations", "relations",
                  "entities", "entity_names", "disputes", "dispute_links"):
        conn.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
    migrations.rebuild_search(db)  # version 6's build: what its triggers and importer kept
    assert conn.execute("SELECT count(DISTINCT doc) FROM search_marks").fetchone()[0] == 4  # not "plain"
    conn.execute("PRAGMA user_version = 6")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE src")
    conn.close()


def test_migration_7_converts_a_version_6_project_with_the_same_hits(corpus_project: Project, tmp_path: Path) -> None:
    p = corpus_project
    entities.merge(p, "PERSON", ["Leon Panetta", "Mr Panetta"])
    with p.write():  # one document in rows, the others packed
        p._unpack(["d3"])
    p.add_annotation("d3", 0, 3, "PERSON", annotator="eve")
    p.add_document(Document(id="plain", text="A café with no annotations"))
    queries = [*QUERIES, Query(speaker="Leon Panetta"), Query(annotator="eve"), Query("café"),
               Query("immunity", label="QUOTE", speaker="panetta")]
    before = {i: [h.to_dict() for h in search(p, q, limit=None)] for i, q in enumerate(queries)}
    assert all(before.values())
    old = tmp_path / "v6.newsmark"
    _as_version_6(p, old)
    with Project.open(old) as migrated:
        assert migrations.version(migrated.db) == migrations.LATEST  # 7, then the later ones
        assert {i: [h.to_dict() for h in search(migrated, q, limit=None)] for i, q in enumerate(queries)} == before
        assert _marks(migrated) == _marks(p)
        # the counts stay for the document with rows only; packed documents' marks are one row each
        assert {r[0] for r in migrated.conn.execute("SELECT DISTINCT doc FROM search_marks")} == {"d3"}
        kept = _marks(migrated)
        with migrated.write():
            migrations.rebuild_search(migrated.db)
        assert _marks(migrated) == kept
        migrated.add_annotation("d1", 0, 6, "QUOTE", attributes={"speaker": "Zebari"})  # still kept by edits
        assert [h.document for h in search(migrated, Query(speaker="zebari"))] == ["d1"]


def test_long_documents_deletes_and_a_failed_import_keep_the_marks_exact(corpus_project: Project, tmp_path: Path) -> None:
    """Documents of more than 200 annotations are imported as rows (their marks counted by the
    triggers while the import defers the index); deleting packed and row documents takes their
    marks; a failed import changes nothing."""
    p = corpus_project
    long = article("long", "Hoshyar Zebari", "the long quote", "said", "opposes")
    long["annotations"] += [{"id": f"e{i}", "start": i // 4, "end": i // 4 + 1, "text": long["text"][i // 4],
                             "label": ("PERSON", "ORG", "GPE", "DATE")[i % 4]} for i in range(250)]
    import_jsonl(p, write_jsonl(tmp_path / "long.jsonl", [long, article("short", "Ines Duarte", "x y", "said", "supports")]))
    assert not p.is_packed("long") and p.is_packed("short")
    assert [h.document for h in search(p, Query(speaker="zebari"))] == ["long"]
    assert [h.document for h in search(p, Query(stance="opposes"))] == ["d4", "long"]
    kept = _marks(p)
    with p.write():
        migrations.rebuild_search(p.db)
    assert _marks(p) == kept
    p.delete_document("long")
    p.delete_document("d1")
    assert search(p, Query(speaker="zebari")) == [] and [h.document for h in search(p, Query(stance="opposes"))] == ["d4"]
    assert {d for d, _m in _marks(p)} == {"d2", "d3", "d4", "short"}
    before = _marks(p)
    bad = write_jsonl(tmp_path / "bad.jsonl", [long, {"id": "broken", "text": "x", "annotations": [{"start": 5}]}])
    with pytest.raises(InputError, match="line 2"):
        import_jsonl(p, bad)
    assert _marks(p) == before and search(p, Query(speaker="zebari")) == []


def test_a_document_deleted_while_an_import_defers_the_index_leaves_no_document_unindexed(project: Project) -> None:
    """The documents an import adds wait after the last rowid before it; deleting the last
    document then adding one (which may take its rowid) still indexes the new one."""
    from newsmark.store import search_index

    p = project
    p.add_document(Document(id="first", text="alpha words"))
    p.add_document(Document(id="last", text="omega words"))
    p.add_annotation("last", 0, 5, "PERSON")
    with p.write(), search_index.deferred(p.conn):
        p.conn.execute("DELETE FROM documents WHERE id = 'last'")
        p.add_document(Document(id="new", text="gamma words"))
        p.add_annotation("new", 0, 5, "ORG")
        p.add_document(Document(id="newer", text="delta words"))
    assert [h.document for h in search(p, Query("words"))] == ["first", "new", "newer"]
    assert search(p, Query("omega")) == [] and [h.document for h in search(p, Query("gamma"))] == ["new"]
    assert [h.document for h in search(p, Query(label="ORG"))] == ["new"] and search(p, Query(label="PERSON")) == []
    p.conn.execute("INSERT INTO search_text(search_text) VALUES ('integrity-check')")
    kept = _marks(p)
    with p.write():
        migrations.rebuild_search(p.db)
    assert _marks(p) == kept
