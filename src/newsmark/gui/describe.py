"""Annotations described for the annotator's eye: the tooltip over a span (label, attributes,
links, annotator) and the quotes of an article grouped by speaker (the Quotes panel).  Qt-free
apart from the escaping of tooltips (gui/plain.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from newsmark.core.model import Annotation, Relation

MAX_TEXT = 160  # characters of a span shown in a tooltip


def _short(text: str, n: int = MAX_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _value(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def link_lines(ann: Annotation, relations: list[Relation], by_id: dict[str, Annotation]) -> list[str]:
    """One line per link of ``ann``: "said_by → PERSON “Leon Panetta”", "stance opposes → …"."""
    lines = []
    for r in relations:
        outgoing = r.from_id == ann.id
        other = by_id.get(r.to_id if outgoing else r.from_id)
        what = f"{other.label} “{_short(other.text, 60)}”" if other is not None else "?"
        value = " ".join(_value(v) for v in r.attributes.values() if v not in (None, ""))
        lines.append(f"{r.type}{' ' + value if value else ''} {'→' if outgoing else '←'} {what}")
    return lines


def span_tooltip(anns: list[Annotation], relations_of: dict[str, list[Relation]],
                 by_id: dict[str, Annotation], limit: int = 3) -> str:
    """Rich text (every piece of content escaped) describing the spans under the mouse,
    innermost first: label, text, attributes, note, links and annotator."""
    blocks = []
    for a in anns[:limit]:
        rows = [f"<b>{escape(a.label)}</b> “{escape(_short(a.text))}”"]
        for key, value in a.attributes.items():
            if value not in (None, "", [], {}):
                rows.append(f"{escape(key)}: {escape(_short(_value(value), 100))}")
        if a.note:
            rows.append(f"note: {escape(_short(a.note, 200))}")
        rows += [escape(line) for line in link_lines(a, relations_of.get(a.id, []), by_id)]
        rows.append(f"<i>by {escape(a.annotator)}</i>" if a.annotator else "<i>annotator not recorded</i>")
        blocks.append("<br>".join(rows))
    more = f"<br><i>and {len(anns) - limit} more here</i>" if len(anns) > limit else ""
    return '<p style="white-space:pre-wrap">' + "<hr>".join(blocks) + more + "</p>"


@dataclass(frozen=True)
class QuoteRow:
    """What the Quotes panel shows of one quote."""

    quote: Annotation
    speaker: str  # the ``speaker`` attribute (the name the mention refers to), else the linked entity's text
    entity: Annotation | None  # the speaker's entity, when linked
    cue: str
    stances: tuple[str, ...] = ()  # "opposes: US troops keep immunity"

    @property
    def group(self) -> str:
        """The key of the speaker's group: case, spacing and a leading "the" do not split a
        speaker in two ("The Iraqi government", "Iraqi  government")."""
        key = " ".join(self.speaker.split()).casefold()
        return key[4:] if key.startswith("the ") and len(key) > 4 else key


def quote_row(q: Annotation, links: list[Relation], by_id: dict[str, Annotation],
              canonical: Callable[[str | None, str], str] | None = None) -> QuoteRow:
    """A quote with its speaker, cue and stances, from its links (``links``: its outgoing ones).
    ``canonical(label, name)``: the name of the canonical entity a speaker's name is merged into
    (its own name when none), so that "Mr Panetta" and "Leon Panetta" are one speaker."""
    entity = next((by_id[r.to_id] for r in links if r.type == "said_by" and r.from_id == q.id
                   and r.to_id in by_id), None)
    # the name the quote's speaker goes by ("Leon Panetta"), not the mention linked ("He", "Mr
    # Panetta"): one person is one group however the article names them near each quote
    speaker = " ".join(str(q.attributes.get("speaker") or "").split())
    if not speaker and entity is not None:
        speaker = " ".join(entity.text.split())
    if canonical is not None and speaker:
        speaker = " ".join(canonical(entity.label if entity is not None else None, speaker).split())
    cues = [by_id[r.to_id].text for r in links if r.type == "cue" and r.from_id == q.id and r.to_id in by_id]
    cue = ", ".join(cues) or str(q.attributes.get("cue") or "")
    stances = []
    for r in links:
        if r.type == "stance" and r.from_id == q.id and r.to_id in by_id:
            point = by_id[r.to_id]
            name = str(point.attributes.get("proposition") or "") or _short(point.text, 60)
            stances.append(f"{r.attributes.get('value', '?')}: {name}")
    return QuoteRow(q, speaker, entity, cue, tuple(stances))


def quote_rows(anns: list[Annotation], relations: list[Relation], quote_labels: set[str],
               canonical: Callable[[str | None, str], str] | None = None) -> list[QuoteRow]:
    """Every quote of an article, in text order, with its speaker (by its canonical name, with
    ``canonical``), cue and stances."""
    by_id = {a.id: a for a in anns}
    out_links: dict[str, list[Relation]] = {}
    for r in relations:
        out_links.setdefault(r.from_id, []).append(r)
    return [quote_row(q, out_links.get(q.id, []), by_id, canonical)
            for q in sorted((a for a in anns if a.label in quote_labels), key=lambda a: (a.start, a.end, a.id))]
