"""A batched import writes a batch's new packed documents together (one statement for their rows,
one for their packed rows, one for their marks) and makes their take-back fingerprints from what
it wrote (store/importer.py, issue #17).  Whatever a batch holds, the project must be the one a
batch of one record at a time makes, and the take-back must work as before."""

from __future__ import annotations

import gc
import sqlite3
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from newsmark.core import model
from newsmark.core.errors import InputError
from newsmark.core.record import Record
from newsmark.formats import jsonl
from newsmark.store import Project, importer
from newsmark.store.importer import ImportSummary, import_records
from newsmark.store.maintenance import check
from newsmark.store.search_index import document_marks
from tests.conftest import NAUGHTY

TEXT = NAUGHTY + " The minister said 😀 “we won”, officials said. 𠀋 e\u0301\r\nNBSP\u00a0here\u2028\u2029 Alice met Bob."
FIXED = "2026-12-01T12:00:00.000Z"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same time everywhere: one import at a time and one in batches stamp the same."""
    real = model.now
    for name, module in list(sys.modules.items()):
        if name.startswith("newsmark") and getattr(module, "now", None) is real:
            monkeypatch.setattr(module, "now", lambda: FIXED)


def _anns(text: str, n: int, label: str = "PERSON", annotator: str | None = "ann") -> list[dict[str, Any]]:
    return [{"id": f"a{k}", "start": k, "end": k + 3, "label": label, "text": text[k:k + 3], "annotator": annotator,
             **({"attributes": {"speaker": f"Zoë {k % 3}"}} if label == "QUOTE" else {})} for k in range(n)]


def _doc(doc_id: str | None, text: str, n: int = 3, **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"text": text, "annotations": _anns(text, n, extra.pop("label", "PERSON")), **extra}
    if doc_id is not None:
        rec["id"] = doc_id
    if n >= 2:
        rec["relations"] = [{"id": "r1", "type": "said_by", "from": "a0", "to": "a1"}]
    return rec


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index's as FTS5 reads it), but the import's own row."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        conn.execute("DELETE FROM project WHERE key = 'created'")  # (when the test made it)
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                     " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'search_%fts_%'"
                                     " AND name NOT LIKE 'search_text_%'"):
            # (a packed row's rowid means nothing: a batch may write it after an unpacked one's went)
            rowid = "" if table.startswith("packed") or "WITHOUT ROWID" in conn.execute(
                "SELECT upper(sql) FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0] else "rowid, "
            out[table] = sorted(map(tuple, conn.execute(f"SELECT {rowid}* FROM '{table}'")), key=repr)
        for fts in ("search_text", "search_marks_fts"):
            # every term's documents and places, as FTS5 reads them; and the index is its content's
            conn.execute(f"CREATE VIRTUAL TABLE temp.v_{fts} USING fts5vocab(main, {fts}, instance)")
            out[f"vocab {fts}"] = conn.execute(f"SELECT * FROM temp.v_{fts} ORDER BY 1, 2, 3, 4").fetchall()
            conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        assert out["vocab search_text"]
        return out
    finally:
        conn.close()


def _import_file(path: Path, src: Path, *, batch: int | None, project_records: list[dict[str, Any]] | None = None,
                 **kw: Any) -> tuple[ImportSummary, dict[str, list[tuple[Any, ...]]]]:
    with Project.create(path) as p:
        if project_records:  # already in the project, before the import
            first = _write(path.with_suffix(".first.jsonl"), project_records)
            import_records(p, jsonl.read(first, layers=p.label_layers()), ImportSummary(), source=str(first))
        summary = ImportSummary()
        import_records(p, lambda: jsonl.read(src, layers=p.label_layers(), speaker_labels=frozenset({"QUOTE"})),
                       summary, source=str(src), batch=batch, **kw)
        assert check(p).ok
        marks = document_marks(p.conn)
    tables = _tables(path)
    tables["marks"] = marks  # type: ignore[assignment]
    return summary, tables


MIXED = [
    _doc("new1", TEXT + " 1"),
    _doc("old", TEXT + " old", 6),  # in the project with 3 of these annotations: gets 3 more
    _doc("new2", TEXT + " 2", 2, label="QUOTE", title="Two", meta={"k": ["ü", 1]}, status="done"),
    _doc("new1", TEXT + " 1", 5),  # new1 again, written earlier in this batch: gets 2 more
    _doc(None, TEXT + " 2"),  # the text of new2, without an id: a duplicate
    _doc("new3", TEXT + " 3", 0),
    _doc(None, TEXT + " 3", 1),  # the text of new3, not written yet: a duplicate
    _doc("same-as-old", TEXT + " old"),  # the text of "old" under another id: a new document
    _doc("long", TEXT + " long" * 60, 250),  # more than PACKED_MAX: rows
    _doc("long", TEXT + " long" * 60, 250),  # and again, unchanged
    _doc("new4", TEXT + " 4", 4, label="QUOTE"),
    _doc("new2", TEXT + " 2", 2, label="QUOTE"),  # new2 again, nothing new
]


@pytest.mark.parametrize("batch", [50, None], ids=["batched", "one-transaction"])
def test_a_batch_of_new_existing_and_repeated_documents_is_imported_as_one_at_a_time(tmp_path: Path,
                                                                                     batch: int | None) -> None:
    """New documents, one already in the project, one repeated within the batch (merged into the
    copy the batch has not written yet), a text repeated under no id (a duplicate), long
    documents (rows): the project is the one that importing a record per batch makes."""
    src = _write(tmp_path / "mixed.jsonl", MIXED)
    existing = [_doc("old", TEXT + " old", 3)]
    one, one_tables = _import_file(tmp_path / "one.newsmark", src, batch=1, project_records=existing)
    many, many_tables = _import_file(tmp_path / "many.newsmark", src, batch=batch, project_records=existing)
    assert many == one
    assert (one.documents_added, one.documents_merged, one.documents_unchanged, len(one.duplicates)) == (6, 2, 2, 2)
    assert many_tables == one_tables


@pytest.mark.parametrize("dedupe", [False, True], ids=["ids", "dedupe-text"])
def test_records_made_into_documents_directly_with_taken_ids_and_sources(tmp_path: Path, dedupe: bool) -> None:
    """Records of other formats (an id taken by another text gets a suffix, a web page's source is
    kept with its document), within one batch: as one at a time."""
    from newsmark.core.model import Document
    from newsmark.core.packing import pack

    def records(layers: dict[str, str]) -> list[Record]:
        out = []
        for i, (doc_id, text) in enumerate([("page", TEXT + " a"), ("page", TEXT + " b"), ("page", TEXT + " a"),
                                            ("page-2", TEXT + " c"), ("other", TEXT + " b")]):
            rec = Record(i + 1, document=Document(id=doc_id, text=text, title=f"T{i}"))
            rec.packed = pack([], [], layers, {}, FIXED)
            rec.sha256 = model.text_sha256(text)
            if i == 1:
                rec.source = ("html", "page.html", b"x\x9c\x03\x00\x00\x00\x00\x01")
            out.append(rec)
        return out

    result = []
    for batch in (1, 10):
        path = tmp_path / f"b{batch}.newsmark"
        with Project.create(path) as p:
            s = ImportSummary()
            import_records(p, records(p.label_layers()), s, source="pages", batch=batch, unique_ids=True,
                           dedupe_text=dedupe)
            assert check(p).ok
            result.append((s, sorted(p.document_ids()), p.source("page-2")))
        result[-1] += (_tables(path),)  # type: ignore[assignment]
    assert result[0] == result[1]
    assert result[0][1] == ["other", "page", "page-2", "page-2-2"][dedupe:]
    assert result[0][2] is not None and result[0][2][:2] == ("html", "page.html")


def test_the_fingerprints_made_from_what_was_written_are_those_the_store_reads(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A take-back removes a document only if its fingerprint is unchanged (docs/adr/0012): the
    fingerprints of new documents are made from what the batch wrote, not read back, and must be
    what reading them back gives (title made from the text, meta with non-ASCII, a status, times
    given in the file)."""
    checked: list[str] = []
    real = importer._remember

    def remember(project: Project, added: Any) -> None:
        for doc in added.in_batch:
            if doc in added.written:
                assert added.written[doc] == importer._fingerprint(project, doc), doc
                checked.append(doc)
        real(project, added)

    monkeypatch.setattr(importer, "_remember", remember)
    records = [*MIXED, _doc("dated", TEXT + " d", 2, created="2020-01-02T03:04:05.000Z",
                            updated="2021-01-02T03:04:05.000Z", meta={"ß": {"x": None}})]
    _import_file(tmp_path / "p.newsmark", _write(tmp_path / "in.jsonl", records), batch=4)
    # all new packed documents but new1, added to in its batch (read back), and long (rows)
    assert sorted(set(checked)) == ["dated", "new2", "new3", "new4", "old", "same-as-old"]


def test_a_bad_line_in_the_middle_of_a_batch_takes_the_whole_file_back(tmp_path: Path) -> None:
    """Two batches committed, a bad line in the third: the project is as it was before the import,
    its search index too (the batch's documents not written yet go with it)."""
    path = tmp_path / "p.newsmark"
    records: list[Any] = [_doc(f"d{i}", f"{TEXT} {i}", 3, label="QUOTE" if i % 2 else "ORG") for i in range(25)]
    lines = [orjson.dumps(r) for r in records]
    lines.insert(23, b'{"id": "bad", "text": "x", "annotations": [{"id": "a", "start": 0, "end": 9, "label": "ORG"}]}')
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    with Project.create(path) as p:
        import_records(p, jsonl.read(_write(tmp_path / "first.jsonl", [_doc("keep", TEXT + " keep")]),
                                     layers=p.label_layers()), ImportSummary(), source="first")
    before = _tables(path)
    with Project.open(path) as p:
        with pytest.raises(InputError, match="line 24"):
            import_records(p, lambda: jsonl.read(src, layers=p.label_layers()), ImportSummary(), source=str(src),
                           batch=10)
        assert p.document_ids() == ["keep"]
        assert check(p).ok
    after = _tables(path)
    # the names of marks stay (docs/adr/0013: a stale name only makes a search read a document)
    assert after.pop("search_mark_names")[:3] == before.pop("search_mark_names")
    assert after == before


def test_a_first_import_commits_durably(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first import writes with a rollback journal (store/bulk.py): truncated at each commit
    with synchronous=FULL, which syncs the truncation.  Deleted instead (journal_mode=DELETE),
    the journal's removal is not synced: after a power loss it could come back and roll back a
    batch that was reported committed.  Between batches the journal is empty (not hot: a reader
    reads the project, not a copy), and none is left at the end."""
    seen: list[tuple[str, int, int]] = []
    real = importer._remember

    def remember(project: Project, added: Any) -> None:
        conn = project.conn
        journal = Path(f"{project.path}-journal")
        seen.append((conn.execute("PRAGMA journal_mode").fetchone()[0], conn.execute("PRAGMA synchronous").fetchone()[0],
                     journal.stat().st_size if journal.exists() else -1))
        real(project, added)

    monkeypatch.setattr(importer, "_remember", remember)
    path = tmp_path / "p.newsmark"
    src = _write(tmp_path / "in.jsonl", [_doc(f"d{i}", f"{TEXT} {i}") for i in range(30)])
    committed = []
    with Project.create(path) as p:
        real_commit = p.commit

        def commit() -> None:
            real_commit()
            journal = Path(f"{path}-journal")
            committed.append(journal.stat().st_size if journal.exists() else -1)
            with Project.open(path, readonly=True) as reader:  # whole batches, read in place
                assert reader._scratch is None
                assert reader.count_documents() % 10 == 0

        monkeypatch.setattr(p, "commit", commit)
        import_records(p, lambda: jsonl.read(src, layers=p.label_layers()), ImportSummary(), source=str(src),
                       batch=10)
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [mode for mode, _, _ in seen] == ["truncate"] * 3
    assert {sync for _, sync, _ in seen} == {2}  # FULL
    assert committed[:3] == [0, 0, 0]  # emptied by each commit, not deleted
    assert not Path(f"{path}-journal").exists()


@pytest.mark.parametrize("fails", [False, True])
def test_the_cycle_collector_is_on_again_after_a_batched_import(tmp_path: Path, fails: bool) -> None:
    """A batched import turns the cycle collector off while it runs (its passes over the records
    in flight cost ~8% of the importer), and on again at the end, even when it fails; one that
    something else turned off stays off."""
    src = _write(tmp_path / "in.jsonl", [_doc(f"d{i}", f"{TEXT} {i}") for i in range(5)])
    if fails:
        src.write_bytes(src.read_bytes() + b"{bad\n")
    during = []
    real = importer._remember

    def remember(project: Project, added: Any) -> None:
        during.append(gc.isenabled())
        real(project, added)

    for enabled in (True, False):
        during.clear()
        (gc.enable if enabled else gc.disable)()
        try:
            with Project.create(tmp_path / f"{enabled}.newsmark") as p:
                importer._remember = remember
                try:
                    import_records(p, lambda: jsonl.read(src, layers=p.label_layers()), ImportSummary(),
                                   source=str(src), batch=2)
                except InputError:
                    assert fails
                finally:
                    importer._remember = real
            assert during and not any(during)
            assert gc.isenabled() == enabled
        finally:
            gc.enable()


def test_a_first_import_has_larger_transactions_until_a_window_opens_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``bulk_batch``: a first import writes larger transactions (fewer commits, fewer pieces of
    the search index) while nobody else has the project open; once a window opens it (and turns
    it to WAL), its edits wait for transactions of the usual size again."""
    sizes: list[int] = []
    real = importer._remember

    def remember(project: Project, added: Any) -> None:
        sizes.append(len(added.in_batch))
        real(project, added)

    monkeypatch.setattr(importer, "_remember", remember)
    src = _write(tmp_path / "in.jsonl", [_doc(f"d{i}", f"{TEXT} {i}") for i in range(70)])
    with Project.create(tmp_path / "alone.newsmark") as p:
        import_records(p, lambda: jsonl.read(src, layers=p.label_layers()), ImportSummary(), source=str(src),
                       batch=5, bulk_batch=20)
    assert sizes == [5, 20, 20, 20, 5]  # the first of the usual size: written as soon as read
    sizes.clear()
    path = tmp_path / "opened.newsmark"
    windows: list[Project] = []
    with Project.create(path) as p:
        real_commit = p.commit

        def commit() -> None:
            real_commit()
            if not windows:  # after the first transaction: the window opens the project
                windows.append(Project.open(path))

        monkeypatch.setattr(p, "commit", commit)
        import_records(p, lambda: jsonl.read(src, layers=p.label_layers()), ImportSummary(), source=str(src),
                       batch=5, bulk_batch=20)
    try:
        assert windows[0].count_documents() == 70
        assert windows[0].conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        windows[0].close()
    assert sizes[:2] == [5, 20] and sum(sizes) == 70
    assert set(sizes[2:]) == {5}, sizes


@pytest.mark.parametrize("given", ["one-missing", "out-of-order", "one-too-many", "none"])
def test_the_index_reads_the_documents_back_unless_given_every_new_one(project: Project, given: str) -> None:
    """search_index.deferred indexes the texts an import hands it as they are (not read back from
    the documents) only if they are every document added in its transaction, in order; else it
    reads the documents as before, and the index is right either way."""
    from newsmark.core.model import Document
    from newsmark.store import search_index

    texts = [f"{TEXT} word{i}" for i in range(3)]
    with project.write(), search_index.deferred(project.conn) as index:
        for i, text in enumerate(texts):
            project.add_document(Document(id=f"d{i}", text=text))
        rows = project.conn.execute("SELECT rowid, text FROM documents ORDER BY rowid").fetchall()
        index.texts = {"one-missing": rows[:1] + rows[2:], "out-of-order": rows[::-1],
                       "one-too-many": [*rows, (rows[-1][0] + 1, "ghost")], "none": None}[given]
    conn = project.conn
    conn.execute("INSERT INTO search_text(search_text, rank) VALUES ('integrity-check', 1)")
    for i in range(3):
        assert conn.execute("SELECT rowid FROM search_text WHERE search_text MATCH ?", (f"word{i}",)).fetchall() == [
            (rows[i][0],)]
    assert not conn.execute("SELECT rowid FROM search_text WHERE search_text MATCH 'ghost'").fetchall()


def test_a_first_import_killed_between_batches_leaves_an_empty_journal_that_harms_no_one(tmp_path: Path) -> None:
    """Killed between two transactions, a first import leaves its journal empty (TRUNCATE): not
    hot, so a read-only open (stats, export) reads the project in place, with every batch it
    committed, and the next writable open turns it to WAL and removes the journal."""
    import os
    import subprocess

    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    src = _write(tmp_path / "in.jsonl", [_doc(f"d{i}", f"{TEXT} {i}") for i in range(30)])
    child = """
import os, sys
from newsmark.formats import jsonl
from newsmark.store import Project, importer
if __name__ == "__main__":
    path, src = sys.argv[1], sys.argv[2]
    done = [0]
    p = Project.open(path)
    real_commit = p.commit
    def commit():
        real_commit()
        done[0] += 1
        if done[0] == 2:
            os._exit(9)  # killed after its second transaction
    p.commit = commit
    importer.import_records(p, lambda: jsonl.read(src, layers=p.label_layers()), importer.ImportSummary(),
                            source=src, batch=10)
"""
    env = {**os.environ, "PYTHONPATH": str(Path(importer.__file__).parents[2])}
    run = subprocess.run([sys.executable, "-c", child, str(path), str(src)], capture_output=True, text=True,
                         encoding="utf-8", timeout=120, check=False, env=env)
    assert run.returncode == 9, run.stderr
    journal = Path(f"{path}-journal")
    assert journal.exists() and journal.stat().st_size == 0
    with Project.open(path, readonly=True) as reader:
        assert reader._scratch is None  # read in place, not from a rolled-back copy
        assert reader.count_documents() == 20
    with Project.open(path) as p:
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p.count_documents() == 20 and check(p).ok
    assert not journal.exists()
