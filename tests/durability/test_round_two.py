"""Issue 13, "nothing lost, round two": the store, import and CLI points of the adversarial run.

Each test failed before its fix (checked against the commit before them)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsmark  # noqa: E402
from newsmark.cli import cli
from newsmark.core.errors import NewsmarkError
from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.store.maintenance import check_file, make_backup

SRC = Path(newsmark.__file__).resolve().parents[1]  # the code under test, for child processes
SETPRIV = "/usr/bin/setpriv"
TEXT = "Panetta said immunity 😀 matters, and Obama agreed."


def run(*args: object, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, input=input)


def _filled(path: Path) -> Project:
    p = Project.create(path)
    p.add_document(Document(id="d", text=TEXT))
    q = p.add_annotation("d", 13, 21, "QUOTE", id="q")
    s = p.add_annotation("d", 0, 7, "PERSON", id="s")
    p.add_relation("d", "said_by", q.id, s.id, id="r")
    return p


# ---------------------------------------------------------------- 1. export over the project
@pytest.mark.parametrize("target", ["p.newsmark", "p.newsmark-wal", "p.newsmark-shm", "backup"])
def test_an_export_never_replaces_the_project_its_journal_or_a_backup(tmp_path: Path, target: str) -> None:
    path = tmp_path / "p.newsmark"
    with _filled(path) as p:  # open: its -wal and -shm exist
        backup = make_backup(p)
        out = backup if target == "backup" else tmp_path / target
        assert out.exists()
        before = out.read_bytes()
        r = run("export", path, "--format", "conll", "-o", out)
        assert r.exit_code == 1 and "will not write over" in r.output, r.output
        assert out.read_bytes() == before
        p.add_annotation("d", 37, 42, "PERSON")
    assert check_file(path).ok
    assert run("export", path, "-o", tmp_path / "out.jsonl").exit_code == 0


def test_the_window_s_export_path_is_refused_below_the_cli(tmp_path: Path) -> None:
    """The window writes exports with core.atomicfile.atomic_write too: the check is there."""
    from newsmark.core.atomicfile import atomic_write

    path = tmp_path / "p.newsmark"
    _filled(path).close()
    with pytest.raises(NewsmarkError, match="will not write over"), atomic_write(path) as f:
        f.write(b"not a project")
    assert check_file(path).ok


# ---------------------------------------------------------------- 26. a killed export's .partial
def test_a_killed_export_s_partial_file_is_removed_by_the_next_one(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    with _filled(path) as p:
        for i in range(300):
            p.add_document(Document(id=f"x{i}", text=f"document {i} " * 200))
    out = tmp_path / "out.jsonl"
    code = ("import sys, time\n"
            f"sys.path.insert(0, {str(SRC)!r})\n"
            "from newsmark.formats import jsonl\n"
            "import newsmark.core.atomicfile as af\n"
            "from newsmark.store import Project\n"
            "with Project.open(sys.argv[1], readonly=True) as p, af.atomic_write(sys.argv[2]) as f:\n"
            "    f.write(b'x' * 1000); f.flush(); print('writing', flush=True); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(path), str(out)], stdout=subprocess.PIPE, text=True, encoding="utf-8")
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    child.kill()
    child.wait()
    child.stdout.close()
    left = [f for f in tmp_path.iterdir() if f.name.endswith(".partial")]
    assert len(left) == 1 and not out.exists()
    assert run("export", path, "-o", out).exit_code == 0
    assert [f.name for f in tmp_path.iterdir() if f.name.endswith(".partial")] == []
    assert len(out.read_text(encoding="utf-8").splitlines()) == 301


def test_a_running_export_s_partial_file_is_left_alone(tmp_path: Path) -> None:
    from newsmark.core.atomicfile import remove_stale_partials

    out = tmp_path / "out.jsonl"
    mine = tmp_path / f".out.jsonl.{os.getpid()}-abcd.partial"  # this process is alive
    mine.write_bytes(b"x")
    assert remove_stale_partials(out) == [] and mine.exists()


# ---------------------------------------------------------------- 3. read-only folder, -wal, no -shm
@pytest.mark.skipif(sys.platform == "win32" or (os.geteuid() == 0 and not os.path.exists(SETPRIV)),
                    reason="POSIX permissions; root ignores them and setpriv is missing to drop that power")
def test_committed_edits_in_the_wal_of_a_read_only_folder_are_read(tmp_path: Path) -> None:
    import shutil

    live = tmp_path / "live"
    live.mkdir()
    path = live / "p.newsmark"
    p = _filled(path)
    p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    p.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(23):  # 2 + 23 = 25 annotations, the last 23 only in the -wal
        p.add_annotation("d", i, i + 1, "PERSON", id=f"w{i}")
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copyfile(path, folder / "p.newsmark")  # as a crash or a copy leaves it: no -shm
    shutil.copyfile(f"{path}-wal", folder / "p.newsmark-wal")
    p.close()
    for f in folder.iterdir():
        os.chmod(f, 0o444)
    os.chmod(folder, 0o555)
    drop = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []  # linux-only: skipped on Windows
    code = f"import sys\nsys.path.insert(0, {str(SRC)!r})\nfrom newsmark.cli import main\nmain(sys.argv[1:])\n"

    def as_user(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*drop, sys.executable, "-c", code, *args], capture_output=True, text=True,
                              check=False, encoding="utf-8")

    try:
        ro = str(folder / "p.newsmark")
        r = as_user("stats", "--json", ro)
        assert r.returncode == 0 and json.loads(r.stdout)["annotations"] == 25, r.stdout + r.stderr
        r = as_user("check", ro)
        assert r.returncode == 0 and "25 annotations" in r.stdout, r.stdout + r.stderr
        r = as_user("export", ro)
        assert r.returncode == 0 and len(json.loads(r.stdout)["annotations"]) == 25, r.stderr
        assert sorted(os.listdir(folder)) == ["p.newsmark", "p.newsmark-wal"]  # nothing written there
    finally:
        os.chmod(folder, 0o755)


def test_a_killed_process_read_only_copy_is_removed_by_the_next(tmp_path: Path) -> None:
    """A project in a read-only folder with a -wal is read from a copy in the temporary folder;
    a process killed while reading leaves that copy behind, and the next copy removes it."""
    from newsmark.core.atomicfile import process_tag
    from newsmark.store.project import _connect_copy, _remove_stale_scratch

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True, encoding="utf-8")
    dead = int(done.stdout)  # a process that has ended
    machine = process_tag().split("-h")[1]
    stale = tmp_path / f"newsmark-readonly-{dead}-h{machine}-x1y2"
    mine = tmp_path / f"newsmark-readonly-{process_tag()}-z3"
    other = tmp_path / "newsmark-readonly-notours"
    for folder in (stale, mine, other):
        folder.mkdir()
        (folder / "p.newsmark").write_bytes(b"x")
    _remove_stale_scratch(tmp_path)
    assert not stale.exists() and mine.exists() and other.exists()

    path = tmp_path / "p.newsmark"
    p = _filled(path)
    p.conn.execute("PRAGMA wal_autocheckpoint = 0")
    p.add_annotation("d", 0, 1, "PERSON", id="w")
    conn, scratch = _connect_copy(path, Path(f"{path}-wal"))
    try:
        assert scratch.name.startswith(f"newsmark-readonly-{process_tag()}-")  # whose it is, in its name
        assert conn.execute("SELECT count(*) FROM annotations WHERE id = 'w'").fetchone()[0] == 1
    finally:
        conn.close()
        import shutil

        shutil.rmtree(scratch)
        p.close()


# ---------------------------------------------------------------- 5. numbers beyond 64 bits
def test_a_filtered_export_keeps_numbers_beyond_64_bits(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    big = 123456789012345678901234567890
    src = tmp_path / "big.jsonl"
    src.write_text(f'{{"id": "d", "text": "{TEXT}", "annotations": [{{"id": "a", "start": 0, "end": 7,'
                   f' "label": "PERSON", "attributes": {{"n": {big}}}}}], "relations": []}}\n', encoding="utf-8")
    assert run("import", path, src).exit_code == 0
    with Project.open(path) as p:
        assert p.is_packed("d")  # imported, unedited
    out = tmp_path / "out.jsonl"
    assert run("export", path, "--label", "PERSON", "-o", out).exit_code == 0
    assert f'"n":{big}' in out.read_text(encoding="utf-8")
    assert json.loads(out.read_text(encoding="utf-8"))["annotations"][0]["attributes"]["n"] == big


# ---------------------------------------------------------------- 13. workers die with the importer
@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads the workers' state from /proc (Linux)")
def test_worker_processes_end_when_the_import_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    src = tmp_path / "big.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(6000):
            anns = [{"id": f"a{k}", "start": k, "end": k + 3, "label": "ORG"} for k in range(40)]
            f.write(json.dumps({"id": f"doc{i}", "text": TEXT + str(i), "annotations": anns}) + "\n")
    code = ("import sys, os\n"
            f"sys.path.insert(0, {str(SRC)!r})\n"
            "from newsmark.ingest import batch\n"
            "batch.BATCHED_IMPORT_BYTES = 1000\n"
            "from newsmark.formats import jsonl\n"
            "real = jsonl._read_packed_in_workers\n"
            "def spy(*a, **k):\n"
            "    for i, rec in enumerate(real(*a, **k)):\n"
            "        if i == 200:\n"
            "            import multiprocessing\n"
            "            print(' '.join(str(c.pid) for c in multiprocessing.active_children()), flush=True)\n"
            "        yield rec\n"
            "jsonl._read_packed_in_workers = spy\n"
            "from newsmark.cli import main\n"
            "main(sys.argv[1:])\n")
    child = subprocess.Popen([sys.executable, "-c", code, "import", str(path), str(src)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    assert child.stdout is not None
    pids = [int(x) for x in child.stdout.readline().split()]
    assert pids, "the import ran no worker processes"
    child.kill()
    child.wait()
    child.stdout.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    alive = [pid for pid in pids if _alive(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)  # linux-only: the test runs on Linux (/proc)
    assert not alive, "worker processes outlived their importer by 5 s"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:  # linux-only: the test runs on Linux
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


# ---------------------------------------------------------------- 14. lone surrogates
@pytest.mark.parametrize("where", ["title", "meta", "label", "attribute", "note", "id", "relation type"])
@pytest.mark.parametrize("long_number", [False, True])
def test_a_lone_surrogate_is_refused_with_file_and_line(tmp_path: Path, where: str, long_number: bool) -> None:
    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    bad = "\\ud800"
    meta = {"n": 12345678901234567890123} if long_number else {"n": 1}
    rec = {"id": "d", "title": "t", "text": TEXT, "meta": meta,
           "annotations": [{"id": "a", "start": 0, "end": 7, "label": "PERSON", "note": "n"},
                           {"id": "b", "start": 8, "end": 12, "label": "PERSON"}],
           "relations": [{"id": "r", "type": "said_by", "from": "a", "to": "b"}]}
    raw = json.dumps(rec)
    raw = {"title": raw.replace('"title": "t"', f'"title": "x{bad}"'),
           "meta": raw.replace('"meta": {', f'"meta": {{"k": "{bad}", '),
           "label": raw.replace('"label": "PERSON", "note"', f'"label": "P{bad}", "note"'),
           "attribute": raw.replace('"note": "n"', f'"note": "n", "attributes": {{"k": "{bad}"}}'),
           "note": raw.replace('"note": "n"', f'"note": "{bad}"'),
           "id": raw.replace('"id": "d"', f'"id": "d{bad}"'),
           "relation type": raw.replace('"type": "said_by"', f'"type": "s{bad}"')}[where]
    assert bad in raw
    src = tmp_path / "s.jsonl"
    src.write_text(json.dumps({"id": "ok", "text": "fine"}) + "\n" + raw + "\n", encoding="utf-8")
    r = run("import", path, src)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"{src}, line 2: " in r.output and "surrogate" in r.output, r.output
    with Project.open(path) as p:
        assert p.count_documents() == 0


# ---------------------------------------------------------------- 19. a bit-flipped project
@pytest.mark.parametrize("command", ["export", "show", "list"])
def test_text_that_is_not_utf8_is_a_message_with_the_backup(tmp_path: Path, command: str) -> None:
    path = tmp_path / "p.newsmark"
    with _filled(path) as p:
        make_backup(p)
    data = bytearray(path.read_bytes())  # closed: everything is in the file itself
    at = data.index(TEXT.encode())  # the document's text
    data[at + 13] = 0xE9  # a flipped bit: "i" 0x69 -> 0xE9, which is not UTF-8 here
    path.write_bytes(bytes(data))
    assert not check_file(path).ok
    r = CliRunner().invoke(cli, [command, str(path)])
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "damaged" in r.output and "latest backup" in r.output and "newsmark restore" in r.output, r.output


# ---------------------------------------------------------------- 20. a schema nested 100,000 deep
def test_init_with_a_schema_nested_100000_levels_deep(tmp_path: Path) -> None:
    schema = tmp_path / "deep.json"
    schema.write_text('{"labels": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    r = CliRunner().invoke(cli, ["init", str(tmp_path / "p.newsmark"), "--schema", str(schema)])
    assert r.exit_code == 1 and not isinstance(r.exception, RecursionError), r.exception
    assert f"{schema}: " in r.output and "too deeply" in r.output
    assert not (tmp_path / "p.newsmark").exists()


# ---------------------------------------------------------------- 23. missing folders
def test_backup_to_a_missing_folder_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    _filled(path).close()
    target = tmp_path / "missing" / "deeper" / "x.newsmark"
    r = run("backup", path, "-o", target)
    assert r.exit_code == 0, r.output
    assert check_file(target).ok


def test_restore_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    with _filled(path) as p:
        backup = make_backup(p)
    target = tmp_path / "missing" / "p.newsmark"
    r = run("restore", target, "--from", backup)
    assert r.exit_code == 0, r.output
    with Project.open(target) as q:
        assert len(q.annotations("d")) == 2


def test_backup_where_a_folder_cannot_be_made_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.newsmark"
    _filled(path).close()
    (tmp_path / "file").write_text("a file, not a folder", encoding="utf-8")
    r = CliRunner().invoke(cli, ["backup", str(path), "-o", str(tmp_path / "file" / "x.newsmark")])
    assert r.exit_code == 1 and "cannot create the folder" in r.output, r.output


def _sqlite_ok(path: Path) -> bool:
    with sqlite3.connect(path) as c:
        return bool(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


# ---------------------------------------------------------------- 2. a take-back and others' work
def _many_docs(path: Path, n: int, *, bad_last: bool = False, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(start, start + n):
            anns = [{"id": f"a{k}", "start": k, "end": k + 5, "label": "ORG"} for k in range(5)]
            f.write(json.dumps({"id": f"doc{i}", "text": f"{TEXT} {i}", "annotations": anns}) + "\n")
        if bad_last:
            f.write('{"id": "bad", "text": "x", "annotations": [{"id": "a", "start": 0, "end": 9, "label": "ORG"}]}\n')
    return path


def test_a_take_back_leaves_what_others_confirmed_meanwhile(tmp_path: Path) -> None:
    """A batched import fails on its last line after its batches were visible: a document that
    someone annotated meanwhile, and the documents a second import found already there, stay;
    the rest of the file is taken back."""
    import threading

    from newsmark.core.errors import InputError
    from newsmark.formats import jsonl
    from newsmark.store.importer import ImportSummary, import_records
    from newsmark.store.maintenance import check

    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    src = _many_docs(tmp_path / "big.jsonl", 400, bad_last=True)
    second = _many_docs(tmp_path / "second.jsonl", 30, start=100)  # 30 of the first file's documents
    paused, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def records():  # type: ignore[no-untyped-def]
        for i, rec in enumerate(jsonl.read(src)):
            if i == 300:  # three batches of 100 committed and visible
                paused.set()
                go.wait(30)
            yield rec

    def first_import() -> None:
        try:
            with Project.open(path) as q:
                import_records(q, records, ImportSummary(), source=str(src), batch=100)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    t = threading.Thread(target=first_import)
    t.start()
    try:
        assert paused.wait(30)
        r = run("annotate", path, "--doc", "doc7", "--label", "PERSON", "--start", "0", "--end", "7")
        assert r.exit_code == 0, r.output
        r = run("set-status", path, "done", "--doc", "doc8")
        assert r.exit_code == 0, r.output
        r = run("import", path, second)
        assert r.exit_code == 0 and "30 documents were already in the project" in r.output, r.output
    finally:
        go.set()
        t.join()
    assert len(errors) == 1 and isinstance(errors[0], InputError), errors
    assert "line 401" in str(errors[0]), errors
    assert "kept 32 of the file's documents" in str(errors[0])
    with Project.open(path) as p:
        assert sorted(p.document_ids()) == sorted(["doc7", "doc8", *(f"doc{i}" for i in range(100, 130))])
        assert [a.label for a in p.annotations("doc7")].count("PERSON") == 1  # the confirmed one
        assert len(p.annotations("doc7")) == 6
        assert p.document("doc8").status == "done"
        assert check(p).ok
        assert not [k for k in p.info() if k.startswith("import-pending:")]
    # the file, fixed, imports the rest
    src.write_text("".join(src.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    assert run("import", path, src).exit_code == 0
    with Project.open(path) as p:
        assert p.count_documents() == 400


def test_a_completed_batched_import_leaves_no_trace_of_its_batches(tmp_path: Path) -> None:
    from newsmark.formats import jsonl
    from newsmark.store.importer import ImportSummary, import_records

    path = tmp_path / "p.newsmark"
    src = _many_docs(tmp_path / "big.jsonl", 250)
    with Project.create(path) as p:
        s = ImportSummary()
        import_records(p, lambda: jsonl.read(src), s, source=str(src), batch=100)
        assert s.documents_added == 250
        assert not [k for k in p.info() if k.startswith("import-pending:")]


# ---------------------------------------------------------------- 4. a full disk
@pytest.mark.parametrize("empty", [True, False], ids=["first-import-rollback-journal", "wal"])
def test_a_take_back_needs_no_new_disk_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty: bool) -> None:
    """The take-back deletes in small transactions, each checkpointed into the project file and
    the journal emptied: it needs no room beyond what the import's journal already takes.  (The
    first import into an empty project has a rollback journal, store.bulk: no -wal at all.)"""
    from newsmark.core.errors import InputError
    from newsmark.formats import jsonl
    from newsmark.store import importer
    from newsmark.store.importer import ImportSummary, import_records

    path = tmp_path / "p.newsmark"
    src = _many_docs(tmp_path / "big.jsonl", 3000, bad_last=True)
    sizes: dict[str, tuple[int, int]] = {}
    real = importer._take_back

    def measured(project, added, summary):  # type: ignore[no-untyped-def]
        wal = Path(f"{path}-wal")
        assert wal.exists() != empty
        before = (path.stat().st_size, wal.stat().st_size if wal.exists() else 0)
        try:
            return real(project, added, summary)
        finally:
            sizes["before"], sizes["after"] = before, (path.stat().st_size, wal.stat().st_size if wal.exists() else 0)

    monkeypatch.setattr(importer, "_take_back", measured)
    held: list[int] = []
    release = importer._Reserve.release

    def released(self):  # type: ignore[no-untyped-def]
        held.append(self.size)
        release(self)

    monkeypatch.setattr(importer._Reserve, "release", released)
    with Project.create(path) as p:
        if not empty:
            p.add_document(Document(id="mine", text=TEXT))
        with pytest.raises(InputError, match="line 3001"):
            import_records(p, lambda: jsonl.read(src), ImportSummary(), source=str(src), batch=500)
        assert p.count_documents() == (0 if empty else 1)
    # the project file receives what the journal held, and the journal is emptied: together
    # they take no more room than before the take-back; with a rollback journal (nothing held
    # in a -wal), the deletes' own pages (the search index's) fit in the reserve given back
    room = max(held) if empty else 0
    assert room < 4 * 1024 * 1024
    assert sum(sizes["after"]) <= sum(sizes["before"]) + room, (sizes, room)


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 20 MB file system (tmpfs), for the full-disk test; needs root."""
    mount = tmp_path / "disk"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)],
                       capture_output=True, check=False)
    if r.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root): " + r.stderr.decode(errors="replace"))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_an_import_that_fills_the_disk_adds_nothing(tmp_path: Path, small_disk: Path) -> None:
    path = small_disk / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="mine", text=TEXT))
        p.add_annotation("mine", 0, 7, "PERSON")
    src = tmp_path / "big.jsonl"
    with src.open("w", encoding="utf-8") as f:  # 21 MB: batched, in worker processes
        for i in range(1400):
            anns = [{"id": f"a{k}", "start": k, "end": k + 5, "label": "ORG"} for k in range(60)]
            f.write(json.dumps({"id": f"doc{i}", "text": f"{TEXT} {i} " + "filler text " * 1000,
                                "annotations": anns}) + "\n")
    assert src.stat().st_size > 21_000_000
    code = f"import sys\nsys.path.insert(0, {str(SRC)!r})\nfrom newsmark.cli import main\nmain(sys.argv[1:])\n"
    r = subprocess.run([sys.executable, "-c", code, "import", str(path), str(src)], capture_output=True,
                       text=True, check=False, timeout=300, encoding="utf-8")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "disk is full" in r.stderr and "Traceback" not in r.stderr and "cannot join" not in r.stderr, r.stderr
    with Project.open(path, readonly=True) as p:
        assert p.document_ids() == ["mine"]
        assert len(p.annotations("mine")) == 1
    assert check_file(path).ok


# ---------------------------------------------------------------- 12. large files of other formats
def _label_studio_tasks(path: Path, n: int) -> Path:
    tasks = [{"id": i, "data": {"text": f"{TEXT} {i}"},
              "annotations": [{"result": [{"id": f"r{i}", "type": "labels", "from_name": "label",
                                           "to_name": "text", "value": {"start": 0, "end": 7,
                                                                        "labels": ["PERSON"]}}]}]}
             for i in range(n)]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["label-studio", "csv"])
def test_edits_get_in_while_a_large_file_of_another_format_is_imported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """While a large Label Studio or CSV file is imported, another program's edits are saved
    (with a busy timeout of 0.1 s) between its batches of 20 documents; the file still imports
    whole."""
    import threading

    from newsmark.ingest import batch
    from newsmark.ingest.batch import import_paths

    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="mine", text=TEXT))
    if kind == "csv":
        src = tmp_path / "many.csv"
        src.write_text("id,text\n" + "".join(f'c{i},"{TEXT} {i}"\n' for i in range(120)), encoding="utf-8")
    else:
        src = _label_studio_tasks(tmp_path / "many.json", 120)
    monkeypatch.setattr(batch, "BATCHED_IMPORT_BYTES", 1000)
    monkeypatch.setattr(batch, "BATCH_DOCUMENTS", 20)
    from newsmark.formats import registry
    from newsmark.ingest import collections

    def slowly(read):  # type: ignore[no-untyped-def]
        def records(*args):  # type: ignore[no-untyped-def]
            for rec in read(*args):
                time.sleep(0.005)  # a large file: reading it takes a while
                yield rec
        return records

    if kind == "csv":
        monkeypatch.setattr(batch, "read_csv", slowly(collections.read_csv))
    else:
        real_reader = registry.reader
        monkeypatch.setattr(registry, "reader", lambda k: slowly(real_reader(k)))
    importing = threading.Event()
    done = threading.Event()
    saved_while_importing: list[int] = []

    def other_program() -> None:
        importing.wait(10)
        n = 0
        while not done.is_set():
            other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                n += 1
                other.execute("UPDATE documents SET title = ? WHERE id = 'mine'", (f"edit {n}",))
                imported = other.execute("SELECT count(*) FROM documents").fetchone()[0] - 1
                other.execute("COMMIT")
                if 0 < imported < 120:  # saved between two batches of the file
                    saved_while_importing.append(imported)
            except sqlite3.OperationalError:  # database is locked
                pass
            finally:
                other.close()
            time.sleep(0.01)

    t = threading.Thread(target=other_program)
    t.start()
    try:
        with Project.open(path) as p:
            importing.set()
            summary = import_paths(p, [src], kind=kind)
            done.set()
            assert not summary.failed, summary.failed
            assert summary.documents_added == 120
    finally:
        done.set()
        importing.set()
        t.join()
    assert saved_while_importing, "no edit got in while the file was imported"
    assert all(n % 20 == 0 for n in saved_while_importing), saved_while_importing  # whole batches


# ---------------------------------------------------------------- 24. what the schema forbids
_OFF_SCHEMA = {
    "id": "d", "text": TEXT,
    "annotations": [{"id": "q", "start": 13, "end": 21, "label": "QUOTE", "attributes": {"type": "nonsense"}},
                    {"id": "p", "start": 0, "end": 7, "label": "PERSON"},
                    {"id": "t", "start": 37, "end": 42, "label": "DATE"}],
    "relations": [{"id": "r1", "type": "cue", "from": "p", "to": "t"},
                  {"id": "r3", "type": "said_by", "from": "q", "to": "p"}],
}
# A relation from an annotation to itself is no schema question but a broken record, refused
# whole like a relation to a missing annotation (tests/formats: test_a_relation_from_a_span_to_itself_is_refused).


@pytest.mark.parametrize("packed", [True, False, "workers"])
def test_an_import_reports_what_the_schema_forbids(tmp_path: Path, packed: bool | str) -> None:
    """Imported as they are (files from other tools often differ from the schema) and each listed
    with file and line; the window's checks then apply only to what is edited."""
    from newsmark.core.errors import ValidationError
    from newsmark.formats import jsonl
    from newsmark.store.importer import ImportSummary, import_records

    src = tmp_path / "off.jsonl"
    src.write_text(json.dumps({"id": "ok", "text": "fine"}) + "\n" + json.dumps(_OFF_SCHEMA) + "\n", encoding="utf-8")
    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        s = ImportSummary()
        from newsmark.core.rules import Rules

        layers = p.label_layers() if packed else None
        if packed == "workers":  # a large file: the worker processes check the records
            rules = Rules.of(p.labels(), p.relation_types())
            import_records(p, lambda: jsonl.read(src, layers=layers, workers=2, rules=rules), s, source=str(src),
                           batch=1)
        else:
            import_records(p, lambda: jsonl.read(src, layers=layers), s, source=str(src))
        problems = [line.split(": ", 1)[1] for line in s.off_schema]
        assert all(line.startswith(f"{src}, line 2: ") for line in s.off_schema)
        assert len(problems) == 2, problems
        assert any("annotation 'q' (QUOTE): type must be one of direct, indirect, mixed, not 'nonsense'" in x
                   for x in problems)
        assert any("relation 'r1' (cue) cannot start at a PERSON annotation (allowed: QUOTE); "
                   "cannot end at a DATE annotation (allowed: CUE)" in x for x in problems)
        assert any("do not follow the project's schema" in line for line in s.lines())
        # a later edit that does not touch the refused value goes through; one that does is checked
        p.update_annotation("d", "q", end=22)
        p.update_annotation("d", "q", note="checked")
        with pytest.raises(ValidationError, match="type must be one of"):
            p.update_annotation("d", "q", attributes={"type": "nonsense", "speaker": "Panetta"})
        p.update_annotation("d", "q", attributes={"type": "direct"})
        assert p.annotation("d", "q").attributes == {"type": "direct"}


def test_the_cli_lists_what_the_schema_forbids(tmp_path: Path) -> None:
    src = tmp_path / "off.jsonl"
    src.write_text(json.dumps(_OFF_SCHEMA) + "\n", encoding="utf-8")
    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    r = run("import", path, src)
    assert r.exit_code == 0, r.output
    assert "2 annotations or relations do not follow the project's schema" in r.output
    assert f"{src}, line 1: relation 'r1' (cue) cannot start at a PERSON annotation" in r.output
