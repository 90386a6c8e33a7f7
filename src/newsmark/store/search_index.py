"""Keeping the search index (``search_text``, and the marks: ``search_marks_fts`` over
``search_doc_marks``, schema v7) in the transaction of each write, where the triggers alone
would be slow.

A document's marks (``l:LABEL``, ``a:ANNOTATOR``, ``t:TYPE``, ``s:speaker``, ``s?``) are one
row of ``search_doc_marks``: each mark written as a token ``m<id>`` (its id in
``search_mark_names``), indexed by the FTS5 table ``search_marks_fts`` (``detail=none``: which
documents, no positions), so that an annotation condition is one MATCH expression.  Documents
with rows have their marks counted in ``search_marks`` by the triggers on the annotations and
relations tables, which rewrite the document's row when a mark comes or goes; a packed
document's row is written with it (``packed_marks``).

- ``deferred``: while an import runs, the documents after ``search_pending``'s one rowid (the
  last before it) wait, and are indexed (text and marks) in one statement each at the end of
  its transaction (a trigger's insert per document made imports 2-3x slower).
- ``packed_marks``: the marks of a packed document (what the triggers keep for rows; walking
  the JSON in SQL made imports 3x slower)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from newsmark.core.packing import speaker_name


class _Speaker(msgspec.Struct, gc=False):
    speaker: Any = None  # the only attribute the marks need (the others are skipped unread)


class _MarkAnnotation(msgspec.Struct, gc=False):
    label: str
    attributes: _Speaker | None = None


_decode = msgspec.json.Decoder(list[_MarkAnnotation]).decode


def token(mark_id: int) -> str:
    """A mark's token in ``search_doc_marks`` and ``search_marks_fts``."""
    return f"m{mark_id}"


class _Marks:
    """The tokens of marks by name (``search_mark_names``, which gains the new ones) and the
    labels with a speaker attribute; while an import runs, loaded once (the labels it adds have
    no attribute definitions)."""

    def __init__(self, conn: sqlite3.Connection, importing: bool) -> None:
        self.conn = conn
        self.by_kind: dict[str, dict[str, str]] = {k: {} for k in ("l:", "a:", "t:", "s:", "s?")}
        if importing:
            for mark, mark_id in conn.execute("SELECT mark, id FROM search_mark_names"):
                self.by_kind.setdefault(mark[:2], {})[mark[2:]] = token(mark_id)
        self.with_speaker = labels_with_speaker(conn)
        # the tokens of marks given with their speakers, by (labels and annotators, types, speakers)
        self.given: dict[tuple[tuple[tuple[str, str | None], ...], tuple[str, ...], tuple[str, ...]], str] = {}

    def token(self, kind: str, name: str) -> str:
        """The token of the mark ``kind + name``, named in ``search_mark_names`` if new."""
        known = self.by_kind[kind]
        tok = known.get(name)
        if tok is None:
            mark = kind + name
            row = self.conn.execute("SELECT id FROM search_mark_names WHERE mark = ?", (mark,)).fetchone()
            mark_id = row[0] if row else self.conn.execute(
                "INSERT INTO search_mark_names(mark) VALUES (?)", (mark,)).lastrowid
            assert mark_id is not None
            tok = known[name] = token(mark_id)
        return tok

    def of_packed(self, annotations: bytes | str, label_counts: list[tuple[str, str | None, int]],
                  type_counts: list[tuple[str, int]]) -> str:
        """A packed document's marks, as the triggers count them for rows, as tokens."""
        by_kind = self.by_kind
        labels, annotators, with_speaker = by_kind["l:"], by_kind["a:"], self.with_speaker
        toks = set()
        speaker_labels = False
        for label, annotator, _n in label_counts:
            toks.add(labels.get(label) or self.token("l:", label))
            if annotator is not None:
                toks.add(annotators.get(annotator) or self.token("a:", annotator))
            if label in with_speaker:
                speaker_labels = True
        if type_counts:
            types = by_kind["t:"]
            for rtype, _n in type_counts:
                toks.add(types.get(rtype) or self.token("t:", rtype))
        if speaker_labels or b'"speaker"' in (annotations if isinstance(annotations, bytes) else annotations.encode()):
            speakers = by_kind["s:"]
            for a in _decode(annotations):
                attributes = a.attributes
                if attributes is not None and (speaker := attributes.speaker) is not None:
                    name = speaker_name(speaker)
                    toks.add(speakers.get(name) or self.token("s:", name))
                elif a.label in with_speaker:
                    toks.add(self.token("s?", ""))
        return " ".join(toks)


def packed_marks(conn: sqlite3.Connection, doc_id: str, annotations: bytes | str,
                 label_counts: list[tuple[str, str | None, int]], type_counts: list[tuple[str, int]],
                 speakers: list[str] | None = None, speaker_labels: frozenset[str] | None = None) -> None:
    """Write the marks of a new packed document: one row of ``search_doc_marks``.  Its speaker
    marks are ``speakers`` when given and found with the labels that have a speaker attribute
    now (``speaker_labels``: an import's workers find them, ``core.packing.speaker_marks``),
    else found here in the JSON."""
    tokens = packed_tokens(conn, annotations, label_counts, type_counts, speakers, speaker_labels)
    if tokens:  # now, while the document's row is in the page cache (an import's are indexed at its end)
        conn.execute(INSERT_MARKS, (tokens, doc_id))


# a new document's marks row, given (tokens, document id); executemany'd by an import (one a batch)
INSERT_MARKS = "INSERT INTO search_doc_marks(doc_rowid, marks) SELECT rowid, ? FROM documents WHERE id = ?"
# the same given (tokens, document rowid)
INSERT_MARKS_AT = "INSERT INTO search_doc_marks(marks, doc_rowid) VALUES (?, ?)"


def packed_tokens(conn: sqlite3.Connection, annotations: bytes | str,
                  label_counts: list[tuple[str, str | None, int]], type_counts: list[tuple[str, int]],
                  speakers: list[str] | None = None, speaker_labels: frozenset[str] | None = None) -> str:
    """The tokens of a new packed document's marks (see ``packed_marks``), marks new to the
    project named in ``search_mark_names``; ``""``: none."""
    marks = _importing.get(id(conn)) or _Marks(conn, importing=False)
    if speakers is not None and speaker_labels == marks.with_speaker:
        return _given_tokens(marks, label_counts, type_counts, speakers)
    return marks.of_packed(annotations, label_counts, type_counts)


def packed_marks_given(conn: sqlite3.Connection, doc_id: str, label_counts: list[tuple[str, str | None, int]],
                      type_counts: list[tuple[str, int]], speakers: list[str]) -> None:
    """Write the marks of a new packed document whose speaker marks (``s:NAME``, ``s?``) are
    known (a merge takes them from its sources, see ``speaker_marks``): no annotation decoded."""
    tokens = _given_tokens(_importing.get(id(conn)) or _Marks(conn, importing=False), label_counts,
                           type_counts, speakers)
    if tokens:
        conn.execute(INSERT_MARKS, (tokens, doc_id))


def _given_tokens(marks: _Marks, label_counts: list[tuple[str, str | None, int]],
                  type_counts: list[tuple[str, int]], speakers: list[str]) -> str:
    # an import's documents mostly share their marks: the tokens of a set seen before are the
    # same string (the names it made are still there: the cache lives as long as the _Marks)
    key = (tuple([(label, annotator) for label, annotator, _n in label_counts]),
           tuple([rtype for rtype, _n in type_counts]), tuple(speakers))
    tokens = marks.given.get(key)
    if tokens is None:
        toks = set(marks.of_packed(b"[]", label_counts, type_counts).split())
        for mark in speakers:
            toks.add(marks.token(mark[:2], mark[2:]))
        tokens = marks.given[key] = " ".join(sorted(toks))
    return tokens


def speaker_marks(conn: sqlite3.Connection, doc_id: str | None = None) -> dict[str, list[str]]:
    """The speaker marks (``s:NAME``, ``s?``) of each document that has some (or of ``doc_id``),
    by name, read from the documents' marks (packed documents and documents with rows alike)."""
    names = {token(mark_id): mark for mark_id, mark in conn.execute(
        "SELECT id, mark FROM search_mark_names WHERE mark >= 's' AND mark < 't'")}
    if not names:
        return {}
    sql = "SELECT d.id, m.marks FROM search_doc_marks m JOIN documents d ON d.rowid = m.doc_rowid"
    rows = conn.execute(sql + " WHERE d.id = ?", (doc_id,)) if doc_id is not None else conn.execute(sql)
    out: dict[str, list[str]] = {}
    for doc, marks in rows:
        found = [names[t] for t in marks.split() if t in names]
        if found:
            out[doc] = found
    return out


# the marks of the import running on a connection
_importing: dict[int, _Marks] = {}


def labels_with_speaker(conn: sqlite3.Connection) -> frozenset[str]:
    """The labels whose speaker attribute makes speaker marks (``s?`` when an annotation has none)."""
    return frozenset(r[0] for r in conn.execute(
        "SELECT name FROM labels WHERE instr(attributes, '\"speaker\"') > 0"))


@dataclass(slots=True)
class Deferred:
    """What the caller of ``deferred`` may tell it: ``texts``, the (rowid, text) of every document
    added inside, in rowid order (an import has them in hand), are indexed as they are, not read
    back from the documents (~0.05 s of 10,000 articles' 0.3 s).  Checked to be every document
    after the waiting rowid, else the documents are read as usual."""

    texts: list[tuple[int, str]] | None = None


@contextlib.contextmanager
def deferred(conn: sqlite3.Connection) -> Iterator[Deferred]:
    """Index the documents added inside in one statement at the end (the caller holds the
    write transaction, which an error rolls back with everything done here)."""
    trigger = None
    if conn.execute("SELECT 1 FROM search_pending").fetchone() is None:
        # the documents after the last rowid now wait (the other triggers skip them) until the
        # end, and the trigger that indexes a new document is dropped until then (in this
        # transaction, which restores it if rolled back): firing it, even to do nothing, cost
        # ~6,000 instructions a document (callgrind), ~2% of an import
        conn.execute("INSERT INTO search_pending(rowid) SELECT coalesce(max(rowid), 0) FROM documents")
        (trigger,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                                  " AND name = 'search_text_insert'").fetchone()
        conn.execute("DROP TRIGGER search_text_insert")
    cur = conn.execute("INSERT INTO search_defer(n) VALUES (NULL)")
    mine = cur.lastrowid
    outer = id(conn) not in _importing
    if outer:
        _importing[id(conn)] = _Marks(conn, importing=True)
    given = Deferred()
    try:
        yield given
    finally:
        if outer:
            del _importing[id(conn)]
    conn.execute("DELETE FROM search_defer WHERE n = ?", (mine,))
    if trigger is not None:
        (last,) = conn.execute("SELECT rowid FROM search_pending").fetchone()
        conn.execute("DELETE FROM search_pending")
        conn.execute(trigger)
        # FTS5 merges its segments less eagerly while it takes a batch (16 of a size before a
        # merge, not 4): a batched import of 100,000 documents indexed in 1.2 s of CPU, not 1.7
        conn.execute("INSERT INTO search_text(search_text, rank) VALUES ('automerge', 16)")
        texts = given.texts
        (top,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()
        if texts is not None and len(texts) == top - last and all(
                rowid == last + i for i, (rowid, _text) in enumerate(texts, start=1)):
            conn.executemany("INSERT INTO search_text(rowid, text) VALUES (?, ?)", texts)
        else:
            conn.execute("INSERT INTO search_text(rowid, text) SELECT rowid, text FROM documents WHERE rowid > ?",
                         (last,))
        conn.execute("INSERT INTO search_text(search_text, rank) VALUES ('automerge', 4)")
        conn.execute("INSERT INTO search_marks_fts(rowid, marks) SELECT doc_rowid, marks FROM search_doc_marks"
                     " WHERE doc_rowid > ?", (last,))


def match(conn: sqlite3.Connection, groups: list[list[str]]) -> str | None:
    """The MATCH expression on ``search_marks_fts`` for documents holding a mark of each group
    (None: a group none of whose marks any document has ever had)."""
    parts = []
    for group in groups:
        ids = [r[0] for r in conn.execute(
            f"SELECT id FROM search_mark_names WHERE mark IN ({','.join('?' * len(group))})", group)]
        if not ids:
            return None
        parts.append("(" + " OR ".join(token(i) for i in sorted(ids)) + ")")
    return " AND ".join(parts)


def marks_named(conn: sqlite3.Connection, low: str, high: str) -> list[str]:
    """The marks ever written between ``low`` and ``high`` (exclusive), such as every speaker
    name ("s:" to "s;"); a mark no document holds any more may be among them."""
    return [r[0] for r in conn.execute(
        "SELECT mark FROM search_mark_names WHERE mark > ? AND mark < ? ORDER BY mark", (low, high))]


def documents_marked(conn: sqlite3.Connection, marks: list[str]) -> list[tuple[str, str]]:
    """(id, title) of the documents holding one of ``marks``, in project order."""
    expr = match(conn, [marks]) if marks else None
    if expr is None:
        return []
    return conn.execute("SELECT d.id, d.title FROM search_marks_fts f JOIN documents d ON d.rowid = f.rowid"
                        " WHERE search_marks_fts MATCH ? ORDER BY f.rowid", (expr,)).fetchall()


def document_marks(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every (document id, mark) the index holds, sorted (for checks and tests)."""
    names = {token(i): m for i, m in conn.execute("SELECT id, mark FROM search_mark_names")}
    out: list[tuple[str, str]] = []
    for doc, marks in conn.execute(
            "SELECT d.id, m.marks FROM search_doc_marks m JOIN documents d ON d.rowid = m.doc_rowid"):
        out.extend((doc, names[t]) for t in marks.split())
    return sorted(out)
