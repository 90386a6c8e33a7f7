"""Where a project file lives: on a network file system or in a synced folder, where SQLite's
WAL does not work (issue #20, point 1), and whether it can be written there (point 10).

WAL needs shared memory (the ``-shm`` file, mapped by every process that opens the project):
over SMB, NFS and the like that memory is not shared between machines, and a sync client
(OneDrive, iCloud Drive, Dropbox, Google Drive) uploads and replaces the project, its ``-wal``
and ``-shm`` files one at a time (https://sqlite.org/wal.html).  A project found in such a
place is opened with a rollback journal instead (one file beside the project while a
transaction runs, nothing left between edits) and the user is told so.

Each system's test is a pure function of the path and what the system says (its mount table,
its drive type, its environment), so that every branch is checked on Linux.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

# Linux and BSD file system types that are shared over a network, or FUSE mounts of such
NETWORK_FS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afpfs", "afs", "9p", "ncpfs", "ceph",
    "glusterfs", "lustre", "gpfs", "davfs", "webdav", "fuse.sshfs", "fuse.rclone", "fuse.s3fs",
    "fuse.gcsfuse", "fuse.davfs2", "fuse.glusterfs", "fuse.cephfs", "fuse.onedriver", "fuse.gvfsd-fuse",
})
# Folders that sync clients keep (a part of the path, compared without regard to case)
SYNCED_PARTS = {
    "onedrive": "OneDrive", "icloud drive": "iCloud Drive", "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive", "dropbox": "Dropbox", "google drive": "Google Drive",
    "my drive": "Google Drive", "box sync": "Box", "nextcloud": "Nextcloud", "owncloud": "ownCloud",
}
# The environment variables sync clients set to their folder on Windows
SYNC_ENV = {"OneDrive": "OneDrive", "OneDriveConsumer": "OneDrive", "OneDriveCommercial": "OneDrive"}
DRIVE_REMOTE = 4  # GetDriveTypeW


def shared_folder(path: str | os.PathLike[str], *, platform: str | None = None,
                  mounts: Sequence[tuple[str, str]] | None = None,
                  env: Mapping[str, str] | None = None,
                  drive_type: Callable[[str], int] | None = None) -> str | None:
    """Why ``path`` (absolute) is not a place for WAL: "a network share (cifs)", "a OneDrive
    folder"...; None on a local disk.

    ``platform`` is ``sys.platform``'s value; ``mounts`` (mount point, type) pairs, read from
    /proc/self/mounts on Linux when not given; ``drive_type`` Windows' GetDriveTypeW.
    """
    platform = sys.platform if platform is None else platform
    env = os.environ if env is None else env
    windows = platform == "win32"
    p: PurePath = PureWindowsPath(os.fspath(path)) if windows else PurePosixPath(os.fspath(path))
    if windows:
        text = str(p)
        if text.startswith("\\\\") and not text.startswith(("\\\\?\\", "\\\\.\\")) \
                or text.upper().startswith("\\\\?\\UNC\\"):
            return f"a network share ({p.anchor.rstrip(chr(92))})"
        if p.drive:
            kind = (drive_type or _windows_drive_type)(p.drive + "\\")
            if kind == DRIVE_REMOTE:
                return f"a network drive ({p.drive})"
        for var, client in SYNC_ENV.items():
            root = env.get(var)
            if root and _under(p, PureWindowsPath(root)):
                return f"a {client} folder"
    else:
        if platform == "darwin":
            parts = [x.casefold() for x in p.parts]
            if "library" in parts:
                rest = parts[parts.index("library") + 1:]
                if rest[:1] == ["mobile documents"]:
                    return "an iCloud Drive folder"
                if rest[:1] == ["cloudstorage"] and len(rest) > 1:
                    return f"a {rest[1].split('-')[0].title()} folder (synced)"
        for mount, fs in sorted(_mounts() if mounts is None else mounts, key=lambda m: -len(m[0])):
            if _under(p, PurePosixPath(mount)):
                if fs.casefold() in NETWORK_FS or fs.casefold().startswith(("nfs", "smb", "cifs")):
                    return f"a network file system ({fs})"
                break
    for part in p.parts[1:]:
        synced = SYNCED_PARTS.get(part.casefold().split(" - ")[0]) or SYNCED_PARTS.get(part.casefold())
        if synced:
            return f"a {synced} folder (synced)"
    return None


def _under(path: PurePath, root: PurePath) -> bool:
    a = [x.casefold() for x in path.parts] if isinstance(path, PureWindowsPath) else list(path.parts)
    b = [x.casefold() for x in root.parts] if isinstance(root, PureWindowsPath) else list(root.parts)
    return a[:len(b)] == b


_BSD_MOUNT = re.compile(r"^.+? on (?P<point>.+) \((?P<fs>[^,)]+)[,)]")


def parse_bsd_mount(output: str) -> list[tuple[str, str]]:
    """(mount point, type) from macOS's ``mount`` output:
    ``//ann@nas/team on /Volumes/team (smbfs, nodev, nosuid, mounted by ann)``."""
    out = []
    for line in output.splitlines():
        m = _BSD_MOUNT.match(line)
        if m:
            out.append((m["point"], m["fs"].strip()))
    return out


def _mounts() -> list[tuple[str, str]]:
    """(mount point, type) for each mount: /proc/self/mounts on Linux, ``mount`` on macOS."""
    if sys.platform == "darwin":
        import subprocess

        try:
            listed = subprocess.run(["/sbin/mount"], capture_output=True, text=True, encoding="utf-8",
                                    errors="replace", timeout=5, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        return parse_bsd_mount(listed)
    if not sys.platform.startswith("linux"):
        return []
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            point = fields[1].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
            out.append((point, fields[2]))
    return out


def _windows_drive_type(root: str) -> int:
    if sys.platform != "win32":
        return 0
    import ctypes

    return int(getattr(ctypes, "windll").kernel32.GetDriveTypeW(root))  # noqa: B009


def write_problem(path: Path) -> str | None:
    """Why this project cannot be written, or None: found by trying (``os.access`` reads only
    the mode bits, and Windows' access control lists decide there).  SQLite needs the file and,
    for its journal, the folder."""
    folder = path.resolve().parent
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError as e:
        # another problem: SQLite reports it when it opens the file
        return "the file is read-only" if e.errno in _DENIED else None
    os.close(fd)
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        if e.errno in _DENIED:
            return f"its folder {folder} is read-only (SQLite keeps a journal beside the file)"
    return None


_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}
