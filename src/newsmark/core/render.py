"""An annotated article as a standalone HTML page: the text with every span coloured
(overlaps shown as in the window), a legend of labels and the list of quotes with speakers.

The text is walked once (a sweep over the spans' starts and ends with a heap of the spans open
there): O(n log n) in the annotations, where the first version looked at every annotation for
every piece of text (25 s for 20,000 annotations).  The page comes out in pieces
(``html_pieces``), so a writer can stream it and a drawer can lay it out a slice at a time
(gui/render_qt.py): nothing needs the whole page in memory at once.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape

from newsmark.core.model import Annotation, Document, Label
from newsmark.core.palette import label_colour
from newsmark.core.wording import counted

Progress = Callable[[int], None]  # called with the number of characters of text done so far
GREY = "#9e9e9e"


def _blend(hex_colour: str, amount: float = 0.38) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 + (c - 255) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def _text_html(chunk: str) -> str:
    return (escape(chunk).replace("\r", "").replace("\n", "<br>\n").replace("\u2028", "<br>")
            .replace("\u2029", "<br><br>"))


def text_pieces(doc: Document, labels: list[Label]) -> Iterator[tuple[int, str]]:
    """The article's text as HTML pieces, each with the position it ends at: one piece per stretch
    of text covered by the same spans, and a piece ends at every line break (so that a page can
    be cut after any piece ending in a line break)."""
    colour = {lab.name: label_colour(lab.name, lab.colour) for lab in labels}
    text = doc.text
    anns = sorted(doc.annotations, key=lambda a: a.start)
    cuts = sorted({0, len(text), *(x for a in anns for x in (a.start, a.end)),
                   *(m.end() for m in re.finditer("\n", text))})
    inner: list[tuple[int, int, int]] = []  # (length, end, index): the shortest open span on top
    ends: list[int] = []  # ends of the open spans: how many cover a piece
    nxt = 0
    for s, e in zip(cuts, cuts[1:], strict=False):
        if s >= e:
            continue
        while nxt < len(anns) and anns[nxt].start <= s:
            a = anns[nxt]
            if a.end > s:
                heapq.heappush(inner, (a.end - a.start, a.end, nxt))
                heapq.heappush(ends, a.end)
            nxt += 1
        while ends and ends[0] <= s:
            heapq.heappop(ends)
        while inner and inner[0][1] <= s:
            heapq.heappop(inner)
        chunk = _text_html(text[s:e])
        if not inner:
            yield e, chunk
            continue
        first = heapq.heappop(inner)
        while inner and inner[0][1] <= s:  # the next shortest still open: the one around it
            heapq.heappop(inner)
        second = inner[0] if inner else None
        heapq.heappush(inner, first)
        a = anns[first[2]]
        style = f"background:{_blend(colour.get(a.label, GREY))};"
        names = [a.label]
        if second is not None:
            b = anns[second[2]]
            names.append(b.label)
            style += (f"text-decoration:underline {'wavy' if len(ends) > 2 else 'solid'} "
                      f"{colour.get(b.label, GREY)};")
            if len(ends) > 2:
                names.append("…")
        yield e, f'<span style="{style}" title="{escape(" / ".join(names))}">{chunk}</span>'


def legend_html(doc: Document, labels: list[Label]) -> str:
    """The labels used, each in its colour.  A table: Qt's rich text ignores the padding and
    margin of inline elements, which ran the names together in PDF and PNG."""
    present = {a.label for a in doc.annotations}
    used = [lab for lab in labels if lab.name in present]
    if not used:
        return ""
    cells = "".join(f'<td style="background:{_blend(label_colour(lab.name, lab.colour))};padding:2px 8px;border-radius:3px">'
                    f"{escape(lab.name)}</td>" for lab in used)
    return f'<table class="legend" cellspacing="6" cellpadding="3"><tr>{cells}</tr></table>'


def quotes_html(doc: Document) -> str:
    by_id = {a.id: a for a in doc.annotations}
    out: dict[str, list[Annotation]] = {}
    for r in doc.relations:
        if r.type in ("said_by", "cue") and r.to_id in by_id:
            out.setdefault(f"{r.type}:{r.from_id}", []).append(by_id[r.to_id])
    rows = []
    for a in sorted((a for a in doc.annotations if a.label == "QUOTE"), key=lambda a: a.start):
        speaker = ", ".join(x.text for x in out.get(f"said_by:{a.id}", [])) or str(a.attributes.get("speaker") or "—")
        cue = ", ".join(x.text for x in out.get(f"cue:{a.id}", [])) or str(a.attributes.get("cue") or "")
        rows.append(f"<tr><td>{escape(speaker)}</td><td>{escape(cue)}</td><td>“{escape(a.text)}”</td>"
                    f"<td>{escape(str(a.attributes.get('type') or ''))}</td></tr>")
    return ("<h2>Quotes</h2><table border='1' cellspacing='0' cellpadding='4'><tr><th>Speaker</th>"
            f"<th>Cue</th><th>Quote</th><th>Type</th></tr>{''.join(rows)}</table>") if rows else ""


@dataclass(frozen=True)
class Page:
    """The parts of the page around the text, in order: ``start`` (to <body>), ``top`` (title,
    metadata, legend), the text inside ``TEXT_OPEN`` / ``TEXT_CLOSE``, ``bottom`` (the quotes,
    the counts) and ``END``."""

    start: str
    top: str
    bottom: str


TEXT_OPEN, TEXT_CLOSE, END = '<div class="text">', "</div>\n", "</body></html>\n"


def page_parts(doc: Document, labels: list[Label]) -> Page:
    meta = " · ".join(escape(str(doc.meta[k])) for k in ("site", "author", "date", "url") if doc.meta.get(k))
    start = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(doc.title)}</title>
<style>body{{font-family:Georgia,'DejaVu Serif',serif;max-width:46em;margin:2em auto;line-height:1.6;color:#222}}
h1{{font-size:1.6em}} .meta{{color:#666}} table{{border-collapse:collapse;font-size:0.9em}}
table.legend{{border-collapse:separate}}</style></head>
<body>"""
    top = f"""<h1>{escape(doc.title)}</h1><p class="meta">{meta}</p>
{legend_html(doc, labels)}
"""
    bottom = f"""{quotes_html(doc)}
<p class="meta">Annotated with Newsmark · {counted(len(doc.annotations), 'annotation')} · {counted(len(doc.relations), 'link')}</p>
"""
    return Page(start, top, bottom)


def html_pieces(doc: Document, labels: list[Label], progress: Progress | None = None) -> Iterator[str]:
    """The whole page, a piece at a time (``progress`` hears of the text done now and then)."""
    page = page_parts(doc, labels)
    yield page.start + page.top + TEXT_OPEN
    reported = 0
    for end, piece in text_pieces(doc, labels):
        yield piece
        if progress is not None and end - reported >= 50_000:
            progress(end)
            reported = end
    yield TEXT_CLOSE + page.bottom + END
    if progress is not None:
        progress(len(doc.text))


def render_html(doc: Document, labels: list[Label]) -> str:
    return "".join(html_pieces(doc, labels))
