"""Text files in every encoding, collections, folders, duplicates, bad files, cancel."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.ingest.batch import expand, import_paths
from newsmark.ingest.collections import FieldMap
from newsmark.store import Project
from newsmark.store.importer import ImportCancelled
from newsmark.store.maintenance import check

ARTICLE = "Café owners in Zürich said “prices are rising” — the council disagreed.\nSecond paragraph: naïve façade, 10 €.\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
     ("utf-16-be", codecs.BOM_UTF16_BE), ("cp1252", b""), ("latin-1", b"")],
)
def test_text_encodings_read_right(project: Project, tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = ARTICLE if encoding != "latin-1" else ARTICLE.replace("“", '"').replace("”", '"').replace("—", "-").replace("€", "EUR")
    f = tmp_path / "article.txt"
    f.write_bytes(bom + text.encode(encoding))
    summary = import_paths(project, [f])
    assert summary.failed == []
    assert project.document("article").text == text


def test_line_endings_become_newlines_for_raw_text(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "win.txt"
    f.write_bytes(b"one\r\ntwo\rthree\n")
    import_paths(project, [f])
    assert project.document("win").text == "one\ntwo\nthree\n"


def test_markdown_is_text(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "note.md"
    f.write_text("# A heading\n\nSome *text*.\n", encoding="utf-8")
    import_paths(project, [f])
    doc = project.document("note")
    assert doc.text == "# A heading\n\nSome *text*.\n" and doc.title == "A heading"
    assert doc.meta["format"] == "markdown"


def test_bad_files_each_get_a_message_and_the_rest_go_on(project: Project, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A perfectly fine article.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><div><p>unclosed <b>tags <table><tr><td>cell", encoding="utf-8")
    nothing = tmp_path / "nothing.html"
    nothing.write_text("<html><head><title>Empty</title></head><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # 100 MB (sparse)
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    unknown = tmp_path / "mystery.txt"
    unknown.write_bytes(bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC]) * 3)
    files = [good, empty, binary, broken, nothing, huge, bad_json, unknown]
    summary = import_paths(project, files)
    failed = "\n".join(summary.failed)
    assert f"{empty}: the file is empty" in failed
    assert f"{binary}: this is a binary file" in failed
    assert f"{nothing}: no article text found" in failed
    assert f"{huge}: the file is too large" in failed
    assert f"{bad_json}, line 2: invalid JSON" in failed
    assert "Traceback" not in failed
    assert summary.documents_added >= 1 and project.has_document("good")
    assert not project.has_document("bad")  # nothing from a bad JSONL file
    ok = {Path(line.split(":")[0].split(",")[0]) for line in summary.failed}
    assert ok.isdisjoint({good})
    assert check(project).ok
    assert all(d.text.strip() for d in (project.document(i) for i in project.document_ids()))


def test_duplicates_are_skipped_and_reported(project: Project, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Same article text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Same article text.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Another article.", encoding="utf-8")
    summary = import_paths(project, list(expand([tmp_path])))
    assert summary.documents_added == 2 and len(summary.duplicates) == 1
    assert "same text as document 'a'" in summary.duplicates[0]
    lines = "\n".join(summary.lines())
    assert "imported 2 new documents" in lines and "skipped 1 duplicate" in lines


def test_files_with_the_same_name_in_different_folders(project: Project, tmp_path: Path) -> None:
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "story.txt").write_text(f"Story from {sub}.", encoding="utf-8")
    import_paths(project, list(expand([tmp_path])))
    assert project.document_ids() == ["story", "story-2"]


def test_folders_are_searched_recursively_for_mixed_files(project: Project, tmp_path: Path) -> None:
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "one.txt").write_text("Text one.", encoding="utf-8")
    (tmp_path / "deep" / "two.md").write_text("Text two.", encoding="utf-8")
    (tmp_path / "deep" / "er" / "three.jsonl").write_text(json.dumps({"id": "three", "text": "Text three."}) + "\n", encoding="utf-8")
    (tmp_path / "deep" / "four.csv").write_text("id,text\nfour,Text four.\n", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "secret.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    summary = import_paths(project, list(expand([tmp_path])))
    assert summary.failed == []
    assert sorted(project.document_ids()) == ["four", "one", "three", "two"]


def test_csv_collection_with_chosen_columns(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "articles.csv"
    f.write_text('uid;headline;body;author\n7;First;"Body one, with a comma\nand a newline";Ann\n'
                 '8;Second;Body two;\n9;Third;;Bob\n', encoding="utf-8")
    summary = import_paths(project, [f], fields=FieldMap(text="body", title="headline", id="uid"),
                           skip_bad=True)
    assert project.document_ids() == ["7", "8"]
    first = project.document("7")
    assert first.title == "First" and first.text == "Body one, with a comma\nand a newline"
    assert first.meta == {"author": "Ann", "source_file": "articles.csv"}
    assert summary.skipped == [f"{f}, line 5: the row has no text in 'body'"]
    missing = tmp_path / "nocol.csv"
    missing.write_text("a,b\n1,2\n", encoding="utf-8")
    s = import_paths(project, [missing])
    assert "no column 'text' for the text (columns: a, b)" in s.failed[0]


def test_jsonl_collection_with_chosen_fields(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "dump.jsonl"
    f.write_text(json.dumps({"article_id": 5, "headline": "H", "content": "The content.", "url": "u",
                             "tags": ["a"]}) + "\n", encoding="utf-8")
    import_paths(project, [f], fields=FieldMap(text="content", title="headline", id="article_id"))
    doc = project.document("5")
    assert (doc.title, doc.text) == ("H", "The content.")
    assert doc.meta == {"url": "u", "tags": ["a"]}


def test_cancel_leaves_the_file_in_progress_out(project: Project, tmp_path: Path) -> None:
    (tmp_path / "1.jsonl").write_text(json.dumps({"id": "one", "text": "One."}) + "\n", encoding="utf-8")
    (tmp_path / "2.jsonl").write_text("".join(json.dumps({"id": f"two-{i}", "text": f"Two {i}."}) + "\n"
                                             for i in range(100)), encoding="utf-8")
    (tmp_path / "3.txt").write_text("Three.", encoding="utf-8")
    calls = 0

    def progress(n: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 50:  # in the middle of 2.jsonl
            raise ImportCancelled()

    with pytest.raises(ImportCancelled):
        import_paths(project, list(expand([tmp_path])), progress=progress)
    assert project.document_ids() == ["one"]


def test_cli_summary_and_exit_status(tmp_path: Path) -> None:
    proj = tmp_path / "p.newsmark"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(proj)]).exit_code == 0
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Article A.", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("Article A.", encoding="utf-8")
    (tmp_path / "in" / "c.html").write_text("<html><body></body></html>", encoding="utf-8")
    r = runner.invoke(cli, ["import", str(proj), str(tmp_path / "in")])
    assert r.exit_code == 1
    assert "imported 1 new document" in r.output and "skipped 1 duplicate" in r.output
    assert "1 file not imported:" in r.stderr and "c.html: no article text found" in r.stderr
