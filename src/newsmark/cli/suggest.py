"""``newsmark suggest`` and ``newsmark evaluate``: recommenders over a project (issue #16)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsmark.cli import _open, _progress, _status_option
from newsmark.core.model import STATUSES

_RECOMMENDER_HELP = "quotes, strings or spacy:MODEL (a spaCy package name or path)"


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--doc", "doc_ids", multiple=True, metavar="ID", help="Only this document; repeatable.")
@click.option("--status", "statuses", multiple=True, metavar="S",
              help=f"Only documents with this status ({', '.join(STATUSES)}); repeatable.")
@click.option("--recommender", "names", multiple=True, metavar="NAME",
              help=f"Which recommender: {_RECOMMENDER_HELP}; repeatable (default: quotes).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Keep only suggestions scored at least this.")
@click.option("--accept", is_flag=True,
              help="Store the suggestions as annotations (annotator suggest:NAME), to pre-annotate "
                   "a corpus before people review it.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: one per core, up to 4).")
def suggest(project: Path, doc_ids: tuple[str, ...], statuses: tuple[str, ...], names: tuple[str, ...],
            min_score: float, accept: bool, workers: int | None) -> None:
    """Compute suggestions for PROJECT's documents and store them apart from the annotations
    (the window shows them; 'export --suggestions' writes them).  A suggestion rejected in the
    window is not made again."""
    from newsmark.core.errors import NotFoundError
    from newsmark.suggest.run import run

    status_list = _status_option(statuses)
    with _open(project) as p:
        ids = list(doc_ids) if doc_ids else p.document_ids(status_list or None)
        for d in doc_ids:
            if not p.has_document(d):
                raise NotFoundError(f"no document {d!r} in {project}")
        if doc_ids and status_list:
            wanted = set(p.document_ids(status_list))
            ids = [d for d in ids if d in wanted]
        with _progress(len(ids), "suggesting", unit="doc") as bar:
            summary = run(p, ids, list(names) or ["quotes"], min_score=min_score, accept=accept,
                          workers=workers, progress=bar.update)
    for line in summary.lines():
        click.echo(line, err=True)


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--recommender", "name", required=True, metavar="NAME", help=_RECOMMENDER_HELP)
@click.option("--status", "statuses", multiple=True, metavar="S", default=("done",), show_default=True,
              help="The documents whose annotations are the gold standard; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(project: Path, name: str, statuses: tuple[str, ...], as_json: bool) -> None:
    """How good a recommender is on PROJECT's own finished documents: precision, recall and
    F1 per label (exact and overlapping spans); for quotes, also whether speaker and cue are
    right.  The recommender sees each text without its annotations."""
    from newsmark.suggest.run import evaluate as run_evaluate

    status_list = _status_option(statuses)
    with _open(project, readonly=True) as p:
        n = len(p.document_ids(status_list))
        if n == 0:
            raise click.ClickException(f"no documents with status {', '.join(status_list)} in {project} to "
                                       "evaluate against")
        with _progress(n, "evaluating", unit="doc") as bar:
            report = run_evaluate(p, name, statuses=status_list, progress=bar.update)
    rows = report.rows()
    q = report.quotes
    if as_json:
        out = {"recommender": name, "documents": report.documents,
               "labels": {r[0]: {"predicted": r[1], "gold": r[2],
                                 "exact": {"precision": r[3], "recall": r[4], "f1": r[5]},
                                 "overlap": {"precision": r[6], "recall": r[7], "f1": r[8]}} for r in rows}}
        if q.predicted or q.gold:
            out["quotes"] = {"precision": q.precision, "recall": q.recall, "recall_quote_marked": q.recall_marked,
                             "speaker": q.speaker, "cue": q.cue, "predicted": q.predicted, "gold": q.gold}
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"{name} on {report.documents} documents ({', '.join(status_list)})")
    click.echo(f"{'label':<10} {'pred':>6} {'gold':>6}   {'exact P':>7} {'R':>6} {'F1':>6}   "
               f"{'overlap P':>9} {'R':>6} {'F1':>6}")
    for label, pred, gold, p_e, r_e, f_e, p_o, r_o, f_o in rows:
        click.echo(f"{label:<10} {pred:>6} {gold:>6}   {p_e:>7.3f} {r_e:>6.3f} {f_e:>6.3f}   "
                   f"{p_o:>9.3f} {r_o:>6.3f} {f_o:>6.3f}")
    if q.predicted or q.gold:
        click.echo(f"quotes (overlap): precision {q.precision:.3f}, recall {q.recall:.3f} "
                   f"(quote-marked {q.recall_marked:.3f}), speaker right {q.speaker:.3f}, "
                   f"cue right {q.cue:.3f}")


COMMANDS = [suggest, evaluate]
