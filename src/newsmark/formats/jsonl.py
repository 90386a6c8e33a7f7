"""Native JSONL: one document per line, the export format of record.

``{"id", "title", "text", "meta", "status", "created", "updated",
   "annotations": [{"id", "start", "end", "label", "layer", "text", "attributes",
                    "annotator", "note", "created", "updated"}],
   "relations": [{"id", "type", "from", "to", "attributes", "created", "updated"}]}``

Offsets are code points, ``end`` exclusive.  Reading keeps ids, attributes and the text
byte for byte; export is built by SQLite's JSON functions (docs/adr/0004).
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from newsmark.core import jsonutil
from newsmark.core.errors import InputError, NewsmarkError, ValidationError
from newsmark.core.model import now, text_sha256
from newsmark.core.packing import has_identical, pack, speaker_marks
from newsmark.core.record import Record
from newsmark.core.rules import Rules
from newsmark.core.wording import counted
from newsmark.formats.jsonl_blocks import PARENT_CHECK_SECONDS as PARENT_CHECK_SECONDS
from newsmark.formats.jsonl_blocks import (
    FileChanged,
    file_identity,
    pack_block,
    worker_setup,
)
from newsmark.formats.jsonl_blocks import (
    block_lines as block_lines,  # (the workers' side, docs/adr/0008)
)
from newsmark.formats.jsonl_blocks import die_with_parent as die_with_parent
from newsmark.formats.records import (
    NATIVE_KEYS,
    Checked,
    check_record,
    check_record_bytes,
    remap_fields,
    unpack_line,
)
from newsmark.store.packed import IN_PARTS, joined
from newsmark.store.project import Project

NAME = "jsonl"
MAX_DEPTH = jsonutil.MAX_DEPTH
Progress = Callable[[int], None]
NATIVE_FIELDS = ("text", "title", "id")


def read(path: str | Path, progress: Progress | None = None,
         fields: tuple[str, str, str] = NATIVE_FIELDS, layers: dict[str, str] | None = None,
         workers: int = 0, rules: Rules | None = None,
         speaker_labels: frozenset[str] | None = None) -> Iterator[Record]:
    """Records of a JSONL file, each a document or the error that line has.

    ``progress`` is called with the number of bytes read since the last call.  ``fields``
    names the fields holding the text, title and id (for collections from elsewhere); other
    fields that are not native go to the document's meta.  Given the schema's ``layers``, the
    records come packed for the store (docs/adr/0008), by ``workers`` processes if more than
    one (native fields only); given the schema's ``rules``, each record notes what breaks them;
    given the labels with a speaker attribute, packed records bring their speaker marks for the
    search index (``core.packing.speaker_marks``).
    """
    if layers is not None and workers > 1 and fields == NATIVE_FIELDS:
        yield from _read_packed_in_workers(path, progress, layers, workers, rules=rules,
                                           speaker_labels=speaker_labels)
        return
    for number, raw in _lines(path):
        if progress:
            progress(len(raw))
        if raw.strip():
            rec = parse_line(raw, path, number, fields)
            yield rec if layers is None else _packed(rec, layers, rules, speaker_labels)


def _lines(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """The file's lines, numbered from 1, without a UTF-8 byte order mark."""
    try:
        f = Path(path).open("rb")
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", file=path) from None
    with f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield number, raw


def _packed(rec: Record, layers: dict[str, str], rules: Rules | None = None,
            speaker_labels: frozenset[str] | None = None) -> Record:
    if rec.native is not None and rec.document is not None and not has_identical(rec.native[0]):
        if rules is not None:
            rec.rule_problems = rules.problems(*rec.native)
        rec.packed = pack(*rec.native, layers, rec.label_layers, now())
        if speaker_labels is not None:
            rec.packed.speakers = speaker_marks(rec.native[0], speaker_labels)
            rec.packed.speaker_labels = speaker_labels
        rec.native = None
        rec.sha256 = text_sha256(rec.document.text)
    return rec


BLOCK_BYTES = 1 << 20  # a worker's task: the lines that begin in a megabyte of the file (~60 articles)
_AHEAD = 16  # tasks queued per worker


def _read_packed_in_workers(path: str | Path, progress: Progress | None, layers: dict[str, str], workers: int,
                            rules: Rules | None = None, speaker_labels: frozenset[str] | None = None
                            ) -> Iterator[Record]:
    """Lines are checked and packed by worker processes (spawned: the window may run Qt
    threads), each reading its blocks of the file, in order; a line the fast path leaves is
    read here by the full path.  Closing the iterator (a cancel, a bad record) stops the
    workers."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with Path(path).open("rb") as f:
            identity = file_identity(f)
            size = identity[2]
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", file=path) from None
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker_setup, initargs=(os.getpid(),))
    pending: deque[Future[tuple[list[int], list[Any]]]] = deque()
    snapshot = dict(layers)
    starts = iter(range(0, size, BLOCK_BYTES))
    name = os.path.abspath(path)  # the workers' folder is this one's, but to be sure

    def submit() -> None:
        start = next(starts, None)
        if start is not None:
            pending.append(pool.submit(pack_block, name, start, min(start + BLOCK_BYTES, size), snapshot,
                                       rules, speaker_labels, identity))

    number = 0
    try:
        for _ in range(workers * _AHEAD):
            submit()
        while pending:
            future = pending.popleft()
            submit()
            try:
                lengths, results = future.result()
            except OSError as e:  # the file went away meanwhile
                raise InputError(f"cannot read the file: {e.strerror or e}", file=path) from None
            except FileChanged:
                raise InputError("the file changed while it was read (replaced or written to); "
                                 "import it again once it is complete", file=path) from None
            for length, result in zip(lengths, results, strict=True):
                number += 1
                if progress:
                    progress(length)
                if type(result) is tuple:
                    yield unpack_line(number, result, speaker_labels)
                elif result.strip():
                    yield _packed(parse_line(result, path, number), layers, rules, speaker_labels)
    except BrokenProcessPool:  # a worker killed (out of memory, a user's kill): the machine's doing
        raise NewsmarkError(f"{path}: a worker process of the import ended abruptly (killed, or out of "
                            "memory); nothing of this file was imported: import it again") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def parse_line(raw: bytes, path: str | Path, number: int,
               fields: tuple[str, str, str] = ("text", "title", "id")) -> Record:
    if fields == NATIVE_FIELDS and (checked := check_record_bytes(raw)) is not None:
        return _record(number, checked)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return Record(number, error=InputError(
            f"bytes that are not UTF-8 at byte {e.start + 1} of the line "
            f"({raw[e.start:e.start + 4]!r}); save the file as UTF-8", file=path, line=number))
    try:
        obj = jsonutil.loads(raw)
    except ValueError as e:
        return Record(number, error=InputError(f"invalid JSON: {_json_problem(e)}", file=path, line=number))
    if isinstance(obj, dict) and (fields != NATIVE_FIELDS or not NATIVE_KEYS.issuperset(obj)):
        obj = remap_fields(obj, *fields)
    try:
        checked = check_record(obj, check_depth=raw.count(b"[") + raw.count(b"{") > MAX_DEPTH)
    except ValidationError as e:
        return Record(number, error=InputError(str(e), file=path, line=number))
    return _record(number, checked)


def _record(number: int, checked: Checked) -> Record:
    return Record(number, document=checked.document, label_layers=checked.layers, id_given=checked.id_given,
                  native=(checked.annotations, checked.relations))


def _json_problem(e: ValueError) -> str:
    if isinstance(e, json.JSONDecodeError):  # orjson's errors are JSONDecodeErrors too
        return f"{e.msg} at character {e.pos + 1} of the line"
    return str(e)


@dataclass(slots=True)
class ExportSummary:
    documents: int = 0
    annotations: int = 0
    relations: int = 0
    relations_dropped: int = 0

    def lines(self) -> list[str]:
        out = [f"exported {counted(self.documents, 'document')}, {counted(self.annotations, 'annotation')}, "
               f"{counted(self.relations, 'relation')}"]
        if self.relations_dropped:
            out.append(f"left out {counted(self.relations_dropped, 'relation')} whose annotations were "
                       "filtered out by --label or --annotator")
        return out


# Each annotation and relation is turned into JSON by SQLite, and Python only joins them into
# a document's line: fetching one BLOB per annotation instead of ten columns made the export
# ~1.6x faster (docs/adr/0004).  Attributes are stored as JSON text written by us; '{}' is by
# far the most common value and skips SQLite's JSON parser.
_ANNOTATION_JSON = """
    SELECT CAST(json_object(
        'id', a.id, 'start', a.start, 'end', a."end", 'label', a.label, 'layer', l.layer,
        'text', a.text,
        'attributes', CASE a.attributes WHEN '{}' THEN json_object() ELSE json(a.attributes) END,
        'annotator', a.annotator, 'note', a.note, 'created', a.created, 'updated', a.updated
    ) AS BLOB)
    FROM annotations a LEFT JOIN labels l ON l.name = a.label
    WHERE a.doc = ? %s
    ORDER BY a.start, a."end", a.rowid
"""
_RELATION_JSON = """
    SELECT CAST(json_object(
        'id', r.id, 'type', r.type, 'from', r.from_id, 'to', r.to_id,
        'attributes', CASE r.attributes WHEN '{}' THEN json_object() ELSE json(r.attributes) END,
        'created', r.created, 'updated', r.updated
    ) AS BLOB)
    FROM relations r
    WHERE r.doc = ? %s
    ORDER BY r.rowid
"""


def write(
    project: Project,
    out: BinaryIO,
    *,
    statuses: Sequence[str] = (),
    labels: Sequence[str] = (),
    annotators: Sequence[str] = (),
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the project (filtered by document status, annotation label and annotator) as
    native JSONL."""
    return _write(project, out, statuses, labels, annotators, progress, suggestions=False)


def write_with_suggestions(
    project: Project,
    out: BinaryIO,
    *,
    statuses: Sequence[str] = (),
    labels: Sequence[str] = (),
    annotators: Sequence[str] = (),
    progress: Progress | None = None,
) -> ExportSummary:
    """As ``write``, with each document's open suggestions (a ``suggestions`` field)."""
    return _write(project, out, statuses, labels, annotators, progress, suggestions=True)


def _write(project: Project, out: BinaryIO, statuses: Sequence[str], labels: Sequence[str],
           annotators: Sequence[str], progress: Progress | None, *, suggestions: bool) -> ExportSummary:
    label_args = list(labels)
    ann_conds, rel_conds, rel_args = [], [], []
    if labels:
        marks = ",".join("?" * len(labels))
        ann_conds.append(f"AND a.label IN ({marks})")
        rel_conds.append(
            f"AND (SELECT label FROM annotations x WHERE x.doc = r.doc AND x.id = r.from_id) IN ({marks})"
            f" AND (SELECT label FROM annotations y WHERE y.doc = r.doc AND y.id = r.to_id) IN ({marks})")
        rel_args += label_args * 2
    if annotators:
        marks = ",".join("?" * len(annotators))
        ann_conds.append(f"AND a.annotator IN ({marks})")
        label_args += list(annotators)
        rel_conds.append(
            f"AND (SELECT annotator FROM annotations x WHERE x.doc = r.doc AND x.id = r.from_id) IN ({marks})"
            f" AND (SELECT annotator FROM annotations y WHERE y.doc = r.doc AND y.id = r.to_id) IN ({marks})")
        rel_args += list(annotators) * 2
    ann_sql, rel_sql = _ANNOTATION_JSON % " ".join(ann_conds), _RELATION_JSON % " ".join(rel_conds)
    filtered = bool(labels or annotators)
    doc_sql = ("SELECT d.id, d.title, d.text, d.meta, d.status, d.created, d.updated, p.annotations, p.relations,"
               " p.annotation_count, p.relation_count"
               " FROM documents d LEFT JOIN packed p ON p.doc = d.id")
    if statuses:
        doc_sql += f" WHERE d.status IN ({','.join('?' * len(statuses))})"
    doc_sql += " ORDER BY d.rowid"
    summary = ExportSummary()
    conn = project.conn
    fragment, dumps = orjson.Fragment, orjson.dumps
    wanted = set(labels)
    wanted_annotators = set(annotators)
    conn.execute("BEGIN")  # one snapshot: the export is consistent while others write
    try:
        for (doc_id, title, text, meta, status, created, updated, packed_anns, packed_rels, packed_n_anns,
             packed_n_rels) in conn.execute(
                doc_sql, list(statuses)):
            if packed_anns == IN_PARTS:  # a merged document, kept in parts (docs/adr/0015)
                packed_anns, packed_rels = joined(conn, doc_id)
            if packed_anns is None:
                anns = [row for (row,) in conn.execute(ann_sql, [doc_id, *label_args])]
                rels = [row for (row,) in conn.execute(rel_sql, [doc_id, *rel_args])]
                if filtered:
                    n_rels = conn.execute("SELECT count(*) FROM relations WHERE doc = ?", (doc_id,)).fetchone()[0]
                    summary.relations_dropped += n_rels - len(rels)
                n_anns, n_kept_rels = len(anns), len(rels)
                ann_json, rel_json = b"[" + b",".join(anns) + b"]", b"[" + b",".join(rels) + b"]"
            elif filtered:  # a packed document, filtered: the only case that parses it
                # jsonutil: integers beyond 64 bits stay integers (orjson would make them floats)
                ann_list = [a for a in jsonutil.loads(packed_anns)
                            if (not wanted or a["label"] in wanted)
                            and (not wanted_annotators or a.get("annotator") in wanted_annotators)]
                kept = {a["id"] for a in ann_list}
                all_rels = jsonutil.loads(packed_rels)
                rel_list = [r for r in all_rels if r["from"] in kept and r["to"] in kept]
                summary.relations_dropped += len(all_rels) - len(rel_list)
                n_anns, n_kept_rels = len(ann_list), len(rel_list)
                ann_json, rel_json = jsonutil.dumps(ann_list).encode(), jsonutil.dumps(rel_list).encode()
            else:  # a packed document is stored in the export's shape and order (docs/adr/0008)
                ann_json, rel_json = packed_anns, packed_rels
                n_anns, n_kept_rels = packed_n_anns, packed_n_rels
            record = {
                "id": doc_id, "title": title, "text": text, "meta": fragment(meta), "status": status,
                "created": created, "updated": updated,
                "annotations": fragment(ann_json), "relations": fragment(rel_json),
            }
            if suggestions:
                record["suggestions"] = fragment(_suggestions_json(conn, doc_id, wanted))
            out.write(dumps(record))
            out.write(b"\n")
            summary.documents += 1
            summary.annotations += n_anns
            summary.relations += n_kept_rels
            if progress:
                progress(1)
    finally:
        conn.execute("COMMIT")
    return summary


def _suggestions_json(conn: Any, doc_id: str, labels: set[str]) -> bytes:
    """A document's open suggestions: id, recommender, score, created, spans and relations."""
    rows = conn.execute(
        "SELECT id, recommender, score, created, grp FROM suggestions WHERE doc = ? AND status = 'open'"
        ' ORDER BY start, "end", score DESC', (doc_id,))
    items = []
    for sid, recommender, score, created, grp in rows:
        group = orjson.loads(grp)
        if labels and not any(s["label"] in labels for s in group["spans"]):
            continue
        items.append({"id": sid, "recommender": recommender, "score": score, "created": created, **group})
    return orjson.dumps(items)
