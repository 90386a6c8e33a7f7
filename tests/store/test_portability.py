"""Windows and macOS behaviour of the store, checked on Linux by injecting the platform (#20)."""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from pathlib import Path, PureWindowsPath
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmark.core import atomicfile
from newsmark.core.errors import NewsmarkError, ProjectError
from newsmark.store import location
from newsmark.store.maintenance import make_backup, restore
from newsmark.store.project import Project
from newsmark.store.uri import project_uri
from tests.conftest import unicode_file_names

# ---------------------------------------------------------------- point 4: URIs


@pytest.mark.parametrize(("path", "uri"), [
    ("C:\\Users\\Ann\\p.newsmark", "file:///C:/Users/Ann/p.newsmark"),
    ("Z:\\team\\news #1\\p?.newsmark", "file:///Z:/team/news%20%231/p%3F.newsmark"),
    ("\\\\server\\share\\news\\p.newsmark", "file:////server/share/news/p.newsmark"),
    ("\\\\?\\C:\\long\\p.newsmark", "file:///C:/long/p.newsmark"),
    ("\\\\?\\UNC\\server\\share\\p.newsmark", "file:////server/share/p.newsmark"),
    ("C:\\Zürich\\100%.newsmark", "file:///C:/Z%C3%BCrich/100%25.newsmark"),
])
def test_windows_uris_have_no_authority(path: str, uri: str) -> None:
    assert project_uri(path, windows=True) == uri
    assert urlsplit(uri).netloc == ""  # SQLite refuses any other authority
    assert project_uri(PureWindowsPath(path), windows=True, mode="ro") == uri + "?mode=ro"


def test_the_old_way_made_an_authority_sqlite_refuses() -> None:
    assert urlsplit(PureWindowsPath("\\\\server\\share\\p.newsmark").as_uri()).netloc == "server"


_name = st.text(st.characters(codec="utf-8", exclude_characters='\\/:*?"<>|\x00'), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["C:\\", "Z:\\", "\\\\server\\share\\", "\\\\?\\C:\\", "\\\\?\\UNC\\nas\\team\\"]),
       st.lists(_name, min_size=1, max_size=4))
def test_every_windows_path_round_trips_through_its_uri(root: str, parts: list[str]) -> None:
    path = root + "\\".join(parts)
    uri = project_uri(path, windows=True, mode="ro")
    split = urlsplit(uri)
    assert split.scheme == "file" and split.netloc == "" and split.query == "mode=ro" and not split.fragment
    back = unquote(split.path)
    plain = root.replace("\\\\?\\UNC\\", "\\\\").replace("\\\\?\\", "")
    if plain.startswith("\\\\"):
        assert back == "//" + (plain[2:] + "\\".join(parts)).replace("\\", "/")
    else:
        assert back == "/" + (plain + "\\".join(parts)).replace("\\", "/")


@unicode_file_names
def test_a_project_with_uri_characters_in_its_name_opens_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "news #1 100% ?é😀"
    folder.mkdir()
    path = folder / "p?#%.newsmark"
    Project.create(path).close()
    with Project.open(path, readonly=True) as p:
        assert p.document_ids() == []
    with sqlite3.connect(project_uri(path, mode="ro"), uri=True) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] != 0


# ---------------------------------------------------------------- point 1: network and synced folders


@pytest.mark.parametrize(("platform", "path", "kind"), [
    ("win32", "\\\\server\\share\\p.newsmark", "network share"),
    ("win32", "\\\\?\\UNC\\server\\share\\p.newsmark", "network share"),
    ("win32", "Z:\\team\\p.newsmark", "network drive"),
    ("win32", "C:\\Users\\Ann\\OneDrive - Uni\\p.newsmark", "OneDrive"),
    ("win32", "D:\\Sync\\p.newsmark", "OneDrive"),  # the client's folder, from the environment
    ("darwin", "/Users/ann/Library/Mobile Documents/com~apple~CloudDocs/p.newsmark", "iCloud"),
    ("darwin", "/Users/ann/Library/CloudStorage/OneDrive-Personal/p.newsmark", "Onedrive"),
    ("darwin", "/Volumes/team/p.newsmark", "network file system (smbfs)"),
    ("linux", "/mnt/nas/p.newsmark", "network file system (cifs)"),
    ("linux", "/home/ann/Dropbox/p.newsmark", "Dropbox"),
])
def test_network_and_synced_folders_are_recognised(platform: str, path: str, kind: str) -> None:
    mounts = [("/", "ext4"), ("/mnt/nas", "cifs"), ("/Volumes/team", "smbfs")]
    found = location.shared_folder(path, platform=platform, mounts=mounts, env={"OneDrive": "D:\\Sync"},
                                   drive_type=lambda root: location.DRIVE_REMOTE if root == "Z:\\" else 3)
    assert found is not None and kind in found


@pytest.mark.parametrize(("platform", "path"), [
    ("win32", "C:\\Users\\Ann\\Documents\\p.newsmark"),
    ("darwin", "/Users/ann/Documents/p.newsmark"),
    ("linux", "/home/ann/p.newsmark"),
    ("linux", "/mnt/nasty/p.newsmark"),  # not under /mnt/nas
])
def test_local_folders_are_not(platform: str, path: str) -> None:
    assert location.shared_folder(path, platform=platform, mounts=[("/", "ext4"), ("/mnt/nas", "nfs4")],
                                  env={}, drive_type=lambda root: 3) is None


def test_a_project_in_a_shared_folder_uses_a_rollback_journal_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "OneDrive" / "p.newsmark"
    path.parent.mkdir()
    with Project.create(path) as p:
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        # the journal's deletion at each commit is synced (the folder too): EXTRA, not FULL
        assert p.conn.execute("PRAGMA synchronous").fetchone()[0] == 3
        assert "OneDrive" in (p.journal_note or "") and "rollback journal" in (p.journal_note or "")
        p.add_document  # noqa: B018  (the store works as usual)
    assert not Path(f"{path}-wal").exists()
    with Project.open(path) as p:
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    local = tmp_path / "p.newsmark"
    with Project.create(local) as p:
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal" and p.journal_note is None
        assert p.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: WAL's commit is synced


def test_a_wal_project_moved_into_a_synced_folder_is_switched(tmp_path: Path) -> None:
    local = tmp_path / "p.newsmark"
    Project.create(local).close()
    (tmp_path / "Dropbox").mkdir()
    moved = tmp_path / "Dropbox" / "p.newsmark"
    os.replace(local, moved)
    with Project.open(moved) as p:
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_the_cli_says_when_a_rollback_journal_is_used(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsmark.cli import cli

    path = tmp_path / "iCloud Drive" / "p.newsmark"
    path.parent.mkdir()
    r = CliRunner().invoke(cli, ["init", str(path)])
    assert r.exit_code == 0, r.output
    assert "rollback journal" in r.stderr


# ---------------------------------------------------------------- point 2: durability on macOS


def test_on_macos_the_project_asks_for_full_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Project.create(tmp_path / "linux.newsmark") as p:
        assert p.conn.execute("PRAGMA fullfsync").fetchone()[0] == 0
    monkeypatch.setattr(sys, "platform", "darwin")
    with Project.create(tmp_path / "mac.newsmark") as p:
        assert p.conn.execute("PRAGMA fullfsync").fetchone()[0] == 1
        assert p.conn.execute("PRAGMA checkpoint_fullfsync").fetchone()[0] == 1


def test_on_macos_the_atomic_writer_flushes_the_drive_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    calls: list[int] = []
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(fcntl, "fcntl", lambda fd, op, *a: calls.append(op) or 0, raising=True)
    with atomicfile.atomic_write(tmp_path / "out.json") as f:
        f.write(b"{}")
    assert calls == [getattr(fcntl, "F_FULLFSYNC", 51)]
    assert (tmp_path / "out.json").read_bytes() == b"{}"


# ---------------------------------------------------------------- point 7: a target held open


def _flaky_replace(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[str]:
    real = os.replace
    seen: list[str] = []

    def replace(src: object, dst: object) -> None:
        seen.append(str(dst))
        if len(seen) <= failures:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    return seen


def test_an_export_over_a_file_open_briefly_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    seen = _flaky_replace(monkeypatch, failures=2)
    with atomicfile.atomic_write(target) as f:
        f.write(b"new")
    assert target.read_bytes() == b"new" and len(seen) == 3


def test_an_export_over_a_file_held_open_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    _flaky_replace(monkeypatch, failures=10**6)
    monkeypatch.setattr(atomicfile, "RETRY_SECONDS", 0.2)
    with pytest.raises(NewsmarkError, match=r"out\.pdf: the file is open in another program"):
        with atomicfile.atomic_write(target) as f:
            f.write(b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]  # no temporary file left


def test_a_folder_export_over_a_held_file_names_it_and_changes_nothing(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "brat"
    target.mkdir()
    (target / "a.txt").write_text("old a", encoding="utf-8")
    (target / "b.txt").write_text("old b", encoding="utf-8")
    real = os.replace

    def replace(src: object, dst: object) -> None:
        if str(src) == str(target / "b.txt"):
            raise PermissionError(errno.EACCES, "in use", str(src))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(atomicfile, "RETRY_SECONDS", 0.1)
    with pytest.raises(NewsmarkError, match=r"b\.txt: the file is open"):
        with atomicfile.atomic_folder(target) as staging:
            (staging / "a.txt").write_text("new a", encoding="utf-8")
            (staging / "b.txt").write_text("new b", encoding="utf-8")
    assert (target / "a.txt").read_text(encoding="utf-8") == "old a"
    assert (target / "b.txt").read_text(encoding="utf-8") == "old b"
    assert sorted(p.name for p in target.iterdir()) == ["a.txt", "b.txt"]


# ---------------------------------------------------------------- point 6: restore on Windows


def _damaged(tmp_path: Path) -> Path:
    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        make_backup(p)
    data = path.read_bytes()
    path.write_bytes(data[:5000])
    Path(f"{path}-wal").write_bytes(b"stale wal")
    return path


def test_restore_while_the_project_is_held_open_is_refused_with_a_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _damaged(tmp_path)
    real = os.replace

    def replace(src: object, dst: object) -> None:
        if str(src) == str(path):  # Windows: another process has the file open
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ProjectError, match="open in another program"):
        restore(path)
    # as it was: the damaged file and its journal beside it, nothing half-moved
    assert path.stat().st_size == 5000 and Path(f"{path}-wal").read_bytes() == b"stale wal"
    assert not [f for f in tmp_path.iterdir() if ".damaged-" in f.name]


def test_restore_moves_the_journal_before_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _damaged(tmp_path)
    real = os.replace
    order: list[str] = []

    def replace(src: object, dst: object) -> None:
        order.append(Path(str(src)).name)
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    restore(path)
    assert order.index("p.newsmark-wal") < order.index("p.newsmark")
    with Project.open(path) as p:
        assert p.document_ids() == []


# ---------------------------------------------------------------- point 10: ACLs


def test_a_file_windows_refuses_to_write_is_reported_though_os_access_says_yes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    real_open = os.open

    def acl_open(file: object, flags: int, *a: object) -> int:
        if str(file) == str(path) and flags & os.O_RDWR:
            raise PermissionError(errno.EACCES, "Access is denied", str(file))
        return real_open(file, flags, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", lambda *a, **k: True)  # what Windows answers
    monkeypatch.setattr(os, "open", acl_open)
    with pytest.raises(ProjectError, match="the file is read-only"):
        Project.open(path)


def test_macos_mount_output_is_read() -> None:
    output = ("/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
              "//ann@nas.local/team on /Volumes/team share (smbfs, nodev, nosuid, mounted by ann)\n"
              "nas:/export on /Volumes/nfs (nfs, asynchronous)\n")
    mounts = location.parse_bsd_mount(output)
    assert mounts == [("/", "apfs"), ("/Volumes/team share", "smbfs"), ("/Volumes/nfs", "nfs")]
    found = location.shared_folder("/Volumes/team share/p.newsmark", platform="darwin", mounts=mounts)
    assert found is not None and "smbfs" in found
    assert location.shared_folder("/Users/ann/p.newsmark", platform="darwin", mounts=mounts) is None


def test_restore_refuses_a_damaged_project_another_process_has_open(tmp_path: Path) -> None:
    import subprocess
    import sys as _sys

    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        make_backup(p)
    holder = subprocess.Popen(
        [_sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM sqlite_master').fetchone()\n"
         "print('open', flush=True); time.sleep(60)\n", str(path)],
        stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        size = path.stat().st_size
        with open(path, "r+b") as f:  # damage the header's page size: unreadable
            f.seek(16)
            f.write(b"\x00\x03")
        with pytest.raises(ProjectError, match="open in another program"):
            restore(path)
        assert path.stat().st_size == size and not [f for f in tmp_path.iterdir() if ".damaged-" in f.name]
    finally:
        holder.kill()
        holder.communicate()
    restore(path)  # closed: now it goes ahead
    with Project.open(path) as p:
        assert p.document_ids() == []
