"""The import of issue #17 attacked (store/bulk.py's rollback journal, the workers' blocks,
their speaker marks): what a user's bad day finds, each a test that failed before its fix."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsmark.store import Project
from newsmark.store.maintenance import check_file

SRC = str(Path(__file__).resolve().parents[2] / "src")

# The child imports a file into an empty project (its first import: a rollback journal, not
# WAL), with a page cache small enough that SQLite writes changed pages into the project file
# before the commit, and dies (as SIGKILL would: no clean-up at all) in the middle of its batch.
KILLED_IMPORT = """
import os, sys
sys.path.insert(0, {src!r})
from newsmark.formats import jsonl
from newsmark.store import Project, importer

if __name__ == "__main__":
    path, src, after = sys.argv[1], sys.argv[2], int(sys.argv[3])
    real = importer._import_one
    done = [0]

    def one(*args, **kwargs):
        real(*args, **kwargs)
        done[0] += 1
        if done[0] == after:
            os._exit(9)

    importer._import_one = one
    p = Project.open(path)
    p.conn.execute("PRAGMA cache_size = 20")
    importer.import_records(p, jsonl.read(src, layers=p.label_layers()), importer.ImportSummary(),
                            source=src, batch=1000)
"""


def _killed_first_import(tmp_path: Path) -> Path:
    path = tmp_path / "killed.newsmark"
    Project.create(path).close()
    text = "The minister said talks on immunity were continuing, officials said. 😀 𠀋 e\u0301 " * 40
    src = tmp_path / "first.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(300):
            anns = [{"id": f"a{j}", "start": 10 * j, "end": 10 * j + 5, "label": "PERSON"} for j in range(8)]
            if i == 0:  # a label the schema lacks: the import adds it (uncommitted when killed)
                anns.append({"id": "n", "start": 0, "end": 3, "label": "BRANDNEW"})
            f.write(json.dumps({"id": f"d{i}", "text": text, "annotations": anns}, ensure_ascii=False) + "\n")
    child = subprocess.run([sys.executable, "-c", KILLED_IMPORT.format(src=SRC), str(path), str(src), "250"],
                           capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert child.returncode == 9, child.stderr
    assert Path(f"{path}-journal").stat().st_size > 0  # a hot journal: the killed import's
    return path


def _digest(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_a_killed_first_import_is_not_seen_by_read_only_opens(tmp_path: Path) -> None:
    """A first import (rollback journal) killed mid-batch leaves a hot journal.  A read-only open
    (``stats``, ``export``, a merge's sources, the window's export) cannot roll it back in place;
    it used to read the project file as it was, half written: a label that was never committed,
    an index SQLite calls wrong.  It reads the project as it was before the import, and writes
    nothing (the journal stays for the next writer to roll back)."""
    path = _killed_first_import(tmp_path)
    journal = Path(f"{path}-journal")
    before = _digest(path, journal)
    opened = [path]
    link = tmp_path / "links" / "killed.newsmark"  # the journal is beside the file, not the link
    link.parent.mkdir()
    try:
        link.symlink_to(path)
        opened.append(link)
    except OSError:  # Windows without the right to make links
        pass
    for where in opened:
        with Project.open(where, readonly=True) as p:
            assert "BRANDNEW" not in {label.name for label in p.labels()}, where
            assert p.count_documents() == 0
            assert p.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert check_file(where).ok  # 'newsmark check' (read-only) finds nothing damaged
    assert _digest(path, journal) == before  # nothing written, the journal still there
    # the next writer rolls it back: the empty project, in WAL again, and sound
    with Project.open(path) as p:
        assert p.count_documents() == 0 and "BRANDNEW" not in {label.name for label in p.labels()}
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not journal.exists()
    assert check_file(path).ok


# The child imports a file into an empty project slowly (its first import: a rollback journal),
# printing its journal mode when it is done.
SLOW_IMPORT = """
import sys, time
sys.path.insert(0, {src!r})
from newsmark.formats import jsonl
from newsmark.store import Project, importer

if __name__ == "__main__":
    path, src = sys.argv[1], sys.argv[2]
    real = importer._import_one

    def one(*args, **kwargs):
        real(*args, **kwargs)
        time.sleep(0.01)

    importer._import_one = one
    p = Project.open(path)
    s = importer.ImportSummary()
    importer.import_records(p, jsonl.read(src, layers=p.label_layers()), s, source=src, batch=40)
    print(s.documents_added, p.conn.execute("PRAGMA journal_mode").fetchone()[0], flush=True)
"""


def _articles(path: Path, n: int, prefix: str = "d") -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            text = f"Article {prefix}{i}: the minister said 😀 “we won”, officials said. 𠀋 e\u0301\r\n" * 5
            anns = [{"id": "q", "start": 0, "end": 7, "label": "QUOTE", "attributes": {"speaker": "Ann"}}]
            f.write(json.dumps({"id": f"{prefix}{i}", "text": text, "annotations": anns}, ensure_ascii=False) + "\n")
    return path


def test_the_window_opens_the_project_while_its_first_import_runs(tmp_path: Path) -> None:
    """While a first import writes a batch with a rollback journal, SQLite refuses at once
    (no waiting: "database is locked") to switch the project to WAL, which every writable open
    does: the window, a second import, 'newsmark annotate' could not open the project during
    the import (the old WAL import let them).  They wait for the batch to end, as for any lock;
    the import then goes on in WAL, and all of it is there."""
    import time

    path = tmp_path / "busy.newsmark"
    Project.create(path).close()
    src = _articles(tmp_path / "first.jsonl", 200)
    with subprocess.Popen([sys.executable, "-c", SLOW_IMPORT.format(src=SRC), str(path), str(src)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8") as child:
        journal = Path(f"{path}-journal")
        deadline = time.monotonic() + 60
        while not journal.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert journal.exists(), "the import never wrote with a rollback journal"
        with Project.open(path) as window:  # during a batch
            assert window.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert window.count_documents() <= 200
        out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert out.split() == ["200", "wal"]
    with Project.open(path) as p:
        assert p.count_documents() == 200
    assert check_file(path).ok


def test_the_first_import_goes_back_to_wal_when_a_reader_is_reading_at_its_end(project: Project) -> None:
    """At the end of a first import (store/bulk.py), a reader in the middle of a read (the
    window refreshing its list) made the switch back to WAL fail at once, and the import,
    all of it committed, ended with "cannot switch the project back to WAL mode".  The switch
    waits for the read to end."""
    import sqlite3
    import threading

    from newsmark.store.bulk import bulk_write

    with bulk_write(project) as switched:
        assert switched
        reader = sqlite3.connect(project.path, isolation_level=None, check_same_thread=False)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM documents").fetchone()  # holds its read lock
        timer = threading.Timer(0.3, reader.execute, ("COMMIT",))
        timer.start()
    timer.join()
    reader.close()
    assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_speaker_marks_of_an_import_are_those_a_rebuild_of_the_index_finds(project: Project, tmp_path: Path) -> None:
    """The speaker marks the import finds (core.packing.speaker_name, in its workers) must be
    those the search index's rebuild (a repair) and the triggers find with SQL (``->>`` then
    ``lower()``): numbers are SQLite's text of them (1.0e+100, 0.3, 0.0), not Python's (1e+100,
    0.30000000000000004, -0.0), so that a speaker search finds the same after a repair."""
    from newsmark.formats import jsonl
    from newsmark.store.importer import ImportSummary, import_records
    from newsmark.store.migrations import rebuild_search
    from newsmark.store.search_index import document_marks, labels_with_speaker

    speakers = [1e100, -0.0, 0.30000000000000004, 1.5e-7, 2.5, 7, 2**70, "Zoë ÅNGSTRÖM", True,
                {"n": 1e100, "É": ["Ü", 0.5]}, [1.0, "X"]]
    src = tmp_path / "speakers.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, speaker in enumerate(speakers):
            anns = [{"id": "q", "start": 0, "end": 5, "label": "QUOTE", "attributes": {"speaker": speaker}}]
            f.write(json.dumps({"id": f"s{i}", "text": f"Quote {i} 😀", "annotations": anns}) + "\n")
    records = jsonl.read(src, layers=project.label_layers(), speaker_labels=labels_with_speaker(project.conn))
    import_records(project, records, ImportSummary(), source=str(src))
    imported = document_marks(project.conn)
    assert ("s0", "s:1.0e+100") in imported
    with project.write():
        rebuild_search(project.db)
    assert imported == document_marks(project.conn)


def test_a_read_only_open_during_a_first_import_batch_is_told_the_project_is_busy(tmp_path: Path) -> None:
    """A first import (rollback journal) that has written changed pages into the project file
    holds it exclusively until its batch commits.  A read-only open ('newsmark export', 'stats')
    that waited its time out used to read the file as immutable, half written (a row that was
    never committed); it says the project is busy instead."""
    import sqlite3

    from newsmark.core.errors import ProjectError

    path = tmp_path / "writing.newsmark"
    Project.create(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
        writer.execute("PRAGMA cache_size = 1")
        writer.execute("BEGIN")
        for i in range(2000):  # more than the cache holds: written into the file before the commit
            writer.execute("INSERT INTO project(key, value) VALUES (?, ?)", (f"uncommitted-{i}", "x" * 200))
        with pytest.raises(ProjectError, match="busy"):
            Project.open(path, readonly=True).close()
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    with Project.open(path, readonly=True) as p:
        assert p.conn.execute("SELECT count(*) FROM project WHERE key LIKE 'uncommitted-%'").fetchone() == (0,)


@pytest.mark.parametrize("change", ["replaced", "appended to"])
def test_a_file_changed_while_the_workers_read_it_is_an_error_not_a_mix(tmp_path: Path, change: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The import's workers open the file again for each block they read: a file replaced
    meanwhile (an exporter writing its new version over it, an editor's save) gave some lines
    of the old file and some of the new one, silently.  (The old reader kept one file open.)
    It is an error naming the file, and nothing of it is imported."""
    import os
    import time

    from newsmark.core.errors import InputError
    from newsmark.formats import jsonl
    from newsmark.store.importer import ImportSummary, import_records

    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 200)
    src = _articles(tmp_path / "growing.jsonl", 400, prefix="old")
    newer = _articles(tmp_path / "newer.jsonl", 400, prefix="new")
    with Project.create(tmp_path / "p.newsmark") as p:
        records = jsonl.read(src, layers=p.label_layers(), workers=2)
        first = next(records)
        if change == "replaced":  # the new version, written beside it and renamed over it
            for _ in range(200):  # (Windows refuses while a worker has the file open: again)
                try:
                    os.replace(newer, src)
                    break
                except PermissionError:
                    time.sleep(0.01)
        else:
            with src.open("ab") as f:
                f.write(newer.read_bytes())
        with pytest.raises(InputError, match=r"growing\.jsonl.*changed while it was read"):
            import_records(p, [first, *records], ImportSummary(), source=str(src), batch=50)
        assert p.count_documents() == 0
