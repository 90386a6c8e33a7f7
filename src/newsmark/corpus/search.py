"""Search the project: words and phrases in the texts (the FTS5 index ``search_text``, case and
accents folded), combined with annotation conditions (label or layer, speaker, cue, stance,
attribute values, annotator) and document status.

The index and the marks (``search_marks_fts``, store/search_index.py) find the candidate documents; each candidate is then
read and the hits are found exactly, as code-point offsets into its text, by the index's own
tokenizer (FTS5's ``highlight()``).
Without annotation conditions a hit is an occurrence of a term; with them it is an annotation
that meets them (and holds every term, when there are terms)."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec

from newsmark.core.errors import ValidationError
from newsmark.core.model import Annotation, normalise_status
from newsmark.corpus.entities import Canon
from newsmark.corpus.quotes import quote_infos, read_items
from newsmark.corpus.text import (
    CLOSE,
    OPEN,
    ascii_lower,
    context,
    find_terms,
    fold_name,
    folded_words,
    fts_phrase,
    fts_query,
    highlighted_spans,
    name_matches,
    parse_terms,
)
from newsmark.store import search_index
from newsmark.store.packed import IN_PARTS, joined
from newsmark.store.project import Project

STANCES = ("supports", "opposes", "neutral")


@dataclass(slots=True)
class Query:
    text: str = ""
    label: str | None = None  # a label or a layer
    speaker: str | None = None
    cue: str | None = None
    stance: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    annotator: str | None = None
    status: list[str] = field(default_factory=list)

    def annotation_conditions(self) -> bool:
        return any(x is not None for x in (self.label, self.speaker, self.cue, self.stance,
                                            self.annotator)) or bool(self.attrs)


@dataclass(slots=True)
class Hit:
    document: str
    title: str
    start: int  # code points into the document's text, end exclusive
    end: int
    text: str
    before: str
    after: str
    annotation: str | None = None
    label: str | None = None
    speaker: str | None = None
    matches: list[tuple[int, int]] = field(default_factory=list)  # the terms' spans in the hit

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "title": self.title, "start": self.start, "end": self.end,
                "text": self.text, "before": self.before, "after": self.after,
                "annotation": self.annotation, "label": self.label, "speaker": self.speaker,
                "matches": [list(m) for m in self.matches]}


def _check(project: Project, q: Query) -> None:
    if q.stance is not None and q.stance not in STANCES:
        raise ValidationError(f"stance {q.stance!r} is not one of {', '.join(STANCES)}")
    if q.label is not None:
        layers = set(project.label_layers().values())
        if q.label not in project.label_layers() and q.label not in layers:
            raise ValidationError(f"no label or layer {q.label!r} in this project")
    statuses = []
    for s in q.status:
        canonical = normalise_status(s)
        if canonical is None:
            raise ValidationError(f"status {s!r} is not one of new, in progress, done, review")
        statuses.append(canonical)
    q.status = statuses


# with words: annotation conditions held by at most this many documents choose the documents
# (each then checked for the words); held by more, the words choose them (each then checked
# for the marks), in batches either way
SELECTIVE = 5000


def candidates(project: Project, q: Query, terms: list[str], canon: Canon) -> Iterator[tuple[int, str, str, str]]:
    """(rowid, id, title, text) of the documents that may hold hits, in project order, read
    lazily: the caller stops at its limit."""
    layers = project.label_layers()
    groups: list[list[str]] = []  # each: the document must have one of these marks
    if q.label is not None:
        labels = [q.label] if q.label in layers else [n for n, lay in layers.items() if lay == q.label]
        groups.append(["l:" + lab for lab in labels])
    if q.annotator is not None:
        groups.append(["a:" + q.annotator])
    if q.stance is not None:
        groups.append(["t:stance"])
    if q.speaker is not None:
        groups.append(_speaker_marks(project, q.speaker, canon))
    marks = search_index.match(project.conn, groups) if groups else ""
    if marks is None:  # a condition no document meets
        return
    status = ""
    if q.status:
        status = f" AND d.status IN ({','.join('?' * len(q.status))})"
    by_marks = ("SELECT d.rowid, d.id, d.title, d.text FROM search_marks_fts f JOIN documents d"
                " ON d.rowid = f.rowid WHERE search_marks_fts MATCH ?" + status + " ORDER BY f.rowid")
    by_words = ("SELECT d.rowid, d.id, d.title, d.text FROM search_text s JOIN documents d ON d.rowid = s.rowid"
                " WHERE search_text MATCH ?" + status + " ORDER BY s.rowid")
    words = fts_query(terms) if terms else ""
    try:
        if not terms and not marks:  # a cue or attribute values alone: every document
            yield from project.conn.execute("SELECT d.rowid, d.id, d.title, d.text FROM documents d WHERE 1"
                                            + status + " ORDER BY d.rowid", q.status)
        elif not terms:
            yield from project.conn.execute(by_marks, [marks, *q.status])
        elif not marks:
            yield from project.conn.execute(by_words, [words, *q.status])
        elif _documents_with(project, marks) <= SELECTIVE:
            yield from _also(project, "search_text", words, project.conn.execute(by_marks, [marks, *q.status]))
        else:
            yield from _also(project, "search_marks_fts", marks, project.conn.execute(by_words, [words, *q.status]))
    except sqlite3.OperationalError as e:
        if "fts5" in str(e).lower():
            raise ValidationError(f"cannot search for {q.text!r}: {e}") from None
        raise


def _also(project: Project, index: str, expr: str, rows: Iterable[tuple[int, str, str, str]]
          ) -> Iterator[tuple[int, str, str, str]]:
    """The rows that ``index`` (search_text or search_marks_fts) also matches ``expr`` for,
    checked in batches: one query for the batch's range of rowids."""
    size = _BATCH[0]
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        size = min(size * 2, _BATCH[1])
        found = {r[0] for r in project.conn.execute(
            f"SELECT rowid FROM {index} WHERE {index} MATCH ? AND rowid BETWEEN ? AND ?",
            (expr, batch[0][0], batch[-1][0]))}
        for row in batch:
            if row[0] in found:
                yield row


def _documents_with(project: Project, marks: str) -> int:
    """How many documents the marks' expression matches (counted up to SELECTIVE + 1)."""
    return int(project.conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM search_marks_fts WHERE search_marks_fts MATCH ? LIMIT ?)",
        (marks, SELECTIVE + 1)).fetchone()[0])


def find_hits(project: Project, rowid: int, text: str, terms: list[str]) -> list[list[tuple[int, int]]]:
    """For each term, the spans of its occurrences in a document, as the index's tokenizer
    reads the text (FTS5's highlight()); Python's reading of the words where the text holds the
    highlight markers."""
    if OPEN in text or CLOSE in text or "\x00" in text:  # highlight() stops at a NUL
        return find_terms(text, [folded_words(t) for t in terms])
    found = []
    for term in terms:
        row = project.conn.execute(
            "SELECT highlight(search_text, 0, ?, ?) FROM search_text WHERE search_text MATCH ? AND rowid = ?",
            (OPEN, CLOSE, fts_phrase(term), rowid)).fetchone()
        found.append(highlighted_spans(row[0]) if row else [])
    return found


def _speaker_marks(project: Project, speaker: str, canon: Canon) -> list[str]:
    """The marks of the documents that may have a quote by ``speaker``: every speaker name
    written in the project that contains the name's words or is an alias of its entity, and
    "s?" (quotes whose speaker is only linked)."""
    wanted = folded_words(speaker)
    aliases = canon.aliases(speaker)
    marks = ["s?"]
    for mark in search_index.marks_named(project.conn, "s:", "s;"):
        name = mark[2:]
        if name_matches(name, wanted) or fold_name(name) in aliases:
            marks.append(mark)
    return marks


def _speaker_ok(names: list[str], label: str | None, wanted: list[str], aliases: set[str], canon: Canon) -> bool:
    for n in names:
        if name_matches(n, wanted) or fold_name(n) in aliases:
            return True
        if name_matches(canon.canonical(label, n), wanted):
            return True
    return False


class _Span(msgspec.Struct, gc=False):
    label: str
    start: int
    end: int  # the other fields of a packed annotation are skipped unread


_decode_spans = msgspec.json.Decoder(list[_Span]).decode
_BATCH = (32, 256)  # candidates read together: the first batch small (a limit is reached soon)


def _with_terms_in_spans(project: Project, q: Query, terms: list[str],
                         rows: Iterator[tuple[int, str, str, str]]
                         ) -> Iterator[tuple[int, str, str, str, list[list[tuple[int, int]]]]]:
    """The candidates of a query with words and annotation conditions, with each term's spans
    in them (``find_hits``), leaving out those where no annotation of the label (or layer)
    asked for holds every term.  Read in batches: the terms' spans by one highlight() query per
    term, the annotations' spans by one query on rows and one on packed documents, decoding
    only label, start and end (reading each candidate's annotations was 4/5 of the time of a
    word within quotes)."""
    layers = project.label_layers()
    labels: set[str] | None = None
    if q.label is not None:
        labels = {q.label} if q.label in layers else {n for n, lay in layers.items() if lay == q.label}
    size = _BATCH[0]
    conn = project.conn
    while batch := list(itertools.islice(rows, size)):
        size = min(size * 2, _BATCH[1])
        by_rowid = {r[0]: r for r in batch}
        lo, hi = min(by_rowid), max(by_rowid)
        found: dict[int, list[list[tuple[int, int]]]] = {r: [] for r in by_rowid}
        for term in terms:
            seen = set()
            for rowid, marked in conn.execute(
                    "SELECT rowid, highlight(search_text, 0, ?, ?) FROM search_text"
                    " WHERE search_text MATCH ? AND rowid BETWEEN ? AND ?",
                    (OPEN, CLOSE, fts_phrase(term), lo, hi)):
                if rowid in found:
                    found[rowid].append(highlighted_spans(marked))
                    seen.add(rowid)
            for rowid in found.keys() - seen:
                found[rowid].append([])
        ids = [r[1] for r in batch]
        spans: dict[str, list[tuple[int, int]]] = {d: [] for d in ids}
        marks = ",".join("?" * len(ids))
        for doc, start, end, label in conn.execute(
                f'SELECT doc, start, "end", label FROM annotations WHERE doc IN ({marks})', ids):
            if labels is None or label in labels:
                spans[doc].append((start, end))
        for doc, anns in conn.execute(f"SELECT doc, annotations FROM packed WHERE doc IN ({marks})", ids):
            if anns == IN_PARTS:  # a merged document's parts joined (docs/adr/0015)
                anns = joined(conn, doc)[0]
            spans[doc].extend((a.start, a.end) for a in _decode_spans(anns) if labels is None or a.label in labels)
        for rowid, doc_id, title, text in batch:
            if OPEN in text or CLOSE in text or "\x00" in text:  # as find_hits reads them
                per_term = find_terms(text, [folded_words(t) for t in terms])
            else:
                per_term = found[rowid]
            if any(all(any(s <= m0 and m1 <= e for m0, m1 in th) for th in per_term) for s, e in spans[doc_id]):
                yield rowid, doc_id, title, text, per_term


def search(project: Project, q: Query, limit: int | None = 200) -> list[Hit]:
    """The hits of ``q``, in project order then text order; at most ``limit`` (None: all)."""
    _check(project, q)
    terms = parse_terms(q.text)
    if not terms and not q.annotation_conditions():
        raise ValidationError("search for words or a phrase, or give a condition (label, speaker...)")
    canon = Canon(project)
    layers = project.label_layers()
    wanted_speaker = folded_words(q.speaker) if q.speaker is not None else []
    aliases = canon.aliases(q.speaker) if q.speaker is not None else set()
    hits: list[Hit] = []
    rows: Iterator[tuple[int, str, str, str, list[list[tuple[int, int]]] | None]]
    if terms and q.annotation_conditions():
        rows = _with_terms_in_spans(project, q, terms, candidates(project, q, terms, canon))
    else:
        rows = ((*r, None) for r in candidates(project, q, terms, canon))
    for rowid, doc_id, title, text, in_doc in rows:
        if not q.annotation_conditions():
            found = find_hits(project, rowid, text, terms)
            spans = sorted({s for term_hits in found for s in term_hits})
            for s, e in spans:
                b, t, a = context(text, s, e)
                hits.append(Hit(doc_id, title, s, e, text[s:e], b, a, matches=[(s, e)]))
                if limit is not None and len(hits) >= limit:
                    return hits
            continue
        if q.speaker or q.cue or q.stance:
            anns, rels = read_items(project, doc_id)
        else:
            anns, rels = project.annotations(doc_id), []
        infos = quote_infos(anns, rels, layers) if rels or q.speaker or q.cue else {}
        meeting = [a for a in anns if _meets(a, q, layers, infos, wanted_speaker, aliases, canon)]
        found = (in_doc if in_doc is not None else find_hits(project, rowid, text, terms)) if terms and meeting else []
        for ann in meeting:
            inside: list[tuple[int, int]] = []
            if terms:
                per_term = [[m for m in th if ann.start <= m[0] and m[1] <= ann.end] for th in found]
                if not all(per_term):
                    continue
                inside = sorted({m for th in per_term for m in th})
            b, t, a = context(text, ann.start, ann.end)
            info = infos.get(ann.id)
            speaker = canon.canonical(info.speaker_label, info.speaker) if info and info.speaker else None
            hits.append(Hit(doc_id, title, ann.start, ann.end, ann.text, b, a, ann.id, ann.label,
                            speaker, inside))
            if limit is not None and len(hits) >= limit:
                return hits
    return hits


def _meets(ann: Annotation, q: Query, layers: dict[str, str], infos: dict[str, Any],
           wanted_speaker: list[str], aliases: set[str], canon: Canon) -> bool:
    if q.label is not None and ann.label != q.label and layers.get(ann.label) != q.label:
        return False
    if q.annotator is not None and ann.annotator != q.annotator:
        return False
    for key, value in q.attrs.items():
        have = ann.attributes.get(key)
        if isinstance(have, list):
            if value not in [str(v) for v in have]:
                return False
        elif have is None or (str(have).lower() if isinstance(have, bool) else str(have)) != value:
            return False
    info = infos.get(ann.id)
    if q.speaker is not None:
        if info is None or not _speaker_ok(info.speaker_names, info.speaker_label, wanted_speaker, aliases, canon):
            return False
    if q.cue is not None:
        if info is None or not any(name_matches(c, folded_words(q.cue)) for c in info.cues):
            return False
    if q.stance is not None:
        if info is None or not any(v == q.stance for _d, v in info.stances):
            return False
    return True


def parse_attrs(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"--attr {item!r}: write it as KEY=VALUE")
        out[key.strip()] = value
    return out


__all__ = ["Hit", "Query", "ascii_lower", "parse_attrs", "search"]
