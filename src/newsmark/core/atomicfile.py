"""Files written whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from newsmark.core.errors import NewsmarkError


def _default_mode(mode: int) -> int:
    """``mode`` less the process's umask: what a plain open() or mkdir() would give."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path`` in one step, on error it vanishes.

    The data is flushed to disk before the rename, so a crash leaves either the old file or
    the complete new one, never a partial file.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=folder)
    except OSError as e:
        raise NewsmarkError(f"cannot write {path}: {e.strerror or e}") from None
    ok = False
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = _default_mode(0o666)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        ok = True
        with contextlib.suppress(OSError):  # not every platform can fsync a folder
            dfd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
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
        staging = Path(tempfile.mkdtemp(prefix=".newsmark-export-", suffix=".partial",
                                        dir=target if exists else parent))
    except OSError as e:
        raise NewsmarkError(f"cannot write into {target}: {e.strerror or e}") from None
    try:
        yield staging
        for path in staging.rglob("*"):
            if path.is_file():
                with open(path, "rb") as f:
                    os.fsync(f.fileno())
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
        with contextlib.suppress(OSError):
            dfd = os.open(parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    except OSError as e:
        raise NewsmarkError(f"cannot write into {target}: {e.strerror or e}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


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
                os.rename(dst, old)
            done.append((dst, old))
            os.rename(src, dst)
    except OSError:
        for dst, old in reversed(done):
            with contextlib.suppress(OSError):
                if dst.exists():
                    os.unlink(dst)
                if old is not None:
                    os.rename(old, dst)
        raise
