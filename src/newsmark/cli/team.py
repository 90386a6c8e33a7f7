"""Team commands: merge annotators' files, measure agreement, adjudicate (no Qt here)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsmark.cli import _open


@click.command()
@click.argument("team", type=click.Path(path_type=Path))
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def merge(team: Path, sources: tuple[Path, ...]) -> None:
    """Merge annotators' project files SOURCES into TEAM (created if missing).

    Documents are matched by id (or else by text); a document whose text differs is refused,
    naming both files, and nothing is merged.  Annotations keep their annotator (or take their
    file's name), and their ids are prefixed with the file's name.  Merging again brings each
    file's changes and adds nothing new otherwise."""
    from newsmark.team.merge import merge as do_merge

    click.get_current_context().meta["newsmark.project"] = str(team)
    summary = do_merge(team, list(sources))
    if summary.created:
        click.echo(f"created {team}")
    for line in summary.lines():
        click.echo(line)


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--label", "labels", multiple=True, metavar="L", help="Only this label; repeatable.")
@click.option("--layer", "layers", multiple=True, metavar="X", help="Only this layer (entity, quote, dispute); repeatable.")
@click.option("--annotator", "annotators", multiple=True, metavar="NAME",
              help="Only these annotators; repeatable (default: all but the curator).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--html", "html_out", type=click.Path(path_type=Path), default=None,
              help="Also write an HTML report with heatmaps (labels x annotator pairs).")
def agreement(project: Path, labels: tuple[str, ...], layers: tuple[str, ...],
              annotators: tuple[str, ...], as_json: bool, html_out: Path | None) -> None:
    """Inter-annotator agreement per label and per pair of annotators, over the documents both
    annotated: span F1 (exact, overlap), Cohen's kappa on tokens; Fleiss' kappa and
    Krippendorff's alpha_U over all annotators; relations whose ends match."""
    from newsmark.core.errors import ValidationError
    from newsmark.team.agreement import ALL, project_agreement
    from newsmark.team.report import fmt, render_html

    with _open(project, readonly=True) as p:
        known = {lab.name: lab.layer for lab in p.labels()}
        bad = [lab for lab in labels if lab not in known]
        if bad:
            raise ValidationError(f"no label {', '.join(map(repr, bad))} in this project "
                                  f"(labels: {', '.join(sorted(known))})")
        bad = [x for x in layers if x not in set(known.values())]
        if bad:
            raise ValidationError(f"no layer {', '.join(map(repr, bad))} in this project "
                                  f"(layers: {', '.join(sorted(set(known.values())))})")
        result = project_agreement(p, labels=labels, layers=layers, annotators=annotators)
    if html_out is not None:
        from newsmark.core.atomicfile import atomic_write

        with atomic_write(html_out) as f:
            f.write(render_html(result, f"Agreement: {project.name}").encode("utf-8"))
        click.echo(f"wrote {html_out}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if len(result.annotators) < 2:
        click.echo(f"{len(result.annotators)} annotator(s) in {project}: agreement needs two or more")
        return
    click.echo(f"annotators: {', '.join(result.annotators)}; {result.documents} documents annotated by "
               f"two or more, {result.documents_all} by all; tokens: {result.tokenizer}")
    click.echo(f"\n{'a':<12} {'b':<12} {'label':<12} {'docs':>5} {'|A|':>6} {'|B|':>6} "
               f"{'F1 exact':>9} {'F1 overlap':>10} {'kappa':>7}")
    for r in result.pairs:
        click.echo(f"{r.a:<12} {r.b:<12} {r.label:<12} {r.documents:>5} {r.count_a:>6} {r.count_b:>6} "
                   f"{fmt(r.f1_exact):>9} {fmt(r.f1_overlap):>10} {fmt(r.kappa):>7}")
    click.echo(f"\n{'label':<12} {'Fleiss kappa':>12} {'alpha_U':>8}")
    for lab in [ALL, *result.labels]:
        click.echo(f"{lab:<12} {fmt(result.fleiss_kappa.get(lab)):>12} {fmt(result.alpha_u.get(lab)):>8}")


@click.command()
@click.argument("team", type=click.Path(path_type=Path))
@click.option("--strategy", type=click.Choice(["majority", "unanimous"]), required=True,
              help="majority: spans more than half of a document's annotators made identically; "
                   "unanimous: spans all of them made.")
@click.option("--min", "min_votes", type=int, default=2, show_default=True,
              help="At least this many annotators must have made the span.")
@click.option("--doc", "doc_ids", multiple=True, metavar="ID", help="Only this document; repeatable.")
def adjudicate(team: Path, strategy: str, min_votes: int, doc_ids: tuple[str, ...]) -> None:
    """Fill the curated layer (annotator "curator") of TEAM in bulk: every span and relation
    that enough annotators made identically, in every document at once.  Running it again
    adds nothing.  The rest is left for the window's adjudication view."""
    from newsmark.team.adjudicate import adjudicate as do_adjudicate

    with _open(team) as p:
        for d in doc_ids:
            if not p.has_document(d):
                from newsmark.core.errors import NotFoundError

                raise NotFoundError(f"no document {d!r} in {team}")
        summary = do_adjudicate(p, strategy, min_votes=min_votes, doc_ids=list(doc_ids) or None)
    for line in summary.lines():
        click.echo(line)


COMMANDS = [merge, agreement, adjudicate]
