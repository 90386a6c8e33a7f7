"""Putting read documents into a project: merging, de-duplicating, all or nothing per file."""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import msgspec

from newsmark.core import jsonutil
from newsmark.core.atomicfile import process_tag, remove_stale_partials
from newsmark.core.errors import InputError, NewsmarkError, ProjectError
from newsmark.core.model import (
    Annotation,
    NativeAnnotation,
    NativeRelation,
    Relation,
    default_title,
    now,
    text_sha256,
)
from newsmark.core.packing import (
    Packed,
    decode_annotations,
    decode_relations,
    has_identical,
    pack,
    relayer,
)
from newsmark.core.record import Record
from newsmark.core.rules import Rules
from newsmark.core.wording import counted, plural
from newsmark.store import search_index
from newsmark.store.bulk import bulk_write
from newsmark.store.project import BUSY_TIMEOUT_MS, Project

# A new document with more annotations than this is stored as rows, not packed: its first edit
# would move them all into rows at once (~1.3 ms per 100: 200 cost 2.6 ms on top of the add).
PACKED_MAX = 200


class ImportCancelled(Exception):
    """Raised by a progress callback to stop an import; the file in progress is rolled back."""


@dataclass(slots=True)
class ImportSummary:
    files: int = 0
    documents_added: int = 0
    documents_merged: int = 0  # existing documents that received new annotations
    documents_unchanged: int = 0  # already in the project with everything they carry
    duplicates: list[str] = field(default_factory=list)  # "file (line N): same text as document X"
    annotations_identical: int = 0  # identical to one in the document (span, label, annotator)
    relations_identical: int = 0  # identical to one in the document (type and ends)
    annotations_added: int = 0
    relations_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    relation_types_added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # bad records left out (--skip-bad)
    failed: list[str] = field(default_factory=list)  # whole files that could not be imported
    trimmed: list[str] = field(default_factory=list)  # text files whose page chrome was cut
    links_left_out: list[str] = field(default_factory=list)  # links leading out of a folder imported
    off_schema: list[str] = field(default_factory=list)  # imported, but the schema's rules say otherwise

    def lines(self) -> list[str]:
        out = [
            f"imported {counted(self.documents_added, 'new document')}"
            + (f", added to {counted(self.documents_merged, 'existing one')}" if self.documents_merged else "")
            + f": {counted(self.annotations_added, 'annotation')}, {counted(self.relations_added, 'relation')}"
        ]
        if self.documents_unchanged:
            n = self.documents_unchanged
            out.append(f"{counted(n, 'document')} {plural(n, 'was')} already in the project unchanged")
        if self.annotations_identical or self.relations_identical:
            what = [counted(n, noun) for n, noun in ((self.annotations_identical, "duplicate annotation"),
                                                     (self.relations_identical, "duplicate relation")) if n]
            out.append(f"skipped {' and '.join(what)} already in their documents (identical: same span, "
                       "label and annotator; same type and ends)")
        if self.duplicates:
            out.append(f"skipped {counted(len(self.duplicates), 'duplicate')} (same text as a document in the project):")
            out += [f"  {d}" for d in self.duplicates]
        if self.labels_added:
            out.append("labels added to the schema: " + ", ".join(self.labels_added))
        if self.relation_types_added:
            out.append("relation types added to the schema: " + ", ".join(self.relation_types_added))
        if self.links_left_out:
            out.append(f"left out {counted(len(self.links_left_out), 'link')} leading out of the folders "
                       "imported (not followed):")
            out += [f"  {s}" for s in self.links_left_out]
        if self.skipped:
            out.append(f"skipped {counted(len(self.skipped), 'bad record')}:")
            out += [f"  {s}" for s in self.skipped]
        if self.trimmed:
            out.append(f"kept only the article of {counted(len(self.trimmed), 'text file')} with page chrome around it "
                       "(the whole file is stored with the document; to keep everything, import with --whole-text or turn "
                       "this off in the window's Preferences):")
            out += [f"  {t}" for t in self.trimmed]
        if self.off_schema:
            out.append(f"{len(self.off_schema)} annotations or relations do not follow the project's schema; "
                       "they were imported as they are, and the window asks for a valid value when one "
                       "of them is edited:")
            out += [f"  {p}" for p in self.off_schema[:MAX_LISTED]]
            if len(self.off_schema) > MAX_LISTED:
                out.append(f"  … and {len(self.off_schema) - MAX_LISTED} more")
        return out

    def failure_lines(self) -> list[str]:
        """The files that could not be imported, each with its reason."""
        if not self.failed:
            return []
        return [f"{counted(len(self.failed), 'file')} not imported:",
                *(f"  {s}" for s in self.failed)]


RecordSource = Iterable[Record] | Callable[[], Iterable[Record]]
MAX_LISTED = 20  # what breaks the schema, listed in the summary; the rest are counted


@dataclass(slots=True)
class _Added:
    """What one file has added so far, to take back on cancel in batched mode (docs/adr/0012).

    Each document it created or added to has the fingerprint it had after this import wrote
    it: the take-back removes only what nobody has touched since."""

    documents: list[str] = field(default_factory=list)
    annotations: list[tuple[str, str]] = field(default_factory=list)  # (doc, id) in existing docs
    relations: list[tuple[str, str]] = field(default_factory=list)
    fingerprints: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)  # existing documents it added to
    key: str = ""  # its row in the project table, listing its documents for other writers
    in_batch: list[str] = field(default_factory=list)  # documents written by the current batch
    listed: set[str] = field(default_factory=set)  # every document it has put on its row
    # the fingerprints of the current batch's new packed documents, made from what was written
    # (not read back: a query per document cost ~6% of a large import); a document written to
    # again in the batch is read back instead
    written: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def import_records(
    project: Project,
    records: RecordSource,
    summary: ImportSummary,
    *,
    source: str,
    skip_bad: bool = False,
    dedupe_text: bool = False,
    unique_ids: bool = False,
    batch: int | None = None,
    bulk_batch: int | None = None,
) -> None:
    """Import one file's records; a bad record (unless ``skip_bad``), an ``ImportCancelled``
    or any failure leaves the project as it was before this file.

    Documents are matched by id: a record for a document already present (same text) adds
    only the annotations and relations the project lacks, so importing again adds nothing.
    Without an id, or with ``dedupe_text``, a record whose text is already present is a
    duplicate and is skipped.  With ``unique_ids`` (ids made from file names), an id taken by
    another text gets a suffix (``-2``, ``-3``...) instead of being an error.

    ``records`` is an iterable, or a function returning an iterator over the file.  Given
    ``batch`` (documents per transaction), a large file is written in transactions of
    ``batch`` documents, so that other writers (the window) get their turn during a long
    import; a bad record (unless ``skip_bad``), a cancel or any failure then takes back the
    batches already committed, so the file still adds all or nothing.  Given ``bulk_batch``, a
    first import (into an empty project nobody else has open, written with a rollback journal:
    store/bulk.py) has transactions of that many documents while the project stays so (each
    transaction has a cost of its own: its commit, its part of the search index).  A crash leaves only
    whole documents, and importing the file again adds the rest.  Without ``batch`` the file
    is one transaction.  (An earlier version read a large file twice, checking it before
    writing; the second parse made imports ~40% slower: benchmarks/bench_jsonl.py.)
    """
    local = ImportSummary()
    known = _Known()
    items = records() if callable(records) else records
    try:
        if batch is None:
            with project.write(), search_index.deferred(project.conn) as index:
                known.new = _NewDocuments()
                known.stamp = None
                for rec in items:
                    _import_checked(project, rec, local, known, source, skip_bad, dedupe_text, unique_ids)
                known.new.write(project)
                index.texts = known.new.texts
        else:
            # the first import into an empty project writes its pages once (a rollback journal,
            # not WAL) when no one else has the project open
            empty = project.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None
            with bulk_write(project, rollback_journal=empty) as alone, _no_cycle_collection():
                _import_batched(project, items, local, known, source, skip_bad, dedupe_text, unique_ids, batch,
                                bulk_batch if alone else None)
    finally:
        _close(items)
    summary.files += 1
    summary.documents_added += local.documents_added
    summary.documents_merged += local.documents_merged
    summary.documents_unchanged += local.documents_unchanged
    summary.duplicates += local.duplicates
    summary.annotations_identical += local.annotations_identical
    summary.relations_identical += local.relations_identical
    summary.annotations_added += local.annotations_added
    summary.relations_added += local.relations_added
    summary.labels_added += local.labels_added
    summary.relation_types_added += local.relation_types_added
    summary.skipped += local.skipped
    summary.off_schema += local.off_schema


_collection_paused = 0  # imports running that paused the cycle collector (see _no_cycle_collection)
_collection_lock = threading.Lock()


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while a large file is imported: its passes over the records
    in flight (and, the larger the heap, over everything else) cost ~8% of the importer's CPU,
    and an import makes no cycles to speak of (the collector, on again at the end, finds any).
    Left alone if something else turned it off."""
    global _collection_paused
    with _collection_lock:
        paused = gc.isenabled() or _collection_paused > 0
        if paused:
            gc.disable()
            _collection_paused += 1
    try:
        yield
    finally:
        if paused:
            with _collection_lock:
                _collection_paused -= 1
                if _collection_paused == 0:
                    gc.enable()


def _import_checked(project: Project, rec: Record, summary: ImportSummary, known: _Known,
                    source: str, skip_bad: bool, dedupe_text: bool, unique_ids: bool,
                    added: _Added | None = None) -> None:
    """One record, or its error: raised, or listed as skipped with ``skip_bad``."""
    if rec.error is not None:
        if skip_bad:
            summary.skipped.append(str(rec.error))
            return
        raise rec.error
    try:
        _import_one(project, rec, summary, known, source=source, dedupe_text=dedupe_text,
                    unique_ids=unique_ids, added=added)
    except InputError as e:
        if not skip_bad:
            raise
        summary.skipped.append(str(e))


def _close(items: object) -> None:
    """Stop a reader (its worker processes) here and now: left to the garbage collector, a
    generator may be finalised in one of the pool's own threads, which cannot join itself."""
    close = getattr(items, "close", None)
    if close is not None:
        close()


PENDING_PREFIX = "import-pending:"  # project-table rows of batched imports in progress


def _pending_key() -> str:
    import socket
    import uuid

    return f"{PENDING_PREFIX}{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class _Reserve:
    """Disk space held beside the project while a batched import runs, and given back to the
    disk for its take-back (docs/adr/0012).  If the disk fills, the journal may hold committed
    batches that the project file has not received yet; the take-back's first checkpoint needs
    that much room in the project file, then its deletes a little more.  So before each batch
    it holds as much as the journal can hold after it: the journal's size so far, or the batch's
    own size if larger, and a margin.  Named like a temporary file (core.atomicfile), so that a
    killed import's is removed by the next."""

    MARGIN = 2 * 1024 * 1024

    def __init__(self, project: Project) -> None:
        self.project = project
        self.real = project.path.resolve()  # the file a link leads to: its disk, its journal
        self.path = self.real.with_name(f".{self.real.name}.{process_tag()}-take-back-reserve.partial")
        self.size = 0
        remove_stale_partials(self.real)

    def hold(self, chunk: list[Record]) -> None:
        """Before a batch: hold enough for a take-back after it (a full disk stops the import)."""
        try:
            journal = Path(f"{self.real}-wal").stat().st_size
        except OSError:
            journal = 0
        want = self.MARGIN + max(journal, sum(_stored_size(rec) for rec in chunk))
        if want <= self.size:
            return
        try:
            with open(self.path, "ab") as f:
                if hasattr(os, "posix_fallocate"):
                    os.posix_fallocate(f.fileno(), 0, want)
                else:  # pragma: no cover (Windows; macOS, where the file may be sparse)
                    f.seek(want - 1)
                    f.write(b"\0")
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise ProjectError(f"{self.project.path}: the disk is full ({e.strerror or e}); nothing was "
                               "changed by this import") from None
        self.size = want

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.size = 0


def _stored_size(rec: Record) -> int:
    """About what a record takes in the project's journal (its text in UTF-8, its annotations,
    a margin for its rows' pages and metadata), for the reserve."""
    doc = rec.document
    if doc is None:
        return 0
    # at most 4 bytes a character in UTF-8 (encoding every text for its exact size cost ~2% of the
    # importer's time: the store encodes it again)
    n = len(doc.text)
    size = (n if doc.text.isascii() else 4 * n) + 1024
    if rec.packed is not None:
        size += len(rec.packed.annotations) + len(rec.packed.relations)
    elif rec.native is not None:
        size += 200 * (len(rec.native[0]) + len(rec.native[1]))
    return size


def _import_batched(project: Project, records: Iterable[Record], summary: ImportSummary,
                    known: _Known, source: str, skip_bad: bool, dedupe_text: bool,
                    unique_ids: bool, batch: int, bulk_batch: int | None = None) -> None:
    added = _Added(key=_pending_key())
    known.own_key = added.key
    items = iter(records)
    reserve = _Reserve(project)
    try:
        # the larger transactions of a first import while nobody else has the project open (a
        # window opening it meanwhile waits for the transaction, then turns the project to WAL);
        # the first is of the usual size all the same, so that writing begins as soon as the
        # reader's first records come (its workers take ~0.1 s for 500 articles, 0.35 s for 2,000)
        size = batch
        while chunk := list(islice(items, size)):
            reserve.hold(chunk)
            with project.write(), search_index.deferred(project.conn) as index:
                known.layers = None
                known.rules = None
                known.pending = None
                known.new = _NewDocuments()
                known.stamp = None
                known.hashes = _hashes_there(project, chunk)
                added.in_batch.clear()
                added.written.clear()
                for rec in chunk:
                    _import_checked(project, rec, summary, known, source, skip_bad, dedupe_text, unique_ids, added)
                known.new.write(project)
                index.texts = known.new.texts
                _remember(project, added)
            size = bulk_batch if bulk_batch and _rollback_journal(project) else batch
        with project.write():  # complete: its documents are nobody's to take back any more
            project.conn.execute("DELETE FROM project WHERE key = ?", (added.key,))
        reserve.release()
    except BaseException as e:
        _close(items)  # the workers stop before the take-back
        reserve.release()  # the space the take-back may need
        try:
            kept = _take_back(project, added, summary)
        finally:
            reserve.release()
        if kept and isinstance(e, InputError):
            raise InputError(e.problem + f" (kept {len(kept)} of the file's documents, which others "
                             f"edited or imported meanwhile: {', '.join(kept[:5])}"
                             + ("…" if len(kept) > 5 else "") + ")", file=e.file, line=e.line) from None
        raise


def _rollback_journal(project: Project) -> bool:
    return str(project.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal"


def _fingerprint(project: Project, doc_id: str) -> tuple[Any, ...]:
    """What changes when anyone edits a document: its row, its packed row, its rows' counts and
    times (every edit of the store unpacks the document and stamps it, docs/adr/0008)."""
    return tuple(project.conn.execute(
        "SELECT d.updated, d.status, d.title, d.meta,"
        " (SELECT annotation_count || '/' || relation_count FROM packed WHERE doc = d.id),"
        " (SELECT count(*) || '/' || coalesce(max(updated), '') FROM annotations WHERE doc = d.id),"
        " (SELECT count(*) || '/' || coalesce(max(updated), '') FROM relations WHERE doc = d.id)"
        " FROM documents d WHERE d.id = ?", (doc_id,)).fetchone() or ())


def _remember(project: Project, added: _Added) -> None:
    """At the end of each batch (in its transaction): the fingerprints of what it wrote, and the
    import's row listing its documents, which other writers take documents off (``_adopt``)."""
    written = added.written
    for doc in dict.fromkeys(added.in_batch):
        fingerprint = written.get(doc)
        added.fingerprints[doc] = fingerprint if fingerprint is not None else _fingerprint(project, doc)
    row = project.conn.execute("SELECT value FROM project WHERE key = ?", (added.key,)).fetchone()
    listed = set(jsonutil.loads(row[0])) if row else set()  # less those others have taken off
    # a document listed before and now off the row was adopted by another import: it stays off,
    # even if a later record of this file added to it
    listed.update(doc for doc in added.in_batch if doc not in added.listed)
    added.listed.update(added.in_batch)
    added.in_batch.clear()
    project.conn.execute("INSERT OR REPLACE INTO project(key, value) VALUES (?, ?)",
                         (added.key, jsonutil.dumps(sorted(listed))))


def _adopt(project: Project, known: _Known, doc_id: str) -> None:
    """This import found ``doc_id`` already in the project: if a batched import still in progress
    (or killed) wrote it, take it off that import's list, so that its take-back leaves it."""
    if known.pending is None:
        known.pending = {key: set(jsonutil.loads(value)) for key, value in project.conn.execute(
            "SELECT key, value FROM project WHERE key >= ? AND key < ?",
            (PENDING_PREFIX, PENDING_PREFIX[:-1] + chr(ord(PENDING_PREFIX[-1]) + 1)))}
    for key, docs in known.pending.items():
        if doc_id in docs and key != known.own_key:
            docs.discard(doc_id)
            project.conn.execute("UPDATE project SET value = ? WHERE key = ?",
                                 (jsonutil.dumps(sorted(docs)), key))


TAKE_BACK_DOCUMENTS = 20  # documents deleted per transaction by a take-back


def _take_back(project: Project, added: _Added, summary: ImportSummary) -> list[str]:
    """Undo the batches already committed by a cancelled or failed import: its documents, the
    annotations and relations it added to existing ones, and the labels and relation types it
    added to the schema (unless something else uses them meanwhile); returns the documents
    kept because others edited them, or another import found them, since (docs/adr/0012).

    The take-back needs no new disk space (docs/adr/0012): the import's reserve has just been
    given back; the journal (-wal) is checkpointed into the project file and emptied, then the
    deletes go in small transactions, each checkpointed the same way; deleted rows free pages
    in the project file."""
    conn = project.conn
    _checkpoint(project)  # the journal into the project file, then emptied

    def still_listed() -> set[str]:
        """The import's documents that no other import has found there and adopted: read again
        in each step's transaction, since another import may adopt some between two steps."""
        try:
            row = conn.execute("SELECT value FROM project WHERE key = ?", (added.key,)).fetchone()
        except sqlite3.Error:
            row = None
        return set(jsonutil.loads(row[0])) if row else set(added.fingerprints)

    kept: list[str] = []
    todo: list[tuple[str, Any]] = []  # ("doc", id) or ("merged", id)
    for doc in added.documents:
        if doc in added.fingerprints:  # committed (the failing batch was rolled back)
            todo.append(("doc", doc))
    for doc in dict.fromkeys(added.merged):
        todo.append(("merged", doc))
    anns_of: dict[str, list[tuple[str, str]]] = {}
    for key in added.annotations:
        anns_of.setdefault(key[0], []).append(key)
    rels_of: dict[str, list[tuple[str, str]]] = {}
    for key in added.relations:
        rels_of.setdefault(key[0], []).append(key)

    def step(items: list[tuple[str, Any]]) -> None:
        with project.write():
            listed = still_listed()
            for kind, doc in items:
                if doc not in listed or _fingerprint(project, doc) != added.fingerprints.get(doc):
                    if kind == "doc" and project.has_document(doc):
                        kept.append(doc)
                    elif kind == "merged" and _any_left(project, anns_of.get(doc, []), rels_of.get(doc, [])):
                        kept.append(doc)  # what it added to a document edited since stays: said so
                    continue
                if kind == "doc":
                    conn.execute("DELETE FROM documents WHERE id = ?", (doc,))
                else:
                    conn.executemany("DELETE FROM relations WHERE doc = ? AND id = ?", rels_of.get(doc, []))
                    conn.executemany("DELETE FROM annotations WHERE doc = ? AND id = ?", anns_of.get(doc, []))
                    project._touch(doc)

    size = TAKE_BACK_DOCUMENTS
    while todo:
        try:
            step(todo[:size])
        except (NewsmarkError, sqlite3.Error) as e:
            if size == 1:
                left = sum(1 for kind, doc in todo if kind == "doc" and project.has_document(doc))
                raise ProjectError(
                    f"{project.path}: the import failed and could not be taken back ({e}); {left} of "
                    "its documents are still in the project, each whole. Importing the file again "
                    "adds the rest; or restore the backup made before the import") from None
            _checkpoint(project)
            size = max(1, size // 4)
            continue
        del todo[:size]
        _checkpoint(project)
    with project.write():
        conn.executemany("DELETE FROM labels WHERE name = ? AND NOT EXISTS"
                         " (SELECT 1 FROM annotations WHERE label = labels.name) AND NOT EXISTS"
                         " (SELECT 1 FROM packed p, json_each(p.labels) j WHERE j.value ->> 0 = labels.name)",
                         [(name,) for name in summary.labels_added])
        conn.executemany("DELETE FROM relation_types WHERE name = ? AND NOT EXISTS"
                         " (SELECT 1 FROM relations WHERE type = relation_types.name) AND NOT EXISTS"
                         " (SELECT 1 FROM packed p, json_each(p.types) j WHERE j.value ->> 0 = relation_types.name)",
                         [(name,) for name in summary.relation_types_added])
        conn.execute("DELETE FROM project WHERE key = ?", (added.key,))
    return list(dict.fromkeys(kept))  # a step retried after a full disk may list one twice


def _any_left(project: Project, anns: list[tuple[str, str]], rels: list[tuple[str, str]]) -> bool:
    """Whether any of these annotations or relations (doc, id) is still in the project."""
    if not anns and not rels:
        return False
    ann_ids, rel_ids = project.annotation_ids((anns or rels)[0][0])
    return any(i in ann_ids for _, i in anns) or any(i in rel_ids for _, i in rels)


CHECKPOINT_WAIT_MS = 500  # how long a take-back's checkpoint waits for readers


def _checkpoint(project: Project) -> None:
    """Copy the journal into the project file and empty it, so that the deletes after it need no
    more space than they free.  It waits for readers only briefly: while it waits, no one can
    write (a reader holding an old snapshot, such as a long export, made every step of a
    take-back wait the whole busy timeout, and the window's edits fail as "busy"); if readers
    remain, it copies what it can."""
    conn = project.conn
    with contextlib.suppress(sqlite3.Error):
        conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _different_text(doc_id: str, source: str, line: int) -> InputError:
    return InputError(
        f"document {doc_id!r} is already in the project with a different text; "
        "a document's text never changes once stored", file=source, line=line)


INSERT_DOCUMENT = ("INSERT INTO documents(id, title, text, meta, status, text_sha256, created, updated)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


@dataclass(slots=True)
class _NewDocuments:
    """The transaction's new packed documents not written yet: ``write`` writes them in one
    statement for their rows, one for their packed rows and one for their marks (a statement
    each per document cost ~10% of a large import).  Anything that looks at the documents by id
    or text (a record for one of them again, a duplicate text) writes them first."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    packed: list[tuple[str, Packed]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    shas: set[str] = field(default_factory=set)
    # (rowid, text) of every document the transaction added, in order, for its search index
    # (None: not known, search_index.deferred reads them back)
    texts: list[tuple[int, str]] | None = field(default_factory=list)

    def inserted(self, rowid: int | None, text: str) -> None:
        """A document added on its own (after ``write``): its text for the index."""
        if self.texts is not None and rowid is not None:
            self.texts.append((rowid, text))
        else:
            self.texts = None

    def write(self, project: Project) -> None:
        if self.rows:
            conn = project.conn
            (before,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()
            conn.executemany(INSERT_DOCUMENT, self.rows)
            # each new row's rowid is one more than the largest (SQLite's rule until the largest
            # possible): checked by the last one
            (after,) = conn.execute("SELECT max(rowid) FROM documents").fetchone()
            rowids = range(before + 1, after + 1) if after == before + len(self.rows) else None
            project.insert_packed_many(self.packed, rowids)
            if rowids is None or self.texts is None:
                self.texts = None
            else:
                self.texts += zip(rowids, [row[2] for row in self.rows], strict=True)
            self.rows.clear()
            self.packed.clear()
            self.ids.clear()
            self.shas.clear()


def _hashes_there(project: Project, chunk: list[Record]) -> dict[str, str | None]:
    """The text hash of each document a batch's records name (None: not in the project), found
    in one query for the batch (one per record cost ~2% of a large import); kept up to date
    by the batch, which is the only writer while it runs."""
    ids = list(dict.fromkeys(rec.document.id for rec in chunk if rec.document is not None and rec.document.id))
    hashes: dict[str, str | None] = dict.fromkeys(ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        hashes.update(project.conn.execute(
            f"SELECT id, text_sha256 FROM documents WHERE id IN ({','.join('?' * len(part))})", part))
    return hashes


def _import_one(project: Project, rec: Record, summary: ImportSummary, known: _Known, *,
                source: str, dedupe_text: bool, unique_ids: bool, added: _Added | None = None) -> None:
    doc = rec.document
    assert doc is not None
    sha = rec.sha256 or text_sha256(doc.text)
    new = known.new
    if not rec.id_given or dedupe_text:
        if sha in new.shas:
            new.write(project)
        existing = project.document_by_sha(sha)
        if existing is not None and (not rec.id_given or existing != doc.id):
            _adopt(project, known, existing)
            summary.duplicates.append(f"{source}, line {rec.line}: same text as document {existing!r}")
            return
    if not doc.id:
        doc.id = sha[:16]
    conn = project.conn
    if unique_ids:
        new.write(project)
        base, n = doc.id, 1
        while (taken := conn.execute("SELECT text_sha256 FROM documents WHERE id = ?", (doc.id,)).fetchone()) and taken[0] != sha:
            n += 1
            doc.id = f"{base}-{n}"
    elif doc.id in new.ids:
        new.write(project)
    hashes = known.hashes
    if doc.id in hashes:  # (looked up for the whole batch)
        row = None if (there := hashes[doc.id]) is None else (there,)
    else:
        row = conn.execute("SELECT text_sha256 FROM documents WHERE id = ?", (doc.id,)).fetchone()
    # one time for the transaction's documents and annotations that come without one
    stamp = known.stamp or now()
    known.stamp = stamp
    anns: list[NativeAnnotation]
    rels: list[NativeRelation]
    if rec.packed is not None:
        anns, rels = [], []  # unpacked only to merge into an existing document, below
    elif rec.native is not None:
        anns, rels = rec.native
    else:
        anns = [a.to_native(None) for a in doc.annotations]
        rels = [r.to_native() for r in doc.relations]
    if row is None:
        title, meta, updated = doc.title or default_title(doc.text), jsonutil.dumps(doc.meta), doc.updated or stamp
        doc_row = (doc.id, title, doc.text, meta, doc.status, sha, doc.created or stamp, updated)
        summary.documents_added += 1
        if doc.id in hashes:
            hashes[doc.id] = sha
        if added is not None:
            added.documents.append(doc.id)
            added.in_batch.append(doc.id)
        packed = rec.packed
        if packed is not None and rec.source is None:  # the common case: written with its batch
            _ensure_schema(project, [c[0] for c in packed.label_counts], [c[0] for c in packed.type_counts], rec,
                           summary, known)
            _note_rule_problems(project, rec, [], [], known, summary, source)
            if packed.annotation_count <= PACKED_MAX:
                assert known.layers is not None
                if not packed.layers.items() <= known.layers.items():
                    relayer(packed, known.layers)
                new.rows.append(doc_row)
                new.packed.append((doc.id, packed))
                new.ids.add(doc.id)
                new.shas.add(sha)
                if added is not None:  # what _fingerprint reads of it once written
                    added.written[doc.id] = (updated, doc.status, title, meta,
                                             f"{packed.annotation_count}/{packed.relation_count}", "0/", "0/")
                summary.annotations_added += packed.annotation_count
                summary.relations_added += packed.relation_count
                return
            new.write(project)
            new.inserted(conn.execute(INSERT_DOCUMENT, doc_row).lastrowid, doc.text)
            anns, rels = decode_annotations(packed.annotations), decode_relations(packed.relations)
            packed = None
        else:
            new.write(project)
            new.inserted(conn.execute(INSERT_DOCUMENT, doc_row).lastrowid, doc.text)
            if rec.source is not None:
                project.put_source(doc.id, *rec.source)
        # a new document: packed until its first edit (docs/adr/0008), unless it is long
        if packed is not None:  # packed by the reader, which guessed the layers of new labels
            _ensure_schema(project, [c[0] for c in packed.label_counts], [c[0] for c in packed.type_counts], rec,
                           summary, known)
            _note_rule_problems(project, rec, [], [], known, summary, source)
            assert known.layers is not None
            if packed.annotation_count > PACKED_MAX:
                anns, rels = decode_annotations(packed.annotations), decode_relations(packed.relations)
                packed = None
            elif not packed.layers.items() <= known.layers.items():
                relayer(packed, known.layers)
        elif rec.packed is None:
            anns, rels = _drop_identical(anns, rels, summary)
            _ensure_schema(project, [a.label for a in anns], [r.type for r in rels], rec, summary, known)
            _note_rule_problems(project, rec, anns, rels, known, summary, source)
            assert known.layers is not None
            if len(anns) <= PACKED_MAX:
                packed = pack(anns, rels, known.layers, rec.label_layers, stamp)
        if packed is not None:
            project.insert_packed(doc.id, packed)
            summary.annotations_added += packed.annotation_count
            summary.relations_added += packed.relation_count
        else:
            _insert_rows(project, doc.id, anns, rels, stamp)
            summary.annotations_added += len(anns)
            summary.relations_added += len(rels)
        return
    else:
        if row[0] != sha:
            raise _different_text(doc.id, source, rec.line)
        if added is not None:
            added.written.pop(doc.id, None)  # (read back at the batch's end)
        _adopt(project, known, doc.id)
        if rec.packed is not None:
            anns, rels = decode_annotations(rec.packed.annotations), decode_relations(rec.packed.relations)
        new_anns, new_rels = _not_yet_there(project, doc.id, anns, rels, summary)
        if new_anns or new_rels:
            summary.documents_merged += 1
            if added is not None:
                added.annotations += [(doc.id, a.id) for a in new_anns]
                added.relations += [(doc.id, r.id) for r in new_rels]
                if doc.id not in added.fingerprints and doc.id not in added.merged:
                    added.merged.append(doc.id)
                added.in_batch.append(doc.id)
        else:
            summary.documents_unchanged += 1
            return
    # added to an existing document: as rows
    _ensure_schema(project, [a.label for a in new_anns], [r.type for r in new_rels], rec, summary, known)
    rec.rule_problems = None  # the reader checked the whole record; only what is new counts here
    _note_rule_problems(project, rec, new_anns, new_rels, known, summary, source,
                        [*project.annotations(doc.id), *anns] if new_rels else None)
    project._unpack([doc.id])
    _insert_rows(project, doc.id, new_anns, new_rels, stamp)
    project._touch(doc.id)  # the document changed: a window that has it open reads it again
    summary.annotations_added += len(new_anns)
    summary.relations_added += len(new_rels)


def _drop_identical(anns: list[NativeAnnotation], rels: list[NativeRelation], summary: ImportSummary
                   ) -> tuple[list[NativeAnnotation], list[NativeRelation]]:
    """A new document's record that holds an annotation twice (same span, label and annotator)
    keeps the first, counted as an identical one skipped; the other's relations move onto it,
    as onto one already in a document (``_not_yet_there``); a relation between the two, which
    would then link it to itself, is left out, counted as an identical one."""
    if not has_identical(anns):
        return anns, rels
    first: dict[tuple[int, int, str, str | None], str] = {}
    same_as: dict[str, str] = {}
    kept: list[NativeAnnotation] = []
    for na in anns:
        there = first.setdefault((na.start, na.end, na.label, na.annotator), na.id)
        if there != na.id:
            same_as[na.id] = there
            summary.annotations_identical += 1
        else:
            kept.append(na)
    links: set[tuple[str, str, str]] = set()
    kept_rels: list[NativeRelation] = []
    for nr in rels:
        if nr.from_ in same_as or nr.to in same_as:
            nr = msgspec.structs.replace(nr, from_=same_as.get(nr.from_, nr.from_), to=same_as.get(nr.to, nr.to))
            if nr.from_ == nr.to:  # it joined the two: a link to itself, which no relation may be
                summary.relations_identical += 1
                continue
        if (nr.type, nr.from_, nr.to) in links:
            summary.relations_identical += 1
            continue
        links.add((nr.type, nr.from_, nr.to))
        kept_rels.append(nr)
    return kept, kept_rels


def _not_yet_there(project: Project, doc_id: str, anns: list[NativeAnnotation],
                   rels: list[NativeRelation], summary: ImportSummary
                   ) -> tuple[list[NativeAnnotation], list[NativeRelation]]:
    """The annotations and relations of a record that its document lacks.  Left out: those
    whose id is there, and those identical to one there (same span, label and annotator; an
    annotation from a format that does not carry annotators matches any annotator's), counted
    as duplicates: a round trip through any format adds nothing.  Relations of a left-out
    annotation are moved onto the one already there; a relation then identical to one there
    (same type and ends), or linking that one to itself, is a duplicate too."""
    have_ids, have_rel_ids = project.annotation_ids(doc_id)
    if all(a.id in have_ids for a in anns) and all(r.id in have_rel_ids for r in rels):
        return [], []  # the same file again (ids kept): nothing to compare
    existing = project.annotations(doc_id)
    exact: dict[tuple[int, int, str, str | None], str] = {}
    anyone: dict[tuple[int, int, str], str] = {}
    for a in existing:
        exact.setdefault((a.start, a.end, a.label, a.annotator), a.id)
        anyone.setdefault((a.start, a.end, a.label), a.id)
    same_as: dict[str, str] = {}
    new_anns: list[NativeAnnotation] = []
    for na in anns:
        if na.id in have_ids:
            continue
        span = (na.start, na.end, na.label)
        there = exact.get((*span, na.annotator))
        if there is None and na.annotator is None:
            there = anyone.get(span)
        if there is not None:
            same_as[na.id] = there
            summary.annotations_identical += 1
            continue
        new_anns.append(na)
        have_ids.add(na.id)
        exact.setdefault((*span, na.annotator), na.id)
        anyone.setdefault(span, na.id)
    links = {(r.type, r.from_id, r.to_id) for r in project.relations(doc_id)}
    new_rels: list[NativeRelation] = []
    for nr in rels:
        if nr.id in have_rel_ids:
            continue
        if nr.from_ in same_as or nr.to in same_as:
            nr = msgspec.structs.replace(nr, from_=same_as.get(nr.from_, nr.from_), to=same_as.get(nr.to, nr.to))
            if nr.from_ == nr.to:  # it joined an annotation and one identical to it: no link to itself
                summary.relations_identical += 1
                continue
        if (nr.type, nr.from_, nr.to) in links:
            summary.relations_identical += 1
            continue
        new_rels.append(nr)
        have_rel_ids.add(nr.id)
        links.add((nr.type, nr.from_, nr.to))
    return new_anns, new_rels


def _insert_rows(project: Project, doc_id: str, anns: list[NativeAnnotation], rels: list[NativeRelation],
                 stamp: str) -> None:
    items: list[NativeAnnotation | NativeRelation] = [*anns, *rels]
    for item in items:
        item.created = item.created or stamp
        item.updated = item.updated or stamp
    project._insert_annotations(Annotation.from_native(a, doc_id) for a in anns)
    project._insert_relations(Relation.from_native(r, doc_id) for r in rels)


def _ensure_schema(project: Project, label_names: list[str], type_names: list[str], rec: Record,
                   summary: ImportSummary, known: _Known) -> None:
    """Add the record's labels and relation types that the schema lacks (``known`` caches
    the schema's names and layers, to spare queries per record)."""
    if known.layers is None:
        known.layers = project.label_layers()
        known.types = {rt.name for rt in project.relation_types()}
    labels = [name for name in dict.fromkeys(label_names) if name not in known.layers]
    if labels:
        summary.labels_added += project.ensure_labels(labels, rec.label_layers)
        known.layers = project.label_layers()
    types = [t for t in dict.fromkeys(type_names) if t not in known.types]
    if types:
        summary.relation_types_added += project.ensure_relation_types(types)
        known.types.update(types)


def _note_rule_problems(project: Project, rec: Record, anns: list[NativeAnnotation], rels: list[NativeRelation],
                        known: _Known, summary: ImportSummary, source: str,
                        every: Iterable[NativeAnnotation | Annotation] | None = None) -> None:
    """Note in the summary what breaks the schema's rules as the window's edits check them
    (core.rules: attribute values, the labels a relation type allows, a relation from an
    annotation to itself).  Such records are imported as they are: files from other tools and
    from projects with other schemas often differ, and refusing them would refuse whole files;
    the window checks a value when it is edited.  The reader has usually checked already (in
    its worker processes, for a large file); else the record's annotations are checked here."""
    problems = rec.rule_problems
    if problems is None:
        if known.rules is None:
            known.rules = Rules.of(project.labels(), project.relation_types())
        if rec.packed is not None and not anns and not rels:
            anns, rels = decode_annotations(rec.packed.annotations), decode_relations(rec.packed.relations)
        problems = known.rules.problems(anns, rels, every)
    summary.off_schema += [f"{source}, line {rec.line}: {p}" for p in problems]


@dataclass(slots=True)
class _Known:
    """The schema as this import has seen it: each label's layer and the relation types
    (read again at each batch, since others may change the schema between batches)."""

    layers: dict[str, str] | None = None
    types: set[str] = field(default_factory=set)
    # the documents of batched imports in progress, by their project-table row (see _adopt)
    pending: dict[str, set[str]] | None = None
    own_key: str = ""
    rules: Rules | None = None  # the schema's rules (see _note_rule_problems)
    new: _NewDocuments = field(default_factory=_NewDocuments)  # the transaction's, not written yet
    hashes: dict[str, str | None] = field(default_factory=dict)  # the batch's ids: see _hashes_there
    stamp: str | None = None  # the transaction's time, for what comes without one
