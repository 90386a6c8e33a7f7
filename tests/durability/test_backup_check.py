"""Backups, restore and the integrity check (issue: nothing lost)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.errors import ProjectError
from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.store.maintenance import (
    check,
    check_file,
    ensure_recent_backup,
    list_backups,
    make_backup,
    restore,
)


def _filled(path: Path) -> Project:
    p = Project.create(path)
    p.add_document(Document(id="d", text="Panetta said immunity 😀 matters."))
    q = p.add_annotation("d", 13, 21, "QUOTE", id="q")
    s = p.add_annotation("d", 0, 7, "PERSON", id="s")
    p.add_relation("d", "said_by", q.id, s.id, id="r")
    return p


def run(*args: object) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_check_passes_on_a_good_project(tmp_path: Path) -> None:
    p = _filled(tmp_path / "p.newsmark")
    report = check(p)
    assert report.ok and (report.documents, report.annotations, report.relations) == (1, 2, 1)
    p.close()
    r = run("check", tmp_path / "p.newsmark")
    assert r.exit_code == 0 and "ok" in r.output


def test_check_finds_broken_data_rules(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    _filled(path).close()
    c = sqlite3.connect(path)
    c.execute("UPDATE annotations SET text = 'other' WHERE id = 'q'")
    c.execute("UPDATE annotations SET \"end\" = 999 WHERE id = 's'")
    c.execute("PRAGMA foreign_keys = OFF")
    c.execute("INSERT INTO relations VALUES ('d', 'r2', 'said_by', 'q', 'ghost', '{}', 'c', 'u')")
    c.execute("UPDATE documents SET meta = '{broken'")
    c.commit()
    c.close()
    report = check_file(path)
    text = "\n".join(report.problems)
    assert "annotation 'q' in 'd': its text is not the document's text at 13-21" in text
    assert "span 0-999 is outside the text" in text
    assert "relations row" in text and "missing annotations entry" in text
    assert "invalid JSON in meta" in text
    r = run("check", path)
    assert r.exit_code == 1 and "problems" in r.output


def test_check_finds_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    p = _filled(path)
    for i in range(300):
        p.add_document(Document(id=f"x{i}", text=f"filler {i} " * 50))
    p.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for k in range(2 * page + 100, len(data) - page, 3 * page):  # scribble over b-tree pages
        data[k:k + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    assert not check_file(path).ok


def test_rolling_backups_keep_the_newest(tmp_path: Path) -> None:
    p = _filled(tmp_path / "p.newsmark")
    made = [make_backup(p, keep=3) for _ in range(5)]
    backups = list_backups(p.path)
    assert backups == made[::-1][:3]
    assert all(check_file(b).ok for b in backups)
    assert ensure_recent_backup(p, max_age_seconds=3600) is None  # a fresh one exists
    assert ensure_recent_backup(p, max_age_seconds=0) is not None
    p.close()


def test_backup_is_taken_while_the_project_is_open_and_written(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    writer = _filled(path)
    writer.add_annotation("d", 22, 23, "EVENT")
    r = run("backup", path)
    assert r.exit_code == 0, r.output
    (b,) = list_backups(path)
    with Project.open(b, readonly=True) as copy:
        assert len(copy.annotations("d")) == 3
    writer.close()


def test_restore_over_a_good_project_keeps_its_state(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    p = _filled(path)
    make_backup(p)
    p.delete_annotation("d", "q")
    p.close()
    result = restore(path)
    assert result.saved_current is not None and result.saved_current.exists()
    with Project.open(path) as back:
        assert {a.id for a in back.annotations("d")} == {"q", "s"}
    with Project.open(result.saved_current, readonly=True) as before:
        assert {a.id for a in before.annotations("d")} == {"s"}


def test_restore_over_a_damaged_project_moves_it_aside(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    p = _filled(path)
    make_backup(p)
    p.close()
    path.write_bytes(path.read_bytes()[:5000])  # truncated
    r = run("list", path)
    assert r.exit_code == 1 and "damaged" in r.stderr and "newsmark restore" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("restore", path)
    assert r.exit_code == 0, r.output + r.stderr
    assert "previous state is kept in" in r.output
    (moved,) = [f for f in tmp_path.iterdir()
                if ".damaged-" in f.name and not f.name.endswith(("-wal", "-shm"))]
    assert moved.stat().st_size == 5000
    assert check_file(path).ok
    with Project.open(path) as back:
        assert len(back.annotations("d")) == 2


def test_restore_refuses_a_bad_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    _filled(path).close()
    bad = tmp_path / "bad.newsmark"
    bad.write_text("not a database", encoding="utf-8")
    with pytest.raises(ProjectError, match="not usable"):
        restore(path, bad)
    assert check_file(path).ok


def test_full_disk_leaves_the_project_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    p = _filled(path)
    pages = p.conn.execute("PRAGMA page_count").fetchone()[0]
    p.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
    big = "x" * 200_000
    with pytest.raises(ProjectError, match="disk is full"):
        p.add_document(Document(id="big", text=big))
    assert not p.has_document("big")
    assert len(p.annotations("d")) == 2
    p.close()
    assert check_file(path).ok


SETPRIV = "/usr/bin/setpriv"


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes (Windows' ACLs: tests/store/test_portability.py)")
@pytest.mark.skipif(os.name != "nt" and os.geteuid() == 0 and not os.path.exists(SETPRIV),
                    reason="root ignores file permissions and setpriv is missing to drop that power")
def test_read_only_file_and_folder(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "p.newsmark"
    _filled(path).close()
    os.chmod(path, 0o444)
    os.chmod(folder, 0o555)
    os.chmod(tmp_path, 0o755)
    src = Path(__file__).resolve().parents[2] / "src"
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(src)!r})\n"
        "from newsmark.cli import main\n"
        "main(sys.argv[1:])\n"
    )

    # as root, drop the capabilities that bypass file permissions, as an ordinary user has none
    drop = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []  # linux-only: skipif

    def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*drop, sys.executable, "-c", code, *args], capture_output=True,
                              text=True, check=False, encoding="utf-8")

    try:
        r = as_nobody("annotate", str(path), "--doc", "d", "--label", "PERSON", "--start", "0", "--end", "3")
        assert r.returncode == 1, r.stderr
        assert "cannot be written: the file is read-only" in r.stderr and "Traceback" not in r.stderr
        r = as_nobody("list", str(path))
        assert r.returncode == 0 and r.stdout.startswith("d\t"), r.stderr
        r = as_nobody("export", str(path))
        assert r.returncode == 0 and '"id":"d"' in r.stdout, r.stderr
        os.chmod(path, 0o644)
        r = as_nobody("set-status", str(path), "done", "--doc", "d")
        assert r.returncode == 1 and "folder" in r.stderr and "read-only" in r.stderr, r.stderr
    finally:
        os.chmod(folder, 0o755)
        os.chmod(path, 0o644)
    assert check_file(path).ok


def test_import_backs_up_the_project_first(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    _filled(path).close()
    src = tmp_path / "more.txt"
    src.write_text("Another article.", encoding="utf-8")
    assert run("import", path, src).exit_code == 0
    (b,) = list_backups(path)
    with Project.open(b, readonly=True) as before:
        assert before.document_ids() == ["d"]  # the state before the import
    assert run("import", path, tmp_path / "more.txt").exit_code == 0
    assert len(list_backups(path)) == 1  # not more than one an hour
