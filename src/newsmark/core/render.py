"""An annotated article as a standalone HTML page: the text with every span coloured
(overlaps shown as in the window), a legend of labels and the list of quotes with speakers."""

from __future__ import annotations

from html import escape

from newsmark.core.model import Document, Label
from newsmark.core.wording import counted


def _blend(hex_colour: str, amount: float = 0.38) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 + (c - 255) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def render_html(doc: Document, labels: list[Label]) -> str:
    colour = {lab.name: lab.colour for lab in labels}
    text = doc.text
    cuts = sorted({0, len(text), *(x for a in doc.annotations for x in (a.start, a.end))})
    parts: list[str] = []
    for s, e in zip(cuts, cuts[1:], strict=False):
        cover = sorted((a for a in doc.annotations if a.start <= s and a.end >= e), key=lambda a: a.end - a.start)
        chunk = escape(text[s:e]).replace("\r", "").replace("\n", "<br>\n").replace("\u2028", "<br>").replace("\u2029", "<br><br>")
        if not cover:
            parts.append(chunk)
            continue
        inner = cover[0]
        style = f"background:{_blend(colour.get(inner.label, '#9e9e9e'))};"
        if len(cover) > 1:
            style += (f"text-decoration:underline {'wavy' if len(cover) > 2 else 'solid'} "
                      f"{colour.get(cover[1].label, '#9e9e9e')};")
        title = escape(" / ".join(a.label for a in cover))
        parts.append(f'<span style="{style}" title="{title}">{chunk}</span>')
    used = [lab for lab in labels if any(a.label == lab.name for a in doc.annotations)]
    legend = "".join(
        f'<span style="background:{_blend(lab.colour)};padding:2px 8px;margin-right:6px;'
        f'border-radius:3px;">{escape(lab.name)}</span>' for lab in used)
    by_id = {a.id: a for a in doc.annotations}
    rows = []
    for a in sorted((a for a in doc.annotations if a.label == "QUOTE"), key=lambda a: a.start):
        speakers = [by_id[r.to_id].text for r in doc.relations
                    if r.type == "said_by" and r.from_id == a.id and r.to_id in by_id]
        cues = [by_id[r.to_id].text for r in doc.relations
                if r.type == "cue" and r.from_id == a.id and r.to_id in by_id]
        speaker = ", ".join(speakers) or str(a.attributes.get("speaker") or "—")
        cue = ", ".join(cues) or str(a.attributes.get("cue") or "")
        rows.append(f"<tr><td>{escape(speaker)}</td><td>{escape(cue)}</td><td>“{escape(a.text)}”</td>"
                    f"<td>{escape(str(a.attributes.get('type') or ''))}</td></tr>")
    quotes = ("<h2>Quotes</h2><table border='1' cellspacing='0' cellpadding='4'><tr><th>Speaker</th>"
              f"<th>Cue</th><th>Quote</th><th>Type</th></tr>{''.join(rows)}</table>") if rows else ""
    meta = " · ".join(escape(str(doc.meta[k])) for k in ("site", "author", "date", "url") if doc.meta.get(k))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(doc.title)}</title>
<style>body{{font-family:Georgia,'DejaVu Serif',serif;max-width:46em;margin:2em auto;line-height:1.6;color:#222}}
h1{{font-size:1.6em}} .meta{{color:#666}} table{{border-collapse:collapse;font-size:0.9em}}</style></head>
<body><h1>{escape(doc.title)}</h1><p class="meta">{meta}</p>
<p>{legend}</p>
<div class="text">{''.join(parts)}</div>
{quotes}
<p class="meta">Annotated with Newsmark · {counted(len(doc.annotations), 'annotation')} · {counted(len(doc.relations), 'link')}</p>
</body></html>
"""
