"""Plain-text dumps of whole web pages: the article is kept, the page's chrome cut, nothing lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.ingest.batch import import_paths
from newsmark.ingest.chrome import main_text_span
from newsmark.ingest.text import read_text
from newsmark.store import Project
from tests.conftest import SEED_TXT
from tests.ingest.test_web_pages import token_f1

ARTICLE_END = 'He added: "These issues are still very much in negotiation."'
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "section", "article",
          "header", "footer", "nav", "aside", "ul", "ol", "blockquote", "figcaption", "figure", "main",
          "form", "dd", "dt", "pre", "table", "address", "br", "hr", "body"}


def page_dump(html: bytes) -> str:
    """A page's visible text as a browser's "save as text" gives it: each block a paragraph,
    list items with a bullet (like the seed)."""
    from trafilatura.utils import decode_file

    root = lxml.html.fromstring(decode_file(html))
    for bad in root.xpath("//script|//style|//noscript|//template|//head|//svg|//button|//select|//iframe"):
        bad.drop_tree()
    paras: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(buf)).strip()
        buf.clear()
        if text and text != "•":
            paras.append(text)

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in BLOCKS:
            flush()
            if tag == "li":
                buf.append("  • ")
        if el.text and tag:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if tag in BLOCKS:
            flush()

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return "\n\n".join(paras)


def test_the_seed_keeps_its_article_and_stores_the_whole_file(project: Project) -> None:
    whole = SEED_TXT.read_text(encoding="utf-8")
    summary = import_paths(project, [SEED_TXT])
    (doc_id,) = project.document_ids()
    doc = project.document(doc_id)
    assert doc.text.startswith("US insists on immunity for troops in Iraq after 2011\n\nCamp Liberty")
    assert doc.text.endswith(ARTICLE_END)  # "More on This Story", the story list, the footer: cut
    assert whole.startswith(doc.text)
    assert doc.meta["main_text"] == {"start": 0, "end": len(doc.text), "of": len(whole)}
    kind, name, data = project.source(doc_id)
    assert (kind, name) == ("text", SEED_TXT.name) and data == SEED_TXT.read_bytes()
    assert len(summary.trimmed) == 1 and "kept only the article of 1 text file" in "\n".join(summary.lines())


def test_whole_text_keeps_everything(project: Project, tmp_path: Path) -> None:
    summary = import_paths(project, [SEED_TXT], whole_text=True)
    doc = project.document(project.document_ids()[0])
    assert doc.text == SEED_TXT.read_text(encoding="utf-8") and "main_text" not in doc.meta and not summary.trimmed
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "p.newsmark")]).exit_code == 0
    out = CliRunner().invoke(cli, ["import", str(tmp_path / "p.newsmark"), str(SEED_TXT), "--whole-text"])
    assert out.exit_code == 0 and "kept only the article" not in out.output
    with Project.open(tmp_path / "p.newsmark") as p:
        assert p.document(p.document_ids()[0]).text == SEED_TXT.read_text(encoding="utf-8")


def test_markdown_and_clean_text_are_left_whole(tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text("# Title\n\n- one\n- two\n- three\n\n" + "A sentence of running text that is long enough. " * 5, encoding="utf-8")
    assert "main_text" not in read_text(md).document.meta  # type: ignore[union-attr]
    short = tmp_path / "short.txt"
    short.write_text("Menu\n\nHome\n\nOne line of text.", encoding="utf-8")
    assert main_text_span(short.read_text(encoding="utf-8")) is None


def test_clean_articles_are_never_cut(corpus: Path) -> None:
    files = sorted((corpus / "plaintext" / "wikinews").glob("*.txt"))
    assert files
    for f in files:
        assert main_text_span(f.read_text(encoding="utf-8")) is None, f.name


def test_page_dumps_of_real_news_pages(corpus: Path) -> None:
    """Each of the 31 pages dumped as text with all its chrome: cutting must help on average
    and never lose much of an article."""
    folder = corpus / "html" / "news-pages"
    whole_f1, cut_f1 = [], []
    for page in json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8")):
        text = page_dump((folder / page["file"]).read_bytes())
        want = json.loads((folder / page["truth"]).read_text(encoding="utf-8"))["articleBody"]
        span = main_text_span(text)
        got = text if span is None else text[span[0]:span[1]]
        whole_f1.append(token_f1(text, want))
        cut_f1.append(token_f1(got, want))
        assert cut_f1[-1] >= whole_f1[-1] - 0.02, f"{page['file']}: cutting lost part of the article"
    mean_whole, mean_cut = sum(whole_f1) / len(whole_f1), sum(cut_f1) / len(cut_f1)
    print(f"\npage dumps: token F1 {mean_whole:.3f} whole, {mean_cut:.3f} with the chrome cut")
    assert mean_cut >= 0.80 and mean_cut >= mean_whole + 0.15
