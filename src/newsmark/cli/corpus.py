"""Commands across articles (issue #18): search, entities, disputes, report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsmark.core.errors import NewsmarkError

_PROJECT = click.argument("project", type=click.Path(path_type=Path))


def _open(project: Path, readonly: bool = False):  # type: ignore[no-untyped-def]
    from newsmark.cli import _open as open_project

    return open_project(project, readonly=readonly)


@click.command()
@_PROJECT
@click.argument("query", required=False, default="")
@click.option("--label", default=None, metavar="L", help="Only annotations with this label (or layer).")
@click.option("--speaker", default=None, metavar="NAME",
              help="Only quotes by this speaker (words of the name, or any name of its canonical entity).")
@click.option("--cue", default=None, metavar="CUE", help="Only quotes with this cue.")
@click.option("--stance", default=None, type=click.Choice(["supports", "opposes", "neutral"]),
              help="Only quotes or entities taking this stance on a disputed point.")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE", help="Only annotations with this attribute value; repeatable.")
@click.option("--annotator", default=None, metavar="NAME", help="Only annotations by this annotator.")
@click.option("--status", "statuses", multiple=True, metavar="S", help="Only documents with this status; repeatable.")
@click.option("--limit", default=200, show_default=True, help="At most this many hits (0: all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit (offsets in code points).")
def search(project: Path, query: str, label: str | None, speaker: str | None, cue: str | None,
           stance: str | None, attrs: tuple[str, ...], annotator: str | None, statuses: tuple[str, ...],
           limit: int, as_json: bool) -> None:
    """Search PROJECT for words and "phrases" (case and accents folded), with annotation
    conditions.  Prints document, start, end, label and the hit in its context."""
    from newsmark.corpus.search import Query, parse_attrs
    from newsmark.corpus.search import search as run

    q = Query(text=query, label=label, speaker=speaker, cue=cue, stance=stance, attrs=parse_attrs(attrs),
              annotator=annotator, status=list(statuses))
    with _open(project, readonly=True) as p:
        hits = run(p, q, limit=limit or None)
    for h in hits:
        if as_json:
            click.echo(json.dumps(h.to_dict(), ensure_ascii=False))
        else:
            who = f" [{h.speaker}]" if h.speaker else ""
            click.echo(f"{h.document}\t{h.start}\t{h.end}\t{h.label or ''}{who}\t{h.before}[{h.text}]{h.after}")
    if not as_json:
        more = " (the first; raise --limit for more)" if limit and len(hits) >= limit else ""
        click.echo(f"{len(hits)} hits{more}", err=True)


@click.group()
def entities() -> None:
    """Entities across articles: list them, merge names into canonical entities."""


@entities.command("list")
@_PROJECT
@click.option("--label", default=None, metavar="L", help="Only entities with this label.")
@click.option("--json", "as_json", is_flag=True)
def entities_list(project: Path, label: str | None, as_json: bool) -> None:
    """Each distinct entity: label, name, mentions, documents, identifier, other spellings."""
    from newsmark.corpus.entities import list_entities

    with _open(project, readonly=True) as p:
        rows = list_entities(p, label)
    for e in rows:
        if as_json:
            click.echo(json.dumps(e.to_dict(), ensure_ascii=False))
        else:
            others = ", ".join(n for n in e.names if n != e.name)
            click.echo(f"{e.label}\t{e.name}\t{e.mentions}\t{e.documents}\t{e.identifier}\t{others}")


@entities.command("merge")
@_PROJECT
@click.argument("label")
@click.argument("names", nargs=-1, required=True)
@click.option("--as", "canonical", default=None, metavar="NAME", help="The canonical name (default: the first).")
@click.option("--id", "identifier", default=None, metavar="ID", help="An identifier, e.g. a Wikidata id.")
def entities_merge(project: Path, label: str, names: tuple[str, ...], canonical: str | None,
                   identifier: str | None) -> None:
    """Merge the mentions named NAMES (with LABEL) into one canonical entity."""
    from newsmark.corpus.entities import merge

    with _open(project) as p:
        merge(p, label, list(names), canonical, identifier)


@entities.command("rename")
@_PROJECT
@click.argument("label")
@click.argument("name")
@click.argument("new_name")
def entities_rename(project: Path, label: str, name: str, new_name: str) -> None:
    """Rename the canonical entity that NAME (with LABEL) belongs to."""
    from newsmark.corpus.entities import find_entity, merge, rename

    with _open(project) as p:
        try:
            rename(p, find_entity(p, label, name), new_name)
        except NewsmarkError:
            merge(p, label, [name], new_name)


@entities.command("identify")
@_PROJECT
@click.argument("label")
@click.argument("name")
@click.argument("identifier")
def entities_identify(project: Path, label: str, name: str, identifier: str) -> None:
    """Give the entity NAME (with LABEL) an identifier such as a Wikidata id ('' removes it)."""
    from newsmark.corpus.entities import merge

    with _open(project) as p:
        merge(p, label, [name], None, identifier)


@entities.command("split")
@_PROJECT
@click.argument("label")
@click.argument("name")
def entities_split(project: Path, label: str, name: str) -> None:
    """Take the spelling NAME out of its canonical entity."""
    from newsmark.corpus.entities import split

    with _open(project) as p:
        split(p, label, name)


@click.group()
def disputes() -> None:
    """Disputed points shared across articles and the stances on them."""


@disputes.command("list")
@_PROJECT
@click.option("--json", "as_json", is_flag=True)
def disputes_list(project: Path, as_json: bool) -> None:
    """Each disputed point with every stance on it: who, stance, quote, document."""
    from newsmark.corpus.disputes import disputed_points

    with _open(project, readonly=True) as p:
        points = disputed_points(p)
    for pt in points:
        if as_json:
            click.echo(json.dumps(pt.to_dict(), ensure_ascii=False))
            continue
        click.echo(f"{pt.id or '-'}\t{pt.proposition}\t{len(pt.stances)} stances\t{pt.documents} documents")
        for s in pt.stances:
            click.echo(f"  {s.who}\t{s.value}\t{s.document}\t{s.quote}")


@disputes.command("add")
@_PROJECT
@click.argument("proposition")
@click.option("--party", "parties", multiple=True, metavar="NAME", help="A party to the dispute; repeatable.")
def disputes_add(project: Path, proposition: str, parties: tuple[str, ...]) -> None:
    """Add a disputed point to the project; prints its id."""
    from newsmark.corpus.disputes import add_point

    with _open(project) as p:
        click.echo(add_point(p, proposition, list(parties)))


@disputes.command("link")
@_PROJECT
@click.argument("doc_id")
@click.argument("annotation_id")
@click.argument("point")
def disputes_link(project: Path, doc_id: str, annotation_id: str, point: str) -> None:
    """Link the DISPUTE annotation ANNOTATION_ID of DOC_ID to the disputed point POINT."""
    from newsmark.corpus.disputes import link

    with _open(project) as p:
        link(p, doc_id, annotation_id, point)


@disputes.command("unlink")
@_PROJECT
@click.argument("doc_id")
@click.argument("annotation_id")
def disputes_unlink(project: Path, doc_id: str, annotation_id: str) -> None:
    """Unlink a DISPUTE annotation from its disputed point."""
    from newsmark.corpus.disputes import unlink

    with _open(project) as p:
        unlink(p, doc_id, annotation_id)


REPORT_SUFFIXES = (".html", ".htm", ".svg", ".png", ".csv")


@click.command()
@_PROJECT
@click.option("-o", "--output", "outputs", multiple=True, required=True, metavar="FILE",
              help="stances.html (map and quotes table), .svg or .png (the map), .csv (the stance "
                   "matrix); repeatable.  Written whole or not at all.")
@click.option("--quotes-csv", default=None, metavar="FILE", type=click.Path(path_type=Path),
              help="Also write the quotes table (speaker, cue, quote, stance, document) as CSV.")
def report(project: Path, outputs: tuple[str, ...], quotes_csv: Path | None) -> None:
    """The stance map of PROJECT: speakers x disputed points, coloured by stance, with counts."""
    from newsmark.core.atomicfile import atomic_write
    from newsmark.corpus import report as rep

    for out in outputs:
        if Path(out).suffix.lower() not in REPORT_SUFFIXES:
            raise click.UsageError(f"{out}: choose a file ending in {', '.join(REPORT_SUFFIXES)}")
    with _open(project, readonly=True) as p:
        m = rep.stance_map(p)
        rows = rep.quotes_table(p) if quotes_csv or any(
            Path(o).suffix.lower() in (".html", ".htm") for o in outputs) else []
    for out in outputs:
        suffix = Path(out).suffix.lower()
        if suffix == ".png":
            _png(rep.render_svg(m), Path(out))
        else:
            data = {".svg": lambda: rep.render_svg(m), ".csv": lambda: rep.matrix_csv(m)}.get(
                suffix, lambda: rep.render_html(m, rows, f"Stance map of {project.stem}"))()
            with atomic_write(out) as f:
                f.write(data.encode("utf-8"))
        click.echo(f"wrote {out}", err=True)
    if quotes_csv is not None:
        with atomic_write(quotes_csv) as f:
            f.write(rep.quotes_csv(rows).encode("utf-8"))
        click.echo(f"wrote {quotes_csv}", err=True)


def _png(svg: str, path: Path) -> None:
    import os

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from newsmark.gui.app import application
    from newsmark.gui.widgets.stance_map import svg_to_png

    application()
    svg_to_png(svg, path)


COMMANDS = [search, entities, disputes, report]
