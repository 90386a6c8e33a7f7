"""A page built to make the HTML parser take minutes is refused quickly, with a message
(issue #13, point 9); ordinary large tags still import."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsmark.ingest.batch import import_paths
from newsmark.ingest.html import MAX_TAG_ATTRIBUTES
from newsmark.store import Project

ARTICLE = "<article><h1>Bridge approved</h1>" + "<p>The council voted on Tuesday to approve the bridge across the river, ending a long dispute.</p>" * 4 + "</article>"


def _page(path: Path, tag: str) -> Path:
    path.write_text(f"<!doctype html><html lang='en'><head><title>Bridge</title>\n"
                    f"<script>if (a<b.length&&c>d) {{ x = '<div ' + y; }}</script></head><body>\n"
                    f"{tag}x</div>{ARTICLE}</body></html>", encoding="utf-8")
    return path


@pytest.mark.timeout(120)  # before the bound, libxml2 took more than 180 s over this page
def test_a_tag_with_200000_attributes_is_refused_quickly(project: Project, tmp_path: Path) -> None:
    attrs = " ".join(f'a{i}="v"' for i in range(200_000))
    page = _page(tmp_path / "attack.html", f"<div {attrs}>")
    assert page.stat().st_size > 2_000_000
    ok = _page(tmp_path / "fine.html", "<div class='x'>")
    started = time.monotonic()
    summary = import_paths(project, [page, ok])
    assert time.monotonic() - started < 20
    (failure,) = summary.failed
    assert failure.startswith(f"{page}, line 3: a <div> tag with 200,000 attributes")
    assert summary.documents_added == 1 and project.document_ids() == ["fine"]  # the other file goes on


@pytest.mark.parametrize(("tag", "count"), [
    (" ".join(f"a{i}='>' b{i}" for i in range(5_000)) + ">", "10,000"),  # ">" inside quotes
    (" ".join(f"a{i} = v{i}" for i in range(5_000)) + " z='never closed>", "5,001"),  # unquoted, an open quote
])
def test_quoted_values_cannot_hide_attributes(project: Project, tmp_path: Path, tag: str, count: str) -> None:
    summary = import_paths(project, [_page(tmp_path / "quoted.html", f"<div {tag}")])
    assert f"a <div> tag with {count} attributes" in summary.failed[0]


def test_large_ordinary_tags_are_imported(project: Project, tmp_path: Path) -> None:
    many = " ".join(f'data-x{i}="{i}"' for i in range(MAX_TAG_ATTRIBUTES))  # at the limit
    image = '<img alt="map" src="data:image/png;base64,' + "QUJD" * 500_000 + '">'  # a 2 MB attribute
    summary = import_paths(project, [_page(tmp_path / "big.html", f"{image}<div {many}>")])
    assert summary.failed == [] and summary.documents_added == 1
    assert "approve the bridge" in project.document("big").text
