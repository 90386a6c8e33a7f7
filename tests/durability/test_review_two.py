"""An adversarial pass over the data-safety changes of issues 12 and 13 (identical annotations,
the take-back, the journal and the temporary files): each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmark.core.errors import DuplicateAnnotationError
from newsmark.core.model import Document
from newsmark.store import Project

TEXT = "Alice said hello to Bob. 😀 Carol 𠀋 agreed."


@pytest.fixture
def two(tmp_path: Path) -> tuple[Project, Project]:
    """The window's connection and another program's (a CLI command) on one project."""
    path = tmp_path / "p.newsmark"
    window = Project.create(path)
    window.add_document(Document(id="d", text=TEXT))
    other = Project.open(path)
    yield window, other
    other.close()
    window.close()


def _spans(p: Project) -> list[tuple[int, int, str, str]]:
    return sorted((a.start, a.end, a.label, a.annotator or "") for a in p.annotations("d"))


def test_undoing_a_delete_does_not_store_a_duplicate_added_meanwhile(two: tuple[Project, Project]) -> None:
    window, other = two
    carol = TEXT.index("Carol")
    ann = window.add_annotation("d", carol, carol + 5, "PERSON", annotator="me")
    saved = window.delete_annotation("d", ann.id)
    again = other.add_annotation("d", carol, carol + 5, "PERSON", annotator="me")  # `newsmark annotate`
    with pytest.raises(DuplicateAnnotationError) as e:
        window.restore_annotation(*saved)  # Ctrl+Z in the window
    assert e.value.existing_id == again.id
    assert _spans(window) == [(carol, carol + 5, "PERSON", "me")]


def test_an_edit_cannot_make_an_annotation_identical_to_another(two: tuple[Project, Project]) -> None:
    window, other = two
    bob = TEXT.index("Bob")
    person = other.add_annotation("d", bob, bob + 3, "PERSON")
    org = window.add_annotation("d", bob, bob + 3, "ORG")
    wide = window.add_annotation("d", bob - 3, bob + 3, "PERSON")
    for changes in ({"label": "PERSON"}, {"start": bob}):
        target = org if "label" in changes else wide
        with pytest.raises(DuplicateAnnotationError) as e:
            window.update_annotation("d", target.id, **changes)
        assert e.value.existing_id == person.id
    assert _spans(window) == sorted([(bob, bob + 3, "PERSON", ""), (bob, bob + 3, "ORG", ""),
                                     (bob - 3, bob + 3, "PERSON", "")])
    # an edit that keeps the span, label and annotator is not a duplicate of itself
    window.update_annotation("d", person.id, note="checked")
    window.update_annotation("d", org.id, label="PERSON", annotator="me")  # another annotator's: fine
    assert (bob, bob + 3, "PERSON", "me") in _spans(window)


# ---------------------------------------------------------------- a take-back and a second import
def test_a_take_back_leaves_what_an_import_found_while_it_ran(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A take-back deletes in many small transactions; an import that finds some of its
    documents already there between two of them adopts them, and they stay."""
    from click.testing import CliRunner

    from newsmark.cli import cli
    from newsmark.core.errors import InputError
    from newsmark.formats import jsonl
    from newsmark.store import importer
    from tests.durability.test_round_two import _many_docs

    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    src = _many_docs(tmp_path / "big.jsonl", 250, bad_last=True)
    second = _many_docs(tmp_path / "second.jsonl", 30, start=150)
    monkeypatch.setattr(importer, "TAKE_BACK_DOCUMENTS", 10)
    checkpoint = importer._checkpoint
    calls: list[str] = []

    def between_steps(project: Project) -> None:
        checkpoint(project)
        calls.append("checkpoint")
        if len(calls) == 2:  # the take-back's first step is done: another program imports
            result = CliRunner().invoke(cli, ["import", str(path), str(second)], catch_exceptions=False)
            calls.append(result.output)

    monkeypatch.setattr(importer, "_checkpoint", between_steps)
    with Project.open(path) as p, pytest.raises(InputError) as e:
        importer.import_records(p, lambda: jsonl.read(src), importer.ImportSummary(), source=str(src),
                                batch=100)
    assert "30 documents were already in the project" in calls[2], calls
    assert "kept 30 of the file's documents" in str(e.value)
    with Project.open(path) as p:
        assert sorted(p.document_ids()) == sorted(f"doc{i}" for i in range(150, 180))


def test_a_document_adopted_by_another_import_is_not_listed_again_by_a_later_batch(
        tmp_path: Path) -> None:
    """A file holding one document twice (two annotators' records of it): another import finds
    it after the first batch and adopts it; the second record, in a later batch, adds to it, and
    must not put it back on the list that the failing import's take-back deletes by."""
    import json

    from click.testing import CliRunner

    from newsmark.cli import cli
    from newsmark.core.errors import InputError
    from newsmark.formats import jsonl
    from newsmark.store import importer
    from tests.durability.test_round_two import TEXT as TEXT2
    from tests.durability.test_round_two import _many_docs

    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    src = _many_docs(tmp_path / "big.jsonl", 250)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)  # batches of 100: doc5 again in the second
    again = {"id": "doc5", "text": f"{TEXT2} 5",
             "annotations": [{"id": "b1", "start": 0, "end": 7, "label": "PERSON"}]}
    bad = '{"id": "bad", "text": "x", "annotations": [{"id": "a", "start": 0, "end": 9, "label": "ORG"}]}\n'
    src.write_text("".join(lines[:150]) + json.dumps(again) + "\n" + "".join(lines[150:]) + bad, encoding="utf-8")
    second = _many_docs(tmp_path / "second.jsonl", 1, start=5)  # doc5, as the first file has it
    said: list[str] = []

    def records():  # type: ignore[no-untyped-def]
        for i, rec in enumerate(jsonl.read(src)):
            if i == 100:  # the first batch is committed: another program imports doc5
                result = CliRunner().invoke(cli, ["import", str(path), str(second)], catch_exceptions=False)
                said.append(result.output)
            yield rec

    with Project.open(path) as p, pytest.raises(InputError) as e:
        importer.import_records(p, records, importer.ImportSummary(), source=str(src), batch=100)
    assert "1 document was already in the project" in said[0], said
    assert "kept 1 of the file's documents" in str(e.value) and "doc5" in str(e.value)
    with Project.open(path) as p:
        assert p.document_ids() == ["doc5"]


# ---------------------------------------------------------------- export targets
@pytest.mark.parametrize("suffix", ["-WAL", "-Shm"])
def test_an_export_never_replaces_the_journal_named_in_other_letters(tmp_path: Path, suffix: str) -> None:
    """Where file names are case-insensitive (macOS, Windows), "p.newsmark-WAL" is the project's
    journal: refused.  Linux's file systems here are case-sensitive, so the other spelling is made
    a second name of the same file (a hard link), as such a file system makes it."""
    import os

    from newsmark.core.atomicfile import atomic_write
    from newsmark.core.errors import NewsmarkError

    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="d", text=TEXT))
        side = Path(f"{path}{suffix.lower()}")
        other = Path(f"{path}{suffix}")
        os.link(side, other)
        before = side.read_bytes()
        with pytest.raises(NewsmarkError, match="will not write over"), atomic_write(other) as f:
            f.write(b"an export")
        assert side.read_bytes() == before and os.path.samefile(side, other)
        # a file of that name that is not the journal (a case-sensitive file system) is written
        other.unlink()
        with atomic_write(other) as f:
            f.write(b"an export")
        assert other.read_bytes() == b"an export" and side.read_bytes() == before


# ---------------------------------------------------------------- .partial files of others
def test_the_partial_cleanup_leaves_the_running_export_of_a_longer_name(tmp_path: Path) -> None:
    """Exporting to "report" must not take "report.2024-12-01.csv"'s temporary file, which a
    running export is writing, for a killed process's (2024 read as its process id)."""
    import os

    from newsmark.core.atomicfile import atomic_write, remove_stale_partials

    try:
        os.kill(2024, 0)
        pytest.skip("a process 2024 runs here")
    except ProcessLookupError:
        pass
    except PermissionError:
        pytest.skip("a process 2024 runs here")
    running = tmp_path / f".report.2024-12-01.csv.{os.getpid()}-k2x9q.partial"
    running.write_bytes(b"half an export")
    reserve = tmp_path / f".report.2024-01.newsmark.{os.getpid()}-take-back-reserve.partial"
    reserve.write_bytes(b"\0" * 10)
    assert remove_stale_partials(tmp_path / "report") == []
    with atomic_write(tmp_path / "report") as f:
        f.write(b"another export")
    assert running.read_bytes() == b"half an export" and reserve.exists()


def test_a_failed_import_names_the_documents_it_added_to_that_keep_its_annotations(tmp_path: Path) -> None:
    """A batched import adds annotations to a document already in the project; someone edits that
    document before the import fails, so the take-back leaves the import's annotations there: the
    message must say so, not let the user believe the file added nothing."""
    import json

    from click.testing import CliRunner

    from newsmark.cli import cli
    from newsmark.core.errors import InputError
    from newsmark.formats import jsonl
    from newsmark.store import importer
    from tests.durability.test_round_two import TEXT as TEXT2
    from tests.durability.test_round_two import _many_docs

    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="old", text=TEXT2))
    src = _many_docs(tmp_path / "big.jsonl", 250, bad_last=True)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    merged = {"id": "old", "text": TEXT2, "annotations": [{"id": "imp", "start": 0, "end": 7, "label": "PERSON"}]}
    src.write_text(json.dumps(merged) + "\n" + "".join(lines), encoding="utf-8")

    def records():  # type: ignore[no-untyped-def]
        for i, rec in enumerate(jsonl.read(src)):
            if i == 100:  # the first batch is committed: someone tags the document in the window
                result = CliRunner().invoke(cli, ["annotate", str(path), "--doc", "old", "--label", "ORG",
                                                  "--start", "8", "--end", "12"], catch_exceptions=False)
                assert result.exit_code == 0, result.output
            yield rec

    with Project.open(path) as p, pytest.raises(InputError) as e:
        importer.import_records(p, records, importer.ImportSummary(), source=str(src), batch=100)
    with Project.open(path) as p:
        assert p.document_ids() == ["old"]
        kept = sorted(a.id for a in p.annotations("old") if a.label == "PERSON")
    assert kept == ["imp"]  # the take-back left the edited document as it is
    said = str(e.value)
    assert "line 252" in said and "kept 1 of the file's documents" in said, said
    assert said.split("kept", 1)[1].endswith(": old)"), said


# ---------------------------------------------------------------- two programs creating one project
def test_creating_a_project_another_program_has_just_created_leaves_it_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two `newsmark init` (or the window's New project and a command) on one name at the same
    moment: the second saw no file, then failed on the first one's, and deleted it, -wal and
    all, with a traceback."""
    import newsmark.core.schema as schemas
    from newsmark.core.errors import ProjectError

    path = tmp_path / "p.newsmark"
    load_schema = schemas.load_schema
    raced: list[bool] = []

    def racing(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not raced:  # between this one's look for the file and its making of it
            raced.append(True)
            with Project.create(path) as other:
                other.add_document(Document(id="d", text="the other program's work"))
        return load_schema(*args, **kwargs)

    monkeypatch.setattr(schemas, "load_schema", racing)
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)
    assert raced
    with Project.open(path) as p:
        assert p.document("d").text == "the other program's work"


# ---------------------------------------------------------------- a killed import's reserve
def test_a_killed_import_s_reserve_goes_when_the_project_is_next_opened(tmp_path: Path) -> None:
    """The reserve of an import killed mid-way (a batch's size, or the journal's: gigabytes)
    waited, hidden beside the project, for the next large import; any program that opens the
    project for writing removes it now.  A running import's stays."""
    import os
    import subprocess
    import sys

    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True, encoding="utf-8")
    killed = tmp_path / f".p.newsmark.{dead.stdout.strip()}-take-back-reserve.partial"
    running = tmp_path / f".p.newsmark.{os.getpid()}-take-back-reserve.partial"
    for f in (killed, running):
        f.write_bytes(b"\0" * 4096)
    with Project.open(path, readonly=True):
        assert killed.exists()  # a reading program changes nothing
    Project.open(path).close()
    assert not killed.exists() and running.exists()


def test_a_killed_folder_export_s_staging_folder_is_removed_by_the_next_one(tmp_path: Path) -> None:
    """A brat export killed mid-way left its hidden staging folder (a copy of the export) beside
    the target for ever; the next folder export there removes it, and leaves a running one's."""
    import os
    import subprocess
    import sys

    from newsmark.core.atomicfile import atomic_folder

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True, encoding="utf-8").stdout.strip()
    killed = tmp_path / f".newsmark-export-{dead}-k2x9q_a.partial"
    running = tmp_path / f".newsmark-export-{os.getpid()}-r7w2e.partial"
    for d in (killed, running):
        (d / "sub").mkdir(parents=True)
        (d / "sub" / "doc.ann").write_text("T1\tPERSON 0 5\tAlice\n", encoding="utf-8")
    with atomic_folder(tmp_path / "out") as staging:
        (staging / "doc.txt").write_text("Alice", encoding="utf-8")
    assert (tmp_path / "out" / "doc.txt").read_text(encoding="utf-8") == "Alice"
    assert not killed.exists() and (running / "sub" / "doc.ann").exists()


# ---------------------------------------------------------------- the journal of a linked project
@pytest.mark.parametrize("command", ["stats", "check", "export"])
def test_no_journal_is_left_beside_a_project_opened_through_a_link(tmp_path: Path, command: str) -> None:
    """SQLite keeps -wal and -shm beside the file a link leads to; the removal looked beside the
    link, and a read-only command left them."""
    from click.testing import CliRunner

    from newsmark.cli import cli

    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    path = tmp_path / "real" / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="d", text=TEXT))
    link = tmp_path / "links" / "p.newsmark"
    link.symlink_to(path)
    args = [command, str(link)] + (["-o", str(tmp_path / "out.jsonl")] if command == "export" else [])
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(f.name for f in path.parent.iterdir()) == ["p.newsmark"]


def test_the_take_back_reserve_of_a_project_opened_through_a_link_is_beside_the_file(tmp_path: Path) -> None:
    """The reserve was made beside the link (maybe on another disk) and sized without the
    journal, which it looked for beside the link too."""
    from newsmark.formats import jsonl
    from newsmark.store import importer
    from tests.durability.test_round_two import _many_docs

    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    path = tmp_path / "real" / "p.newsmark"
    with Project.create(path) as p:  # a project with work in it: the import writes through the WAL
        p.add_document(Document(id="mine", text=TEXT))  # (an empty one's first import has no WAL: store.bulk)
    link = tmp_path / "links" / "p.newsmark"
    link.symlink_to(path)
    src = _many_docs(tmp_path / "big.jsonl", 250)
    seen: list[tuple[list[str], int, int]] = []

    def records():  # type: ignore[no-untyped-def]
        for i, rec in enumerate(jsonl.read(src)):
            if i == 200:  # two batches in: the journal holds them
                reserves = [f for f in path.parent.iterdir() if f.name.endswith("-take-back-reserve.partial")]
                seen.append(([f.name for f in link.parent.iterdir()], sum(f.stat().st_size for f in reserves),
                             Path(f"{path}-wal").stat().st_size))
            yield rec

    with Project.open(link) as p:
        importer.import_records(p, records, importer.ImportSummary(), source=str(src), batch=100)
    (beside_link, reserve, journal) = seen[0]
    assert beside_link == ["p.newsmark"]
    assert reserve >= journal > 0


# ---------------------------------------------------------------- identical annotations in one record
@pytest.mark.parametrize("big", [False, True], ids=["one-transaction", "batched-in-workers"])
def test_a_record_holding_an_annotation_twice_stores_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             big: bool) -> None:
    """A new document's record with the same span, label and annotator twice (a doccano or brat
    file often has them) stored both: the project then held two identical annotations."""
    import json

    from click.testing import CliRunner

    from newsmark.cli import cli
    from newsmark.ingest import batch
    from newsmark.store.maintenance import check_file

    if big:  # a large file: batched, checked and packed in worker processes
        monkeypatch.setattr(batch, "BATCHED_IMPORT_BYTES", 1)
    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    quote = TEXT.index("hello")
    src = tmp_path / "dup.jsonl"
    records = []
    for i in range(3):
        anns = [{"id": "s1", "start": 0, "end": 5, "label": "PERSON"},
                {"id": "q", "start": quote, "end": quote + 5, "label": "QUOTE"},
                {"id": "s2", "start": 0, "end": 5, "label": "PERSON"},  # identical to s1
                {"id": "s3", "start": 0, "end": 5, "label": "PERSON", "annotator": "ann"}]  # another's
        rels = [{"id": "r1", "type": "said_by", "from": "q", "to": "s1"},
                {"id": "r2", "type": "said_by", "from": "q", "to": "s2"}]  # the same link, once s2 is s1
        if i == 1:
            rels = [{"id": "r2", "type": "said_by", "from": "q", "to": "s2"}]  # moves onto s1
        records.append({"id": f"d{i}", "text": f"{TEXT} {i}", "annotations": anns, "relations": rels})
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path), str(src)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "skipped 3 duplicate annotations and 2 duplicate relations" in result.output, result.output
    with Project.open(path) as p:
        for i in range(3):
            anns = p.annotations(f"d{i}")
            assert sorted(a.id for a in anns) == ["q", "s1", "s3"]
            assert [(r.from_id, r.to_id) for r in p.relations(f"d{i}")] == [("q", "s1")]
    assert check_file(path).ok


# ---------------------------------------------------------------- another machine's files
def test_another_machine_s_running_import_keeps_its_reserve_and_temporary_files(tmp_path: Path) -> None:
    """A project in a shared folder: an import running on another machine has a reserve (and an
    export there a .partial) named with its process id, which runs on no process here; opening
    the project here took it for a killed process's and removed it.  Files of this machine's
    killed processes still go."""
    import subprocess
    import sys

    from newsmark.core.atomicfile import _MACHINE, atomic_write, process_tag

    path = tmp_path / "p.newsmark"
    Project.create(path).close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True, encoding="utf-8").stdout.strip()
    other = "0123abcd" if _MACHINE != "0123abcd" else "abcd0123"
    theirs = [tmp_path / f".p.newsmark.{dead}-h{other}-take-back-reserve.partial",
              tmp_path / f".out.jsonl.{dead}-h{other}-x1y2z3.partial"]
    ours = [tmp_path / f".p.newsmark.{dead}-h{_MACHINE}-take-back-reserve.partial",
            tmp_path / f".out.jsonl.{dead}-h{_MACHINE}-x1y2z3.partial"]
    for f in theirs + ours:
        f.write_bytes(b"\0" * 100)
    Project.open(path).close()
    with atomic_write(tmp_path / "out.jsonl") as f:
        f.write(b"{}\n")
    assert all(f.exists() for f in theirs) and not any(f.exists() for f in ours)
    assert process_tag().endswith(f"-h{_MACHINE}")


def test_an_export_to_a_named_pipe_does_not_hang_on_the_project_check(tmp_path: Path) -> None:
    """The check that a target is not a project read its first bytes: from a named pipe with no
    writer, that read waits for ever."""
    import os
    import subprocess
    import sys

    from tests.durability.test_round_two import SRC

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code = (f"import sys; sys.path.insert(0, {str(SRC)!r})\n"
            "from newsmark.core.atomicfile import protected_file_problem\n"
            f"print(protected_file_problem({str(pipe)!r}))\n")
    try:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20,
                                check=False, encoding="utf-8")
    except subprocess.TimeoutExpired:
        pytest.fail("the check of a named pipe as an export target hangs")
    assert result.returncode == 0 and result.stdout.strip() == "None", result.stderr


# ---------------------------------------------------------------- a take-back beside a long reader
def test_a_take_back_beside_a_long_reader_lets_edits_in(tmp_path: Path) -> None:
    """A reader holding an old snapshot (a long export) kept each of a take-back's checkpoints
    waiting the whole busy timeout, during which no one may write: the window's edit failed as
    "busy" and the take-back took 10 s a step."""
    import json
    import sqlite3
    import threading
    import time

    from newsmark.core.errors import InputError
    from newsmark.formats import jsonl
    from newsmark.store import importer

    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="mine", text=TEXT))
    src = tmp_path / "big.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(60):
            f.write(json.dumps({"id": f"doc{i}", "text": f"text {i}", "annotations": []}) + "\n")
        f.write('{"id": "bad", "text": "x", "annotations": [{"id": "a", "start": 0, "end": 9, "label": "ORG"}]}\n')
    reader = sqlite3.connect(path, isolation_level=None)
    checkpoint = importer._checkpoint
    edits: list[str] = []
    started: list[float] = []

    def edit() -> None:
        try:
            with Project.open(path) as window:
                window.add_annotation("mine", 0, 5, "PERSON")
            edits.append("ok")
        except Exception as e:  # noqa: BLE001
            edits.append(str(e))

    def take_back_begins(project: Project) -> None:
        if not started:  # an export in the window holds a snapshot; then the user tags a name
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM documents").fetchone()
            started.append(time.monotonic())
            timer = threading.Timer(0.3, edit)
            timer.start()
            edits.append("started")
        checkpoint(project)

    importer._checkpoint = take_back_begins  # type: ignore[assignment]
    try:
        with Project.open(path) as p, pytest.raises(InputError):
            importer.import_records(p, lambda: jsonl.read(src), importer.ImportSummary(), source=str(src),
                                    batch=20)
        took = time.monotonic() - started[0]
        for _ in range(200):
            if len(edits) == 2:
                break
            time.sleep(0.1)
    finally:
        importer._checkpoint = checkpoint  # type: ignore[assignment]
        reader.execute("COMMIT")
        reader.close()
    assert edits == ["started", "ok"], edits
    assert took < 8, took
    with Project.open(path) as p:
        assert p.document_ids() == ["mine"] and len(p.annotations("mine")) == 1
