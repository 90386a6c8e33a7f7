"""The rendered page (core/render.py): the same colours as a plain reading of the spans, in
time that grows with the annotations (issue #13 point 10), a legend whose names stay apart."""

from __future__ import annotations

import random
import re
import time

from newsmark.core.model import Annotation, Document, Label
from newsmark.core.render import _blend, html_pieces, render_html, text_pieces

LABELS = [Label("PERSON", colour="#112233"), Label("ORG", colour="#445566"), Label("QUOTE", colour="#778899")]


def doc_with(text: str, spans: list[tuple[int, int, str]]) -> Document:
    return Document(id="d", text=text, title="t", annotations=[
        Annotation(id=f"a{i}", document="d", start=s, end=e, label=lab, text=text[s:e])
        for i, (s, e, lab) in enumerate(spans)])


def looks(doc: Document) -> list[tuple[str, str, str]]:
    """Per code point: (background label colour, underline colour, underline kind) as rendered."""
    colour = {lab.name: lab.colour for lab in LABELS}
    out: list[tuple[str, str, str]] = []
    start = 0
    for end, piece in text_pieces(doc, LABELS):
        m = re.match(r'<span style="background:(#\w+);(?:text-decoration:underline (\w+) (#\w+);)?"', piece)
        seen = (m.group(1), m.group(3) or "", m.group(2) or "") if m else ("", "", "")
        out += [seen] * (end - start)
        start = end
    assert start == len(doc.text)
    inv = {_blend(c): c for c in colour.values()}
    return [(inv.get(bg, bg), ul, kind) for bg, ul, kind in out]


def expected(doc: Document) -> list[tuple[str, str, str]]:
    """The plain reading: at each code point, the shortest span covering it colours the
    background, the next shortest underlines (wavy when three or more cover it)."""
    colour = {lab.name: lab.colour for lab in LABELS}
    out = []
    for i in range(len(doc.text)):
        cover = sorted((a for a in doc.annotations if a.start <= i < a.end), key=lambda a: a.end - a.start)
        if not cover:
            out.append(("", "", ""))
            continue
        lengths = [a.end - a.start for a in cover]
        if len(cover) > 1 and lengths[1] == lengths[0] or len(cover) > 2 and lengths[2] == lengths[1]:
            out.append(None)  # ties: either order is right
            continue
        under = (colour[cover[1].label], "wavy" if len(cover) > 2 else "solid") if len(cover) > 1 else ("", "")
        out.append((colour[cover[0].label], *under))
    return out  # type: ignore[return-value]


def test_random_overlaps_render_as_the_plain_reading() -> None:
    rng = random.Random(7)
    for _ in range(60):
        n = rng.randrange(1, 80)
        text = "".join(rng.choice("ab \n😀é") for _ in range(n))
        spans = []
        for _ in range(rng.randrange(0, 12)):
            s = rng.randrange(0, n)
            e = rng.randrange(s + 1, n + 1)
            spans.append((s, e, rng.choice(["PERSON", "ORG", "QUOTE"])))
        doc = doc_with(text, spans)
        got, want = looks(doc), expected(doc)
        assert [g for g, w in zip(got, want, strict=True) if w is not None] == [w for w in want if w is not None]


def test_text_is_escaped_and_line_breaks_kept() -> None:
    doc = doc_with("<b>&amp;</b>\nline\u2028two\u2029three", [(0, 3, "PERSON")])
    html = render_html(doc, LABELS)
    assert ">&lt;b&gt;</span>&amp;amp;&lt;/b&gt;<br>" in html and "line<br>two<br><br>three" in html


def test_the_legend_keeps_names_apart() -> None:
    doc = doc_with("Ann met Bob at ACME.", [(0, 3, "PERSON"), (8, 11, "PERSON"), (15, 19, "ORG")])
    html = render_html(doc, LABELS)
    legend = re.search(r'<table class="legend".*?</table>', html, re.S)
    assert legend is not None
    assert re.findall(r"<td[^>]*>(\w+)</td>", legend.group(0)) == ["PERSON", "ORG"]  # one cell each, used only


def test_time_grows_with_the_annotations_not_their_square() -> None:
    """12,000 annotations over 500,000 characters: the first version took 13 s here (25 s for
    the benchmark's 20,000)."""
    rng = random.Random(1)
    text = "".join(rng.choice("abcdefgh  \n") for _ in range(500_000))
    spans = []
    for i in range(10_000):
        s = i * 50
        spans.append((s, s + 25, "PERSON"))
        if i % 5 == 0:
            spans.append((s, s + rng.randrange(30, 400), "QUOTE"))
    doc = doc_with(text, spans)
    t = time.perf_counter()
    html = render_html(doc, LABELS)
    assert time.perf_counter() - t < 2.5
    assert html.count("<span ") >= 10_000


def test_pieces_report_progress() -> None:
    text = "word " * 30_000
    doc = doc_with(text, [(0, 4, "ORG")])
    seen: list[int] = []
    "".join(html_pieces(doc, LABELS, seen.append))
    assert seen[-1] == len(text) and seen == sorted(seen) and len(seen) >= 2
