"""Every earlier project format opens and is upgraded, keeping its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from newsmark.store import Project, migrations


def _make_old_project(path: Path, version: int) -> None:
    """A project file as the app at format ``version`` wrote it, with some data."""
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    migrations.migrate(db, target=version)
    conn.execute("INSERT INTO project VALUES ('created', '2026-01-01T00:00:00.000Z')")
    conn.execute("INSERT INTO labels(name, layer, colour, position) VALUES ('PERSON', 'entity', '#4e79a7', 1)")
    conn.execute("INSERT INTO relation_types(name, position) VALUES ('said_by', 1)")
    conn.execute(
        "INSERT INTO documents(id, title, text, meta, status, text_sha256, created, updated)"
        " VALUES ('d1', 'T', 'Ann 😀 Bob', '{\"k\": 1}', 'done', 'x', 'c', 'u')"
    )
    conn.executemany(
        'INSERT INTO annotations(doc, id, start, "end", label, text, attributes, created, updated)'
        " VALUES ('d1', ?, ?, ?, 'PERSON', ?, '{}', 'c', 'u')",
        [("a1", 0, 3, "Ann"), ("a2", 6, 9, "Bob")],
    )
    conn.execute("INSERT INTO relations VALUES ('d1', 'r1', 'said_by', 'a1', 'a2', '{}', 'c', 'u')")
    conn.execute("COMMIT")
    conn.close()


def _schema_sql(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    conn.close()
    return [(n, " ".join(s.split())) for n, s in rows]


@pytest.mark.parametrize("version", range(1, migrations.LATEST))
def test_upgrade_from_every_earlier_version(tmp_path: Path, version: int) -> None:
    old = tmp_path / f"v{version}.newsmark"
    _make_old_project(old, version)
    with Project.open(old) as p:
        assert migrations.version(p.db) == migrations.LATEST
        doc = p.document("d1")
        assert doc.text == "Ann 😀 Bob" and doc.status == "done" and doc.meta == {"k": 1}
        assert [(a.id, a.text) for a in doc.annotations] == [("a1", "Ann"), ("a2", "Bob")]
        assert [(r.id, r.from_id, r.to_id) for r in doc.relations] == [("r1", "a1", "a2")]
        p.add_annotation("d1", 4, 5, "PERSON")  # still writable after the upgrade
    fresh = tmp_path / "fresh.newsmark"
    Project.create(fresh).close()
    assert _schema_sql(old) == _schema_sql(fresh)


def test_latest_is_reached_from_an_empty_file(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "new.newsmark")
    assert migrations.version(p.db) == migrations.LATEST == len(migrations.MIGRATIONS)
    p.close()


def test_a_failed_upgrade_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "old.newsmark"
    _make_old_project(old, migrations.LATEST - 1)

    def broken(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("upgrade failed half way")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:-1], broken])
    with pytest.raises(RuntimeError, match="half way"):
        Project.open(old)
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST - 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 2
    conn.close()
