"""One SQLite file = one project.  Every edit is committed when it is made.

The store is Qt-free.  It opens the file with WAL journaling, ``synchronous=FULL`` (a
committed edit survives a power cut, docs/adr/0003), foreign keys on and a busy timeout,
and checks that the file is a Newsmark project of a version this code can read.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlite_utils

from newsmark import __version__
from newsmark.core import jsonutil
from newsmark.core.atomicfile import left_by_a_killed_process, process_tag, remove_stale_partials
from newsmark.core.errors import (
    DuplicateAnnotationError,
    NotFoundError,
    ProjectError,
    ValidationError,
)
from newsmark.core.model import (
    STATUSES,
    Annotation,
    AttributeDef,
    Document,
    Label,
    NativeAnnotation,
    NativeRelation,
    Relation,
    RelationType,
    default_title,
    new_id,
    normalise_status,
    now,
    text_sha256,
)
from newsmark.core.offsets import check_span
from newsmark.core.packing import Packed, decode_annotations, decode_relations
from newsmark.core.schema import (
    PALETTE,
    Schema,
    check_attributes,
    label_matches,
    parse_attribute_defs,
)
from newsmark.store import location, migrations, search_index
from newsmark.store.packed import packed_json
from newsmark.store.uri import project_uri

SQLITE_HEADER = b"SQLite format 3\x00"
PROJECT_SUFFIX = ".newsmark"
BUSY_TIMEOUT_MS = 10_000

_ANN_COLUMNS = 'doc, id, start, "end", label, text, attributes, annotator, note, created, updated'
_REL_COLUMNS = "doc, id, type, from_id, to_id, attributes, created, updated"


BACKUP_SUFFIX = ".newsmark"


def backup_dir(project_path: str | Path) -> Path:
    """Where a project's rolling backups are kept: ``NAME.backups/`` beside it."""
    p = Path(project_path)
    return p.with_name(p.name + ".backups")


def list_backups(project_path: str | Path) -> list[Path]:
    """The project's rolling backups, newest first (their names start with a UTC timestamp)."""
    folder = backup_dir(project_path)
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.suffix == BACKUP_SUFFIX and f.is_file()),
                  key=lambda f: f.name, reverse=True)


def _backup_hint(path: Path) -> str:
    backups = list_backups(path)
    if backups:
        return (f"; the latest backup is {backups[0]}: restore it with "
                f"'newsmark restore {path}'")
    return "; no backup of it was found"


def environment_error(path: Path, e: sqlite3.Error) -> ProjectError:
    """Turn SQLite's complaint about the file into a message for the user."""
    msg = str(e)
    low = msg.lower()
    if "locked" in low or "busy" in low:
        return ProjectError(f"{path}: the project is busy in another program; try again ({msg})")
    if "readonly" in low or "read-only" in low:
        return ProjectError(f"{path}: the project cannot be written (read-only file or folder)")
    if "disk is full" in low or "database or disk is full" in low:
        return ProjectError(f"{path}: the disk is full; nothing was changed by this edit")
    if "could not decode" in low:  # a flipped bit in stored text; SQLite's message quotes it all
        column = msg.split(" with text ", 1)[0].replace("Could not decode to UTF-8 ", "")
        return ProjectError(f"{path}: the project file is damaged (stored text that is not UTF-8, "
                            f"{column}); it was not changed" + _backup_hint(path))
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return ProjectError(
            f"{path}: the project file is damaged ({msg}); it was not changed" + _backup_hint(path)
        )
    if "disk i/o" in low:
        return ProjectError(f"{path}: the disk could not read or write the project ({msg})")
    if "no such table" in low:
        return ProjectError(f"{path}: the project file is incomplete or damaged ({msg})" + _backup_hint(path))
    if "unable to open" in low:
        return ProjectError(f"{path}: cannot open the project file ({msg})")
    return ProjectError(f"{path}: {msg}")


def _row_to_label(r: dict[str, Any]) -> Label:
    return Label(
        name=r["name"],
        layer=r["layer"],
        colour=r["colour"],
        shortcut=r["shortcut"],
        description=r["description"],
        attributes=parse_attribute_defs(jsonutil.loads(r["attributes"]), f"label {r['name']}"),
    )


def _row_to_relation_type(r: dict[str, Any]) -> RelationType:
    return RelationType(
        name=r["name"],
        from_labels=jsonutil.loads(r["from_labels"]),
        to_labels=jsonutil.loads(r["to_labels"]),
        description=r["description"],
        attributes=parse_attribute_defs(jsonutil.loads(r["attributes"]), f"relation {r['name']}"),
    )


def _row_to_annotation(r: Sequence[Any]) -> Annotation:
    return Annotation(
        r[1], r[0], r[2], r[3], r[4], r[5], {} if r[6] == "{}" else jsonutil.loads(r[6]),
        r[7], r[8], r[9], r[10],
    )


def _annotation_order(a: Annotation) -> tuple[int, int, str]:
    return a.start, a.end, a.id





def _row_to_relation(r: Sequence[Any]) -> Relation:
    return Relation(
        document=r[0], id=r[1], type=r[2], from_id=r[3], to_id=r[4],
        attributes=jsonutil.loads(r[5]), created=r[6], updated=r[7],
    )


def _attr_defs_json(defs: list[AttributeDef]) -> str:
    return jsonutil.dumps([d.to_dict() for d in defs])


class _Keep:
    """The type of KEEP: "leave this field as it is" where None is a real value."""


KEEP = _Keep()


@dataclass(slots=True)
class DocumentSummary:
    """What a document list shows: no text."""

    id: str
    title: str
    status: str
    annotations: int
    updated: str


TEXTS_KEPT = 4  # documents' texts kept by Project._text


class Project:
    """An open project file.  Use ``Project.open`` / ``Project.create``; close when done."""

    def __init__(self, path: Path, db: sqlite_utils.Database) -> None:
        self.path = path
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.shared_folder: str | None = None  # see _configure
        self._texts: dict[str, tuple[str, str]] = {}  # see _text
        self._spans: tuple[tuple[str, int, int], dict[tuple[int, int, str, str | None], str]] | None = None
        self._spans_mark: tuple[str, str, int] | None = None  # see _annotations_mark
        self._touched: tuple[str, str] | None = None  # the document this connection touched last, and when
        self._scratch: Path | None = None  # a read-only copy's folder (_connect_readonly)

    # ---------------------------------------------------------------- opening
    @classmethod
    def create(cls, path: str | Path, schema: Schema | None = None, *, page_size: int | None = None) -> Project:
        """Create a new project file; refuses to touch an existing file.  ``page_size``: SQLite's,
        when not its default (a team file of merged packed documents: docs/adr/0015)."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path} already exists; choose another name or open it")
        if schema is None:
            from newsmark.core.schema import load_schema
            from newsmark.resources import default_schema_path

            schema = load_schema(default_schema_path())
        if not path.parent.exists():
            raise ProjectError(f"{path}: the folder {path.parent} does not exist")
        try:  # made here, exclusively: a project another program creates at the same moment is
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # never taken over
        except FileExistsError:
            raise ProjectError(f"{path} already exists; choose another name or open it") from None
        except OSError as e:
            raise ProjectError(f"cannot create {path}: {e.strerror or e}") from None
        try:
            conn = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as e:
            with contextlib.suppress(OSError):
                path.unlink()
            raise environment_error(path, e) from None
        project = cls(path, sqlite_utils.Database(conn))
        try:
            if page_size is not None:  # before the first page is written
                project.conn.execute(f"PRAGMA page_size = {int(page_size)}")
            project._configure()
            with project.write():
                project.db.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
                migrations.migrate(project.db)
                created = now()
                project.db.execute(
                    "INSERT INTO project(key, value) VALUES ('created', ?), ('app_version', ?), ('schema', ?)",
                    (created, __version__, schema.name),
                )
                project._put_schema(schema)
        except BaseException:
            project.close()
            with contextlib.suppress(OSError):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink()
            raise
        return project

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Project:
        """Open an existing project, upgrading an older file format in one transaction.

        ``readonly`` opens it for reading only (nothing, not even the journal, is written);
        a project that cannot be written is refused for writing with a message saying why.
        """
        path = Path(path)
        if not path.exists():
            raise ProjectError(f"{path}: no such project (create one with 'newsmark init')")
        if path.is_dir():
            raise ProjectError(f"{path} is a folder, not a project file")
        try:
            with path.open("rb") as f:
                header = f.read(len(SQLITE_HEADER))
        except OSError as e:
            raise ProjectError(f"{path}: cannot read the project ({e.strerror or e})") from None
        if header != SQLITE_HEADER:
            what = "an empty file" if not header else "not an SQLite database"
            raise ProjectError(f"{path} is not a Newsmark project ({what})")
        if not readonly:
            why = _not_writable(path)
            if why:
                raise ProjectError(f"{path}: the project cannot be written: {why}. "
                                   "Copy it to a writable folder to work on it")
        scratch: Path | None = None
        try:
            if readonly:
                conn, scratch = _connect_readonly(path)
            else:
                conn = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as e:
            raise environment_error(path, e) from None
        project = cls(path, sqlite_utils.Database(conn))
        project._scratch = scratch
        try:
            # check what the file is before anything (even the journal mode) changes it
            project._check_version()
            project._configure(readonly=readonly)
            project._upgrade(readonly=readonly)
        except sqlite3.Error as e:
            project.close()
            raise environment_error(path, e) from None
        except BaseException:
            project.close()
            raise
        if not readonly:  # a killed import's take-back reserve (as large as a batch or the journal)
            remove_stale_partials(path.resolve())
        return project

    def _configure(self, readonly: bool = False) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            # WAL, except on a network share or in a synced folder where it does not work:
            # a rollback journal there, and journal_note says so (store/location.py, #20)
            self.shared_folder = location.shared_folder(self.path.resolve())
            want = "delete" if self.shared_folder else "wal"
            mode = switch_journal_mode(c, want)
            if mode != want:
                raise ProjectError(f"{self.path}: cannot switch the project to {want.upper()} mode ({mode})")
        # FULL: the WAL is synced at every commit, so a committed edit survives a power cut;
        # on macOS fsync leaves the data in the drive's cache: F_FULLFSYNC flushes it (#20).
        # With a rollback journal (a shared folder) FULL does not sync the folder after the
        # journal is deleted at a commit: a power cut just after could bring the journal back and
        # roll the committed edit back.  EXTRA syncs the folder too.
        c.execute(f"PRAGMA synchronous = {'EXTRA' if self.shared_folder else 'FULL'}")
        if sys.platform == "darwin":
            c.execute("PRAGMA fullfsync = ON")
            c.execute("PRAGMA checkpoint_fullfsync = ON")

    @property
    def journal_note(self) -> str | None:
        """A line for the user when the project is in a place where WAL does not work."""
        if not self.shared_folder:
            return None
        return (f"note: {self.path} is in {self.shared_folder}, where SQLite's WAL does not work: "
                "it is used with a rollback journal (do not open it from two computers at once)")

    def _check_version(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        v = migrations.version(self.db)
        if app_id != migrations.APPLICATION_ID or v == 0:
            raise ProjectError(f"{self.path} is an SQLite database but not a Newsmark project")
        if v > migrations.LATEST:
            raise ProjectError(
                f"{self.path} was made by a newer version of Newsmark (project format {v}; "
                f"this version {__version__} reads formats up to {migrations.LATEST}). "
                "Update Newsmark to open it; the file was not changed."
            )

    def _upgrade(self, readonly: bool) -> None:
        v = migrations.version(self.db)
        if v < migrations.LATEST:
            if readonly:
                raise ProjectError(
                    f"{self.path} uses an older project format ({v}) and must be upgraded, "
                    "but it was opened read-only"
                )
            with self.write():
                migrations.migrate(self.db)
                self.db.execute(
                    "INSERT OR REPLACE INTO project(key, value) VALUES ('app_version', ?)", (__version__,)
                )

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        if self._scratch is not None:
            import shutil

            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- transactions
    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``: takes the write lock at once, waiting up
        to the busy timeout); nested calls become savepoints.  Rolled back on any error."""
        if self.conn.in_transaction:
            try:
                with self.db.atomic():
                    yield
            except BaseException:
                self._spans = None  # what it read may have been rolled back
                raise
            return
        self.begin()
        try:
            yield
        except BaseException:
            self._spans = None
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise
        self.commit()

    def begin(self) -> None:
        """Open a write transaction by hand (``write()`` inside it makes savepoints)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise environment_error(self.path, e) from None

    def commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._spans = None
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise environment_error(self.path, e) from None

    @contextlib.contextmanager
    def _sql_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError as e:
            raise ValidationError(str(e)) from None
        except sqlite3.Error as e:
            raise environment_error(self.path, e) from None

    # ---------------------------------------------------------------- schema
    def info(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.db.query("SELECT key, value FROM project")}

    def _put_schema(self, schema: Schema) -> None:
        for lab in schema.labels:
            self.add_label(lab)
        for rt in schema.relation_types:
            self.add_relation_type(rt)

    def schema(self) -> Schema:
        return Schema(
            name=self.info().get("schema", "custom"),
            labels=self.labels(),
            relation_types=self.relation_types(),
        )

    def labels(self) -> list[Label]:
        return [_row_to_label(r) for r in self.db.query("SELECT * FROM labels ORDER BY position, name")]

    def label(self, name: str) -> Label:
        rows = list(self.db.query("SELECT * FROM labels WHERE name = ?", (name,)))
        if not rows:
            known = ", ".join(lab.name for lab in self.labels())
            raise NotFoundError(f"no label {name!r} in this project (labels: {known})")
        return _row_to_label(rows[0])

    def add_label(self, label: Label) -> None:
        with self.write(), self._sql_errors():
            pos = self.db.execute("SELECT coalesce(max(position), 0) + 1 FROM labels").fetchone()[0]
            self.db.table("labels").insert(
                {
                    "name": label.name, "layer": label.layer, "colour": label.colour,
                    "shortcut": label.shortcut, "description": label.description,
                    "attributes": _attr_defs_json(label.attributes), "position": pos,
                }
            )

    def update_label(self, name: str, /, **changes: Any) -> None:
        """Change a label's layer, colour, shortcut, description or name (annotations follow)."""
        allowed = {"name", "layer", "colour", "shortcut", "description"}
        bad = set(changes) - allowed
        if bad:
            raise ValueError(f"cannot change {bad} of a label")
        self.label(name)
        with self.write(), self._sql_errors():
            if "name" in changes or "layer" in changes:  # packed copies name the label and its layer
                self._unpack(self.conn.execute(
                    "SELECT DISTINCT p.doc FROM packed p, json_each(p.labels) j WHERE j.value ->> 0 = ?",
                    (name,)).fetchall())
            self.db.table("labels").update(name, changes)

    def add_relation_type(self, rt: RelationType) -> None:
        with self.write(), self._sql_errors():
            pos = self.db.execute("SELECT coalesce(max(position), 0) + 1 FROM relation_types").fetchone()[0]
            self.db.table("relation_types").insert(
                {
                    "name": rt.name, "from_labels": jsonutil.dumps(rt.from_labels),
                    "to_labels": jsonutil.dumps(rt.to_labels), "description": rt.description,
                    "attributes": _attr_defs_json(rt.attributes), "position": pos,
                }
            )

    def relation_types(self) -> list[RelationType]:
        return [
            _row_to_relation_type(r)
            for r in self.db.query("SELECT * FROM relation_types ORDER BY position, name")
        ]

    def relation_type(self, name: str) -> RelationType:
        rows = list(self.db.query("SELECT * FROM relation_types WHERE name = ?", (name,)))
        if not rows:
            known = ", ".join(rt.name for rt in self.relation_types())
            raise NotFoundError(f"no relation type {name!r} in this project (types: {known})")
        return _row_to_relation_type(rows[0])

    def ensure_labels(self, names: Iterable[str], layers: dict[str, str] | None = None) -> list[str]:
        """Add the labels among ``names`` that the schema lacks; returns those added."""
        known = {r[0] for r in self.conn.execute("SELECT name FROM labels")}
        added: list[str] = []
        for name in names:
            if name in known:
                continue
            colour = PALETTE[(len(known) + len(added)) % len(PALETTE)]
            layer = (layers or {}).get(name) or "entity"
            self.add_label(Label(name=name, layer=layer, colour=colour))
            known.add(name)
            added.append(name)
        return added

    def ensure_relation_types(self, names: Iterable[str]) -> list[str]:
        known = {r[0] for r in self.conn.execute("SELECT name FROM relation_types")}
        added: list[str] = []
        for name in names:
            if name not in known:
                self.add_relation_type(RelationType(name=name))
                known.add(name)
                added.append(name)
        return added

    # ---------------------------------------------------------------- documents
    def add_document(self, doc: Document) -> Document:
        """Store a new document (without its annotations; see ``import_documents``)."""
        if not isinstance(doc.text, str):
            raise ValidationError("a document needs a text")
        status = normalise_status(doc.status)
        if status is None:
            raise ValidationError(f"status {doc.status!r} is not one of {', '.join(STATUSES)}")
        stamp = now()
        stored = Document(
            id=doc.id or text_sha256(doc.text)[:16],
            text=doc.text,
            title=doc.title or default_title(doc.text),
            meta=dict(doc.meta),
            status=status,
            created=doc.created or stamp,
            updated=doc.updated or stamp,
        )
        with self.write(), self._sql_errors():
            if self.has_document(stored.id):
                raise ValidationError(f"a document with id {stored.id!r} already exists")
            self.conn.execute(
                "INSERT INTO documents(id, title, text, meta, status, text_sha256, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.id, stored.title, stored.text, jsonutil.dumps(stored.meta), stored.status,
                 text_sha256(stored.text), stored.created, stored.updated),
            )
        return stored

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def document_by_sha(self, sha: str) -> str | None:
        row = self.conn.execute("SELECT id FROM documents WHERE text_sha256 = ? LIMIT 1", (sha,)).fetchone()
        return row[0] if row else None

    def document(self, doc_id: str, *, with_annotations: bool = True) -> Document:
        row = self.conn.execute(
            "SELECT id, title, text, meta, status, created, updated FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no document {doc_id!r} in {self.path}")
        doc = Document(
            id=row[0], title=row[1], text=row[2], meta=jsonutil.loads(row[3]), status=row[4],
            created=row[5], updated=row[6],
        )
        if with_annotations:
            doc.annotations = self.annotations(doc_id)
            doc.relations = self.relations(doc_id)
        return doc

    def document_ids(self, status: Sequence[str] | None = None) -> list[str]:
        if status:
            marks = ",".join("?" * len(status))
            sql = f"SELECT id FROM documents WHERE status IN ({marks}) ORDER BY rowid"
            return [r[0] for r in self.conn.execute(sql, tuple(status))]
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY rowid")]

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document's id, title, status and annotation count, without the texts."""
        sql = """
            SELECT d.id, d.title, d.status, coalesce(c.n, 0), d.updated
            FROM documents d
            LEFT JOIN (SELECT doc, count(*) AS n FROM annotations GROUP BY doc
                       UNION ALL SELECT doc, annotation_count FROM packed) c ON c.doc = d.id
            ORDER BY d.rowid
        """
        return [DocumentSummary(*r) for r in self.conn.execute(sql)]

    def document_list(self) -> tuple[list[tuple[int, str, str, str]], dict[str, int]]:
        """(rowid, id, title, status) of every document in project order, read from a
        covering index (the texts are never touched, so 100,000 documents list fast), and the
        annotation count of each document that has annotations."""
        rows = self.conn.execute(
            "SELECT rowid, id, title, status FROM documents INDEXED BY documents_list").fetchall()
        rows.sort()
        counts = dict(self.conn.execute("SELECT doc, count(*) FROM annotations GROUP BY doc"))
        counts.update(self.conn.execute("SELECT doc, annotation_count FROM packed WHERE annotation_count > 0"))
        return rows, counts

    def count_documents(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def set_status(self, doc_id: str, status: str) -> str:
        """Set a document's status; returns the previous one."""
        canonical = normalise_status(status)
        if canonical is None:
            raise ValidationError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        with self.write(), self._sql_errors():
            row = self.conn.execute("SELECT status FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no document {doc_id!r}")
            self.conn.execute(
                "UPDATE documents SET status = ?, updated = ? WHERE id = ?", (canonical, now(), doc_id)
            )
        return str(row[0])

    def update_document(self, doc_id: str, *, title: str | None = None,
                        meta: dict[str, Any] | None = None) -> None:
        with self.write(), self._sql_errors():
            if not self.has_document(doc_id):
                raise NotFoundError(f"no document {doc_id!r}")
            if title is not None:
                self.conn.execute("UPDATE documents SET title = ? WHERE id = ?", (title, doc_id))
            if meta is not None:
                self.conn.execute("UPDATE documents SET meta = ? WHERE id = ?", (jsonutil.dumps(meta), doc_id))
            self._touch(doc_id)

    def delete_document(self, doc_id: str) -> None:
        with self.write(), self._sql_errors():
            if not self.has_document(doc_id):
                raise NotFoundError(f"no document {doc_id!r}")
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def _touch(self, doc_id: str) -> None:
        stamp = now()
        self.conn.execute("UPDATE documents SET updated = ? WHERE id = ?", (stamp, doc_id))
        self._touched = (doc_id, stamp)

    def _text(self, doc_id: str) -> str:
        """A document's text, for checking spans.  Fetching and decoding a long text cost most
        of an edit (4 ms for 1 MB with emoji), so the last few are kept, and used again while
        the text's hash is the one they were read with (another connection's commits do not
        matter: the suggestions' worker commits beside the window all the time, and a text
        replaced, by anyone, has another hash)."""
        row = self.conn.execute("SELECT text_sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document {doc_id!r}")
        key = row[0]
        cached = self._texts.get(doc_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        text = str(self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0])
        self._texts[doc_id] = (key, text)
        while len(self._texts) > TEXTS_KEPT:
            del self._texts[next(iter(self._texts))]
        return text

    def put_source(self, doc_id: str, kind: str, name: str, compressed: bytes) -> None:
        """Keep the file a document came from (a web page's HTML), zlib-compressed."""
        with self.write(), self._sql_errors():
            self.conn.execute(
                "INSERT OR REPLACE INTO sources(doc, kind, name, data) VALUES (?, ?, ?, ?)",
                (doc_id, kind, name, compressed),
            )

    def source(self, doc_id: str) -> tuple[str, str, bytes] | None:
        """The original file of a document, as (kind, file name, bytes), if it was kept."""
        row = self.conn.execute("SELECT kind, name, data FROM sources WHERE doc = ?", (doc_id,)).fetchone()
        return (row[0], row[1], zlib.decompress(row[2])) if row else None

    # ---------------------------------------------------------------- annotations
    def annotations(self, doc_id: str) -> list[Annotation]:
        packed = self._packed(doc_id)
        if packed is not None:
            anns = [Annotation.from_native(a, doc_id) for a in packed[0]]
            anns.sort(key=_annotation_order)
            return anns
        sql = f'SELECT {_ANN_COLUMNS} FROM annotations WHERE doc = ? ORDER BY start, "end", id'
        stamp = self._spans_stamp(doc_id)
        mark = self._annotations_mark(doc_id)  # before the rows: never newer than what they hold
        anns = [_row_to_annotation(r) for r in self.conn.execute(sql, (doc_id,))]
        spans: dict[tuple[int, int, str, str | None], str] = {}
        for a in anns:  # kept for the next add's check (the window reads a document, then edits it)
            spans.setdefault((a.start, a.end, a.label, a.annotator), a.id)
        self._spans, self._spans_mark = (stamp, spans), mark
        return anns

    def annotation_ids(self, doc_id: str) -> tuple[set[str], set[str]]:
        """The ids of a document's annotations and of its relations."""
        packed = self._packed(doc_id)
        if packed is not None:
            return {a.id for a in packed[0]}, {r.id for r in packed[1]}
        return ({r[0] for r in self.conn.execute("SELECT id FROM annotations WHERE doc = ?", (doc_id,))},
                {r[0] for r in self.conn.execute("SELECT id FROM relations WHERE doc = ?", (doc_id,))})

    def annotation(self, doc_id: str, ann_id: str) -> Annotation:
        packed = self._packed(doc_id)
        if packed is not None:
            found = next((Annotation.from_native(a, doc_id) for a in packed[0] if a.id == ann_id), None)
        else:
            row = self.conn.execute(
                f"SELECT {_ANN_COLUMNS} FROM annotations WHERE doc = ? AND id = ?", (doc_id, ann_id)
            ).fetchone()
            found = None if row is None else _row_to_annotation(row)
        if found is None:
            raise NotFoundError(f"no annotation {ann_id!r} in document {doc_id!r}")
        return found

    def add_annotation(
        self,
        doc_id: str,
        start: int,
        end: int,
        label: str,
        *,
        attributes: dict[str, Any] | None = None,
        annotator: str | None = None,
        note: str | None = None,
        id: str | None = None,
        created: str | None = None,
    ) -> Annotation:
        """Tag ``text[start:end]`` with ``label``; committed before this returns."""
        attributes = dict(attributes or {})
        with self.write(), self._sql_errors():
            self._unpack([doc_id])
            text = self._text(doc_id)
            start, end = check_span(text, start, end)
            lab = self.label(label)
            check_attributes(lab.attributes, attributes, f"label {label}")
            self._refuse_identical(doc_id, start, end, label, annotator, text[start:end])
            stamp = now()
            ann = Annotation(
                id=id or new_id(), document=doc_id, start=start, end=end, label=label,
                text=text[start:end], attributes=attributes, annotator=annotator, note=note,
                created=created or stamp, updated=stamp,
            )
            self._insert_annotations([ann])
            self._touch(doc_id)
        self._spans_added(ann)
        return ann

    def _refuse_identical(self, doc_id: str, start: int, end: int, label: str, annotator: str | None,
                          text: str, own: str | None = None) -> None:
        """An annotation identical to one there (span, label, annotator) is not stored twice
        (``own``: the id of the annotation being changed or put back, not a duplicate of itself)."""
        kept, stamp = self._spans, self._spans_stamp(doc_id)
        if kept is not None and kept[0][0] == doc_id and kept[0][1] != stamp[1] and kept[0][2] == stamp[2] \
                and self._spans_mark is not None and self._spans_mark == self._annotations_mark(doc_id):
            # another connection committed since, but not to this document's annotations (the
            # suggestions' worker stores suggestions beside the window all the time): the kept
            # spans still hold, from this version on, instead of being read again (20-40 ms for
            # 20,000) or the span asked for (~3 ms) on every add
            self._spans = (stamp, kept[1])
        there = self._spans_of(doc_id).get((start, end, label, annotator))
        if there is not None and there != own:
            shown = text if len(text) <= 60 else text[:59] + "…"
            by = f" by {annotator}" if annotator is not None else ""
            raise DuplicateAnnotationError(
                f"not stored: document {doc_id!r} already has this annotation ({label} {start}–{end} "
                f"{shown!r}{by}, id {there})", there)

    def _spans_of(self, doc_id: str) -> dict[tuple[int, int, str, str | None], str]:
        """A document's annotations (in rows) by span, label and annotator.  Reading them cost
        5-15 ms for 20,000 (the table has no index but its key, docs/adr/0004), most of an add in
        the window; so the last document's read (here, or by ``annotations``) are kept while
        neither another connection (data_version) nor this one (total_changes) has changed
        anything since, and forgotten when a transaction is rolled back."""
        stamp = self._spans_stamp(doc_id)
        if self._spans is None or self._spans[0] != stamp:
            mark = self._annotations_mark(doc_id)
            rows = self.conn.execute('SELECT start, "end", label, annotator, id FROM annotations WHERE doc = ?',
                                     (doc_id,))
            spans: dict[tuple[int, int, str, str | None], str] = {}
            for start, end, label, annotator, ann_id in rows:
                spans.setdefault((start, end, label, annotator), ann_id)
            self._spans, self._spans_mark = (stamp, spans), mark
        return self._spans[1]

    def _annotations_mark(self, doc_id: str) -> tuple[str, str, int] | None:
        """What another connection's change to a document's annotations changes: the
        document's ``updated`` (every edit through a Project, and an import adding to it, sets
        it) and the number of its annotation rows (which older versions' imports added without it).  0.6 ms for 20,000."""
        row = self.conn.execute("SELECT updated, (SELECT count(*) FROM annotations WHERE doc = ?)"
                                " FROM documents WHERE id = ?", (doc_id, doc_id)).fetchone()
        return None if row is None else (doc_id, str(row[0]), int(row[1]))

    def _spans_stamp(self, doc_id: str) -> tuple[str, int, int]:
        return (doc_id, self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)

    def _spans_added(self, ann: Annotation) -> None:
        """Keep the kept spans (``_spans_of``) current after this connection committed an add."""
        kept = self._spans
        self._spans = None
        if kept is None or kept[0][0] != ann.document or self.conn.in_transaction:
            return  # not kept, or the add may still be rolled back with an outer transaction
        kept[1].setdefault((ann.start, ann.end, ann.label, ann.annotator), ann.id)
        self._spans = ((ann.document, kept[0][1], self.conn.total_changes), kept[1])
        # the document as the kept spans stand now: one row more, touched by this add
        mark, touched = self._spans_mark, self._touched
        self._spans_mark = (ann.document, touched[1], mark[2] + 1) if (
            mark is not None and mark[0] == ann.document and touched is not None
            and touched[0] == ann.document) else None

    def _insert_annotations(self, anns: Iterable[Annotation]) -> None:
        self.conn.executemany(
            f"INSERT INTO annotations({_ANN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                (a.document, a.id, a.start, a.end, a.label, a.text,
                 jsonutil.dumps(a.attributes) if a.attributes else "{}",
                 a.annotator, a.note, a.created, a.updated)
                for a in anns
            ),
        )

    def update_annotation(
        self,
        doc_id: str,
        ann_id: str,
        *,
        start: int | None = None,
        end: int | None = None,
        label: str | None = None,
        attributes: dict[str, Any] | None = None,
        note: str | None | _Keep = KEEP,
        annotator: str | None | _Keep = KEEP,
    ) -> Annotation:
        """Change an annotation's span, label, attributes or note; returns the new state."""
        with self.write(), self._sql_errors():
            self._unpack([doc_id])
            old = self.annotation(doc_id, ann_id)
            text = self._text(doc_id)
            s, e = check_span(text, old.start if start is None else start, old.end if end is None else end)
            new_label = old.label if label is None else label
            lab = self.label(new_label)
            attrs = old.attributes if attributes is None else dict(attributes)
            if attributes is not None or label is not None:  # an imported value the schema refuses
                check_attributes(lab.attributes, attrs, f"label {new_label}")  # stays until edited
            new = Annotation(
                id=old.id, document=doc_id, start=s, end=e, label=new_label, text=text[s:e],
                attributes=attrs,
                annotator=old.annotator if isinstance(annotator, _Keep) else annotator,
                note=old.note if isinstance(note, _Keep) else note,
                created=old.created, updated=now(),
            )
            if (s, e, new_label, new.annotator) != (old.start, old.end, old.label, old.annotator):
                self._refuse_identical(doc_id, s, e, new_label, new.annotator, new.text, ann_id)
            self.conn.execute(
                'UPDATE annotations SET start = ?, "end" = ?, label = ?, text = ?, attributes = ?,'
                " annotator = ?, note = ?, updated = ? WHERE doc = ? AND id = ?",
                (new.start, new.end, new.label, new.text, jsonutil.dumps(new.attributes),
                 new.annotator, new.note, new.updated, doc_id, ann_id),
            )
            self._touch(doc_id)
        return new

    def delete_annotation(self, doc_id: str, ann_id: str) -> tuple[Annotation, list[Relation]]:
        """Delete an annotation and the relations that end at it; returns both, for undo."""
        with self.write(), self._sql_errors():
            self._unpack([doc_id])
            ann = self.annotation(doc_id, ann_id)
            rels = self.relations_of(doc_id, ann_id)
            self.conn.execute("DELETE FROM annotations WHERE doc = ? AND id = ?", (doc_id, ann_id))
            self._touch(doc_id)
        return ann, rels

    def restore_annotation(self, ann: Annotation, relations: Sequence[Relation] = ()) -> None:
        """Put back an annotation (and its relations) exactly as it was: the undo of a delete."""
        with self.write(), self._sql_errors():
            self._unpack([ann.document])
            text = self._text(ann.document)
            if text[ann.start:ann.end] != ann.text:
                raise ValidationError("the annotation no longer matches its document's text")
            self._refuse_identical(ann.document, ann.start, ann.end, ann.label, ann.annotator, ann.text,
                                   ann.id)  # added meanwhile (another program, another undo)
            self._insert_annotations([ann])
            self._insert_relations(relations)
            self._touch(ann.document)

    # ---------------------------------------------------------------- relations
    def relations(self, doc_id: str) -> list[Relation]:
        packed = self._packed(doc_id)
        if packed is not None:
            return [Relation.from_native(r, doc_id) for r in packed[1]]
        sql = f"SELECT {_REL_COLUMNS} FROM relations WHERE doc = ? ORDER BY rowid"
        return [_row_to_relation(r) for r in self.conn.execute(sql, (doc_id,))]

    def relations_of(self, doc_id: str, ann_id: str) -> list[Relation]:
        packed = self._packed(doc_id)
        if packed is not None:
            return [Relation.from_native(r, doc_id) for r in packed[1] if ann_id in (r.from_, r.to)]
        sql = (f"SELECT {_REL_COLUMNS} FROM relations WHERE doc = ? AND (from_id = ? OR to_id = ?)"
               " ORDER BY rowid")
        return [_row_to_relation(r) for r in self.conn.execute(sql, (doc_id, ann_id, ann_id))]

    def add_relation(
        self,
        doc_id: str,
        type: str,
        from_id: str,
        to_id: str,
        *,
        attributes: dict[str, Any] | None = None,
        id: str | None = None,
    ) -> Relation:
        """Link two annotations of one document; the schema's rules for the type are checked."""
        attributes = dict(attributes or {})
        with self.write(), self._sql_errors():
            self._unpack([doc_id])
            rt = self.relation_type(type)
            src = self.annotation(doc_id, from_id)
            dst = self.annotation(doc_id, to_id)
            if from_id == to_id:
                raise ValidationError("a relation needs two different annotations")
            if not label_matches(self.label(src.label), rt.from_labels):
                raise ValidationError(
                    f"a {type} relation cannot start at a {src.label} annotation "
                    f"(allowed: {', '.join(rt.from_labels)})"
                )
            if not label_matches(self.label(dst.label), rt.to_labels):
                raise ValidationError(
                    f"a {type} relation cannot end at a {dst.label} annotation "
                    f"(allowed: {', '.join(rt.to_labels)})"
                )
            check_attributes(rt.attributes, attributes, f"relation {type}")
            stamp = now()
            rel = Relation(
                id=id or new_id(), document=doc_id, type=type, from_id=from_id, to_id=to_id,
                attributes=attributes, created=stamp, updated=stamp,
            )
            self._insert_relations([rel])
            self._touch(doc_id)
        return rel

    def update_relation(self, doc_id: str, rel_id: str, *, attributes: dict[str, Any]) -> Relation:
        with self.write(), self._sql_errors():
            self._unpack([doc_id])
            old = self.relation(doc_id, rel_id)
            check_attributes(self.relation_type(old.type).attributes, attributes, f"relation {old.type}")
            stamp = now()
            self.conn.execute(
                "UPDATE relations SET attributes = ?, updated = ? WHERE doc = ? AND id = ?",
                (jsonutil.dumps(attributes), stamp, doc_id, rel_id),
            )
            self._touch(doc_id)
        old.attributes = dict(attributes)
        old.updated = stamp
        return old

    def relation(self, doc_id: str, rel_id: str) -> Relation:
        packed = self._packed(doc_id)
        if packed is not None:
            found = next((Relation.from_native(r, doc_id) for r in packed[1] if r.id == rel_id), None)
        else:
            row = self.conn.execute(
                f"SELECT {_REL_COLUMNS} FROM relations WHERE doc = ? AND id = ?", (doc_id, rel_id)
            ).fetchone()
            found = None if row is None else _row_to_relation(row)
        if found is None:
            raise NotFoundError(f"no relation {rel_id!r} in document {doc_id!r}")
        return found

    def delete_relation(self, doc_id: str, rel_id: str) -> Relation:
        with self.write(), self._sql_errors():
            self._unpack([doc_id])
            rel = self.relation(doc_id, rel_id)
            self.conn.execute("DELETE FROM relations WHERE doc = ? AND id = ?", (doc_id, rel_id))
            self._touch(doc_id)
        return rel

    def restore_relation(self, rel: Relation) -> None:
        with self.write(), self._sql_errors():
            self._unpack([rel.document])
            self._insert_relations([rel])
            self._touch(rel.document)

    def _insert_relations(self, rels: Iterable[Relation]) -> None:
        self.conn.executemany(
            f"INSERT INTO relations({_REL_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
            (
                (r.document, r.id, r.type, r.from_id, r.to_id,
                 jsonutil.dumps(r.attributes) if r.attributes else "{}", r.created, r.updated)
                for r in rels
            ),
        )

    # ---------------------------------------------------------------- packed documents
    # An imported document keeps its annotations and relations as native JSON in one row of
    # ``packed`` until its first edit moves them into rows (docs/adr/0008).  Reads above look
    # there first; every write to a document's annotations or relations unpacks it first.
    def _packed(self, doc_id: str) -> tuple[list[NativeAnnotation], list[NativeRelation]] | None:
        got = packed_json(self.conn, doc_id)  # a merged document's parts joined (store.packed)
        return None if got is None else (decode_annotations(got[0]), decode_relations(got[1]))

    def is_packed(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM packed WHERE doc = ?", (doc_id,)).fetchone() is not None

    def _unpack(self, doc_ids: Iterable[str] | Iterable[tuple[str]]) -> None:
        """Move packed documents' annotations and relations into rows, in the same order (the
        caller holds the write transaction)."""
        for doc_id in doc_ids:
            if isinstance(doc_id, tuple):
                doc_id = doc_id[0]
            got = packed_json(self.conn, doc_id)
            if got is not None:
                anns, rels = got
                self.conn.execute("DELETE FROM packed WHERE doc = ?", (doc_id,))  # and its parts
                self._insert_annotations(Annotation.from_native(a, doc_id) for a in decode_annotations(anns))
                self._insert_relations(Relation.from_native(r, doc_id) for r in decode_relations(rels))

    def insert_packed(self, doc_id: str, packed: Packed) -> None:
        """Store a new document's annotations and relations packed (the importer's path): checked
        against the document and with labels and relation types the schema has (see
        ``core.packing``).  The caller holds the write transaction."""
        self.conn.execute(_INSERT_PACKED, _packed_row(doc_id, packed))
        search_index.packed_marks(self.conn, doc_id, packed.annotations, packed.label_counts, packed.type_counts,
                                  packed.speakers, packed.speaker_labels)

    def insert_packed_many(self, items: Sequence[tuple[str, Packed]], rowids: Sequence[int] | None = None) -> None:
        """``insert_packed`` for several new documents (an import's batch, in its order): one
        statement for their packed rows, one for their marks (given the documents' ``rowids``,
        not looked up)."""
        conn = self.conn
        marks: list[tuple[str, str | int]] = []
        for i, (doc_id, packed) in enumerate(items):
            tokens = search_index.packed_tokens(conn, packed.annotations, packed.label_counts, packed.type_counts,
                                                packed.speakers, packed.speaker_labels)
            if tokens:
                marks.append((tokens, doc_id if rowids is None else rowids[i]))
        conn.executemany(_INSERT_PACKED, [_packed_row(doc_id, packed) for doc_id, packed in items])
        conn.executemany(search_index.INSERT_MARKS if rowids is None else search_index.INSERT_MARKS_AT, marks)

    def label_layers(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT name, layer FROM labels"))

    # ---------------------------------------------------------------- statistics
    def stats(self) -> dict[str, Any]:
        q = self.conn.execute
        # every annotation, from rows and from packed documents: (label, annotator)
        every = ("(SELECT label, annotator, 1 AS n FROM annotations UNION ALL SELECT j.value ->> 0,"
                 " j.value ->> 1, j.value ->> 2 FROM packed p, json_each(p.labels) j)")
        every_rel = ("(SELECT type, 1 AS n FROM relations UNION ALL"
                     " SELECT j.value ->> 0, j.value ->> 1 FROM packed p, json_each(p.types) j)")
        packed = q("SELECT coalesce(sum(annotation_count), 0), coalesce(sum(relation_count), 0) FROM packed").fetchone()
        return {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "annotations": q("SELECT count(*) FROM annotations").fetchone()[0] + packed[0],
            "relations": q("SELECT count(*) FROM relations").fetchone()[0] + packed[1],
            "by_status": {s: n for s, n in q(
                "SELECT status, count(*) FROM documents GROUP BY status ORDER BY status")},
            "by_label": {s: n for s, n in q(
                f"SELECT label, sum(n) FROM {every} GROUP BY label ORDER BY sum(n) DESC, label")},
            "by_layer": {s: n for s, n in q(
                f"SELECT l.layer, sum(n) FROM {every} a JOIN labels l ON l.name = a.label"
                " GROUP BY l.layer ORDER BY sum(n) DESC, l.layer")},
            "by_annotator": {(s if s is not None else "(none)"): n for s, n in q(
                f"SELECT annotator, sum(n) FROM {every} GROUP BY annotator"
                " ORDER BY sum(n) DESC, annotator")},
            "by_relation_type": {s: n for s, n in q(
                f"SELECT type, sum(n) FROM {every_rel} GROUP BY type ORDER BY sum(n) DESC, type")},
        }


# the JSON goes in as the UTF-8 bytes it is, made TEXT by SQLite (no round trip through str)
_INSERT_PACKED = ("INSERT INTO packed(doc, labels, types, annotations, relations, annotation_count, relation_count)"
                  " VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?)")


def _packed_row(doc_id: str, packed: Packed) -> tuple[Any, ...]:
    try:  # the counts as JSON bytes too (jsonutil.dumps' text, without making a str of it)
        counts: tuple[Any, Any] = (orjson.dumps(packed.label_counts), orjson.dumps(packed.type_counts))
    except TypeError:  # (jsonutil.dumps' fallback)
        counts = (jsonutil.dumps(packed.label_counts), jsonutil.dumps(packed.type_counts))
    return (doc_id, *counts, packed.annotations, packed.relations, packed.annotation_count, packed.relation_count)


def switch_journal_mode(conn: sqlite3.Connection, want: str, wait_ms: int = BUSY_TIMEOUT_MS) -> str:
    """Switch the project's journal mode to ``want``; returns the mode it is in then.  A switch
    between WAL and a rollback journal is refused at once ("locked": SQLite does not wait as
    for other locks) while another connection is writing: a first import writing its batches
    with a rollback journal (store/bulk.py), so that the window or a second import could not
    open the project during it.  Tried again until the writer's transaction ends (``wait_ms``
    at most, the busy timeout), as any other lock is waited for."""
    deadline = time.monotonic() + wait_ms / 1000
    while True:
        try:
            return str(conn.execute(f"PRAGMA journal_mode = {want.upper()}").fetchone()[0]).lower()
        except sqlite3.OperationalError as e:
            low = str(e).lower()
            if not ("locked" in low or "busy" in low) or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


def _not_writable(path: Path) -> str | None:
    """Why SQLite could not write this project, or None (store/location.py)."""
    return location.write_problem(path)


def _connect_readonly(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """A read-only connection, and the scratch folder it reads from (None: the project itself)."""
    uri = project_uri(path.resolve())  # not as_uri(): SQLite refuses file://server/... (#20)
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as e:
        if "locked" in str(e).lower() or "busy" in str(e).lower():
            # another program is writing (a first import's batch, store/bulk.py): its journal is
            # not left over, its pages in the file are not committed; busy, as for a writer
            conn.close()
            raise
        # a WAL project in a read-only folder without its -shm file: nobody can be writing it.
        # Opened as an immutable file, SQLite would ignore the -wal and the edits committed in
        # it; so a project with a -wal is read from a copy of both in a scratch folder.
        conn.close()
        real = path.resolve()  # (opened through a link, its journals are beside the file)
        wal = Path(f"{real}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return _connect_copy(real, wal)
        # a hot rollback journal (a write killed midway: a first import's, store/bulk.py): read
        # as immutable, the file would show the half-written transaction; rolled back in a copy
        journal = Path(f"{real}-journal")
        if journal.exists() and journal.stat().st_size > 0:
            return _connect_copy(real, journal)
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
    return conn, None


def _connect_copy(path: Path, wal: Path) -> tuple[sqlite3.Connection, Path]:
    """The project read from a copy of it and its journal (``wal``: its -wal or a hot -journal,
    rolled back in the copy) in a scratch folder."""
    import shutil
    import tempfile

    _remove_stale_scratch(Path(tempfile.gettempdir()))
    scratch = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH_PREFIX}{process_tag()}-"))
    suffix = wal.name[len(path.name):]  # "-wal" or "-journal"
    try:
        copy = scratch / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, f"{copy}{suffix}")
        if suffix == "-journal":  # a hot journal is rolled back by a writer: here, in the copy
            rolled = sqlite3.connect(copy, isolation_level=None)
            try:
                rolled.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                rolled.close()
        conn = sqlite3.connect(f"{project_uri(copy)}?mode=ro", uri=True, isolation_level=None)
    except (OSError, sqlite3.Error) as e:
        shutil.rmtree(scratch, ignore_errors=True)
        why = (e.strerror or e) if isinstance(e, OSError) else e
        if suffix == "-journal":
            raise ProjectError(f"{path}: a write that was stopped midway left {wal.name}, which only a "
                               f"writer can roll back, and reading a rolled-back copy failed ({why}); "
                               "open it once in the window to roll it back") from None
        raise ProjectError(f"{path}: its folder is read-only and its last edits are in {wal.name}, "
                           f"which can only be read from a copy, and the copy failed ({why}); "
                           "copy the project with its -wal file to a writable folder") from None
    return conn, scratch


_SCRATCH_PREFIX = "newsmark-readonly-"


def _remove_stale_scratch(folder: Path) -> None:
    """Remove the read-only copies that killed processes left in the temporary folder."""
    import re
    import shutil

    try:
        found = [f for f in folder.iterdir() if f.name.startswith(_SCRATCH_PREFIX) and f.is_dir()]
    except OSError:
        return
    for f in found:
        tag = re.match(r"([0-9]+-h[0-9a-f]{8})-", f.name[len(_SCRATCH_PREFIX):])
        if tag is not None and left_by_a_killed_process(tag[1], f):
            shutil.rmtree(f, ignore_errors=True)


def is_sqlite_environment_problem(e: sqlite3.Error) -> bool:
    """Whether an SQLite error is the environment's fault (damage, locks, disk), not a bug."""
    low = str(e).lower()
    return any(k in low for k in ("malformed", "not a database", "corrupt", "locked", "busy",
                                  "readonly", "read-only", "disk is full", "disk i/o",
                                  "unable to open", "no such table",
                                  "could not decode"))  # text that is not UTF-8: damaged


def is_project_file(path: str | Path) -> bool:
    """Whether ``path`` looks like a project file (an SQLite header), without opening it."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def default_project_path() -> Path:
    """The project opened when no project is named: in the user's data folder."""
    from platformdirs import user_data_path

    return user_data_path("newsmark", appauthor=False) / f"default{PROJECT_SUFFIX}"


__all__ = ["KEEP", "DocumentSummary", "Project", "default_project_path", "is_project_file"]
