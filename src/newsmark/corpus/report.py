"""The stance map: speakers (canonical) x disputed points, coloured by stance with counts; the
quotes table and the stance matrix as CSV; the map as SVG (drawn here, by hand: no charting
library, docs/adr/0013) and as HTML with the SVG and the quotes table inline.  PNG is the SVG
drawn by Qt (``gui.widgets.stance_map``)."""

from __future__ import annotations

import csv
import html
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from newsmark.corpus.disputes import UNKNOWN_SPEAKER, DisputedPoint, disputed_points
from newsmark.corpus.entities import Canon
from newsmark.corpus.quotes import quote_infos, read_items
from newsmark.store import search_index
from newsmark.store.project import Project

STANCES = ("supports", "opposes", "neutral")
COLOURS = {"supports": "#2e7d32", "opposes": "#c62828", "neutral": "#9e9e9e", "mixed": "#ef6c00"}


@dataclass(slots=True)
class StanceMap:
    speakers: list[str]
    points: list[DisputedPoint]
    counts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (who, point key)

    def cell(self, who: str, key: str) -> dict[str, int]:
        return self.counts.get((who, key), {})

    def to_dict(self) -> dict[str, Any]:
        return {"speakers": self.speakers,
                "points": [{"key": p.key, "proposition": p.proposition} for p in self.points],
                "cells": [{"speaker": w, "point": k, **c} for (w, k), c in sorted(self.counts.items())]}


def stance_map(project: Project, points: list[DisputedPoint] | None = None) -> StanceMap:
    """The map of every stance on every disputed point; speakers by number of stances."""
    if points is None:
        points = disputed_points(project)
    points = [p for p in points if p.stances]
    counts: dict[tuple[str, str], dict[str, int]] = {}
    per_speaker: dict[str, int] = defaultdict(int)
    for p in points:
        for s in p.stances:
            c = counts.setdefault((s.who, p.key), {})
            c[s.value] = c.get(s.value, 0) + 1
            per_speaker[s.who] += 1
    speakers = sorted(per_speaker, key=lambda w: (w == UNKNOWN_SPEAKER, -per_speaker[w], w.casefold()))
    return StanceMap(speakers, points, counts)


def dominant(cell: dict[str, int]) -> str | None:
    """The stance a cell is coloured by: the only one, the most frequent, or "mixed"."""
    if not cell:
        return None
    best = max(cell.values())
    top = [s for s, n in cell.items() if n == best]
    return top[0] if len(top) == 1 else "mixed"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _text_width(text: str) -> float:
    """A generous width of ``text`` at the map's 12 px sans-serif (no font at hand to measure)."""
    return 7.2 * len(text)


def render_svg(m: StanceMap) -> str:
    """The map as a standalone SVG document, wide and tall enough for every label: the last
    column's slanted heading and the legend were cut at the right edge, and the legend's note
    ran into its first key."""
    cell_w, cell_h = 64, 26
    slant_cos, slant_sin = math.cos(math.radians(40)), math.sin(math.radians(40))
    left = max([200.0, *(_text_width(_short(who, 28)) + 20 for who in m.speakers)])
    headings = [_short(p.proposition, 28) for p in m.points]
    top = max([60.0, *(_text_width(h) * slant_sin + 20 for h in headings)])
    rows_bottom = top + cell_h * max(1, len(m.speakers))
    keys_y, note_y = rows_bottom + 30, rows_bottom + 54
    note = "counts: supports/opposes/neutral"
    key_step = 20 + max(_text_width(name) for name in COLOURS) + 16
    width = max([left + cell_w * max(1, len(m.points)) + 20,
                 *(left + j * cell_w + cell_w / 2 + _text_width(h) * slant_cos + 12 for j, h in enumerate(headings)),
                 20 + key_step * len(COLOURS), 20 + _text_width(note) + 20,
                 20 + _text_width("No stances on disputed points in this project.") + 20])
    width, height = math.ceil(width), math.ceil(note_y + 16)
    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           '<title>Stance map: speakers by disputed points</title>']
    if not m.points:
        out.append('<text x="20" y="40">No stances on disputed points in this project.</text>')
    for j, p in enumerate(m.points):
        x = left + j * cell_w + cell_w / 2
        out.append(f'<text x="{x:.0f}" y="{top - 8:.0f}" transform="rotate(-40 {x:.0f} {top - 8:.0f})">'
                   f'<title>{e(p.proposition)}</title>{e(headings[j])}</text>')
    for i, who in enumerate(m.speakers):
        y = top + i * cell_h
        out.append(f'<text x="{left - 8:.0f}" y="{y + cell_h * 0.65:.0f}" text-anchor="end">'
                   f'{e(_short(who, 28))}</text>')
        for j, p in enumerate(m.points):
            x = left + j * cell_w
            cell = m.cell(who, p.key)
            stance = dominant(cell)
            fill = COLOURS[stance] if stance else "#f5f5f5"
            tip = ", ".join(f"{s} {cell[s]}" for s in (*STANCES, "") if cell.get(s)) or "no stance"
            out.append(f'<rect x="{x + 1:.0f}" y="{y + 1:.0f}" width="{cell_w - 2}" height="{cell_h - 2}" '
                       f'fill="{fill}"><title>{e(who)} on {e(p.proposition)}: {e(tip)}</title></rect>')
            if cell:
                label = "/".join(str(cell.get(s, 0)) for s in STANCES)
                out.append(f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h * 0.65:.0f}" text-anchor="middle" '
                           f'fill="#ffffff">{label}</text>')
    for k, (name, colour) in enumerate(COLOURS.items()):
        x = 20 + k * key_step
        out.append(f'<rect x="{x:.0f}" y="{keys_y - 12:.0f}" width="14" height="14" fill="{colour}"/>'
                   f'<text x="{x + 20:.0f}" y="{keys_y:.0f}">{name}</text>')
    out.append(f'<text x="20" y="{note_y:.0f}">{note}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


@dataclass(slots=True)
class QuoteRow:
    speaker: str
    cue: str
    quote: str
    stance: str  # "value: proposition" for each stance, "; "-joined
    document: str
    title: str
    start: int
    end: int


def quotes_table(project: Project) -> list[QuoteRow]:
    """Every quote of the project: speaker (canonical), cue, quote, stances, document."""
    layers = project.label_layers()
    canon = Canon(project)
    props: dict[tuple[str, str], str] = {}
    for p in disputed_points(project):
        for doc, ann in p.annotations:
            props[(doc, ann)] = p.proposition
    quote_labels = [n for n, lay in layers.items() if lay == "quote"]
    marks = ["l:" + n for n in quote_labels]
    rows: list[QuoteRow] = []
    if not marks:
        return rows
    docs = search_index.documents_marked(project.conn, marks)
    for doc_id, title in docs:
        anns, rels = read_items(project, doc_id)
        infos = quote_infos(anns, rels, layers)
        for a in anns:
            info = infos.get(a.id)
            if info is None or layers.get(a.label) != "quote" or a.label == "CUE":
                continue
            speaker = canon.canonical(info.speaker_label, info.speaker) if info.speaker else ""
            stance = "; ".join(f"{v}: {props.get((doc_id, d), d)}" for d, v in info.stances)
            rows.append(QuoteRow(speaker, info.cue or "", a.text, stance, doc_id, title, a.start, a.end))
    return rows


def quotes_csv(rows: list[QuoteRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["speaker", "cue", "quote", "stance", "document", "title", "start", "end"])
    for r in rows:
        w.writerow([r.speaker, r.cue, r.quote, r.stance, r.document, r.title, r.start, r.end])
    return buf.getvalue()


def matrix_csv(m: StanceMap) -> str:
    """One row per speaker and disputed point with a stance: the counts of each stance."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["speaker", "disputed_point", "point_id", *STANCES, "stance"])
    for who in m.speakers:
        for p in m.points:
            cell = m.cell(who, p.key)
            if cell:
                w.writerow([who, p.proposition, p.id or "", *(cell.get(s, 0) for s in STANCES), dominant(cell)])
    return buf.getvalue()


def render_html(m: StanceMap, rows: list[QuoteRow], title: str = "Stance map") -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{e(title)}</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
             "th{background:#f0f0f0}</style></head><body>",
             f"<h1>{e(title)}</h1>",
             f"<p>{len(m.speakers)} speakers, {len(m.points)} disputed points, "
             f"{sum(sum(c.values()) for c in m.counts.values())} stances.</p>",
             render_svg(m),
             "<h2>Disputed points</h2><ol>"]
    for p in m.points:
        parties = f" (parties: {e(', '.join(p.parties))})" if p.parties else ""
        parts.append(f"<li>{e(p.proposition)}{parties}: {len(p.stances)} stances in {p.documents} articles</li>")
    parts.append("</ol><h2>Quotes</h2><table><tr><th>speaker</th><th>cue</th><th>quote</th>"
                 "<th>stance</th><th>document</th></tr>")
    for r in rows:
        parts.append(f"<tr><td>{e(r.speaker)}</td><td>{e(r.cue)}</td><td>{e(r.quote)}</td>"
                     f"<td>{e(r.stance)}</td><td>{e(r.title)} <small>({e(r.document)})</small></td></tr>")
    parts.append("</table></body></html>\n")
    return "\n".join(parts)
