"""Merging annotators' project files into a team project.

Each annotator works in a project file of their own.  ``merge`` brings every document,
annotation and relation of the sources into TEAM: documents matched by id (or else by text);
a document whose text differs is refused, naming both files, and nothing is merged.  Each
source's annotations keep their annotator (those without one take the source file's name) and
get ids prefixed with the file's name (``alice:a12``), so that ids stay unique and say where
they came from.  Merging a source again brings it up to date: its annotations that changed are
replaced, new ones added, deleted ones removed; merging the same files twice adds nothing.
The whole merge is one transaction.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import orjson

from newsmark.core.errors import InputError, ProjectError, ValidationError
from newsmark.core.model import NativeAnnotation, NativeRelation, now
from newsmark.core.packing import (
    Part,
    decode_annotations,
    decode_lean_annotations,
    decode_relations,
    encode,
    pack,
    part_items,
    part_label_counts,
    prefix_items,
)
from newsmark.core.schema import Schema
from newsmark.store import migrations, search_index
from newsmark.store.bulk import bulk_write
from newsmark.store.packed import insert_parts, joined
from newsmark.store.packed import parts as team_parts
from newsmark.store.project import Project
from newsmark.store.uri import project_uri
from newsmark.team.data import gc_paused

_encode = msgspec.json.Encoder().encode
_layer_cache: dict[tuple[tuple[str, str], ...], dict[str, msgspec.Raw]] = {}


def _layer_raw(layers: dict[str, str]) -> dict[str, msgspec.Raw]:
    key = tuple(layers.items())
    got = _layer_cache.get(key)
    if got is None:
        got = _layer_cache[key] = {label: msgspec.Raw(orjson.dumps(layer)) for label, layer in layers.items()}
    return got


@dataclass(slots=True)
class MergeSummary:
    files: list[str] = field(default_factory=list)
    created: bool = False
    documents_added: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    annotations_added: int = 0
    annotations_changed: int = 0
    annotations_removed: int = 0
    relations_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    relation_types_added: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"merged {len(self.files)} file{'s' if len(self.files) != 1 else ''}: "
               f"{self.documents_added} new documents, {self.documents_updated} updated, "
               f"{self.documents_unchanged} unchanged; {self.annotations_added} annotations and "
               f"{self.relations_added} relations added"]
        if self.annotations_changed or self.annotations_removed:
            out.append(f"{self.annotations_changed} annotations changed and {self.annotations_removed} "
                       "removed since an earlier merge of the same file")
        if self.labels_added:
            out.append("labels added to the schema: " + ", ".join(self.labels_added))
        if self.relation_types_added:
            out.append("relation types added to the schema: " + ", ".join(self.relation_types_added))
        return out


@dataclass(slots=True)
class _SourceDoc:
    """A source's document: its annotations and relations as packed JSON (rows are encoded
    so), ids not yet prefixed, with its counts as the source keeps them."""

    id: str
    sha: str
    annotations: bytes = b"[]"
    relations: bytes = b"[]"
    rows: bool = False  # read from rows (edited in the source): the layers are not written in
    label_counts: list[tuple[str, str | None, int]] = field(default_factory=list)
    type_counts: list[tuple[str, int]] = field(default_factory=list)
    annotation_count: int = 0
    relation_count: int = 0
    speakers: list[str] = field(default_factory=list)  # its search marks s:… and s?

    def natives(self, name: str) -> tuple[list[NativeAnnotation], list[NativeRelation]]:
        anns, rels = decode_annotations(self.annotations), decode_relations(self.relations)
        prefix_items(anns, rels, name)
        return anns, rels


@dataclass(slots=True)
class _Source:
    path: Path
    name: str
    docs: list[_SourceDoc]
    project: Project


TEAM_PAGE_SIZE = 16384
SOURCE_MMAP = 1 << 30


def _open_source(path: Path) -> tuple[Project, Path | None]:
    """A source opened read-only; one of an older project format (an annotator's Newsmark is
    older than the team's) is read from an upgraded copy in a scratch folder (returned, to be
    removed), so that the file itself is never changed."""
    try:
        return Project.open(path, readonly=True), None
    except ProjectError:
        if not _older_format(path):
            raise
    folder = Path(tempfile.mkdtemp(prefix="newsmark-merge-"))
    try:
        copy = folder / path.name
        with contextlib.closing(sqlite3.connect(f"{project_uri(path.resolve())}?mode=ro", uri=True)) as old, \
                contextlib.closing(sqlite3.connect(copy)) as new:
            old.backup(new)  # a consistent copy, its WAL's last edits included
        Project.open(copy).close()  # upgraded
        return Project.open(copy, readonly=True), folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _older_format(path: Path) -> bool:
    """Whether the file's header says it is a project of an older format (its user_version)."""
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError:
        return False
    return len(header) == 100 and 0 < int.from_bytes(header[60:64], "big") < migrations.LATEST


def source_name(path: Path) -> str:
    """The name a source file gives its annotations' ids (and annotators, where they have none)."""
    name = path.name
    for suffix in (".newsmark",):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def _read_source(project: Project, name: str) -> list[_SourceDoc]:
    conn = project.conn
    docs = {doc_id: _SourceDoc(doc_id, sha) for doc_id, sha in
            conn.execute("SELECT id, text_sha256 FROM documents ORDER BY rowid")}
    for doc_id, anns, rels, labels, types, n_anns, n_rels in conn.execute(
            "SELECT doc, CAST(annotations AS BLOB), CAST(relations AS BLOB), labels, types,"
            " annotation_count, relation_count FROM packed"):
        d = docs[doc_id]
        if anns == b"":  # a merged document (a team file merged on): its parts joined
            anns, rels = joined(conn, doc_id)
        d.annotations = anns
        d.relations = rels
        d.label_counts = [tuple(c) for c in orjson.loads(labels)]
        d.type_counts = [tuple(c) for c in orjson.loads(types)]
        d.annotation_count, d.relation_count = n_anns, n_rels
    # the speakers' search marks need no ids or annotators: the source's serve as they are
    for doc_id, marks in search_index.speaker_marks(conn).items():
        if doc_id in docs:
            docs[doc_id].speakers = marks
    rows_a: dict[str, list[NativeAnnotation]] = {}
    rows_r: dict[str, list[NativeRelation]] = {}
    for a in _row_annotations(project):
        rows_a.setdefault(a.document, []).append(a.to_native(None))
    for r in _row_relations(project):
        rows_r.setdefault(r.document, []).append(r.to_native())
    for doc_id in rows_a.keys() | rows_r.keys():
        d = docs[doc_id]
        anns_list, rels_list = rows_a.get(doc_id, []), rows_r.get(doc_id, [])
        d.annotations = _encode(anns_list)
        d.rows = True
        d.relations = _encode(rels_list)
        d.label_counts = [(label, who, n) for (label, who), n in
                          Counter((a.label, a.annotator) for a in anns_list).items()]
        d.type_counts = list(Counter(r.type for r in rels_list).items())
        d.annotation_count, d.relation_count = len(anns_list), len(rels_list)
    return list(docs.values())


def _row_annotations(project: Project) -> list:  # type: ignore[type-arg]
    from newsmark.store.project import _ANN_COLUMNS, _row_to_annotation

    return [_row_to_annotation(r) for r in project.conn.execute(
        f'SELECT {_ANN_COLUMNS} FROM annotations ORDER BY doc, start, "end", rowid')]


def _row_relations(project: Project) -> list:  # type: ignore[type-arg]
    from newsmark.store.project import _REL_COLUMNS, _row_to_relation

    return [_row_to_relation(r) for r in project.conn.execute(
        f"SELECT {_REL_COLUMNS} FROM relations ORDER BY doc, rowid")]


def merge(team_path: str | Path, sources: Sequence[str | Path], *,
          progress: Callable[[str], None] | None = None) -> MergeSummary:
    """Merge ``sources`` (project files) into ``team_path``, creating it if missing (with the
    first source's schema).  All or nothing."""
    with gc_paused():
        return _merge(team_path, sources, progress)


def _merge(team_path: str | Path, sources: Sequence[str | Path],
           progress: Callable[[str], None] | None) -> MergeSummary:
    team_path = Path(team_path)
    paths = [Path(s) for s in dict.fromkeys(str(Path(s)) for s in sources)]
    if not paths:
        raise ValidationError("name at least one project file to merge")
    names: dict[str, Path] = {}
    for p in paths:
        if team_path.exists() and p.resolve() == team_path.resolve():
            raise ValidationError(f"{p} is the team project itself; name the annotators' files")
        n = source_name(p)
        if ":" in n:  # "a:b" would prefix its ids as "a" does ids "b:…": the same ids, and
            # merging "a" again would take the other's annotations for its own
            raise ValidationError(f"{p}: a file name with ':' cannot be merged (the name goes before its "
                                  "annotations' ids with a ':'): rename the file")
        if n in names:
            raise ValidationError(f"{names[n]} and {p} have the same name {n!r}; the file name "
                                  "tells whose work an annotation is: rename one")
        names[n] = p
    summary = MergeSummary(files=[str(p) for p in paths])
    read: list[_Source] = []
    scratches: list[Path] = []  # upgraded copies of sources of an older format
    schemas = []
    try:
        for p in paths:
            if progress:
                progress(f"reading {p}")
            src, scratch = _open_source(p)
            if scratch is not None:
                scratches.append(scratch)
            # read through a memory map: no system call and no copy per page of a 30 MB source
            src.conn.execute(f"PRAGMA mmap_size = {SOURCE_MMAP}")
            read.append(_Source(p, source_name(p), [], src))
            read[-1].docs = _read_source(src, source_name(p))
            schemas.append(src.schema())
        created = not team_path.exists()
        # a new team file has pages of 16 KiB, not 4: its packed documents' rows (the sources'
        # JSON, ~1,000 annotations a document) take a quarter of the pages to write and read
        team = Project.create(team_path, schemas[0], page_size=TEAM_PAGE_SIZE) if created else Project.open(team_path)
        summary.created = created
        try:
            # a new file is written with a rollback journal: its new pages need no
            # journaling, where WAL would write them twice (into the log, then the file)
            with team, (bulk_write(team) if created else contextlib.nullcontext()):
                _merge_into(team, read, schemas, summary, progress)
        except BaseException:
            if created:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(str(team_path) + suffix).unlink(missing_ok=True)
            raise
    finally:
        for s in read:
            s.project.close()
        for folder in scratches:
            shutil.rmtree(folder, ignore_errors=True)
    return summary


def _merge_into(team: Project, read: list[_Source], schemas: list[Schema], summary: MergeSummary,
                progress: Callable[[str], None] | None) -> None:
    conn = team.conn
    # the write lock first: another merge into the same file waits, then plans from what it wrote
    with team.write():
        # which team document each source document is, checked before anything is written
        team_docs = {doc_id: sha for doc_id, sha in conn.execute("SELECT id, text_sha256 FROM documents")}
        by_sha: dict[str, str] = {}
        for doc_id, sha in team_docs.items():
            by_sha.setdefault(sha, doc_id)
        origin: dict[str, Path] = {doc_id: team.path for doc_id in team_docs}
        plan: dict[str, list[tuple[_Source, _SourceDoc]]] = {}
        new_docs: dict[str, tuple[_Source, _SourceDoc]] = {}
        for src in read:
            # a source's documents stay apart: two of its own with the same text are two documents
            # of the team (in one, their annotations' prefixed ids would be the same)
            own = {d.id for d in src.docs}
            taken: set[str] = set()
            for d in src.docs:
                target = d.id
                if target not in team_docs and target not in new_docs:
                    match = by_sha.get(d.sha)
                    if match is not None and match not in own and match not in taken:
                        target = match  # the same text under another id
                taken.add(target)
                known = team_docs.get(target)
                if known is None and target in new_docs:
                    known = new_docs[target][1].sha
                if known is not None and known != d.sha:
                    raise InputError(
                        f"document {d.id!r} has a different text here than in {origin[target]}; a "
                        "document's text never changes: nothing was merged", file=src.path)
                if known is None:
                    new_docs[target] = (src, d)
                    origin[target] = src.path
                    by_sha.setdefault(d.sha, target)
                plan.setdefault(target, []).append((src, d))
        for schema in schemas:
            _merge_schema(team, schema, summary)
        # new documents indexed (words and marks) in one statement each at the end, as an
        # import's are; the marks' names looked up once
        with search_index.deferred(conn):
            layers = team.label_layers()
            stamp = now()
            # the sources whose annotations name the team's layer for every label
            same_layers = {src.name for src in read
                           if all(layers.get(label) == layer for label, layer in src.project.label_layers().items())}
            # the sources whose labels have a speaker attribute where the team's do (search marks)
            with_speaker = _labels_with_speaker(conn)
            same_speakers = set()
            for src in read:
                theirs = _labels_with_speaker(src.project.conn)
                if all((label in with_speaker) == (label in theirs) for label in src.project.label_layers()):
                    same_speakers.add(src.name)
            _copy_documents(team, read, new_docs)
            for i, (target, contributions) in enumerate(plan.items()):
                if progress and i % 1000 == 0:
                    progress(f"merging documents {i + 1}-{min(i + 1000, len(plan))} of {len(plan)}")
                if target in new_docs:
                    summary.documents_added += 1
                    _insert_new(team, target, contributions, layers, stamp, same_layers, same_speakers, summary)
                    continue
                if team_parts(conn, target):
                    _update_parts(team, target, contributions, layers, stamp, same_layers, same_speakers, summary)
                else:
                    _update_document(team, target, contributions, layers, stamp, summary)


def _part(src: _Source, sd: _SourceDoc, layers: dict[str, str], stamp: str, same_layers: set[str]) -> Part:
    """A source's document as a part of the team's: the source's packed JSON as it is, unless
    its annotations name another layer than the team's for a label (or were read from rows,
    which name none): then with the team's layers written in."""
    anns = sd.annotations
    if sd.rows or src.name not in same_layers:
        lean = decode_lean_annotations(anns)
        layer_raw = _layer_raw(layers)
        for a in lean:
            a.layer = layer_raw[a.label]
        anns = encode(lean)
    # the merge's time for items without one: given by the reads (core.packing.part_items)
    return Part(src.name, stamp, anns, sd.relations)


def _count_source(src: _Source, sd: _SourceDoc, by_label: Counter[tuple[str, str | None]], by_type: Counter[str],
                  speakers: list[str] | None, same_speakers: set[str]) -> list[str] | None:
    """A source's document added whole to a team document: its counts by label (and annotator)
    and by relation type added from the source's own counts; returns the document's speaker
    marks with the source's (None once a source's must be counted from its annotations)."""
    for label, who, n in part_label_counts(src.name, sd.label_counts):
        by_label[label, who] += n
    for rtype, n in sd.type_counts:
        by_type[rtype] += n
    if speakers is not None and src.name in same_speakers:
        return speakers + sd.speakers
    return None


def _insert_new(team: Project, target: str, contributions: list[tuple[_Source, _SourceDoc]],
                layers: dict[str, str], stamp: str, same_layers: set[str], same_speakers: set[str],
                summary: MergeSummary) -> None:
    """A document new to the team: stored in parts, one per source (docs/adr/0015), its counts
    from the sources' counts: no annotation is decoded (unless its layers must change)."""
    parts = []
    by_label: Counter[tuple[str, str | None]] = Counter()
    by_type: Counter[str] = Counter()
    n_anns = n_rels = 0
    speakers: list[str] | None = []
    for src, sd in contributions:
        parts.append(_part(src, sd, layers, stamp, same_layers))
        speakers = _count_source(src, sd, by_label, by_type, speakers, same_speakers)
        n_anns += sd.annotation_count
        n_rels += sd.relation_count
    summary.annotations_added += n_anns
    summary.relations_added += n_rels
    insert_parts(team.conn, target, parts, [(label, who, n) for (label, who), n in by_label.items()],
                 list(by_type.items()), n_anns, n_rels, speakers)


def _update_parts(team: Project, target: str, contributions: list[tuple[_Source, _SourceDoc]],
                  layers: dict[str, str], stamp: str, same_layers: set[str], same_speakers: set[str],
                  summary: MergeSummary) -> None:
    """Merge sources again into a document kept in parts: a source's part is replaced when its
    JSON differs from what the source has now, and only such parts are decoded (to count what
    was added, changed and removed); the same files again change nothing and decode nothing."""
    conn = team.conn
    have = team_parts(conn, target)
    where = {p.source: i for i, p in enumerate(have)}
    now_parts = list(have)
    added = changed = removed = rel_added = rel_changed = rel_removed = 0
    by_label: Counter[tuple[str, str | None]] = Counter()
    by_type: Counter[str] = Counter()
    replaced = False
    speakers: list[str] | None = []  # the new parts' speaker marks, while only added
    for src, sd in contributions:
        part = _part(src, sd, layers, stamp, same_layers)
        i = where.get(src.name)
        if i is not None and have[i].annotations == part.annotations and have[i].relations == part.relations:
            continue
        replaced = True
        if i is None:  # a source new to the document: all its work is added, counted by the source
            speakers = _count_source(src, sd, by_label, by_type, speakers, same_speakers)
            added += sd.annotation_count
            rel_added += sd.relation_count
            where[src.name] = len(now_parts)
            now_parts.append(part)
            continue
        speakers = None  # a part replaced: its document's speaker marks are counted again
        old_a, old_r = part_items(have[i])
        if have[i].stamp is not None:
            part.stamp = have[i].stamp  # items still without times keep those the first merge gave
        new_a, new_r = part_items(part)
        by_label.subtract(Counter((a.label, a.annotator) for a in old_a))
        by_label.update((a.label, a.annotator) for a in new_a)
        by_type.subtract(Counter(r.type for r in old_r))
        by_type.update(r.type for r in new_r)
        a_added, a_changed, a_removed = _compare(old_a, new_a)
        r_added, r_changed, r_removed = _compare(old_r, new_r)
        added, changed, removed = added + a_added, changed + a_changed, removed + a_removed
        rel_added, rel_changed, rel_removed = rel_added + r_added, rel_changed + r_changed, rel_removed + r_removed
        now_parts[i] = part
    if not replaced:
        summary.documents_unchanged += 1
        return
    row = conn.execute("SELECT labels, types, annotation_count, relation_count FROM packed WHERE doc = ?",
                       (target,)).fetchone()
    for label, who, n in orjson.loads(row[0]):
        by_label[label, who] += n
    for rtype, n in orjson.loads(row[1]):
        by_type[rtype] += n
    if speakers is not None:
        speakers += search_index.speaker_marks(conn, target).get(target, [])
    conn.execute("DELETE FROM packed WHERE doc = ?", (target,))  # its parts and search marks too
    insert_parts(conn, target, now_parts, [(label, who, n) for (label, who), n in by_label.items() if n > 0],
                 [(rtype, n) for rtype, n in by_type.items() if n > 0],
                 row[2] + added - removed, row[3] + rel_added - rel_removed, speakers)
    if added or changed or removed or rel_added or rel_changed or rel_removed:
        summary.documents_updated += 1
        summary.annotations_added += added
        summary.annotations_changed += changed
        summary.annotations_removed += removed
        summary.relations_added += rel_added
        team._touch(target)
    else:
        summary.documents_unchanged += 1


def _compare(old: Sequence[Any], new: Sequence[Any]) -> tuple[int, int, int]:
    """How many items (by id) ``new`` adds to ``old``, changes and removes."""
    before = {x.id: encode(x) for x in old}
    added = changed = 0
    for x in new:
        was = before.pop(x.id, None)
        if was is None:
            added += 1
        elif was != encode(x):
            changed += 1
    return added, changed, len(before)


def _labels_with_speaker(conn: sqlite3.Connection) -> frozenset[str]:
    """The labels whose annotations have speaker marks (as ``store.search_index`` finds them)."""
    return frozenset(r[0] for r in conn.execute("SELECT name FROM labels WHERE instr(attributes, '\"speaker\"') > 0"))


def _copy_documents(team: Project, read: list[_Source], new: dict[str, tuple[_Source, _SourceDoc]]) -> None:
    """Copy the new documents (and where they came from) from the sources that bring them
    first, in the sources' order and each source's document order (a new document keeps its
    id). Each source's documents are read in one query and written in one batch."""
    for src in read:
        conn = src.project.conn
        mine = {d.id for s, d in new.values() if s is src}  # a new document keeps its id
        if not mine:
            continue
        team.conn.executemany(
            "INSERT INTO documents(id, title, text, meta, status, text_sha256, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row for row in conn.execute("SELECT id, title, text, meta, status, text_sha256, created, updated"
                                         " FROM documents ORDER BY rowid") if row[0] in mine))
        team.conn.executemany(
            "INSERT OR REPLACE INTO sources(doc, kind, name, data) VALUES (?, ?, ?, ?)",
            (row for row in conn.execute("SELECT doc, kind, name, data FROM sources ORDER BY rowid")
             if row[0] in mine))


def _update_document(team: Project, target: str, contributions: list[tuple[_Source, _SourceDoc]],
                     layers: dict[str, str], stamp: str, summary: MergeSummary) -> None:
    conn = team.conn
    row = conn.execute("SELECT annotations, relations FROM packed WHERE doc = ?", (target,)).fetchone()
    if row is not None:
        have_a, have_r = decode_annotations(row[0]), decode_relations(row[1])
    else:
        have_a = [a.to_native(layers.get(a.label)) for a in team.annotations(target)]
        have_r = [r.to_native() for r in team.relations(target)]
    prefixes = tuple(src.name + ":" for src, _ in contributions)
    keep_a = [a for a in have_a if not a.id.startswith(prefixes)]
    keep_r = [r for r in have_r if not r.id.startswith(prefixes)]
    old_a = [a for a in have_a if a.id.startswith(prefixes)]
    old_r = [r for r in have_r if r.id.startswith(prefixes)]
    new_a: list[NativeAnnotation] = []
    new_r: list[NativeRelation] = []
    for contributor, sd in contributions:
        more_a, more_r = sd.natives(contributor.name)
        new_a += more_a
        new_r += more_r
    for a in new_a:
        a.layer = layers.get(a.label, a.layer)
        a.created = a.created or stamp
        a.updated = a.updated or stamp
    for r in new_r:
        r.created = r.created or stamp
        r.updated = r.updated or stamp
    added, changed, removed = _compare(old_a, new_a)
    rel_added, rel_changed, rel_removed = _compare(old_r, new_r)
    if not (added or changed or removed or rel_added or rel_changed or rel_removed):
        summary.documents_unchanged += 1
        return
    summary.documents_updated += 1
    summary.annotations_added += added
    summary.annotations_changed += changed
    summary.annotations_removed += removed
    summary.relations_added += rel_added
    anns, rels = keep_a + new_a, keep_r + new_r
    if row is not None:
        conn.execute("DELETE FROM packed WHERE doc = ?", (target,))
        team.insert_packed(target, pack(anns, rels, layers, {}, stamp))
    else:  # the document has been edited in the team project: it keeps rows
        from newsmark.core.model import Annotation, Relation

        marks = " OR ".join("id LIKE ? ESCAPE '\\'" for _ in prefixes)
        args = [_like_prefix(p) for p in prefixes]
        conn.execute(f"DELETE FROM relations WHERE doc = ? AND ({marks})", (target, *args))
        conn.execute(f"DELETE FROM annotations WHERE doc = ? AND ({marks})", (target, *args))
        team._insert_annotations(Annotation.from_native(a, target) for a in new_a)
        team._insert_relations(Relation.from_native(r, target) for r in new_r)
    team._touch(target)


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _merge_schema(team: Project, schema: Schema, summary: MergeSummary) -> None:
    have = {lab.name for lab in team.labels()}
    shortcuts = {lab.shortcut for lab in team.labels() if lab.shortcut}
    for lab in schema.labels:
        if lab.name not in have:
            if lab.shortcut in shortcuts:
                lab.shortcut = ""
            team.add_label(lab)
            have.add(lab.name)
            summary.labels_added.append(lab.name)
    types = {rt.name for rt in team.relation_types()}
    for rt in schema.relation_types:
        if rt.name not in types:
            team.add_relation_type(rt)
            types.add(rt.name)
            summary.relation_types_added.append(rt.name)
