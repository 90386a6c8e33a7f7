"""Native JSONL: one document per line, the export format of record.

``{"id", "title", "text", "meta", "status", "created", "updated",
   "annotations": [{"id", "start", "end", "label", "layer", "text", "attributes",
                    "annotator", "note", "created", "updated"}],
   "relations": [{"id", "type", "from", "to", "attributes", "created", "updated"}]}``

Offsets are code points, ``end`` exclusive.  Reading keeps ids, attributes and the text
byte for byte; export is built by SQLite's JSON functions (docs/adr/0004).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsmark.core import jsonutil
from newsmark.core.errors import InputError, ValidationError
from newsmark.formats.records import Record, document_from_record
from newsmark.store.project import Project

NAME = "jsonl"
Progress = Callable[[int], None]


def read(path: str | Path, progress: Progress | None = None) -> Iterator[Record]:
    """Records of a native JSONL file, each a document or the error that line has.

    ``progress`` is called with the number of bytes read since the last call.
    """
    path = Path(path)
    try:
        f = path.open("rb")
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", file=path) from None
    with f:
        for number, raw in enumerate(f, start=1):
            if progress:
                progress(len(raw))
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            yield parse_line(raw, path, number)


def parse_line(raw: bytes, path: str | Path, number: int) -> Record:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return Record(number, error=InputError(
            f"bytes that are not UTF-8 at byte {e.start + 1} of the line "
            f"({raw[e.start:e.start + 4]!r}); save the file as UTF-8", file=path, line=number))
    try:
        obj = jsonutil.loads(raw)
    except ValueError as e:
        return Record(number, error=InputError(f"invalid JSON: {_json_problem(e)}", file=path, line=number))
    try:
        doc, layers, id_given = document_from_record(obj)
    except ValidationError as e:
        return Record(number, error=InputError(str(e), file=path, line=number))
    return Record(number, document=doc, label_layers=layers, id_given=id_given)


def _json_problem(e: ValueError) -> str:
    msg = str(e)
    # orjson: "unexpected character: line 1 column 10 (char 9)"; the line is always 1 here
    return msg.replace("line 1 column", "column")


@dataclass(slots=True)
class ExportSummary:
    documents: int = 0
    annotations: int = 0
    relations: int = 0
    relations_dropped: int = 0

    def lines(self) -> list[str]:
        out = [f"exported {self.documents} documents, {self.annotations} annotations, "
               f"{self.relations} relations"]
        if self.relations_dropped:
            out.append(f"left out {self.relations_dropped} relations whose annotations were "
                       "filtered out by --label")
        return out


def _filters(statuses: Sequence[str], labels: Sequence[str]) -> tuple[str, list[str], str, list[str]]:
    doc_where, doc_args = "", []
    if statuses:
        doc_where = f"WHERE d.status IN ({','.join('?' * len(statuses))})"
        doc_args = list(statuses)
    ann_where, ann_args = "", []
    if labels:
        ann_where = f"AND label IN ({','.join('?' * len(labels))})"
        ann_args = list(labels)
    return doc_where, doc_args, ann_where, ann_args


def write(
    project: Project,
    out: BinaryIO,
    *,
    statuses: Sequence[str] = (),
    labels: Sequence[str] = (),
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the project (filtered by document status and annotation label) as native JSONL."""
    doc_where, doc_args, ann_where, ann_args = _filters(statuses, labels)
    rel_where = ""
    if labels:
        marks = ",".join("?" * len(labels))
        rel_where = (
            f"AND EXISTS (SELECT 1 FROM annotations x WHERE x.doc = r0.doc AND x.id = r0.from_id AND x.label IN ({marks}))"
            f" AND EXISTS (SELECT 1 FROM annotations y WHERE y.doc = r0.doc AND y.id = r0.to_id AND y.label IN ({marks}))"
        )
    sql = f"""
    SELECT CAST(json_object(
        'id', d.id, 'title', d.title, 'text', d.text, 'meta', json(d.meta), 'status', d.status,
        'created', d.created, 'updated', d.updated,
        'annotations', json((
            SELECT json_group_array(json_object(
                'id', a.id, 'start', a.start, 'end', a."end", 'label', a.label,
                'layer', (SELECT layer FROM labels WHERE name = a.label), 'text', a.text,
                'attributes', json(a.attributes), 'annotator', a.annotator, 'note', a.note,
                'created', a.created, 'updated', a.updated))
            FROM (SELECT * FROM annotations WHERE doc = d.id {ann_where}
                  ORDER BY start, "end", rowid) a)),
        'relations', json((
            SELECT json_group_array(json_object(
                'id', r.id, 'type', r.type, 'from', r.from_id, 'to', r.to_id,
                'attributes', json(r.attributes), 'created', r.created, 'updated', r.updated))
            FROM (SELECT * FROM relations r0 WHERE r0.doc = d.id {rel_where} ORDER BY rowid) r))
    ) AS BLOB)
    FROM documents d {doc_where} ORDER BY d.rowid
    """
    args = [*ann_args, *ann_args, *ann_args, *doc_args]
    summary = ExportSummary()
    cur = project.conn.execute("BEGIN")  # one snapshot: the export is consistent under writers
    try:
        for (line,) in cur.execute(sql, args):
            out.write(line)
            out.write(b"\n")
            summary.documents += 1
            if progress:
                progress(1)
        summary.annotations, summary.relations, total_rel = _counts(project, doc_where, doc_args,
                                                                    ann_where, ann_args, rel_where)
        summary.relations_dropped = total_rel - summary.relations
    finally:
        project.conn.execute("COMMIT")
    return summary


def _counts(project: Project, doc_where: str, doc_args: list[str], ann_where: str,
            ann_args: list[str], rel_where: str) -> tuple[int, int, int]:
    docs = f"SELECT id FROM documents d {doc_where}"
    q = project.conn.execute
    anns = q(f"SELECT count(*) FROM annotations WHERE doc IN ({docs}) {ann_where}",
             [*doc_args, *ann_args]).fetchone()[0]
    rels = q(f"SELECT count(*) FROM relations r0 WHERE doc IN ({docs}) {rel_where}",
             [*doc_args, *ann_args, *ann_args]).fetchone()[0]
    all_rels = q(f"SELECT count(*) FROM relations WHERE doc IN ({docs})", doc_args).fetchone()[0]
    return int(anns), int(rels), int(all_rels)
