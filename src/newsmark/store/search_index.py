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


class _Speaker(msgspec.Struct, gc=False):
    speaker: Any = None  # the only attribute the marks need (the others are skipped unread)


class _MarkAnnotation(msgspec.Struct, gc=False):
    label: str
    attributes: _Speaker | None = None


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
    with_speaker = _speaker_labels.get(id(conn))
    if with_speaker is None:
        with_speaker = _labels_with_speaker(conn)
    if b'"speaker"' not in (annotations if isinstance(annotations, bytes) else annotations.encode()) and not (
            with_speaker and any(c[0] in with_speaker for c in label_counts)):
        anns: list[_MarkAnnotation] = []
    else:
        anns = _decode(annotations)
    for a in anns:
        speaker = a.attributes.speaker if a.attributes is not None else None
        if speaker is not None:
            mark = "s:" + _sql_text(speaker)
        elif a.label in with_speaker:
            mark = "s?"
        else:
            continue
        marks[mark] = marks.get(mark, 0) + 1
    rows = [(m, doc_id, n) for m, n in marks.items()]
    waiting = _waiting.get(id(conn))
    if waiting is not None:  # written with the import's other marks, at its end
        waiting.extend(rows)
    else:
        _write_marks(conn, rows)


def _write_marks(conn: sqlite3.Connection, rows: list[tuple[str, str, int]]) -> None:
    # new documents: none of their marks exist yet
    rows.sort()
    conn.executemany("INSERT INTO search_marks(mark, doc, n) VALUES (?, ?, ?)", rows)


_waiting: dict[int, list[tuple[str, str, int]]] = {}


# the labels with a speaker attribute, while an import runs (the labels it adds have no
# attribute definitions)
_speaker_labels: dict[int, frozenset[str]] = {}


def _labels_with_speaker(conn: sqlite3.Connection) -> frozenset[str]:
    return frozenset(r[0] for r in conn.execute(
        "SELECT name FROM labels WHERE instr(attributes, '\"speaker\"') > 0"))


@contextlib.contextmanager
def deferred(conn: sqlite3.Connection) -> Iterator[None]:
    """Index the documents added inside in one statement at the end (the caller holds the
    write transaction, which an error rolls back with everything done here)."""
    cur = conn.execute("INSERT INTO search_defer(n) VALUES (NULL)")
    mine = cur.lastrowid
    outer = id(conn) not in _speaker_labels
    if outer:
        _speaker_labels[id(conn)] = _labels_with_speaker(conn)
        _waiting[id(conn)] = []
    try:
        yield
        if outer:
            _write_marks(conn, _waiting[id(conn)])
    finally:
        if outer:
            del _speaker_labels[id(conn)]
            del _waiting[id(conn)]
    conn.execute("DELETE FROM search_defer WHERE n = ?", (mine,))
    if conn.execute("SELECT 1 FROM search_defer").fetchone() is None and \
            conn.execute("SELECT 1 FROM search_pending LIMIT 1").fetchone() is not None:
        # FTS5 merges its segments less eagerly while it takes a batch (16 of a size before a
        # merge, not 4): a batched import of 100,000 documents indexed in 1.2 s of CPU, not 1.7
        conn.execute("INSERT INTO search_text(search_text, rank) VALUES ('automerge', 16)")
        conn.execute("INSERT INTO search_text(rowid, text) SELECT d.rowid, d.text"
                     " FROM search_pending p JOIN documents d ON d.rowid = p.rowid")
        conn.execute("INSERT INTO search_text(search_text, rank) VALUES ('automerge', 4)")
        conn.execute("DELETE FROM search_pending")
