"""A document's quotes with their speakers, cues and stances, as the corpus views read them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from newsmark.core.model import Annotation, Relation
from newsmark.core.packing import decode_annotations, decode_relations
from newsmark.store.packed import whole
from newsmark.store.project import Project


def read_items(project: Project, doc_id: str) -> tuple[list[Annotation], list[Relation]]:
    """A document's annotations (in the store's order) and relations, packed or in rows, the
    packed row read and decoded once (``Project.annotations`` and ``relations`` each read it)."""
    row = project.conn.execute("SELECT annotations, relations FROM packed WHERE doc = ?", (doc_id,)).fetchone()
    if row is None:
        return project.annotations(doc_id), project.relations(doc_id)
    ann_json, rel_json = whole(project.conn, doc_id, *row)  # a merged document's parts joined
    anns = [Annotation.from_native(a, doc_id) for a in decode_annotations(ann_json)]
    anns.sort(key=lambda a: (a.start, a.end, a.id))
    return anns, [Relation.from_native(r, doc_id) for r in decode_relations(rel_json)]


@dataclass(slots=True)
class QuoteInfo:
    annotation: Annotation
    speaker: str | None = None  # the speaker as written (attribute, else the said_by entity's text)
    speaker_label: str | None = None  # the said_by entity's label
    speaker_names: list[str] = field(default_factory=list)  # every name the quote's speaker has
    cue: str | None = None
    cues: list[str] = field(default_factory=list)
    stances: list[tuple[str, str]] = field(default_factory=list)  # (DISPUTE annotation id, value)


def quote_infos(annotations: Iterable[Annotation], relations: Iterable[Relation],
                layers: dict[str, str]) -> dict[str, QuoteInfo]:
    """Every annotation that is a quote (quote layer, not a cue) or that has a speaker, a cue or
    a stance, by id."""
    by_id = {a.id: a for a in annotations}
    infos: dict[str, QuoteInfo] = {}

    def info(a: Annotation) -> QuoteInfo:
        q = infos.get(a.id)
        if q is None:
            q = infos[a.id] = QuoteInfo(a)
        return q

    for a in by_id.values():
        sp = a.attributes.get("speaker")
        cue = a.attributes.get("cue")
        if sp is not None or cue is not None or (layers.get(a.label) == "quote" and a.label != "CUE"):
            q = info(a)
            if isinstance(sp, str) and sp.strip():
                q.speaker = sp.strip()
                q.speaker_names.append(q.speaker)
            if isinstance(cue, str) and cue.strip():
                q.cue = cue.strip()
                q.cues.append(q.cue)
    for r in relations:
        src = by_id.get(r.from_id)
        dst = by_id.get(r.to_id)
        if src is None or dst is None:
            continue
        if r.type == "said_by":
            q = info(src)
            q.speaker_names.append(dst.text)
            q.speaker_label = dst.label
            if q.speaker is None:
                q.speaker = dst.text
        elif r.type == "cue":
            q = info(src)
            q.cues.append(dst.text)
            if q.cue is None:
                q.cue = dst.text
        elif r.type == "stance":
            value = r.attributes.get("value")
            info(src).stances.append((dst.id, str(value) if value is not None else ""))
    return infos
