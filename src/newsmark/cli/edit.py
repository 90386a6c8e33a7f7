"""Commands that read and change one document's annotations by hand, for scripts and for
annotating from a terminal: ``text`` (the text with its offsets), ``change`` and ``delete``.
``annotate`` and ``relate`` (in the main module) make new ones."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsmark.cli import _open, _parse_attr
from newsmark.core.errors import NotFoundError, ValidationError
from newsmark.core.wording import counted


def _visible(line: str) -> str:
    """A line as printed: tabs and other control characters shown, so that counting the
    characters of what is printed gives the offsets."""
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" if ord(c) < 0x10000
                   else f"\\U{ord(c):08x}" for c in line)


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--doc", "doc_id", required=True, help="The document's id.")
@click.option("--start", type=click.IntRange(min=0), default=0, show_default=True,
              help="From this offset (code points).")
@click.option("--end", type=click.IntRange(min=0), default=None, help="Up to this offset (exclusive).")
def text(project: Path, doc_id: str, start: int, end: int | None) -> None:
    """Print a document's text, each line after its offset (code points, as annotate's
    --start/--end count them).  Line breaks (LF, CRLF, CR, U+2028/U+2029...) end the printed
    lines; other control characters are shown as \\uXXXX escapes, each counting one."""
    with _open(project, readonly=True) as p:
        whole = p.document(doc_id, with_annotations=False).text
    if start > len(whole):
        raise ValidationError(f"--start {start} is after the end of the text ({counted(len(whole), 'character')})")
    end = len(whole) if end is None else min(end, len(whole))
    if start > end:
        raise ValidationError(f"--start {start} is after --end {end} (the text has {counted(len(whole), 'character')})")
    width = len(str(len(whole)))
    pos = start
    for line in whole[start:end].splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        click.echo(f"{pos:>{width}}  {_visible(body)}")
        pos += len(line)


def _ids_in(p: object, doc_id: str, ids: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Which of ``ids`` are annotations and which relations of the document; names the missing."""
    from newsmark.store.project import Project

    assert isinstance(p, Project)
    ann_ids = {a.id for a in p.annotations(doc_id)}
    rel_ids = {r.id for r in p.relations(doc_id)}
    missing = [i for i in ids if i not in ann_ids and i not in rel_ids]
    if missing:
        raise NotFoundError(f"no annotation or relation {', '.join(map(repr, missing))} in document {doc_id!r}")
    both = [i for i in ids if i in ann_ids and i in rel_ids]
    if both:  # ids are unique among annotations and among relations, not across the two
        raise ValidationError(f"{', '.join(map(repr, both))} names both an annotation and a relation of document "
                              f"{doc_id!r}, so which one is meant is not clear: nothing deleted (the window tells them apart)")
    return [i for i in ids if i in ann_ids], [i for i in ids if i in rel_ids]


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("ids", nargs=-1, required=True)
@click.option("--doc", "doc_id", required=True, help="The document's id.")
def delete(project: Path, ids: tuple[str, ...], doc_id: str) -> None:
    """Delete annotations and relations of a document by id (as 'show' prints them).  Deleting
    an annotation deletes the relations that start or end at it.  All or nothing: when any id
    is unknown, nothing is deleted."""
    with _open(project) as p:
        if not p.has_document(doc_id):
            raise NotFoundError(f"no document {doc_id!r} in {project}")
        ann_ids, rel_ids = _ids_in(p, doc_id, tuple(dict.fromkeys(ids)))
        anns = rels = 0
        with p.write():  # one transaction: every id or none
            gone: set[str] = set()
            for ann_id in ann_ids:
                _, linked = p.delete_annotation(doc_id, ann_id)
                anns += 1
                new = {r.id for r in linked} - gone
                rels += len(new)
                gone |= new
            for rel_id in rel_ids:
                if rel_id not in gone:
                    p.delete_relation(doc_id, rel_id)
                    rels += 1
    click.echo(f"deleted {counted(anns, 'annotation')} and {counted(rels, 'relation')}")


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("ann_id", metavar="ID")
@click.option("--doc", "doc_id", required=True, help="The document's id.")
@click.option("--label", default=None, help="A new label.")
@click.option("--start", type=int, default=None, help="A new start offset (code points).")
@click.option("--end", type=int, default=None, help="A new end offset (code points, exclusive).")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
              help="Set an attribute (VALUE read as JSON when it parses); repeatable.")
@click.option("--unset", "unset", multiple=True, metavar="KEY", help="Remove an attribute; repeatable.")
@click.option("--note", default=None, help="A new note ('' removes it).")
def change(project: Path, ann_id: str, doc_id: str, label: str | None, start: int | None, end: int | None,
           attrs: tuple[str, ...], unset: tuple[str, ...], note: str | None) -> None:
    """Change annotation ID of a document: its label, span, attributes or note; prints it as
    JSON.  Its relations stay."""
    from newsmark.store.project import KEEP

    if label is None and start is None and end is None and not attrs and not unset and note is None:
        raise click.UsageError("nothing to change: give --label, --start, --end, --attr, --unset or --note")
    with _open(project) as p:
        old = p.annotation(doc_id, ann_id)
        attributes = None
        if attrs or unset:
            attributes = dict(old.attributes)
            for key in unset:
                if key not in attributes:
                    raise ValidationError(f"annotation {ann_id!r} has no attribute {key!r}")
                del attributes[key]
            attributes.update(_parse_attr(a) for a in attrs)
        new = p.update_annotation(doc_id, ann_id, start=start, end=end, label=label, attributes=attributes,
                                  note=KEEP if note is None else (note or None))
    click.echo(json.dumps({"id": new.id, "document": new.document, "start": new.start, "end": new.end,
                           "label": new.label, "text": new.text, "attributes": new.attributes,
                           "note": new.note}, ensure_ascii=False))


COMMANDS = [text, delete, change]
