"""Articles in languages written without spaces between words (Japanese, Chinese, Thai) are
articles: their length is not counted in whitespace-separated words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmark.ingest.batch import import_paths
from newsmark.ingest.html import MIN_ARTICLE_WORDS, read_html
from newsmark.ingest.words import word_count
from newsmark.store import Project

# Short news articles as such sites publish them (three paragraphs, no spaces between words)
ARTICLES = {
    "ja": ("政府、来年度予算案を閣議決定", [
        "政府は1日、来年度の予算案を閣議決定した。一般会計の総額は過去最大となる見通しで、高齢化に伴う社会保障費の増加が主な要因だという。",
        "財務省によると、国債の新規発行額は前年度より減る見込みだが、歳入の三割以上を借金に頼る状況は変わらない。",
        "野党は「将来の世代に負担を先送りしている」と批判しており、国会での審議は来月から始まる予定だ。"]),
    "zh": ("国务院新闻办介绍前三季度经济运行情况", [
        "国务院新闻办公室周一举行新闻发布会，介绍今年前三季度国民经济运行情况。发言人表示，国内生产总值同比增长，就业形势总体稳定。",
        "他说：“我们有信心、有能力完成全年经济社会发展的主要目标任务。”",
        "专家认为，消费和投资仍需进一步恢复，外部环境的不确定性依然较多，下一阶段要继续加大宏观政策调节力度。"]),
    "th": ("รัฐบาลออกมาตรการช่วยเหลือเกษตรกร", [
        "รัฐบาลประกาศมาตรการใหม่เพื่อช่วยเหลือเกษตรกรที่ได้รับผลกระทบจากน้ำท่วมในภาคเหนือและภาคตะวันออกเฉียงเหนือ",
        "นายกรัฐมนตรีกล่าวว่ารัฐบาลจะจ่ายเงินชดเชยให้ครัวเรือนที่ได้รับความเสียหายและจะเร่งฟื้นฟูพื้นที่การเกษตรให้เร็วที่สุด",
        "ฝ่ายค้านวิจารณ์ว่ามาตรการดังกล่าวล่าช้าเกินไปและไม่ครอบคลุมเกษตรกรรายย่อยจำนวนมาก"]),
}


def _page(folder: Path, lang: str, title: str, paragraphs: list[str]) -> Path:
    path = folder / f"{lang}.html"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    path.write_text(f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
                    f"</head><body><nav><a href='/'>トップ</a> <a href='/news'>ニュース</a></nav>"
                    f"<article><h1>{title}</h1>{body}</article><footer>© 2026</footer></body></html>",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", sorted(ARTICLES))
def test_an_article_without_spaces_is_imported(tmp_path: Path, lang: str) -> None:
    title, paragraphs = ARTICLES[lang]
    record = read_html(_page(tmp_path, lang, title, paragraphs))
    assert record.error is None, record.error
    assert record.document is not None
    text = record.document.text
    assert len(text.split()) < MIN_ARTICLE_WORDS  # what the old rule counted: "no article text"
    assert all(p in text for p in paragraphs)
    assert record.document.meta["language"] == lang


@pytest.mark.parametrize(("lang", "notice"), [("ja", "ページが見つかりません。"), ("zh", "页面不存在。"),
                                             ("th", "ไม่พบหน้าที่คุณต้องการ")])
def test_a_page_without_an_article_is_still_refused(tmp_path: Path, lang: str, notice: str) -> None:
    page = tmp_path / "404.html"
    page.write_text(f"<html lang='{lang}'><head><meta charset='utf-8'><title>404</title></head>"
                    f"<body><h1>404</h1><p>{notice}</p></body></html>", encoding="utf-8")
    record = read_html(page)
    assert record.error is not None and "no article text" in str(record.error)


def test_word_counts_hold_across_scripts() -> None:
    english = "The council voted on Tuesday to approve the bridge."
    assert word_count(english) == 9
    assert word_count("서울시는 오늘 새 다리 건설을 승인했다.") == 6  # Korean is written with spaces
    for _lang, (_title, paragraphs) in ARTICLES.items():
        n = word_count(" ".join(paragraphs))
        assert 25 <= n <= 120, (_lang, n)  # three news paragraphs, not three "words"
    assert word_count("𠀋𠀌𠀍𠀎") == 2  # astral CJK characters count too


def test_the_japanese_page_of_the_corpus(corpus: Path, project: Project) -> None:
    folder = corpus / "html" / "news-pages"
    pages = [m for m in json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8")) if m["lang"] in ("ja", "zh", "th")]
    assert pages, "the corpus lists a Japanese page"
    summary = import_paths(project, [folder / m["file"] for m in pages])
    assert summary.failed == [] and summary.documents_added == len(pages)
