"""Keeping a project safe: rolling backups, restore, and the integrity check.

Backups use SQLite's online backup API, which copies a consistent snapshot while the project
stays open (and writable) elsewhere.  They live beside the project in ``NAME.backups/``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsmark.core import jsonutil
from newsmark.core.errors import ProjectError
from newsmark.core.wording import counted
from newsmark.store.packed import IN_PARTS, joined
from newsmark.store.project import (
    BACKUP_SUFFIX,
    Project,
    _not_writable,
    backup_dir,
    environment_error,
    list_backups,
)
from newsmark.store.uri import project_uri

KEEP_BACKUPS = 5


def _stamp() -> str:
    now = _dt.datetime.now(_dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"


def _copy_database(src: sqlite3.Connection, dest: Path) -> None:
    """Copy ``src`` into a new file ``dest`` (written beside it, then renamed: all or nothing)."""
    tmp = dest.with_name(f".{dest.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    target = sqlite3.connect(tmp)
    try:
        src.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        target.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except BaseException:
        target.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _make_folder(folder: Path) -> None:
    """Create a folder a backup or a restored project goes to, or say why it cannot be."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ProjectError(f"cannot create the folder {folder}: {e.strerror or e}") from None


def make_backup(project: Project, dest: str | Path | None = None, *, keep: int = KEEP_BACKUPS) -> Path:
    """Back up the open project; to ``dest``, or as the newest rolling backup (keeping ``keep``)."""
    if dest is None:
        folder = backup_dir(project.path)
        try:
            folder.mkdir(exist_ok=True)
        except OSError as e:
            raise ProjectError(f"cannot create the backup folder {folder}: {e.strerror or e}") from None
        target = folder / f"{project.path.stem}-{_stamp()}{BACKUP_SUFFIX}"
    else:
        target = Path(dest)
        if target.exists():
            raise ProjectError(f"{target} already exists; choose another name")
        _make_folder(target.parent)
    try:
        _copy_database(project.conn, target)
    except sqlite3.Error as e:
        raise environment_error(project.path, e) from None
    except OSError as e:
        raise ProjectError(f"cannot write the backup {target}: {e.strerror or e}") from None
    if dest is None:
        for old in list_backups(project.path)[keep:]:
            with contextlib.suppress(OSError):
                old.unlink()
    return target


def ensure_recent_backup(project: Project, max_age_seconds: float = 3600) -> Path | None:
    """Make a rolling backup unless one younger than ``max_age_seconds`` exists."""
    backups = list_backups(project.path)
    if backups and time.time() - backups[0].stat().st_mtime < max_age_seconds:
        return None
    return make_backup(project)


@dataclass(slots=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    documents: int = 0
    annotations: int = 0
    relations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        head = (f"checked {counted(self.documents, 'document')}, {counted(self.annotations, 'annotation')}, "
                f"{counted(self.relations, 'relation')}: ")
        if self.ok:
            return [head + "ok"]
        return [head + counted(len(self.problems), "problem"), *(f"  {p}" for p in self.problems)]


MAX_LISTED = 50


def check(project: Project) -> CheckReport:
    """SQLite's integrity check plus the data rules: every span's text is its slice of the
    document, every relation's ends exist in the same document, JSON columns are valid."""
    report = CheckReport()
    conn = project.conn
    try:
        for (msg,) in conn.execute("PRAGMA integrity_check"):
            if msg != "ok":
                report.problems.append(f"SQLite integrity: {msg}")
        if report.problems:
            return report  # the rest would read a damaged file
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            report.problems.append(f"{table} row {rowid} refers to a missing {parent} entry")
        report.documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        report.relations = conn.execute("SELECT count(*) FROM relations").fetchone()[0]
        from newsmark.core.model import text_sha256

        labels = {r[0] for r in conn.execute("SELECT name FROM labels")}
        types = {r[0] for r in conn.execute("SELECT name FROM relation_types")}
        for doc_id, text, sha, packed_anns, packed_rels, n_anns, n_rels, by_label, by_type in conn.execute(
                "SELECT id, text, text_sha256, p.annotations, p.relations, p.annotation_count, p.relation_count,"
                " p.labels, p.types FROM documents d LEFT JOIN packed p ON p.doc = d.id").fetchall():
            if text_sha256(text) != sha:
                report.problems.append(f"document {doc_id!r}: its text does not match its recorded checksum")
            if packed_anns == IN_PARTS:  # a merged document: its parts joined (docs/adr/0015)
                try:
                    packed_anns, packed_rels = joined(conn, doc_id)
                except ValueError as e:
                    report.problems.append(f"document {doc_id!r}: a part of its packed annotations is "
                                           f"damaged ({e!r})")
                    continue
            if packed_anns is not None:
                _check_packed(report, doc_id, text, packed_anns, packed_rels, (n_anns, n_rels), labels, types,
                              (by_label, by_type))
                continue
            for ann_id, start, end, span in conn.execute(
                    'SELECT id, start, "end", text FROM annotations WHERE doc = ?', (doc_id,)):
                report.annotations += 1
                if not (0 <= start < end <= len(text)):
                    report.problems.append(f"annotation {ann_id!r} in {doc_id!r}: span {start}-{end} is "
                                           f"outside the text ({counted(len(text), 'character')})")
                elif text[start:end] != span:
                    report.problems.append(f"annotation {ann_id!r} in {doc_id!r}: its text is not "
                                           f"the document's text at {start}-{end}")
        stray = conn.execute("SELECT DISTINCT pp.doc FROM packed_parts pp JOIN packed p ON p.doc = pp.doc"
                             " WHERE p.annotations <> ''").fetchall()
        for (doc_id,) in stray:
            report.problems.append(f"document {doc_id!r}: it is packed whole and has parts too")
        # a packed document's rows would be unseen by every read until its first edit moved
        # its packed annotations beside them (docs/adr/0008: every edit unpacks first)
        both = conn.execute("SELECT doc FROM packed p WHERE EXISTS (SELECT 1 FROM annotations a WHERE a.doc = p.doc)"
                            " OR EXISTS (SELECT 1 FROM relations r WHERE r.doc = p.doc)").fetchall()
        for (doc_id,) in both:
            report.problems.append(f"document {doc_id!r}: it is packed and has annotations or relations in rows too")
        for table, column in (("documents", "meta"), ("annotations", "attributes"),
                              ("relations", "attributes")):
            bad = conn.execute(f"SELECT count(*) FROM {table} WHERE NOT json_valid({column})").fetchone()[0]
            if bad:
                report.problems.append(f"{bad} {table} have invalid JSON in {column}")
    except sqlite3.Error as e:
        report.problems.append(f"cannot read the project: {e}")
    if len(report.problems) > MAX_LISTED:
        extra = len(report.problems) - MAX_LISTED
        report.problems = report.problems[:MAX_LISTED] + [f"… and {extra} more"]
    return report


def _check_packed(report: CheckReport, doc_id: str, text: str, anns_json: str, rels_json: str,
                  counts: tuple[int, int], labels: set[str], types: set[str],
                  kept: tuple[str, str] | None = None) -> None:
    """The rules for a packed document (docs/adr/0008), which SQLite's constraints do not see."""
    try:
        anns, rels = jsonutil.loads(anns_json), jsonutil.loads(rels_json)
        ids: set[str] = set()
        for a in anns:
            report.annotations += 1
            ann_id, start, end = a["id"], a["start"], a["end"]
            where = f"annotation {ann_id!r} in {doc_id!r}"
            if ann_id in ids:
                report.problems.append(f"{where}: its id appears twice")
            ids.add(ann_id)
            if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
                report.problems.append(f"{where}: span {start}-{end} is outside the text ({counted(len(text), 'character')})")
            elif text[start:end] != a["text"]:
                report.problems.append(f"{where}: its text is not the document's text at {start}-{end}")
            if a["label"] not in labels:
                report.problems.append(f"{where}: its label {a['label']!r} is not in the schema")
        for r in rels:
            report.relations += 1
            where = f"relation {r['id']!r} in {doc_id!r}"
            if r["from"] not in ids or r["to"] not in ids:
                report.problems.append(f"{where} refers to a missing annotation")
            if r["type"] not in types:
                report.problems.append(f"{where}: its type {r['type']!r} is not in the schema")
        if counts != (len(anns), len(rels)):
            report.problems.append(f"document {doc_id!r}: its packed counts {counts} do not match its "
                                   f"{counted(len(anns), 'annotation')} and {counted(len(rels), 'relation')}")
        if kept is not None:  # the counts by label and annotator, and by type, that statistics read
            # (a merged document's come from its sources' counts, its annotations not decoded)
            by_label: Counter[tuple[str, str | None]] = Counter()
            for label, annotator, n in jsonutil.loads(kept[0]):
                by_label[label, annotator] += n
            by_type: Counter[str] = Counter()
            for rtype, n in jsonutil.loads(kept[1]):
                by_type[rtype] += n
            if +by_label != Counter((a["label"], a["annotator"]) for a in anns) or +by_type != Counter(
                    r["type"] for r in rels):
                report.problems.append(f"document {doc_id!r}: its packed counts by label, annotator and "
                                       "relation type do not match its annotations and relations")
    except (ValueError, KeyError, TypeError) as e:
        report.problems.append(f"document {doc_id!r}: its packed annotations are damaged ({e!r})")


def release_journal(path: str | Path) -> None:
    """Remove the ``-wal`` and ``-shm`` files a read-only command leaves beside a project
    (a read-only connection may not delete them), when nothing is left in the WAL to
    checkpoint and no other program has the project open: SQLite deletes them when its last
    read-write connection closes, and decides that itself, under its locks, so that the
    window or another command using the project meanwhile keeps them."""
    path = Path(path).resolve()  # SQLite keeps them beside the file a link leads to
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    try:
        if not (wal.exists() or shm.exists()) or (wal.exists() and wal.stat().st_size) or not path.is_file():
            return
    except OSError:
        return
    if _not_writable(path):
        return
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(path, isolation_level=None, timeout=0.1)
        try:
            conn.execute("PRAGMA application_id").fetchone()  # opens the WAL index; changes nothing
        finally:
            conn.close()


def check_file(path: str | Path) -> CheckReport:
    """Check a project file without changing it (opened read-only)."""
    try:
        project = Project.open(path, readonly=True)
    except ProjectError as e:
        return CheckReport(problems=[str(e)])
    with project:
        return check(project)


@dataclass(slots=True)
class RestoreResult:
    restored_from: Path
    saved_current: Path | None  # where the project's previous state was kept


def restore(project_path: str | Path, backup: str | Path | None = None) -> RestoreResult:
    """Put a backup in place of the project.  The project's current state is never lost: it is
    backed up first when readable, else the damaged file is moved aside, never deleted."""
    path = Path(project_path)
    if backup is None:
        backups = list_backups(path)
        if not backups:
            raise ProjectError(f"{path}: no backups in {backup_dir(path)}")
        backup = backups[0]
    backup = Path(backup)
    report = check_file(backup)
    if not report.ok:
        raise ProjectError(f"the backup {backup} is not usable: {report.problems[0]}")
    _make_folder(path.parent if str(path.parent) else Path("."))
    src = sqlite3.connect(project_uri(backup.resolve(), mode="ro"), uri=True)
    try:
        current_ok = path.exists() and check_file(path).ok
        if current_ok:
            with Project.open(path) as current:
                saved = make_backup(current, backup_dir(path) / f"{path.stem}-{_stamp()}-before-restore{BACKUP_SUFFIX}")
                # SQLite's backup API writes through the destination's own locks, so a window
                # that has the project open sees the restored content, never a torn file.
                _backup_into(src, current.conn)
            return RestoreResult(backup, saved)
        saved_current: Path | None = None
        if path.exists():
            saved_current = path.with_name(f"{path.name}.damaged-{_stamp()}")
            if _held_elsewhere(path):  # its writes would go on into the file moved aside
                raise ProjectError(f"{path}: cannot restore while the project is open in another "
                                   "program; close the Newsmark windows and commands using it and try again")
            _set_aside(path, saved_current)
        _copy_database(src, path)
        Project.open(path).close()  # back to WAL; proves it opens
        return RestoreResult(backup, saved_current)
    except sqlite3.Error as e:
        raise environment_error(path, e) from None
    finally:
        src.close()


def _backup_into(src: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """Copy ``src`` over the open project ``dest`` with SQLite's backup API.  The API cannot
    write pages of another size into a WAL database (a team file has 16 KiB pages, docs/adr/0015;
    its backups from before, 4 KiB): such a backup is first copied at the project's page size."""
    size = int(dest.execute("PRAGMA page_size").fetchone()[0])
    if int(src.execute("PRAGMA page_size").fetchone()[0]) == size:
        src.backup(dest)
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="newsmark-restore-") as folder:
        scratch = sqlite3.connect(Path(folder) / "copy.newsmark", isolation_level=None)
        try:
            src.backup(scratch)
            scratch.execute("PRAGMA journal_mode = DELETE")  # a page size changes only out of WAL
            scratch.execute(f"PRAGMA page_size = {size}")
            scratch.execute("VACUUM")
            scratch.backup(dest)
        finally:
            scratch.close()


def _held_elsewhere(path: Path) -> bool:
    """Whether another process has this WAL project open: each SQLite connection holds a shared
    lock on byte 128 of the -shm file (its "dead man switch") while it is open.  POSIX only:
    on Windows the rename itself is refused (``_set_aside``)."""
    shm = Path(f"{path}-shm")
    if os.name == "nt" or not shm.exists():
        return False
    import fcntl

    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 128)
        return False
    finally:
        os.close(fd)


def _set_aside(path: Path, to: Path) -> None:
    """Move a damaged project and its journal files to ``to``, all or none: the journal files
    first (a -wal left beside the restored file would be replayed into it), and a message, not
    an OSError, when another program holds them (Windows cannot rename an open file, #20)."""
    moves = [(Path(f"{path}{s}"), Path(f"{to}{s}")) for s in ("-wal", "-shm", "")]
    done: list[tuple[Path, Path]] = []
    try:
        for a, b in moves:
            if a.exists() or a == path:
                os.replace(a, b)
                done.append((a, b))
    except OSError as e:
        for a, b in reversed(done):
            with contextlib.suppress(OSError):
                os.replace(b, a)
        raise ProjectError(
            f"{path}: cannot restore while {e.filename or path} is open in another program "
            f"({e.strerror or e}); close the Newsmark windows and commands using it and try again"
        ) from None


__all__ = [
    "KEEP_BACKUPS", "CheckReport", "RestoreResult", "backup_dir", "check", "check_file",
    "ensure_recent_backup", "list_backups", "make_backup", "restore",
]
