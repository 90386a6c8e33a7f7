"""The command line's counts read right in the singular, set-status says what it changed, and
no -wal/-shm files are left beside the project once a command is over."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.wording import counted
from newsmark.store import Project
from tests.conftest import SEED_JSONL

DOC = "000_b24136a7fc6a8277"


def run(*args: object, ok: bool = True) -> object:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


def _journal(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    p = tmp_path / "p.newsmark"
    run("init", p)
    return p


def test_counted() -> None:
    assert [counted(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document", "2 documents"]
    assert counted(1, "entity") == "1 entity" and counted(3, "entity") == "3 entities"


def test_singulars_in_import_export_check_and_stats(proj: Path, tmp_path: Path) -> None:
    (tmp_path / "one.jsonl").write_text(
        '{"id": "d", "text": "Ann said so.", "annotations": [{"id": "a", "start": 0, "end": 3, '
        '"label": "PERSON"}], "relations": []}\n', encoding="utf-8")
    out = run("import", proj, tmp_path / "one.jsonl").output
    assert out.splitlines()[0] == "imported 1 new document: 1 annotation, 0 relations"
    out = run("import", proj, tmp_path / "one.jsonl").output
    assert "1 document was already in the project unchanged" in out
    assert "exported 1 document, 1 annotation, 0 relations" in run("export", proj, "-o", tmp_path / "o.jsonl").stderr
    assert "exported 1 document, 1 annotation, 0 relations as brat" in run(
        "export", proj, "--format", "brat", "-o", tmp_path / "b").stderr
    assert run("check", proj).output.startswith("checked 1 document, 1 annotation, 0 relations: ok")
    assert run("stats", proj).output.startswith("1 document, 1 annotation, 0 relations")
    assert "[d, new, 1 annotation]" in run("show", proj, "--doc", "d").output
    copy = tmp_path / "copy.txt"
    copy.write_text("Ann said so.", encoding="utf-8")
    assert "skipped 1 duplicate (same text" in run("import", proj, copy).output


def test_set_status_says_what_it_changed(proj: Path) -> None:
    run("import", proj, SEED_JSONL)
    assert run("set-status", proj, "done", "--doc", DOC).output == f"{DOC}: was new, now done\n"
    assert run("set-status", proj, "done", "--doc", DOC).output == f"{DOC}: already done\n"
    assert run("set-status", proj, "in-progress", "--doc", DOC).output == f"{DOC}: was done, now in progress\n"
    r = run("set-status", proj, "review", "--doc", DOC, "--doc", "nope", ok=False)
    assert r.exit_code == 1 and "no document 'nope'" in r.stderr
    assert run("list", proj).output.split("\t")[1] == "in progress"  # nothing changed by the refused one
    r = run("set-status", proj, "finished", "--doc", DOC, ok=False)
    assert r.exit_code == 2 and "'finished' is not one of" in r.stderr


@pytest.mark.parametrize("command", [
    ("list",), ("stats",), ("show",), ("schema",), ("check",), ("export", "-o", "{tmp}/o.jsonl"),
    ("backup",), ("render", "--doc", DOC, "-o", "{tmp}/o.html"),
    ("set-status", "done", "--doc", DOC), ("annotate", "--doc", DOC, "--label", "EVENT", "--match", "pull-out"),
    ("import", str(SEED_JSONL)),
])
def test_no_journal_files_are_left_after_a_command(proj: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    run("import", proj, SEED_JSONL)
    assert _journal(proj) == []
    name, *rest = command
    run(name, proj, *(a.format(tmp=tmp_path) for a in rest))
    assert _journal(proj) == []


def test_journal_files_stay_while_the_window_has_the_project_open(proj: Path) -> None:
    run("import", proj, SEED_JSONL)
    with Project.open(proj) as window:  # the window keeps its connection open
        window.add_annotation(DOC, 0, 2, "GPE", annotator="me")
        run("list", proj)
        run("set-status", proj, "done", "--doc", DOC)
        assert "p.newsmark-wal" in _journal(proj)  # still in use: left alone
        window.add_annotation(DOC, 3, 11, "EVENT", annotator="me")  # the window goes on writing
        assert window.document(DOC).status == "done"
    run("list", proj)
    assert _journal(proj) == []
    assert "ok" in run("check", proj).output
