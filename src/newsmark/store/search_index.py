"""Keeping the search index (schema v8: ``search_text``, ``search_marks``) in the transaction
of each write, where the triggers alone would be slow.

- ``deferred``: while an import runs, new documents' rowids wait in ``search_pending`` and are
  indexed in one statement at the end of its transaction (a trigger's insert per document made
  imports 2-3x slower).
- ``packed_marks``: the marks of a packed document, written with it (what the triggers on the
  annotations and relations tables write for rows; walking the JSON in SQL made imports 3x
  slower)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

import msgspec

from newsmark.core import jsonutil


class _MarkAnnotation(msgspec.Struct, gc=False):
    label: str
    attributes: dict[str, Any] | None = None


_decode = msgspec.json.Decoder(list[_MarkAnnotation]).decode
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _sql_text(value: Any) -> str:
    """What SQLite's ``->>`` then ``lower()`` make of a JSON value (the triggers' marks)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value.translate(_ASCII_LOWER)
    if isinstance(value, int | float):
        return str(value)
    return str(jsonutil.dumps(value)).translate(_ASCII_LOWER)


def packed_marks(conn: sqlite3.Connection, doc_id: str, annotations: bytes | str,
                 label_counts: list[tuple[str, str | None, int]], type_counts: list[tuple[str, int]]) -> None:
    """Write the marks of a packed document, as the triggers write them for rows."""
    marks: dict[str, int] = {}
    for label, annotator, n in label_counts:
        marks["l:" + label] = marks.get("l:" + label, 0) + n
        if annotator is not None:
            marks["a:" + annotator] = marks.get("a:" + annotator, 0) + n
    for rtype, n in type_counts:
        marks["t:" + rtype] = marks.get("t:" + rtype, 0) + n
    with_speaker = {r[0] for r in conn.execute(
        "SELECT name FROM labels WHERE instr(attributes, '\"speaker\"') > 0")}
    for a in _decode(annotations):
        speaker = a.attributes.get("speaker") if a.attributes else None
        if speaker is not None:
            mark = "s:" + _sql_text(speaker)
        elif a.label in with_speaker:
            mark = "s?"
        else:
            continue
        marks[mark] = marks.get(mark, 0) + 1
    conn.executemany("INSERT INTO search_marks(mark, doc, n) VALUES (?, ?, ?)"
                     " ON CONFLICT (mark, doc) DO UPDATE SET n = n + excluded.n",
                     [(m, doc_id, n) for m, n in marks.items()])


@contextlib.contextmanager
def deferred(conn: sqlite3.Connection) -> Iterator[None]:
    """Index the documents added inside in one statement at the end (the caller holds the
    write transaction, which an error rolls back with everything done here)."""
    cur = conn.execute("INSERT INTO search_defer(n) VALUES (NULL)")
    mine = cur.lastrowid
    yield
    conn.execute("DELETE FROM search_defer WHERE n = ?", (mine,))
    if conn.execute("SELECT 1 FROM search_defer").fetchone() is None:
        conn.execute("INSERT INTO search_text(rowid, text) SELECT d.rowid, d.text"
                     " FROM search_pending p JOIN documents d ON d.rowid = p.rowid")
        conn.execute("DELETE FROM search_pending")
