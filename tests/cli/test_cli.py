from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from tests.conftest import NAUGHTY, REPO, SEED_JSONL, SEED_TXT


def run(*args: str, ok: bool = True) -> object:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    p = tmp_path / "p.newsmark"
    run("init", p)
    return p


def test_every_command_has_help() -> None:
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert "Usage:" in result.output and (command.help or "").split("\n")[0][:30] in result.output
    assert "annotate" in run("--help").output


def test_version() -> None:
    from newsmark import __version__

    assert __version__ in run("--version").output


def test_init_with_a_custom_schema(tmp_path: Path) -> None:
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"name": "mine", "labels": [{"name": "CLAIM", "layer": "claims", "shortcut": "k"}]}), encoding="utf-8")
    out = run("init", tmp_path / "c.newsmark", "--schema", schema).output
    assert "1 label: CLAIM" in out
    dumped = json.loads(run("schema", tmp_path / "c.newsmark").output)
    assert dumped["labels"][0]["name"] == "CLAIM" and dumped["name"] == "mine"


def test_text_import_annotate_export_stats(proj: Path, tmp_path: Path) -> None:
    out = run("import", proj, SEED_TXT).output
    assert "imported 1 new document" in out
    assert "already in the project" in run("import", proj, SEED_TXT).output  # the same file again
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEED_TXT.read_bytes())
    assert "skipped 1 duplicate" in run("import", proj, copy).output  # the same text, another name
    doc = run("list", proj).output.split("\t")[0]
    made = json.loads(run("annotate", proj, "--doc", doc, "--label", "CUE", "--match", "said", "--nth", "2").output)
    text = SEED_TXT.read_text(encoding="utf-8")
    first = text.index("said")
    assert made["start"] == text.index("said", first + 1) and made["text"] == "said"
    quote = json.loads(run("annotate", proj, "--doc", doc, "--label", "QUOTE", "--match",
                           "These issues are still very much in negotiation.", "--attr", "type=direct",
                           "--attr", "speaker=Leon Panetta", "--annotator", "me").output)
    assert quote["attributes"] == {"type": "direct", "speaker": "Leon Panetta"}
    rel = json.loads(run("relate", proj, "--doc", doc, "--type", "cue", "--from", quote["id"],
                         "--to", made["id"]).output)
    assert rel["type"] == "cue"
    run("set-status", proj, "done", "--doc", doc)
    target = tmp_path / "out.jsonl"
    err = run("export", proj, "-o", target).stderr
    assert "exported 1 document, 2 annotations, 1 relation" in err
    (rec,) = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert rec["status"] == "done" and {a["label"] for a in rec["annotations"]} == {"CUE", "QUOTE"}
    stats = json.loads(run("stats", proj, "--json").output)
    assert stats["by_status"] == {"done": 1}
    assert stats["by_label"] == {"CUE": 1, "QUOTE": 1}
    assert stats["by_layer"] == {"quote": 2}
    assert stats["by_annotator"] == {"me": 1, "(none)": 1}
    assert "annotations by annotator" in run("stats", proj).output


def test_export_to_stdout_and_filters(proj: Path) -> None:
    run("import", proj, SEED_JSONL)
    lines = run("export", proj, "-o", "-", "--label", "QUOTE").stdout.splitlines()
    (rec,) = [json.loads(x) for x in lines]
    assert {a["label"] for a in rec["annotations"]} == {"QUOTE"} and rec["relations"] == []
    assert run("export", proj, "--status", "done").stdout == ""
    bad = run("export", proj, "--label", "NOPE", ok=False)
    assert bad.exit_code == 1 and "no label 'NOPE'" in bad.stderr


def test_annotate_errors(proj: Path) -> None:
    run("import", proj, SEED_TXT)
    doc = run("list", proj).output.split("\t")[0]
    r = run("annotate", proj, "--doc", doc, "--label", "PERSON", "--match", "Nobody Here", ok=False)
    assert r.exit_code == 1 and "occurs 0 times" in r.stderr
    r = run("annotate", proj, "--doc", doc, "--label", "PERSON", "--start", "5", ok=False)
    assert r.exit_code == 2
    r = run("annotate", proj, "--doc", doc, "--label", "PERSON", "--start", "5", "--end", "99999", ok=False)
    assert "past the end" in r.stderr


def test_exact_offsets_with_unicode(proj: Path, tmp_path: Path) -> None:
    src = tmp_path / "u.jsonl"
    src.write_text(json.dumps({"id": "u", "text": NAUGHTY}) + "\n", encoding="utf-8")
    run("import", proj, src)
    for needle in ("😀", "𠀋𠀌", "café", "\u00a0NBSP\u2028LS\u2029PS\r"):
        made = json.loads(run("annotate", proj, "--doc", "u", "--label", "EVENT", "--match", needle).output)
        assert made["start"] == NAUGHTY.index(needle) and made["end"] == made["start"] + len(needle)
        assert made["text"] == needle


def test_export_is_atomic(proj: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("import", proj, SEED_JSONL)
    target = tmp_path / "keep.jsonl"
    target.write_text("previous export\n", encoding="utf-8")
    from newsmark.formats import jsonl

    real_write = jsonl.write

    def failing(project, out, **kw):  # type: ignore[no-untyped-def]
        out.write(b'{"partial": ')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonl, "write", failing)
    r = run("export", proj, "-o", target, ok=False)
    assert r.exit_code == 1 and "No space left" in r.stderr
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")] == []
    monkeypatch.setattr(jsonl, "write", real_write)
    run("export", proj, "-o", target)
    assert json.loads(target.read_text(encoding="utf-8"))["id"] == "000_b24136a7fc6a8277"


def test_bad_file_is_refused_whole_with_file_and_line(proj: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": "abc", "annotations": '
                   '[{"start": 1, "end": 0, "label": "X"}]}\n', encoding="utf-8")
    r = run("import", proj, bad, ok=False)
    assert r.exit_code == 1
    assert f"{bad}, line 2: annotation 1: span 1-0 is reversed" in r.stderr
    assert "Traceback" not in r.stderr + r.output
    assert run("list", proj).output == ""
    r = run("import", proj, bad, "--skip-bad")
    assert "skipped 1 bad record" in r.output and run("list", proj).output.startswith("a\t")


def test_bad_project_files(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    r = run("list", notes, ok=False)
    assert r.exit_code == 1 and "not a Newsmark project" in r.stderr
    r = run("init", notes, ok=False)
    assert "already exists" in r.stderr and notes.read_text(encoding="utf-8") == "hello"


def test_no_command_creates_the_default_project_with_the_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMARK_NO_WINDOW", "1")  # where no window can open: the project is printed
    r = run()
    assert "no display" in r.stderr
    assert "US insists on immunity for troops in Iraq after 2011" in r.output
    assert "QUOTE" in r.output and "said_by" in r.output
    from newsmark.store.project import default_project_path

    assert default_project_path().exists()
    assert "created" not in run().stderr  # the second time it opens the same project


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src")
    return env


def test_python_dash_m_and_errors_without_traceback(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "newsmark", "--version"], capture_output=True, text=True,
                       env=_subprocess_env(), check=False, encoding="utf-8")
    assert r.returncode == 0 and "newsmark" in r.stdout
    bad = tmp_path / "x.jsonl"
    bad.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    proj = tmp_path / "p.newsmark"
    subprocess.run([sys.executable, "-m", "newsmark", "init", str(proj)], check=True, capture_output=True,
                   env=_subprocess_env())
    r = subprocess.run([sys.executable, "-m", "newsmark", "import", str(proj), str(bad)],
                       capture_output=True, text=True, env=_subprocess_env(), check=False, encoding="utf-8")
    assert r.returncode == 1
    assert f"{bad}, line 2: bytes that are not UTF-8" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("fmt", ["doccano", "doccano-rel", "prodigy", "label-studio", "w3c", "conll", "citron"])
def test_export_every_format_from_the_command_line(proj: Path, tmp_path: Path, fmt: str) -> None:
    run("import", proj, SEED_JSONL)
    target = tmp_path / f"out-{fmt}.json"
    r = run("export", proj, "--format", fmt, "-o", target)
    assert target.stat().st_size > 0
    assert f"as {fmt}" in r.stderr or "as doccano" in r.stderr
    if fmt == "label-studio":
        assert target.with_suffix(".label-config.xml").exists()
    if fmt != "conll":  # and it comes back in, recognised by its content
        again = tmp_path / f"again-{fmt}.newsmark"
        run("init", again)
        r = run("import", again, target)
        assert "imported 1 new document" in r.output, r.output + r.stderr


def test_export_brat_and_spacy_need_a_target(proj: Path, tmp_path: Path) -> None:
    run("import", proj, SEED_JSONL)
    r = run("export", proj, "--format", "brat", ok=False)
    assert r.exit_code == 2 and "name it with -o" in r.stderr
    run("export", proj, "--format", "brat", "-o", tmp_path / "brat")
    assert (tmp_path / "brat" / "annotation.conf").exists()
    again = tmp_path / "again.newsmark"
    run("init", again)
    assert "imported 1 new document" in run("import", again, tmp_path / "brat").output
