"""Files written whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from newsmark.core.errors import NewsmarkError

_SQLITE_HEADER = b"SQLite format 3\x00"
# A project's own files, by the suffix SQLite or Newsmark gives them beside the project.
_SIDE_FILES = ("-wal", "-shm", "-journal")
_BACKUPS_FOLDER = ".backups"
# A ".partial" file left by a process that no longer runs is removed; where that cannot be
# told (Windows), once it has not been written for this long.
_STALE_PARTIAL_SECONDS = 24 * 3600
# what follows ".NAME." in such a file's name: the process id, the machine's tag (process_tag;
# absent from older files), then mkstemp's letters (or the import's "take-back-reserve"); never
# a dot, which would make it another file's
_PARTIAL_MIDDLE = re.compile(r"([0-9]+)-(?:h([0-9a-f]{8})-)?[A-Za-z0-9_-]+")


def _machine_tag() -> str:
    import hashlib
    import socket

    return hashlib.sha256(socket.gethostname().encode("utf-8", "surrogatepass")).hexdigest()[:8]


_MACHINE = _machine_tag()


def process_tag() -> str:
    """Whose a temporary file is: "PID-hTAG", this process and this machine.  A process id means something only on the machine
    that runs it: a file of another machine's process (a project in a shared folder) is never
    taken for a killed one's because no process of that number runs here."""
    return f"{os.getpid()}-h{_MACHINE}"


def _is_sqlite(path: Path) -> bool:
    try:
        if not path.is_file():  # a named pipe or a terminal would block the read
            return False
        with path.open("rb") as f:
            return f.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def protected_file_problem(path: str | Path) -> str | None:
    """Why ``path`` must never be replaced by an export (it is a database such as a project,
    the journal of one, or one of a project's backups), or None."""
    path = Path(path)
    if path.is_dir():
        return None
    if _is_sqlite(path):
        return "it is a project (an SQLite database)"
    name = path.name
    for suffix in _SIDE_FILES:
        if not name.lower().endswith(suffix):
            continue
        project = path.with_name(name[: -len(suffix)])
        if _is_sqlite(project) and (name.endswith(suffix) or _same_file(path, f"{project}{suffix}")):
            # (another spelling of it, such as "-WAL" where names are case-insensitive: macOS, Windows)
            return f"it is the {suffix[1:]} file of the project {project.name}"
    folder = path.parent.resolve() if str(path.parent) else Path.cwd()
    if folder.name.endswith(_BACKUPS_FOLDER):
        project = folder.with_name(folder.name[: -len(_BACKUPS_FOLDER)])
        if _is_sqlite(project):
            return f"it is in the backups folder of the project {project.name}"
    return None


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_protected(path: str | Path) -> None:
    """Raise a NewsmarkError if ``path`` is a file an export must not replace."""
    why = protected_file_problem(path)
    if why:
        raise NewsmarkError(f"will not write over {path}: {why}; nothing was written. "
                            "Choose another file to export to")


def _pid_alive(pid: int) -> bool | None:
    """Whether a process runs (None: cannot tell on this platform)."""
    if sys.platform == "win32":
        return None  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


def left_by_a_killed_process(tag: str, path: Path) -> bool:
    """Whether a temporary file or folder named with ``process_tag()``'s ``tag`` ("PID-hTAG")
    was left by a process that no longer runs (another machine's, or where this platform
    cannot tell: when it is older than a day)."""
    ours = re.fullmatch(r"([0-9]+)-h([0-9a-f]{8})", tag)
    return _killed(int(ours[1]) if ours else None, ours[2] if ours else None, path)


def _killed(pid: int | None, machine: str | None, path: Path) -> bool:
    """Whether process ``pid`` of ``machine`` left ``path`` and runs no more; where that cannot
    be told (another machine's, no pid, a platform without the check): whether ``path`` is
    older than a day.  False when ``path`` cannot be looked at."""
    alive = _pid_alive(pid) if pid is not None and machine == _MACHINE else None
    if alive is None:
        try:
            alive = time.time() - path.stat().st_mtime < _STALE_PARTIAL_SECONDS
        except OSError:
            return False
    return not alive


def remove_stale_partials(path: str | Path) -> list[Path]:
    """Remove the temporary files that an earlier write of ``path`` left when its process was
    killed (``.NAME.PID-XXXX.partial``); returns those removed."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    prefix = f".{path.name}."
    removed: list[Path] = []
    try:
        candidates = [f for f in folder.iterdir()
                      if f.name.startswith(prefix) and f.name.endswith(".partial")]
    except OSError:
        return removed
    for f in candidates:
        middle = f.name[len(prefix):-len(".partial")]
        ours = _PARTIAL_MIDDLE.fullmatch(middle)
        if ours is None:  # another file's (".report.2024-12-01.csv.PID-XXXX.partial" is not "report"'s)
            continue
        # a name without the machine's tag is an older file of this machine's
        if _killed(int(ours[1]), ours[2] or _MACHINE, f):
            with contextlib.suppress(OSError):
                f.unlink()
                removed.append(f)
    return removed


# How long a rename waits for a file another program holds open (a PDF in a viewer, a file
# being scanned by antivirus: Windows refuses to replace it meanwhile)
RETRY_SECONDS = 2.0
_F_FULLFSYNC = 51  # fcntl.h on macOS; Python's fcntl module names it there


def full_fsync(fd: int) -> None:
    """Flush a file to the disk itself: on macOS ``fsync`` leaves it in the drive's cache, and
    only ``F_FULLFSYNC`` survives a power cut (falls back to fsync where the file system
    cannot, e.g. on a network share)."""
    if sys.platform == "darwin":
        import fcntl

        try:
            fcntl.fcntl(fd, getattr(fcntl, "F_FULLFSYNC", _F_FULLFSYNC))
            return
        except OSError:
            pass
    os.fsync(fd)


def replace_retrying(src: str | Path, dst: str | Path, *, seconds: float | None = None,
                     blocking: str | Path | None = None) -> None:
    """``os.replace``, retried for a while when a file is held open by another program (on
    Windows it cannot be replaced or moved meanwhile); then a NewsmarkError naming the
    blocking file (``blocking``, by default ``dst``)."""
    deadline = time.monotonic() + (RETRY_SECONDS if seconds is None else seconds)
    delay = 0.05
    while True:
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if time.monotonic() >= deadline:
                raise NewsmarkError(
                    f"cannot write {blocking or dst}: the file is open in another program (a viewer, an "
                    "editor, an antivirus scan); close it and try again") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _default_mode(mode: int) -> int:
    """``mode`` less the process's umask: what a plain open() or mkdir() would give."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path`` in one step, on error it vanishes.

    The data is flushed to disk before the rename, so a crash leaves either the old file or
    the complete new one, never a partial file (and the temporary file a killed process left
    is removed by the next write of ``path``).  A project, its journal files and its backups
    are never replaced (``refuse_protected``).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    refuse_protected(path)
    remove_stale_partials(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{process_tag()}-", suffix=".partial", dir=folder)
    except OSError as e:
        raise NewsmarkError(f"cannot write {path}: {e.strerror or e}") from None
    ok = False
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            full_fsync(f.fileno())
        refuse_protected(path)  # it may have become one while this was written
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = _default_mode(0o666)
        os.chmod(tmp, mode)
        replace_retrying(tmp, path)
        ok = True
        _fsync_folder(folder)
    except OSError as e:
        raise NewsmarkError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield a staging folder to fill; on success its files appear in ``target`` whole, on
    error nothing of it does (``target`` is left as it was).

    A new or empty ``target`` is replaced by the staging folder in one rename.  Into a folder
    that already holds files (a previous export, a user's folder) the new files are moved one
    by one, the files they replace set aside first and put back if a move fails.
    """
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        exists = target.is_dir()
        if target.exists() and not exists:
            raise NewsmarkError(f"cannot export into {target}: it is a file, not a folder")
        # staging on the same file system as the target, so that renames are atomic
        _remove_stale_staging(target if exists else parent)
        staging = Path(tempfile.mkdtemp(prefix=f".newsmark-export-{process_tag()}-", suffix=".partial",
                                        dir=target if exists else parent))
    except OSError as e:
        raise NewsmarkError(f"cannot write into {target}: {e.strerror or e}") from None
    try:
        yield staging
        for path in staging.rglob("*"):
            if path.is_file():
                with open(path, "rb") as f:
                    full_fsync(f.fileno())
        if not exists:
            os.chmod(staging, _default_mode(0o777))  # mkdtemp's is 0700: others could not read it
            os.rename(staging, target)
        elif not any(p != staging for p in target.iterdir()):
            os.chmod(staging, target.stat().st_mode & 0o7777)  # the folder keeps its mode
            moved = target.with_name(f".{target.name}.newsmark-old")
            os.rename(target, moved)  # empty but for staging: swap in one step
            try:
                os.rename(moved / staging.name, target)
            except OSError:
                os.rename(moved, target)
                raise
            os.rmdir(moved)
        else:
            _move_in(staging, target)  # what it set aside goes with the staging folder
        _fsync_folder(parent)
    except OSError as e:
        raise NewsmarkError(f"cannot write into {target}: {e.strerror or e}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _fsync_folder(folder: str | Path) -> None:
    """Flush a folder's entries (a rename into it) to the disk; not every platform can."""
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


_STAGING = re.compile(r"\.newsmark-export-([0-9]+)-(?:h([0-9a-f]{8})-)?[A-Za-z0-9_]+\.partial")


def _remove_stale_staging(folder: Path) -> None:
    """Remove the staging folders that a killed folder export left in ``folder`` (the process
    that made one no longer runs; where that cannot be told, once untouched for a day)."""
    try:
        stale = [d for d in folder.iterdir() if _STAGING.fullmatch(d.name) and d.is_dir()
                 and not d.is_symlink()]
    except OSError:
        return
    for d in stale:
        match = _STAGING.fullmatch(d.name)
        assert match is not None
        alive = _pid_alive(int(match[1])) if match[2] in (None, _MACHINE) else None
        if alive is None:
            try:
                alive = time.time() - d.stat().st_mtime < _STALE_PARTIAL_SECONDS
            except OSError:
                continue
        if not alive:
            shutil.rmtree(d, ignore_errors=True)


def _move_in(staging: Path, target: Path) -> None:
    """Move every file of ``staging`` into ``target``, all or none."""
    aside = staging / ".replaced"
    done: list[tuple[Path, Path | None]] = []  # (new file in target, old file set aside)
    try:
        for src in sorted(p for p in staging.rglob("*") if p.is_file()):
            rel = src.relative_to(staging)
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            old: Path | None = None
            if dst.exists():
                old = aside / rel
                old.parent.mkdir(parents=True, exist_ok=True)
                replace_retrying(dst, old, blocking=dst)
            done.append((dst, old))
            os.rename(src, dst)
    except (OSError, NewsmarkError):
        for dst, old in reversed(done):
            with contextlib.suppress(OSError):
                if dst.exists():
                    os.unlink(dst)
                if old is not None:
                    os.rename(old, dst)
        raise
