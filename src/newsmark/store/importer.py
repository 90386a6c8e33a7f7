"""Putting read documents into a project: merging, de-duplicating, all or nothing per file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from newsmark.core import jsonutil
from newsmark.core.errors import InputError
from newsmark.core.model import (
    Annotation,
    NativeAnnotation,
    NativeRelation,
    Relation,
    default_title,
    now,
    text_sha256,
)
from newsmark.core.packing import decode_annotations, decode_relations, pack, relayer
from newsmark.formats.records import Record
from newsmark.store import search_index
from newsmark.store.project import Project

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
    annotations_added: int = 0
    relations_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    relation_types_added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # bad records left out (--skip-bad)
    failed: list[str] = field(default_factory=list)  # whole files that could not be imported
    trimmed: list[str] = field(default_factory=list)  # text files whose page chrome was cut

    def lines(self) -> list[str]:
        out = [
            f"imported {self.documents_added} new documents"
            + (f", added to {self.documents_merged} existing ones" if self.documents_merged else "")
            + f": {self.annotations_added} annotations, {self.relations_added} relations"
        ]
        if self.documents_unchanged:
            out.append(f"{self.documents_unchanged} documents were already in the project unchanged")
        if self.duplicates:
            out.append(f"skipped {len(self.duplicates)} duplicates (same text as a document in the project):")
            out += [f"  {d}" for d in self.duplicates]
        if self.labels_added:
            out.append("labels added to the schema: " + ", ".join(self.labels_added))
        if self.relation_types_added:
            out.append("relation types added to the schema: " + ", ".join(self.relation_types_added))
        if self.skipped:
            out.append(f"skipped {len(self.skipped)} bad records:")
            out += [f"  {s}" for s in self.skipped]
        if self.trimmed:
            out.append(f"kept only the article of {len(self.trimmed)} text files with page chrome around it "
                       "(the whole file is stored with the document; to keep everything, import with --whole-text or turn "
                       "this off in the window's Preferences):")
            out += [f"  {t}" for t in self.trimmed]
        return out

    def failure_lines(self) -> list[str]:
        """The files that could not be imported, each with its reason."""
        if not self.failed:
            return []
        return [f"{len(self.failed)} file{'s' if len(self.failed) > 1 else ''} not imported:",
                *(f"  {s}" for s in self.failed)]


RecordSource = Iterable[Record] | Callable[[], Iterable[Record]]


@dataclass(slots=True)
class _Added:
    """What one file has added so far, to take back on cancel in batched mode."""

    documents: list[str] = field(default_factory=list)
    annotations: list[tuple[str, str]] = field(default_factory=list)  # (doc, id) in existing docs
    relations: list[tuple[str, str]] = field(default_factory=list)


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
    batches already committed, so the file still adds all or nothing.  A crash leaves only
    whole documents, and importing the file again adds the rest.  Without ``batch`` the file
    is one transaction.  (An earlier version read a large file twice, checking it before
    writing; the second parse made imports ~40% slower: benchmarks/bench_jsonl.py.)
    """
    local = ImportSummary()
    known = _Known()
    items = records() if callable(records) else records
    if batch is None:
        with project.write(), search_index.deferred(project.conn):
            for rec in items:
                _import_checked(project, rec, local, known, source, skip_bad, dedupe_text, unique_ids)
    else:
        _import_batched(project, items, local, known, source, skip_bad, dedupe_text, unique_ids, batch)
    summary.files += 1
    summary.documents_added += local.documents_added
    summary.documents_merged += local.documents_merged
    summary.documents_unchanged += local.documents_unchanged
    summary.duplicates += local.duplicates
    summary.annotations_added += local.annotations_added
    summary.relations_added += local.relations_added
    summary.labels_added += local.labels_added
    summary.relation_types_added += local.relation_types_added
    summary.skipped += local.skipped


def _import_checked(project: Project, rec: Record, summary: ImportSummary, known: _Known,
                    source: str, skip_bad: bool, dedupe_text: bool, unique_ids: bool) -> None:
    if rec.error is not None:
        if skip_bad:
            summary.skipped.append(str(rec.error))
            return
        raise rec.error
    try:
        _import_one(project, rec, summary, known, source=source, dedupe_text=dedupe_text,
                    unique_ids=unique_ids)
    except InputError as e:
        if not skip_bad:
            raise
        summary.skipped.append(str(e))


def _import_batched(project: Project, records: Iterable[Record], summary: ImportSummary,
                    known: _Known, source: str, skip_bad: bool, dedupe_text: bool,
                    unique_ids: bool, batch: int) -> None:
    added = _Added()
    items = iter(records)
    try:
        while chunk := list(islice(items, batch)):
            with project.write(), search_index.deferred(project.conn):
                known.layers = None
                for rec in chunk:
                    if rec.error is not None:
                        if not skip_bad:
                            raise rec.error
                        summary.skipped.append(str(rec.error))
                        continue
                    try:
                        _import_one(project, rec, summary, known, source=source,
                                    dedupe_text=dedupe_text, unique_ids=unique_ids, added=added)
                    except InputError as e:
                        if not skip_bad:
                            raise
                        summary.skipped.append(str(e))
    except BaseException:
        _take_back(project, added, summary)
        raise


def _take_back(project: Project, added: _Added, summary: ImportSummary) -> None:
    """Undo the batches already committed by a cancelled or failed import: its documents,
    the annotations and relations it added to existing ones, and the labels and relation
    types it added to the schema (unless something else uses them meanwhile)."""
    conn = project.conn
    with project.write():
        for doc in added.documents:
            conn.execute("DELETE FROM documents WHERE id = ?", (doc,))
        conn.executemany("DELETE FROM relations WHERE doc = ? AND id = ?", added.relations)
        conn.executemany("DELETE FROM annotations WHERE doc = ? AND id = ?", added.annotations)
        conn.executemany("DELETE FROM labels WHERE name = ? AND NOT EXISTS"
                         " (SELECT 1 FROM annotations WHERE label = labels.name) AND NOT EXISTS"
                         " (SELECT 1 FROM packed p, json_each(p.labels) j WHERE j.value ->> 0 = labels.name)",
                         [(name,) for name in summary.labels_added])
        conn.executemany("DELETE FROM relation_types WHERE name = ? AND NOT EXISTS"
                         " (SELECT 1 FROM relations WHERE type = relation_types.name) AND NOT EXISTS"
                         " (SELECT 1 FROM packed p, json_each(p.types) j WHERE j.value ->> 0 = relation_types.name)",
                         [(name,) for name in summary.relation_types_added])


def _different_text(doc_id: str, source: str, line: int) -> InputError:
    return InputError(
        f"document {doc_id!r} is already in the project with a different text; "
        "a document's text never changes once stored", file=source, line=line)


def _import_one(project: Project, rec: Record, summary: ImportSummary, known: _Known, *,
                source: str, dedupe_text: bool, unique_ids: bool, added: _Added | None = None) -> None:
    doc = rec.document
    assert doc is not None
    sha = rec.sha256 or text_sha256(doc.text)
    if not rec.id_given or dedupe_text:
        existing = project.document_by_sha(sha)
        if existing is not None and (not rec.id_given or existing != doc.id):
            summary.duplicates.append(f"{source}, line {rec.line}: same text as document {existing!r}")
            return
    if not doc.id:
        doc.id = sha[:16]
    conn = project.conn
    if unique_ids:
        base, n = doc.id, 1
        while (taken := conn.execute("SELECT text_sha256 FROM documents WHERE id = ?", (doc.id,)).fetchone()) and taken[0] != sha:
            n += 1
            doc.id = f"{base}-{n}"
    row = conn.execute("SELECT text_sha256 FROM documents WHERE id = ?", (doc.id,)).fetchone()
    stamp = now()
    if rec.packed is not None:
        anns, rels = [], []  # unpacked only to merge into an existing document, below
    elif rec.native is not None:
        anns, rels = rec.native
    else:
        anns = [a.to_native(None) for a in doc.annotations]
        rels = [r.to_native() for r in doc.relations]
    if row is None:
        conn.execute(
            "INSERT INTO documents(id, title, text, meta, status, text_sha256, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, doc.title or default_title(doc.text), doc.text, jsonutil.dumps(doc.meta), doc.status,
             sha, doc.created or stamp, doc.updated or stamp),
        )
        summary.documents_added += 1
        if rec.source is not None:
            project.put_source(doc.id, *rec.source)
        if added is not None:
            added.documents.append(doc.id)
        # a new document: packed until its first edit (docs/adr/0008), unless it is long
        packed = rec.packed
        if packed is not None:  # packed by the reader, which guessed the layers of new labels
            _ensure_schema(project, [c[0] for c in packed.label_counts], [c[0] for c in packed.type_counts], rec,
                           summary, known)
            assert known.layers is not None
            if packed.annotation_count > PACKED_MAX:
                anns, rels = decode_annotations(packed.annotations), decode_relations(packed.relations)
                packed = None
            elif any(known.layers[label] != layer for label, layer in packed.layers.items()):
                relayer(packed, known.layers)
        else:
            _ensure_schema(project, [a.label for a in anns], [r.type for r in rels], rec, summary, known)
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
        if rec.packed is not None:
            anns, rels = decode_annotations(rec.packed.annotations), decode_relations(rec.packed.relations)
        have_anns, have_rels = project.annotation_ids(doc.id)
        new_anns = [a for a in anns if a.id not in have_anns]
        new_rels = [r for r in rels if r.id not in have_rels]
        if new_anns or new_rels:
            summary.documents_merged += 1
            if added is not None:
                added.annotations += [(doc.id, a.id) for a in new_anns]
                added.relations += [(doc.id, r.id) for r in new_rels]
        else:
            summary.documents_unchanged += 1
            return
    # added to an existing document: as rows
    _ensure_schema(project, [a.label for a in new_anns], [r.type for r in new_rels], rec, summary, known)
    project._unpack([doc.id])
    _insert_rows(project, doc.id, new_anns, new_rels, stamp)
    summary.annotations_added += len(new_anns)
    summary.relations_added += len(new_rels)


def _insert_rows(project: Project, doc_id: str, anns: list[NativeAnnotation], rels: list[NativeRelation],
                 stamp: str) -> None:
    for item in (*anns, *rels):
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


@dataclass(slots=True)
class _Known:
    """The schema as this import has seen it: each label's layer and the relation types
    (read again at each batch, since others may change the schema between batches)."""

    layers: dict[str, str] | None = None
    types: set[str] = field(default_factory=set)
