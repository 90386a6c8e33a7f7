"""Disputed points shared across articles, and every stance taken on them.

A disputed point of the project (``disputes``: a proposition and its parties) is shared by the
DISPUTE annotations linked to it (``dispute_links``), in any article.  A DISPUTE annotation not
linked to one stands with the others of the same proposition (folded), so that a project with
no links still shows its disputes across articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsmark.core import jsonutil
from newsmark.core.errors import NotFoundError, ValidationError
from newsmark.core.model import new_id, now
from newsmark.corpus.entities import Canon
from newsmark.corpus.quotes import quote_infos, read_items
from newsmark.corpus.text import fold_name
from newsmark.store import search_index
from newsmark.store.project import Project

UNKNOWN_SPEAKER = "(unknown speaker)"


@dataclass(slots=True)
class Stance:
    who: str  # the speaker's or entity's canonical name
    value: str  # supports / opposes / neutral
    quote: str  # the quote's text (or the entity's, for an entity's stance)
    document: str
    title: str
    annotation: str  # the quote (or entity) annotation's id
    dispute_annotation: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"who": self.who, "value": self.value, "quote": self.quote, "document": self.document,
                "title": self.title, "annotation": self.annotation,
                "dispute_annotation": self.dispute_annotation, "start": self.start, "end": self.end}


@dataclass(slots=True)
class DisputedPoint:
    key: str  # the shared point's id, or "p:" + the folded proposition of unlinked annotations
    proposition: str
    parties: list[str] = field(default_factory=list)
    id: str | None = None
    annotations: list[tuple[str, str]] = field(default_factory=list)  # (doc, DISPUTE annotation id)
    stances: list[Stance] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return len({d for d, _a in self.annotations})

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "id": self.id, "proposition": self.proposition, "parties": self.parties,
                "documents": self.documents, "annotations": [list(x) for x in self.annotations],
                "stances": [s.to_dict() for s in self.stances]}


def add_point(project: Project, proposition: str, parties: list[str] | None = None) -> str:
    """A new disputed point of the project; returns its id."""
    proposition = proposition.strip()
    if not proposition:
        raise ValidationError("a disputed point needs a proposition")
    pid = new_id()
    stamp = now()
    with project.write():
        project.conn.execute("INSERT INTO disputes(id, proposition, parties, created, updated) VALUES (?, ?, ?, ?, ?)",
                             (pid, proposition, jsonutil.dumps([p.strip() for p in parties or [] if p.strip()]),
                              stamp, stamp))
    return pid


def _point(project: Project, point: str) -> None:
    if project.conn.execute("SELECT 1 FROM disputes WHERE id = ?", (point,)).fetchone() is None:
        raise NotFoundError(f"no disputed point {point!r} in this project")


def update_point(project: Project, point: str, *, proposition: str | None = None,
                 parties: list[str] | None = None) -> None:
    with project.write():
        _point(project, point)
        if proposition is not None:
            if not proposition.strip():
                raise ValidationError("a disputed point needs a proposition")
            project.conn.execute("UPDATE disputes SET proposition = ?, updated = ? WHERE id = ?",
                                 (proposition.strip(), now(), point))
        if parties is not None:
            project.conn.execute("UPDATE disputes SET parties = ?, updated = ? WHERE id = ?",
                                 (jsonutil.dumps(parties), now(), point))


def delete_point(project: Project, point: str) -> None:
    with project.write():
        _point(project, point)
        project.conn.execute("DELETE FROM disputes WHERE id = ?", (point,))


def link(project: Project, doc_id: str, ann_id: str, point: str) -> None:
    """Link a DISPUTE annotation (a dispute-layer annotation) to a disputed point."""
    with project.write():
        _point(project, point)
        ann = project.annotation(doc_id, ann_id)
        if project.label(ann.label).layer != "dispute":
            raise ValidationError(f"annotation {ann_id!r} is a {ann.label}, not a disputed point (DISPUTE)")
        project.conn.execute("INSERT OR REPLACE INTO dispute_links(doc, ann, dispute) VALUES (?, ?, ?)",
                             (doc_id, ann_id, point))


def unlink(project: Project, doc_id: str, ann_id: str) -> None:
    with project.write():
        project.conn.execute("DELETE FROM dispute_links WHERE doc = ? AND ann = ?", (doc_id, ann_id))


def disputed_points(project: Project) -> list[DisputedPoint]:
    """Every disputed point with every stance on it from every article, in order of the
    number of stances."""
    conn = project.conn
    layers = project.label_layers()
    canon = Canon(project)
    points: dict[str, DisputedPoint] = {}
    for pid, prop, parties in conn.execute("SELECT id, proposition, parties FROM disputes ORDER BY created, id"):
        points[pid] = DisputedPoint(pid, prop, list(jsonutil.loads(parties)), pid)
    links = {(d, a): p for d, a, p in conn.execute("SELECT doc, ann, dispute FROM dispute_links")}
    dispute_labels = [n for n, lay in layers.items() if lay == "dispute"]
    marks = ["l:" + n for n in dispute_labels]
    if not marks:
        return list(points.values())
    docs = search_index.documents_marked(conn, marks)
    for doc_id, title in docs:
        anns, rels = read_items(project, doc_id)
        by_id = {a.id: a for a in anns}
        point_of: dict[str, DisputedPoint] = {}
        for a in anns:
            if layers.get(a.label) != "dispute":
                continue
            pid = links.get((doc_id, a.id))
            if pid is not None and pid in points:
                p = points[pid]
            else:
                prop = a.attributes.get("proposition")
                prop = prop.strip() if isinstance(prop, str) and prop.strip() else a.text
                key = "p:" + fold_name(prop)
                p = points.get(key) or points.setdefault(key, DisputedPoint(key, prop, _parties(a.attributes)))
            p.annotations.append((doc_id, a.id))
            point_of[a.id] = p
        if not point_of:
            continue
        infos = quote_infos(anns, rels, layers)
        for r in rels:
            if r.type != "stance" or r.to_id not in point_of or r.from_id not in by_id:
                continue
            src = by_id[r.from_id]
            if layers.get(src.label) == "entity":
                who = canon.canonical(src.label, src.text)
            else:
                info = infos.get(src.id)
                who = (canon.canonical(info.speaker_label, info.speaker)
                       if info is not None and info.speaker else UNKNOWN_SPEAKER)
            value = r.attributes.get("value")
            point_of[r.to_id].stances.append(Stance(
                who, str(value) if value is not None else "", src.text, doc_id, title, src.id, r.to_id,
                src.start, src.end))
    return sorted(points.values(), key=lambda p: (-len(p.stances), -p.documents, p.proposition.casefold()))


def _parties(attrs: dict[str, Any]) -> list[str]:
    parties = attrs.get("parties")
    if isinstance(parties, list):
        return [str(x) for x in parties]
    if isinstance(parties, str) and parties.strip():
        return [x.strip() for x in parties.split(",") if x.strip()]
    return []
