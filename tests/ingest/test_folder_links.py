"""A folder import does not follow links that lead out of the folder (issue #13, point 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.formats import brat
from newsmark.ingest.batch import expand, import_paths
from newsmark.store import Project

SECRET = "My bank PIN is 4321 and my password is hunter2, which nobody should import."
ARTICLE = "The council approved the bridge on Tuesday after a long debate about its cost."


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    corpus, outside = tmp_path / "corpus", tmp_path / "private"
    corpus.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "doc.txt").write_text(SECRET, encoding="utf-8")
    (outside / "doc.ann").write_text("T1\tPERSON 0 2\tMy\n", encoding="utf-8")
    (outside / "more").mkdir()
    (outside / "more" / "deep.txt").write_text(SECRET + " Deep.", encoding="utf-8")
    (corpus / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "notes.txt").symlink_to(outside / "secret.txt")  # a link out of the folder
    (corpus / "brat").mkdir()
    (corpus / "brat" / "doc.txt").symlink_to(outside / "doc.txt")  # a brat pair linked out
    (corpus / "brat" / "doc.ann").symlink_to(outside / "doc.ann")
    (corpus / "elsewhere").symlink_to(outside / "more", target_is_directory=True)
    (corpus / "same.txt").symlink_to(corpus / "article.txt")  # inside: followed (a duplicate)
    return corpus, outside


def test_links_out_of_the_folder_are_left_out_and_said(folders: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, outside = folders
    left_out: list[str] = []
    files = list(expand([corpus], left_out))
    assert sorted(f.name for f in files) == ["article.txt", "same.txt"]
    assert len(left_out) == 4  # notes.txt, the brat pair (.txt and .ann), the linked folder
    assert any(str(corpus / "notes.txt") in w and str(outside / "secret.txt") in w for w in left_out)
    assert any(str(corpus / "brat" / "doc.txt") in w for w in left_out)
    assert any(str(corpus / "elsewhere") in w for w in left_out)


def test_the_command_line_says_what_it_left_out(folders: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = folders
    project = tmp_path / "p.newsmark"
    CliRunner().invoke(cli, ["init", str(project)], catch_exceptions=False)
    r = CliRunner().invoke(cli, ["import", str(project), str(corpus)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "imported 1 new document" in r.output
    assert "left out 4 links leading out of the folders imported (not followed):" in r.output
    with Project.open(project, readonly=True) as p:
        texts = [p.document(d).text for d in p.document_ids()]
    assert texts == [ARTICLE] and not any("hunter2" in t for t in texts)


def test_a_link_named_on_the_command_line_is_the_users_choice(folders: tuple[Path, Path]) -> None:
    corpus, _ = folders
    assert list(expand([corpus / "notes.txt"])) == [corpus / "notes.txt"]


def test_the_brat_reader_does_not_follow_links_out_of_its_folder(folders: tuple[Path, Path],
                                                               project: Project) -> None:
    corpus, _ = folders
    (corpus / "brat" / "mine.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "brat" / "mine.ann").write_text("T1\tORG 4 11\tcouncil\n", encoding="utf-8")
    records = list(brat.read(corpus / "brat"))
    assert [r.document.id for r in records if r.document] == ["mine"]


def test_import_paths_lists_them_in_the_summary(folders: tuple[Path, Path], project: Project) -> None:
    corpus, _ = folders
    left_out: list[str] = []
    summary = import_paths(project, list(expand([corpus], left_out)), left_out=left_out)
    assert summary.links_left_out == left_out and summary.documents_added == 1
