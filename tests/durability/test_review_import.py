"""The import of issue #17 attacked (store/bulk.py's rollback journal, the workers' blocks,
their speaker marks): what a user's bad day finds, each a test that failed before its fix."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

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
    with Project.open(path, readonly=True) as p:
        assert "BRANDNEW" not in {label.name for label in p.labels()}
        assert p.count_documents() == 0
        assert p.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert check_file(path).ok  # 'newsmark check' (read-only) finds nothing damaged
    assert _digest(path, journal) == before  # nothing written, the journal still there
    # the next writer rolls it back: the empty project, in WAL again, and sound
    with Project.open(path) as p:
        assert p.count_documents() == 0 and "BRANDNEW" not in {label.name for label in p.labels()}
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not journal.exists()
    assert check_file(path).ok
