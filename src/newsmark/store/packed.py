"""Reading and writing packed documents kept in parts (docs/adr/0015).

A merged document's row in ``packed`` holds its counts and '' for its annotations and
relations; its JSON is in ``packed_parts``, one row per source, as it was in that source.
Every read goes through here and gets the JSON the document would have had packed whole
(``core.packing.join_parts``): the same bytes, so that reads, exports and checks cannot tell
the two forms apart."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence

from newsmark.core import jsonutil
from newsmark.core.packing import Part, join_parts
from newsmark.store import search_index

IN_PARTS = ""  # the annotations and relations of a packed row whose document is in parts
_PARTS_SQL = ("SELECT source, stamp, CAST(annotations AS BLOB), CAST(relations AS BLOB)"
              " FROM packed_parts WHERE doc = ? ORDER BY part")


def parts(conn: sqlite3.Connection, doc_id: str) -> list[Part]:
    """A document's parts, in order (none: it is not in parts)."""
    return [Part(*row) for row in conn.execute(_PARTS_SQL, (doc_id,))]


def joined(conn: sqlite3.Connection, doc_id: str) -> tuple[bytes, bytes]:
    """A document in parts: its annotations and relations as one packed JSON."""
    return join_parts(parts(conn, doc_id))


def packed_json(conn: sqlite3.Connection, doc_id: str) -> tuple[bytes, bytes] | None:
    """A packed document's annotations and relations as packed JSON (bytes), or None when the
    document is not packed."""
    row = conn.execute("SELECT CAST(annotations AS BLOB), CAST(relations AS BLOB) FROM packed WHERE doc = ?",
                       (doc_id,)).fetchone()
    if row is None:
        return None
    if row[0] == b"":
        return joined(conn, doc_id)
    return row[0], row[1]


def whole(conn: sqlite3.Connection, doc_id: str, annotations: str | bytes, relations: str | bytes
          ) -> tuple[str | bytes, str | bytes]:
    """A packed row's annotations and relations as read (``SELECT annotations, relations FROM
    packed``), or, for a document in parts, the JSON of its parts joined."""
    if annotations == IN_PARTS or annotations == b"":
        return joined(conn, doc_id)
    return annotations, relations


IN_MAX = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 900  # SQLite's limit of parameters
"""Documents asked for by id (up to this many) are looked up by their index; more are read in
one scan, the others skipped (half a project, as agreement's second process reads it, takes
half the time looked up)."""


def documents_parts(conn: sqlite3.Connection, doc_ids: Collection[str] | None = None, *,
                    with_relations: bool = True) -> Iterator[tuple[str, list[Part]]]:
    """Each packed document (or those of ``doc_ids``) as its parts, the JSON as bytes: a
    document packed whole is one part whose ``source`` is None (read as it is); in a merged
    document's parts, ids take the source's name before them and annotations without an
    annotator take that name (``core.packing.part_items``).  Relations are b"[]" without
    ``with_relations``."""
    rel_col = "CAST(relations AS BLOB)" if with_relations else "x'5b5d'"
    where = ""
    args: tuple[str, ...] = ()
    if doc_ids is not None and len(doc_ids) <= IN_MAX:
        where, args = f" WHERE doc IN ({','.join('?' * len(doc_ids))})", tuple(doc_ids)
    in_parts: list[str] = []
    for doc_id, anns, rels in conn.execute(
            f"SELECT doc, CAST(annotations AS BLOB), {rel_col} FROM packed{where}", args):
        if doc_ids is not None and doc_id not in doc_ids:
            continue
        if anns == b"":
            in_parts.append(doc_id)
        else:
            yield doc_id, [Part(None, None, anns, rels)]
    if not in_parts:
        return
    wanted = set(in_parts)
    current: str | None = None
    got: list[Part] = []
    for doc_id, source, stamp, anns, rels in conn.execute(
            f"SELECT doc, source, stamp, CAST(annotations AS BLOB), {rel_col} FROM packed_parts{where}"
            " ORDER BY doc, part", args):
        if doc_id not in wanted:
            continue
        if doc_id != current:
            if current is not None:
                yield current, got
            current, got = doc_id, []
        got.append(Part(source, stamp, anns, rels))
    if current is not None:
        yield current, got


def insert_parts(conn: sqlite3.Connection, doc_id: str, new: Sequence[Part],
                 label_counts: list[tuple[str, str | None, int]], type_counts: list[tuple[str, int]],
                 annotation_count: int, relation_count: int,
                 speakers: list[str] | None = None) -> None:
    """Store a new document's annotations and relations in parts (the merge's path), with the
    counts of the document they make (``core.packing.part_label_counts``) and its search
    marks: ``speakers``, the speaker marks (``s:…``, ``s?``) of its parts as their sources
    have them (``search_index.speaker_marks``), or None to find them here.  The caller holds the write transaction."""
    conn.execute(
        "INSERT INTO packed(doc, labels, types, annotations, relations, annotation_count, relation_count)"
        " VALUES (?, ?, ?, '', '', ?, ?)",
        (doc_id, jsonutil.dumps(label_counts), jsonutil.dumps(type_counts), annotation_count, relation_count))
    # the JSON goes in as the UTF-8 bytes it is, made TEXT by SQLite (no round trip through str)
    conn.executemany(
        "INSERT INTO packed_parts(doc, part, source, stamp, annotations, relations)"
        " VALUES (?, ?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT))",
        [(doc_id, i, p.source, p.stamp, p.annotations, p.relations) for i, p in enumerate(new)])
    if speakers is None:  # the marks need labels and speakers: the parts' annotations as one list serve
        search_index.packed_marks(conn, doc_id, _concatenated(p.annotations for p in new), label_counts,
                                  type_counts)
        return
    search_index.packed_marks_given(conn, doc_id, label_counts, type_counts, speakers)


def _concatenated(lists: Iterable[bytes]) -> bytes:
    inner = [b.strip()[1:-1] for b in lists if len(b.strip()) > 2]
    return b"[" + b",".join(inner) + b"]"
