"""The suggestions table: what recommenders proposed, kept apart from annotations.

A suggestion changes no annotation until it is accepted; accepting one creates its spans
(reusing an annotation that already has the same span and label) and its relations in one
transaction.  Rejected suggestions stay in the table as rejected, so that computing the
suggestions again never brings them back; accepted ones stay as accepted for the same reason.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsmark.core import jsonutil
from newsmark.core.errors import NotFoundError, ValidationError
from newsmark.core.model import Annotation, Label, Relation, RelationType, new_id, now
from newsmark.core.schema import label_matches
from newsmark.core.suggestion import Suggestion

if TYPE_CHECKING:
    from newsmark.store.project import Project

_COLUMNS = 'doc, id, recommender, score, label, start, "end", grp, status, created'


@dataclass(slots=True)
class Accepted:
    """What accepting a suggestion created: the undo deletes exactly these."""

    document: str
    suggestion: str
    annotations: list[Annotation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)  # ids of annotations that were already there


def _row(r: Sequence[Any]) -> Suggestion:
    return Suggestion.from_group_json(jsonutil.loads(r[7]), recommender=r[2], score=float(r[3]), id=r[1],
                                      document=r[0], created=r[9])


@dataclass(slots=True)
class Changes:
    """What storing a recommender's suggestions changed among a document's open ones: the ids
    of the rows that went, and of those that came or changed (a new score).  The window reads
    only these back, not the whole document's suggestions."""

    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.removed) + len(self.added)


def replace(project: Project, doc_id: str, recommender: str, suggestions: Iterable[Suggestion], *,
            step: int | None = None, changes: Changes | None = None,
            between: Callable[[], object] | None = None) -> list[Suggestion]:
    """Store a recommender's suggestions for a document in place of its earlier open ones.

    Left out: those the annotator rejected or accepted before (same recommender, label and
    span), those whose head overlaps an annotation of its label (the annotator tagged that
    quote or name already, perhaps a character shorter: as INCEpTION hides them) and those whose
    head's label the project's schema does not have; of the rest, the spans and links the schema
    cannot hold (a user's schema without CUE, PERSON or ``said_by``).  Returns what was stored.

    Rows that are the same as before are not written again.  With ``step``, the writes go in
    transactions of at most ``step`` rows each (a worker process beside the window: the window's
    own edits never wait long for the write lock), each checking again what the annotator
    decided meanwhile (``between`` is called between them: the worker pauses, so that the
    window's next edit finds the write lock free); ``changes`` receives the ids removed and
    added or changed."""
    text = project._text(doc_id)
    tagged: dict[str, list[tuple[int, int]]] = {}
    for a in project.annotations(doc_id):
        tagged.setdefault(a.label, []).append((a.start, a.end))
    # per label: starts sorted, and the furthest end among the spans up to each one
    reach: dict[str, tuple[list[int], list[int]]] = {}
    for label, spans in tagged.items():
        spans.sort()
        furthest, ends = 0, []
        for _s, e in spans:
            furthest = max(furthest, e)
            ends.append(furthest)
        reach[label] = ([s for s, _e in spans], ends)

    def overlaps_tagged(label: str, start: int, end: int) -> bool:
        found = reach.get(label)
        if found is None:
            return False
        i = bisect.bisect_left(found[0], end)  # the spans starting before this one ends
        return i > 0 and found[1][i - 1] > start

    stamp = now()
    labels = {lab.name: lab for lab in project.labels()}
    relation_types = {rt.name: rt for rt in project.relation_types()}
    fitted = (f for f in (_fit(s, labels, relation_types) for s in suggestions) if f is not None)
    out = changes if changes is not None else Changes()
    # in steps, what is there is read without the write lock: the window may write meanwhile
    with project.write() if step is None else contextlib.nullcontext():
        decided = _decided(project, doc_id)
        # an open suggestion made again keeps its id (the window's undo refers to it)
        was_open = {(r[1], r[2], r[3]): (r[0], r[4], float(r[5]), r[6]) for r in project.conn.execute(
            "SELECT id, label, start, \"end\", created, score, grp FROM suggestions"
            " WHERE doc = ? AND recommender = ? AND status = 'open'", (doc_id, recommender))}
        seen: set[tuple[str, int, int]] = set()
        stored: list[Suggestion] = []
        rows: list[tuple[Any, ...]] = []
        for s in fitted:
            key = (s.label, s.start, s.end)
            if key in decided or key in seen or overlaps_tagged(s.label, s.start, s.end):
                continue
            for span in s.spans:
                if not (0 <= span.start < span.end <= len(text)) or text[span.start:span.end] != span.text:
                    raise ValidationError(f"suggestion of {recommender} does not match document {doc_id!r}'s "
                                          f"text at {span.start}-{span.end}")
            seen.add(key)
            old = was_open.pop(key, None)
            s.id, s.created = (old[0], old[1]) if old else (new_id(), stamp)
            s.document, s.recommender = doc_id, recommender
            grp = jsonutil.dumps(s.group_json())
            stored.append(s)
            if old is not None and old[2] == float(s.score) and old[3] == grp:
                continue  # the same as stored: not written again
            rows.append((doc_id, s.id, recommender, float(s.score), s.label, s.start, s.end,
                         grp, "open", s.created))
        gone = [sid for sid, *_rest in was_open.values()]
        if step is None:
            _write(project, doc_id, gone, rows, out)
    if step is not None:  # each part its own transaction, the decisions read again in each
        for i in range(0, max(len(gone), len(rows)), step):
            if i and between is not None:
                between()
            with project.write():
                decided = _decided(project, doc_id)
                _write(project, doc_id, gone[i:i + step],
                       [r for r in rows[i:i + step] if (r[4], r[5], r[6]) not in decided], out)
    return stored


def _decided(project: Project, doc_id: str) -> set[tuple[str, int, int]]:
    """The heads decided on (accepted or rejected), by any recommender: a span rejected once is
    not brought back by another."""
    return {(r[0], r[1], r[2]) for r in project.conn.execute(
        "SELECT label, start, \"end\" FROM suggestions WHERE doc = ? AND status != 'open'", (doc_id,))}


def _write(project: Project, doc_id: str, gone: list[str], rows: list[tuple[Any, ...]], changes: Changes) -> None:
    # only open rows go: one the annotator decided on meanwhile stays as decided
    project.conn.executemany("DELETE FROM suggestions WHERE doc = ? AND id = ? AND status = 'open'",
                             [(doc_id, sid) for sid in gone])
    project.conn.executemany(f"INSERT OR REPLACE INTO suggestions({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    changes.removed.extend(gone)
    changes.added.extend(r[1] for r in rows)


def _fit(s: Suggestion, labels: dict[str, Label], relation_types: dict[str, RelationType]) -> Suggestion | None:
    """The suggestion without what the schema cannot hold, or None if its head is such."""
    if s.label not in labels:
        return None
    spans = [sp for sp in s.spans if sp.label in labels]
    by_key = {sp.key: sp for sp in spans}
    relations = []
    for r in s.relations:
        rt = relation_types.get(r.type)
        f, t = by_key.get(r.from_key), by_key.get(r.to_key)
        if rt is not None and f is not None and t is not None and f is not t \
                and label_matches(labels[f.label], rt.from_labels) and label_matches(labels[t.label], rt.to_labels):
            relations.append(r)
    if len(spans) == len(s.spans) and len(relations) == len(s.relations):
        return s
    return Suggestion(s.recommender, s.score, spans, relations, s.id, s.document, s.created)


def open_suggestions(project: Project, doc_id: str, *, min_score: float = 0.0,
                     recommenders: Sequence[str] = (), label: str | None = None) -> list[Suggestion]:
    """A document's open suggestions (not accepted, not rejected), by position; of those with
    the same head (label and span) from several recommenders, the best scored only."""
    sql = f"SELECT {_COLUMNS} FROM suggestions WHERE doc = ? AND status = 'open' AND score >= ?"
    args: list[Any] = [doc_id, min_score]
    if recommenders:
        sql += f" AND recommender IN ({','.join('?' * len(recommenders))})"
        args += list(recommenders)
    if label is not None:
        sql += " AND label = ?"
        args.append(label)
    sql += ' ORDER BY start, "end", score DESC, created, id'
    out: list[Suggestion] = []
    heads: set[tuple[str, int, int]] = set()
    for r in project.conn.execute(sql, args):
        if (r[4], r[5], r[6]) not in heads:
            heads.add((r[4], r[5], r[6]))
            out.append(_row(r))
    return out


def open_page(project: Project, doc_id: str, *, min_score: float = 0.0,
              after: tuple[str, int, int, str] | None = None, limit: int = 500) -> list[Suggestion]:
    """A slice of a document's open suggestions scored at least ``min_score``, every
    recommender's (not one per head), by (label, start, end, id) after ``after``: the window
    reads a long article's suggestions a slice at a time, between frames.  That order is the
    head index's: no slice sorts the document's suggestions."""
    sql = f"SELECT {_COLUMNS} FROM suggestions WHERE doc = ? AND status = 'open' AND score >= ?"
    args: list[Any] = [doc_id, min_score]
    if after is not None:
        sql += ' AND (label, start, "end", id) > (?, ?, ?, ?)'
        args += list(after)
    sql += ' ORDER BY label, start, "end", id LIMIT ?'
    args.append(limit)
    return [_row(r) for r in project.conn.execute(sql, args)]


def open_by_id(project: Project, doc_id: str, ids: Sequence[str], *, min_score: float = 0.0) -> list[Suggestion]:
    """The open suggestions among ``ids`` scored at least ``min_score`` (what a worker's store changed)."""
    out: list[Suggestion] = []
    for i in range(0, len(ids), 500):
        part = list(ids[i:i + 500])
        out.extend(_row(r) for r in project.conn.execute(
            f"SELECT {_COLUMNS} FROM suggestions WHERE doc = ? AND status = 'open' AND score >= ?"
            f" AND id IN ({','.join('?' * len(part))})", [doc_id, min_score, *part]))
    return out


def open_at_head(project: Project, doc_id: str, label: str, start: int, end: int, *,
                 min_score: float = 0.0) -> list[Suggestion]:
    """Every recommender's open suggestion with this head (after an undo reopened it)."""
    return [_row(r) for r in project.conn.execute(
        f"SELECT {_COLUMNS} FROM suggestions WHERE doc = ? AND label = ? AND start = ? AND \"end\" = ?"
        " AND status = 'open' AND score >= ?", (doc_id, label, start, end, min_score))]


def suggestion(project: Project, doc_id: str, sid: str) -> tuple[Suggestion, str]:
    """A suggestion and its status."""
    r = project.conn.execute(f"SELECT {_COLUMNS} FROM suggestions WHERE doc = ? AND id = ?", (doc_id, sid)).fetchone()
    if r is None:
        raise NotFoundError(f"no suggestion {sid!r} in document {doc_id!r}")
    return _row(r), str(r[8])


_COUNT_OPEN = ("SELECT count(*) FROM (SELECT DISTINCT doc, label, start, \"end\" FROM suggestions"
               " WHERE status = 'open'{})")


def count_open(project: Project, doc_ids: Sequence[str] | None = None) -> int:
    """How many open suggestions (one per head, as open_suggestions gives them)."""
    if doc_ids is None:
        return int(project.conn.execute(_COUNT_OPEN.format("")).fetchone()[0])
    return sum(int(project.conn.execute(_COUNT_OPEN.format(" AND doc = ?"), (d,)).fetchone()[0])
               for d in doc_ids)


def _settle(project: Project, sug: Suggestion, status: str, doc_id: str) -> None:
    """Set the status of every open suggestion with this head (label and span), whichever
    recommender made it: one decision per span."""
    project.conn.execute("UPDATE suggestions SET status = ? WHERE doc = ? AND label = ? AND start = ?"
                         " AND \"end\" = ? AND status = 'open'", (status, doc_id, sug.label, sug.start, sug.end))


def accept(project: Project, doc_id: str, sid: str, *, annotator: str | None = None) -> Accepted:
    """Turn a suggestion into annotations and relations, all in one transaction.  A span
    that is already an annotation (same span and label, or the existing one it names) is
    reused; a relation that already exists is not made twice."""
    sug, status = suggestion(project, doc_id, sid)
    if status != "open":
        raise ValidationError(f"suggestion {sid!r} was already {status}")
    who = annotator or f"suggest:{sug.recommender}"
    done = Accepted(doc_id, sid)
    with project.write():
        anns = project.annotations(doc_id)
        by_span = {(a.label, a.start, a.end): a.id for a in anns}
        ids = {a.id for a in anns}
        resolved: dict[str, str] = {}
        for span in sug.spans:
            if span.existing and span.existing in ids:
                resolved[span.key] = span.existing
                done.reused.append(span.existing)
                continue
            found = by_span.get((span.label, span.start, span.end))
            if found is not None:
                resolved[span.key] = found
                done.reused.append(found)
                continue
            a = project.add_annotation(doc_id, span.start, span.end, span.label,
                                       attributes=_allowed(project, span.label, span.attributes), annotator=who)
            by_span[(a.label, a.start, a.end)] = a.id
            resolved[span.key] = a.id
            done.annotations.append(a)
        have = {(r.type, r.from_id, r.to_id) for r in project.relations(doc_id)}
        for rel in sug.relations:
            f, t = resolved.get(rel.from_key), resolved.get(rel.to_key)
            if f is None or t is None or (rel.type, f, t) in have:
                continue
            done.relations.append(project.add_relation(doc_id, rel.type, f, t))
            have.add((rel.type, f, t))
        _settle(project, sug, "accepted", doc_id)
    return done


def _allowed(project: Project, label: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """The attributes the label defines (a user's schema may not have a quote's ``type``)."""
    defs = {d.name: d for d in project.label(label).attributes}
    out = {}
    for k, v in attributes.items():
        d = defs.get(k)
        if d is not None and (d.type != "choice" or not d.values or v in d.values):
            out[k] = v
    return out


def undo_accept(project: Project, done: Accepted) -> None:
    """Take back an accept: delete what it created and reopen the suggestion."""
    with project.write():
        for r in reversed(done.relations):
            project.conn.execute("DELETE FROM relations WHERE doc = ? AND id = ?", (r.document, r.id))
        for a in reversed(done.annotations):
            project.delete_annotation(a.document, a.id)
        project.conn.execute("UPDATE suggestions SET status = 'open' WHERE doc = ? AND id = ?",
                             (done.document, done.suggestion))


def redo_accept(project: Project, done: Accepted) -> None:
    """Accept a suggestion again after its undo: the very annotations and relations the
    accept made (ids included, as later edits on the undo stack name them), in one transaction."""
    sug, status = suggestion(project, done.document, done.suggestion)
    if status != "open":
        raise ValidationError(f"suggestion {done.suggestion!r} was already {status}")
    with project.write():
        for a in done.annotations:
            project.restore_annotation(a)
        for r in done.relations:
            project.restore_relation(r)
        _settle(project, sug, "accepted", done.document)


def reject(project: Project, doc_id: str, sid: str) -> None:
    """Reject a suggestion: it is not shown again, nor suggested again for the same span."""
    sug, _status = suggestion(project, doc_id, sid)
    with project.write():
        _settle(project, sug, "rejected", doc_id)


def reopen(project: Project, doc_id: str, sid: str) -> None:
    """The undo of a reject (of every recommender's suggestion of that span it rejected)."""
    sug, _status = suggestion(project, doc_id, sid)
    with project.write():
        project.conn.execute("UPDATE suggestions SET status = 'open' WHERE doc = ? AND label = ? AND start = ?"
                             " AND \"end\" = ? AND status = 'rejected'", (doc_id, sug.label, sug.start, sug.end))


def rejected_strings(project: Project) -> list[tuple[str, str, int]]:
    """(text, label, times) of rejected suggestions' heads: what the ``strings`` recommender
    counts against a string."""
    rows = project.conn.execute(  # a span rejected counts once, however many recommenders made it
        "SELECT text, label, count(*) FROM (SELECT DISTINCT doc, start, \"end\", label,"
        " json_extract(grp, '$.spans[0].text') AS text FROM suggestions WHERE status = 'rejected')"
        " GROUP BY 1, 2")
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


def group_json(project: Project, doc_id: str) -> list[dict[str, Any]]:
    """A document's open suggestions as the native JSONL export writes them."""
    out = []
    for s in open_suggestions(project, doc_id):
        d: dict[str, Any] = {"id": s.id, "recommender": s.recommender, "score": s.score, "created": s.created}
        d.update(s.group_json())
        out.append(d)
    return out
