"""Adjudication: the disagreements of documents, each annotator's version side by side, and
bulk strategies that fill the curated layer (annotator ``curator``) from the annotators' work."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from newsmark.core.errors import ValidationError
from newsmark.core.model import Annotation, Relation, new_id, now
from newsmark.store.project import Project
from newsmark.team import CURATOR
from newsmark.team.data import NO_ANNOTATOR, DocWork, Link, Span, gc_paused, load_work

STRATEGIES = ("majority", "unanimous")
Key = tuple[int, int, str]  # start, end, label


def key(s: Span) -> Key:
    return s.start, s.end, s.label


@dataclass(slots=True)
class Disagreement:
    """A stretch of a document where the annotators' spans overlap and are not all the same:
    each annotator's version (their spans there, possibly none), and the curator's."""

    document: str
    title: str
    start: int
    end: int
    versions: dict[str, list[Span]]
    curated: list[Span] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return bool(self.curated)


def _components(spans: list[Span]) -> list[list[Span]]:
    """Groups of spans connected by overlap, in text order (each sorted by start, end, label)."""
    out: list[list[Span]] = []
    end = -1
    for s in sorted(spans, key=_position):
        if out and s.start < end:
            out[-1].append(s)
            if s.end > end:
                end = s.end
        else:
            out.append([s])
            end = s.end
    return out


_position = operator.attrgetter("start", "end", "label")  # sort key: start, end, label


def document_disagreements(doc: DocWork, annotators: Sequence[str] | None = None) -> list[Disagreement]:
    names = [a for a in (annotators or doc.annotators()) if a != CURATOR and doc.spans.get(a)]
    if len(names) < 2:
        return []
    every = [s for n in names for s in doc.spans[n]]
    curated = doc.spans.get(CURATOR, [])
    out = []
    n_names = len(names)
    for group in _components(every):
        if len(group) % n_names == 0:
            # agreed when every annotator has the same spans here (the group is in key order)
            keys: dict[str, list[Key]] = {n: [] for n in names}
            for s in group:
                keys[s.annotator or NO_ANNOTATOR].append((s.start, s.end, s.label))
            first = keys[names[0]]
            if all(k == first for k in keys.values()):
                continue
        versions: dict[str, list[Span]] = {n: [] for n in names}
        for s in group:
            versions[s.annotator or NO_ANNOTATOR].append(s)
        start, end = group[0].start, max(s.end for s in group)
        out.append(Disagreement(doc.id, doc.title, start, end, versions,
                                [c for c in curated if c.start < end and c.end > start]))
    return out


def disagreements(project: Project, *, doc_ids: Sequence[str] | None = None,
                  labels: Sequence[str] = (), layers: Sequence[str] = ()) -> list[Disagreement]:
    """The disagreements of the given documents (default: all), in document and text order."""
    with gc_paused():
        work = load_work(project, labels=labels, layers=layers, doc_ids=doc_ids, with_text=False, with_links=False)
        return [d for doc in work for d in document_disagreements(doc)]


@dataclass(slots=True)
class AdjudicationSummary:
    documents: int = 0  # documents looked at (two annotators or more)
    documents_changed: int = 0
    annotations_added: int = 0
    relations_added: int = 0
    already_curated: int = 0
    left_out: int = 0  # distinct spans without enough votes
    added: list[Annotation] = field(default_factory=list, repr=False)  # what an undo takes out
    added_relations: list[Relation] = field(default_factory=list, repr=False)

    def lines(self) -> list[str]:
        return [f"curated {self.annotations_added} annotations and {self.relations_added} relations "
                f"in {self.documents_changed} of {self.documents} documents with two annotators or more",
                f"{self.already_curated} were already in the curated layer; {self.left_out} spans had "
                "too few votes and are left for review"]


def _most_common_attributes(spans: list[Span]) -> dict[str, Any]:
    counts = Counter(orjson.dumps(s.attrs(), option=orjson.OPT_SORT_KEYS) for s in spans)
    return dict(orjson.loads(counts.most_common(1)[0][0]))


def adjudicate(project: Project, strategy: str, *, min_votes: int = 2,
               doc_ids: Sequence[str] | None = None) -> AdjudicationSummary:
    """Accept into the curated layer every span (and relation) that enough annotators made
    identically: ``majority`` (more than half of a document's annotators) or ``unanimous``
    (all of them), and at least ``min_votes`` in either case.  One transaction; running it
    again adds nothing."""
    if strategy not in STRATEGIES:
        raise ValidationError(f"unknown strategy {strategy!r} (choose {' or '.join(STRATEGIES)})")
    if min_votes < 1:
        raise ValidationError("--min must be at least 1")
    summary = AdjudicationSummary()
    work = load_work(project, doc_ids=doc_ids, with_text=False)
    stamp = now()
    with project.write():
        for doc in work:
            names = [n for n in doc.annotators() if n != CURATOR]
            if len(names) < 2:
                continue
            summary.documents += 1
            need = len(names) if strategy == "unanimous" else len(names) // 2 + 1
            need = max(need, min_votes)
            votes: dict[Key, list[Span]] = {}
            for n in names:
                for k, spans in _by_key(doc.spans[n]).items():
                    votes.setdefault(k, []).append(spans[0])
            curated = {key(s): s.id for s in doc.spans.get(CURATOR, [])}
            new_anns: list[Annotation] = []
            for k, spans in votes.items():
                if len(spans) < need:
                    summary.left_out += 1
                    continue
                if k in curated:
                    summary.already_curated += 1
                    continue
                ann_id = new_id()
                curated[k] = ann_id
                new_anns.append(Annotation(ann_id, doc.id, k[0], k[1], k[2], "", _most_common_attributes(spans),
                                           CURATOR, None, stamp, stamp))
            new_rels = _curated_relations(doc, names, curated, need)
            if new_anns or new_rels:
                project._unpack([doc.id])
                texts = project.conn.execute("SELECT text FROM documents WHERE id = ?", (doc.id,)).fetchone()[0]
                for a in new_anns:
                    a.text = texts[a.start:a.end]
                project._insert_annotations(new_anns)
                project._insert_relations(new_rels)
                project._touch(doc.id)
                summary.documents_changed += 1
                summary.annotations_added += len(new_anns)
                summary.relations_added += len(new_rels)
                summary.added += new_anns
                summary.added_relations += new_rels
    return summary


def _link_attrs(ln: Link) -> dict[str, Any]:
    raw = ln.attributes
    if raw == b"{}" or raw == b"null":
        return {}
    value = orjson.loads(bytes(raw))
    return value if isinstance(value, dict) else {}


def _by_key(spans: list[Span]) -> dict[Key, list[Span]]:
    out: dict[Key, list[Span]] = {}
    for s in spans:
        out.setdefault(key(s), []).append(s)
    return out


def _curated_relations(doc: DocWork, names: list[str], curated: dict[Key, str], need: int) -> list[Relation]:
    key_of: dict[str, Key] = {}
    who: dict[str, str] = {}
    for n in [*names, CURATOR]:
        for s in doc.spans.get(n, ()):
            key_of[s.id] = key(s)
            who[s.id] = n
    have = {(ln.type, key_of.get(ln.from_id), key_of.get(ln.to_id))
            for ln in doc.links if who.get(ln.from_id) == CURATOR}
    votes: dict[tuple[str, Key, Key, bytes], set[str]] = {}
    attrs: dict[tuple[str, Key, Key, bytes], dict[str, Any]] = {}
    for ln in doc.links:
        owner = who.get(ln.from_id)
        if owner is None or owner == CURATOR or who.get(ln.to_id) != owner:
            continue
        k = (ln.type, key_of[ln.from_id], key_of[ln.to_id],
             orjson.dumps(ln_attrs := _link_attrs(ln), option=orjson.OPT_SORT_KEYS))
        votes.setdefault(k, set()).add(owner)
        attrs[k] = ln_attrs
    out = []
    stamp = now()
    for k, voters in votes.items():
        rtype, fk, tk, _ = k
        if len(voters) < need or fk not in curated or tk not in curated or (rtype, fk, tk) in have:
            continue
        have.add((rtype, fk, tk))
        out.append(Relation(new_id(), doc.id, rtype, curated[fk], curated[tk], dict(attrs[k]), stamp, stamp))
    return out


def accept_version(project: Project, doc_id: str, spans: Sequence[Span],
                   replace: Sequence[Span] = ()) -> list[Annotation]:
    """Accept one annotator's version of a disagreement: copies of ``spans`` into the curated
    layer (spans the curator already has are not duplicated), the curator's ``replace`` spans
    removed first.  One transaction."""
    added = []
    with project.write():
        for c in replace:
            project.delete_annotation(doc_id, c.id)
        have = {(a.start, a.end, a.label) for a in project.annotations(doc_id) if a.annotator == CURATOR}
        for s in spans:
            if key(s) in have:
                continue
            have.add(key(s))
            added.append(project.add_annotation(doc_id, s.start, s.end, s.label, attributes=s.attrs(),
                                                annotator=CURATOR))
    return added
