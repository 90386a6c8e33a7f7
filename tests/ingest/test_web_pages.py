"""Web pages in: main-text quality on real news pages, metadata, nothing fetched or run."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from newsmark.ingest.batch import import_paths
from newsmark.ingest.html import read_html
from newsmark.store import Project

F1_FLOOR = 0.95  # the reference library alone reaches about 0.97-0.98 on these pages


def _tokens(s: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", s.lower()))


def token_f1(got: str, want: str) -> float:
    a, b = _tokens(got), _tokens(want)
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


@pytest.fixture
def pages(corpus: Path) -> list[dict[str, str]]:
    folder = corpus / "html" / "news-pages"
    return [dict(m, path=str(folder / m["file"]), truth_path=str(folder / m["truth"]))
            for m in json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))]


def test_main_text_f1_on_real_news_pages(project: Project, pages: list[dict[str, str]]) -> None:
    summary = import_paths(project, [Path(p["path"]) for p in pages])
    assert summary.failed == [] and summary.documents_added == len(pages)
    scores = {}
    for page in pages:
        doc = project.document(Path(page["path"]).stem, with_annotations=False)
        truth = json.loads(Path(page["truth_path"]).read_text(encoding="utf-8"))["articleBody"]
        scores[page["file"]] = token_f1(doc.text, truth)
    mean = sum(scores.values()) / len(scores)
    print(f"\nmean token F1 over {len(scores)} pages: {mean:.4f}; lowest: "
          f"{min(scores.values()):.3f} ({min(scores, key=scores.__getitem__)})")
    assert mean >= F1_FLOOR


def test_paragraphs_metadata_and_the_original_are_kept(project: Project, pages: list[dict[str, str]]) -> None:
    page = next(p for p in pages if p["file"] == "bbc-newsbeat.html")
    import_paths(project, [Path(page["path"])])
    doc = project.document("bbc-newsbeat")
    assert "\n\n" in doc.text and "\n\n\n" not in doc.text
    assert doc.title == "Taylor Swift's AMA row seems to be over"
    assert doc.meta["site"] == "BBC News" and doc.meta["date"] == "2019-11-19"
    assert doc.meta["url"] == page["url"]
    assert doc.meta["language"].startswith("en")
    kind, name, data = project.source("bbc-newsbeat") or ("", "", b"")
    assert (kind, name) == ("html", "bbc-newsbeat.html")
    assert data == Path(page["path"]).read_bytes()
    raw = project.conn.execute("SELECT length(data) FROM sources").fetchone()[0]
    assert raw < len(data) / 2  # compressed


def test_languages_from_the_page(pages: list[dict[str, str]]) -> None:
    wrong = []
    for page in pages:
        rec = read_html(page["path"])
        assert rec.document is not None, rec.error
        lang = rec.document.meta.get("language", "")
        if not lang.lower().startswith(page["lang"]):
            wrong.append((page["file"], lang, page["lang"]))
    assert len(wrong) <= len(pages) // 5, wrong


def test_nothing_in_the_page_runs_or_is_fetched(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: object, **kw: object) -> None:
        raise AssertionError("the import tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    marker = tmp_path / "ran"
    page = tmp_path / "evil.html"
    page.write_text(f"""<!doctype html><html lang="en"><head><title>Evil page</title>
<script>fetch('http://127.0.0.1:9/steal'); require('fs').writeFileSync('{marker}', 'x')</script>
<link rel="stylesheet" href="http://127.0.0.1:9/style.css"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="cookie-banner">We use cookies. Accept all cookies?</div>
<article><h1>Council approves the new budget</h1>
<p>The city council approved the budget on Tuesday after a long debate about school funding and roads.</p>
<iframe src="http://127.0.0.1:9/ad"></iframe><img src="http://127.0.0.1:9/pixel.gif">
<p>The mayor said the vote was "a good day for the city", while the opposition called it rushed.</p>
<p onclick="alert(1)">Residents will see the changes next year, officials said in a statement on Wednesday.</p>
</article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Other story one</a></li><li><a href="/b">Other story two</a></li></ul></aside>
<footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>""", encoding="utf-8")
    summary = import_paths(project, [page])
    assert summary.failed == [], summary.failed
    doc = project.document("evil")
    assert "approved the budget" in doc.text and "a good day for the city" in doc.text
    for chrome in ("cookies", "Related stories", "Other story", "Copyright", "Home"):
        assert chrome not in doc.text, chrome
    assert "fetch(" not in doc.text and not marker.exists()


def test_many_pages_are_extracted_in_worker_processes(project: Project, pages: list[dict[str, str]],
                                                      tmp_path: Path) -> None:
    from newsmark.ingest import batch
    from newsmark.ingest.html import read_html

    copies = []
    for i in range(batch.PARALLEL_PAGES + 5):
        src = Path(pages[i % len(pages)]["path"])
        html = re.sub(rb"(<p\b[^>]*>)", lambda m, i=i: m.group(1) + f"[copy {i}] ".encode(), src.read_bytes())
        dest = tmp_path / f"{src.stem}-{i}.html"
        dest.write_bytes(html)
        copies.append(dest)
    summary = import_paths(project, copies)
    assert summary.failed == []
    assert summary.documents_added + len(summary.duplicates) == len(copies)
    for dest in copies[:5]:  # the same result as extracting in this process
        rec = read_html(dest)
        assert rec.document is not None
        if project.has_document(dest.stem):
            assert project.document(dest.stem).text == rec.document.text
