"""A digest of every table of a project, to compare two imports of the same file (issue #17).

    python benchmarks/dump_project.py PROJECT [OTHER]

Prints, for each table (the search index's FTS5 shadow tables included), its row count and a
SHA-256 of its rows in rowid (or primary key) order, then the search index as FTS5 reads it
(every term's documents and positions, through ``fts5vocab``) and FTS5's integrity check.
Given OTHER, prints only the differences and the first differing row of each table (exit 1
if any).  Rows of the ``project`` table that name the app version are left out.  The FTS5
shadow tables hold segments, which depend on how many transactions wrote them: the vocabulary
digest is what must match when the batches differ.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any


def _rows(conn: sqlite3.Connection, table: str) -> Iterator[tuple[Any, ...]]:
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
    pk = [r[1] for r in sorted(conn.execute(f"PRAGMA table_info('{table}')"), key=lambda r: r[5]) if r[5]]
    without_rowid = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    order = ", ".join(f'"{c}"' for c in pk) if "WITHOUT ROWID" in (without_rowid or "").upper() else "rowid"
    select = ", ".join(f'"{c}"' for c in cols)
    rowid = "" if "WITHOUT ROWID" in (without_rowid or "").upper() else "rowid, "
    for row in conn.execute(f"SELECT {rowid}{select} FROM '{table}' ORDER BY {order}"):
        if table == "project" and row[1] in ("app_version",):
            continue
        yield row


def _integrity(path: str, fts: str) -> str:
    """FTS5's integrity check (it reads only, but takes a write connection)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
    except sqlite3.Error as e:
        return str(e)
    finally:
        conn.close()
    return "ok"


def digest(path: str) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out: dict[str, tuple[int, str]] = {}
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]
    for table in tables:
        h, n = hashlib.sha256(), 0
        for row in _rows(conn, table):
            h.update(repr(row).encode("utf-8", "surrogatepass"))
            n += 1
        out[table] = (n, h.hexdigest()[:16])
    for fts in ("search_text", "search_marks_fts"):
        conn.execute(f"CREATE VIRTUAL TABLE temp.v_{fts} USING fts5vocab(main, {fts}, instance)")
        h, n = hashlib.sha256(), 0
        for row in conn.execute(f"SELECT * FROM temp.v_{fts} ORDER BY term, doc, col, offset"):
            h.update(repr(row).encode())
            n += 1
        out[f"vocab:{fts}"] = (n, h.hexdigest()[:16])
        out[f"integrity:{fts}"] = (0, _integrity(path, fts))
    out["pragma:user_version"] = (conn.execute("PRAGMA user_version").fetchone()[0], "")
    out["pragma:journal_mode"] = (0, conn.execute("PRAGMA journal_mode").fetchone()[0])
    return out


def first_difference(a: str, b: str, table: str) -> str:
    ca, cb = sqlite3.connect(f"file:{a}?mode=ro", uri=True), sqlite3.connect(f"file:{b}?mode=ro", uri=True)
    for n, (ra, rb) in enumerate(zip(_rows(ca, table), _rows(cb, table), strict=False)):
        if ra != rb:
            return f"row {n}: {repr(ra)[:300]}\n      vs {repr(rb)[:300]}"
    return "one has more rows"


def main() -> int:
    paths = sys.argv[1:]
    if len(paths) == 1:
        for name, (n, h) in digest(paths[0]).items():
            print(f"{name:32} {n:9} {h}")
        return 0
    a, b = digest(paths[0]), digest(paths[1])
    differ = 0
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            differ += 1
            print(f"{name}: {a.get(name)} vs {b.get(name)}")
            if not name.startswith(("vocab:", "integrity:", "pragma:")) and name in a and name in b:
                print("   ", first_difference(paths[0], paths[1], name))
    print("same" if not differ else f"{differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
