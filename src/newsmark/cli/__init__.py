"""The command line: a thin shell over the store, formats and ingest layers (no Qt here)."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

try:
    import click

    from newsmark import __version__
    from newsmark.core.errors import NewsmarkError, NotFoundError, ValidationError
    from newsmark.core.model import STATUSES, normalise_status
    from newsmark.core.wording import counted
    from newsmark.formats.registry import EXPORT_FORMATS, IMPORT_FORMATS  # no Qt, light
except ImportError as _e:  # the command line itself cannot start: say what to install
    from newsmark.core.dependencies import missing_dependency as _missing

    if _missing(_e) is None:
        raise  # Newsmark's own module: a bug
    sys.exit(f"newsmark: {_missing(_e)}")

FORMATS_IN = ("auto", *IMPORT_FORMATS)
FORMATS_OUT = tuple(EXPORT_FORMATS)


class _Group(click.Group):
    """Shows the user's errors (NewsmarkError) as messages, never as tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsmarkError as e:
            raise click.ClickException(str(e)) from None
        except ImportError as e:  # a package missing from the installation: one line, no traceback
            from newsmark.core.dependencies import missing_dependency

            missing = missing_dependency(e)
            if missing is None:
                raise  # Newsmark's own module or the standard library: a bug
            raise click.ClickException(str(missing)) from None
        except sqlite3.Error as e:
            from newsmark.store.project import environment_error, is_sqlite_environment_problem

            if not is_sqlite_environment_problem(e):
                raise  # a bug: keep the traceback
            project = Path(ctx.meta.get("newsmark.project", "the project"))
            raise click.ClickException(str(environment_error(project, e))) from None
        except BrokenPipeError:  # e.g. `newsmark export p | head`
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
            ctx.exit(1)
        finally:
            _release_journal(ctx)


def _release_journal(ctx: click.Context) -> None:
    """No -wal and -shm files left beside the project once a command is over (its connections
    are closed; a read-only one cannot remove them itself)."""
    project = ctx.meta.get("newsmark.project")
    if project:
        from newsmark.store.maintenance import release_journal

        release_journal(project)


def _open(project: Path, readonly: bool = False) -> Any:
    """Open the command's project, noting it so that an SQLite error can name it."""
    from newsmark.store.project import Project

    click.get_current_context().meta["newsmark.project"] = str(project)
    opened = Project.open(project, readonly=readonly)
    if opened.journal_note:  # a network share or synced folder (#20)
        click.echo(opened.journal_note, err=True)
    return opened


def _progress(total: int, desc: str, unit: str = "B") -> Any:
    from tqdm import tqdm

    # disable=None: shown only when stderr is a terminal
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=unit == "B", disable=None,
                file=sys.stderr, leave=False)


def _status_option(values: tuple[str, ...]) -> list[str]:
    out = []
    for v in values:
        s = normalise_status(v)
        if s is None:
            raise click.BadParameter(f"{v!r} is not one of {', '.join(STATUSES)}", param_hint="--status")
        out.append(s)
    return out


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="newsmark")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Newsmark: annotate news articles with quotes, entities and disputed points.

    With no command, opens the last project (on first run, a default project in your data
    folder with the sample article).
    """
    if ctx.invoked_subcommand is None:
        if _display_available():
            _run_window(None)
        else:
            click.echo("no display: printing the project instead of opening the window "
                       "(set DISPLAY, or QT_QPA_PLATFORM=offscreen)", err=True)
            _open_default()


def _display_available() -> bool:
    import os

    if os.environ.get("NEWSMARK_NO_WINDOW"):
        return False
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def _run_window(project: Path | None) -> None:
    try:
        from newsmark.gui.app import run
    except ImportError as e:  # Qt, or the system libraries it needs, missing on this machine
        from newsmark.core.dependencies import missing_dependency

        missing = missing_dependency(e, "cannot start the window")
        raise click.ClickException(str(missing or f"cannot start the window: {e}")) from None
    sys.exit(run(project))


def _open_default() -> None:
    from newsmark.store.project import default_project_path

    path = default_project_path()
    project = ensure_default_project(path)
    with project:
        _print_overview(project)


def ensure_default_project(path: Path) -> Any:
    """The default project, created with the sample articles on first use (said on stderr)."""
    from newsmark.ingest.sample import ensure_default_project as ensure

    project, created = ensure(path)
    if created:
        click.echo(f"created {path} with the sample article", err=True)
    return project


def _print_overview(project: Any) -> None:
    click.echo(f"project: {project.path}")
    for s in project.document_summaries():
        click.echo(f"\n{s.title}  [{s.id}, {s.status}, {counted(s.annotations, 'annotation')}]")
        doc = project.document(s.id)
        _print_annotations(doc)


def _print_annotations(doc: Any) -> None:
    for a in doc.annotations:
        attrs = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in a.attributes.items())
        text = a.text if len(a.text) <= 70 else a.text[:69] + "…"
        click.echo(f"  {a.id}  {a.start:>6}-{a.end:<6} {a.label:<9} {json.dumps(text, ensure_ascii=False)}"
                   + (f"  {attrs}" if attrs else ""))
    by_id = {a.id: a for a in doc.annotations}
    for r in doc.relations:
        src, dst = by_id.get(r.from_id), by_id.get(r.to_id)
        attrs = " ".join(f"{k}={v}" for k, v in r.attributes.items())
        click.echo(f"  {r.id}  {r.type}: {src.label if src else '?'} {r.from_id} -> "
                   f"{dst.label if dst else '?'} {r.to_id}" + (f"  {attrs}" if attrs else ""))


@cli.command("open")
@click.argument("project", type=click.Path(path_type=Path))
def open_(project: Path) -> None:
    """Open PROJECT in the window."""
    from newsmark.store.project import Project

    Project.open(project).close()  # a clear message here for a missing or damaged file
    if not _display_available():
        raise click.ClickException("no display to open the window on (set DISPLAY, or QT_QPA_PLATFORM=offscreen)")
    _run_window(project)


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--doc", "doc_id", required=True, help="The document's id.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The file to write: .html, .pdf or .png.")
def render(project: Path, doc_id: str, output: Path) -> None:
    """Write a document as an annotated page (HTML, PDF or PNG by OUTPUT's extension), with a
    legend of labels and the list of quotes with their speakers."""
    import os

    with _open(project, readonly=True) as p:
        doc = p.document(doc_id)
        labels = p.labels()
    if output.suffix.lower() in (".html", ".htm"):
        from newsmark.core.atomicfile import atomic_write
        from newsmark.core.render import render_html

        with atomic_write(output) as f:
            f.write(render_html(doc, labels).encode("utf-8"))
    else:
        if not _display_available():
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # drawing needs no screen
        from newsmark.gui.app import application
        from newsmark.gui.render_qt import render_file

        application()
        written = render_file(doc, labels, output)
        if written != output:  # a long article's PNG comes in pages
            output = Path(f"{written.parent / output.stem}-001…{output.suffix} (pages of a long article)")
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--schema", "schema_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A schema file (JSON) of labels and relation types; default: the news schema.")
def init(project: Path, schema_file: Path | None) -> None:
    """Create a new, empty project file PROJECT."""
    from newsmark.core.schema import load_schema
    from newsmark.store.project import Project

    schema = load_schema(schema_file) if schema_file else None
    with Project.create(project, schema) as p:
        if p.journal_note:  # a network share or synced folder (#20)
            click.echo(p.journal_note, err=True)
        labels = p.labels()
    click.echo(f"created {project} with {counted(len(labels), 'label')}: " + ", ".join(lab.name for lab in labels))


def _import_paths(project: Any, paths: list[Path], *, fmt: str, skip_bad: bool,
                  fields: Any = None, quiet: bool = False, whole_text: bool = False,
                  left_out: list[str] | None = None) -> Any:
    from newsmark.ingest.batch import import_paths
    from newsmark.ingest.collections import FieldMap

    total = sum(p.stat().st_size for p in paths if p.is_file())
    with _progress(0 if quiet else total, "importing") as bar:
        return import_paths(project, paths, kind=fmt, fields=fields or FieldMap(), skip_bad=skip_bad,
                            progress=bar.update, whole_text=whole_text, left_out=left_out or [],
                            on_file=lambda p: bar.set_postfix_str(p.name[-30:], refresh=False))


@cli.command("import")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS_IN), default="auto", show_default=True,
              help="The files' format; auto: by extension, else by content.")
@click.option("--text-field", default="text", show_default=True, metavar="NAME",
              help="JSONL field or CSV column holding the article's text.")
@click.option("--title-field", default="title", show_default=True, metavar="NAME",
              help="JSONL field or CSV column holding the title.")
@click.option("--id-field", default="id", show_default=True, metavar="NAME",
              help="JSONL field or CSV column holding the document id.")
@click.option("--skip-bad", is_flag=True,
              help="Leave out bad records (each listed) instead of refusing their whole file.")
@click.option("--whole-text", is_flag=True,
              help="Keep plain-text files whole: do not cut a saved page's menus, related stories "
                   "and footer from around its article.")
def import_(project: Path, files: tuple[Path, ...], fmt: str, text_field: str, title_field: str,
            id_field: str, skip_bad: bool, whole_text: bool) -> None:
    """Import FILES into PROJECT: native JSONL, JSONL or CSV collections (one article per line
    or row; other fields go to the document's meta), plain text or Markdown, and saved web
    pages (.html: the article's main text and metadata).  Folders are searched recursively.
    A plain-text file that is a whole saved page keeps only its article (the file itself is
    stored with the document); --whole-text keeps it all.

    Each file is imported whole or not at all: a bad record stops that file, naming the file,
    the line and the problem (unless --skip-bad), and the other files go on.  Documents whose
    text is already in the project are skipped as duplicates; importing the same file again
    adds nothing.  Ctrl+C stops the import; the file in progress is not imported.  Exits 1
    when any file failed.
    """
    from newsmark.ingest.batch import expand
    from newsmark.ingest.collections import FieldMap
    from newsmark.store.maintenance import ensure_recent_backup

    left_out: list[str] = []
    paths = list(expand(files, left_out))
    if not paths:
        for line in left_out:
            click.echo(line, err=True)
        raise click.UsageError("no importable files found (.jsonl, .csv, .html, .txt, .md...)")
    with _open(project) as p:
        if p.count_documents():
            ensure_recent_backup(p)  # a big change: keep the state before it (hourly at most)
        try:
            summary = _import_paths(p, paths, fmt=fmt, skip_bad=skip_bad, whole_text=whole_text, left_out=left_out,
                                    fields=FieldMap(text_field, title_field, id_field))
        except KeyboardInterrupt:
            click.echo("cancelled: the file in progress was not imported; the files before it were",
                       err=True)
            sys.exit(130)
    for line in summary.lines():
        click.echo(line)
    for line in summary.failure_lines():
        click.echo(line, err=True)
    if summary.failed:
        sys.exit(1)


@contextlib.contextmanager
def _output(target: str | None) -> Iterator[BinaryIO]:
    from newsmark.core.atomicfile import atomic_write

    if target in (None, "-"):
        yield sys.stdout.buffer
        sys.stdout.flush()
    else:
        with atomic_write(target) as f:
            yield f


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("-o", "--output", default=None, metavar="FILE|FOLDER|-",
              help="Where to write; '-' or nothing for standard output (a folder for brat and citron, a "
                   "file for spacy).  Files are written whole or not at all.")
@click.option("--format", "fmt", type=click.Choice(FORMATS_OUT), default="jsonl", show_default=True,
              help="; ".join(f"{k}: {v[1]}" for k, v in EXPORT_FORMATS.items()))
@click.option("--status", "statuses", multiple=True, metavar="S",
              help=f"Only documents with this status ({', '.join(STATUSES)}); repeatable.")
@click.option("--label", "labels", multiple=True, metavar="L",
              help="Only annotations with this label; repeatable.")
@click.option("--suggestions", is_flag=True,
              help="Native JSONL: include each document's open suggestions ('suggestions' field).")
@click.option("--annotator", "annotators", multiple=True, metavar="NAME",
              help="Only this annotator's layer (a team project's); repeatable.")
@click.option("--curated", is_flag=True, help="Only the curated layer (annotator 'curator').")
def export(project: Path, output: str | None, fmt: str, statuses: tuple[str, ...],
           labels: tuple[str, ...], suggestions: bool, annotators: tuple[str, ...], curated: bool) -> None:
    """Export PROJECT's documents and annotations.  Native JSONL keeps everything; for the
    other formats, whatever the format cannot carry is listed in the summary."""
    from newsmark.formats import jsonl
    from newsmark.formats.registry import write as write_format

    if curated:
        annotators = (*annotators, "curator")
    status_list = _status_option(statuses)
    kind = EXPORT_FORMATS[fmt][0]
    if kind != "file" and output in (None, "-"):
        raise click.UsageError(f"--format {fmt} writes a {kind}: name it with -o")
    with _open(project, readonly=True) as p:
        known = {lab.name for lab in p.labels()}
        unknown = [lab for lab in labels if lab not in known]
        if unknown:
            raise ValidationError(f"no label {', '.join(map(repr, unknown))} in this project "
                                  f"(labels: {', '.join(sorted(known))})")
        filters = {"statuses": status_list, "labels": list(labels)}
        if suggestions and fmt != "jsonl":
            raise click.UsageError("--suggestions is for the native JSONL format only")
        if annotators:
            from newsmark.team.layers import LayerView, annotators_of

            names = annotators_of(p)
            missing = [a for a in annotators if a not in names]
            if missing:
                raise ValidationError(f"no annotation by {', '.join(map(repr, missing))} in this project "
                                      f"(annotators: {', '.join(names) or 'none'})")
            if fmt != "jsonl":
                p = LayerView(p, annotators)
        if fmt == "jsonl":
            total = len(p.document_ids(status_list or None))
            with _progress(total, "exporting", unit="doc") as bar, _output(output) as out:
                write_jsonl = jsonl.write_with_suggestions if suggestions else jsonl.write
                summary = write_jsonl(p, out, progress=bar.update, annotators=list(annotators), **filters)
            lines = summary.lines()
        elif kind == "file":
            with _output(output) as out:
                report = write_format(fmt, p, out, **filters)
            lines = report.lines()
            if fmt == "label-studio" and output not in (None, "-"):
                from newsmark.core.atomicfile import atomic_write
                from newsmark.formats.labelstudio import labeling_config

                config = Path(output).with_suffix(".label-config.xml")
                with atomic_write(config) as f:
                    f.write(labeling_config(p.schema(), report).encode("utf-8"))
                lines.append(f"labelling configuration: {config}")
        else:
            lines = write_format(fmt, p, Path(str(output)), **filters).lines()
    for line in lines:
        click.echo(line + (f" to {output}" if output not in (None, "-") and line.startswith("exported") else ""),
                   err=True)


def _parse_attr(item: str) -> tuple[str, Any]:
    if "=" not in item:
        raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--attr")
    key, raw = item.split("=", 1)
    if not key:
        raise click.BadParameter(f"{item!r} has no key", param_hint="--attr")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    except RecursionError:
        raise click.BadParameter(f"the value of {key!r} is nested too deeply", param_hint="--attr") from None
    return key, value


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--doc", "doc_id", required=True, help="The document's id.")
@click.option("--label", required=True, help="The label to tag with.")
@click.option("--start", type=int, help="Start offset (code points, inclusive).")
@click.option("--end", type=int, help="End offset (code points, exclusive).")
@click.option("--match", "match", help="Tag this exact text instead of giving offsets.")
@click.option("--nth", type=int, default=1, show_default=True,
              help="With --match: which occurrence (1 = first).")
@click.option("--word", "whole_word", is_flag=True,
              help="With --match: only occurrences that are whole words ('Iraq', not 'Iraqi').")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
              help="An attribute; VALUE is read as JSON when it parses, else as text. Repeatable.")
@click.option("--annotator", default=None, help="Who made the annotation.")
@click.option("--note", default=None, help="A free-text note.")
def annotate(project: Path, doc_id: str, label: str, start: int | None, end: int | None,
             match: str | None, nth: int, whole_word: bool, attrs: tuple[str, ...], annotator: str | None,
             note: str | None) -> None:
    """Tag a span of a document (for scripts and tests); prints the new annotation as JSON."""

    if match is None and (start is None or end is None):
        raise click.UsageError("give --start and --end, or --match")
    if match is not None and (start is not None or end is not None):
        raise click.UsageError("give either --start/--end or --match, not both")
    if whole_word and match is None:
        raise click.UsageError("--word goes with --match")
    attributes = dict(_parse_attr(a) for a in attrs)
    with _open(project) as p:
        if match is not None:
            text = p.document(doc_id, with_annotations=False).text
            start, end = find_nth(text, match, nth, whole_word=whole_word)
        assert start is not None and end is not None
        ann = p.add_annotation(doc_id, start, end, label, attributes=attributes,
                               annotator=annotator, note=note)
    click.echo(json.dumps({"id": ann.id, "document": ann.document, "start": ann.start, "end": ann.end,
                           "label": ann.label, "text": ann.text, "attributes": ann.attributes},
                          ensure_ascii=False))


def find_nth(text: str, needle: str, nth: int, *, whole_word: bool = False) -> tuple[int, int]:
    """The span of the ``nth`` (1-based) occurrence of ``needle`` in ``text`` (``whole_word``:
    only where no letter, digit, underscore or combining mark touches it on either side)."""
    if not needle:
        raise ValidationError("--match needs some text")
    if nth < 1:
        raise ValidationError("--nth counts from 1")
    found = _occurrences(text, needle, whole_word)
    for i, pos in enumerate(found, 1):
        if i == nth:
            return pos, pos + len(needle)
    count = sum(1 for _ in _occurrences(text, needle, whole_word))
    what = "time as a whole word" if whole_word else "time"
    raise ValidationError(f"{needle!r} occurs {counted(count, what, what.replace('time', 'times', 1))} "
                          f"in the document, not {nth}")


def _occurrences(text: str, needle: str, whole_word: bool) -> Iterator[int]:
    import unicodedata

    def wordy(c: str) -> bool:
        return c.isalnum() or c == "_" or unicodedata.category(c).startswith("M")

    pos = text.find(needle)
    while pos >= 0:
        end = pos + len(needle)
        if not whole_word or ((pos == 0 or not wordy(text[pos - 1])) and (end == len(text) or not wordy(text[end]))):
            yield pos
        pos = text.find(needle, pos + 1)


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--doc", "doc_id", required=True, help="The document's id.")
@click.option("--type", "rtype", required=True, help="The relation type (said_by, cue, stance...).")
@click.option("--from", "from_id", required=True, help="The id of the annotation it starts at.")
@click.option("--to", "to_id", required=True, help="The id of the annotation it ends at.")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
              help="An attribute, e.g. value=supports for a stance. Repeatable.")
def relate(project: Path, doc_id: str, rtype: str, from_id: str, to_id: str,
           attrs: tuple[str, ...]) -> None:
    """Link two annotations of a document; prints the new relation as JSON."""

    with _open(project) as p:
        rel = p.add_relation(doc_id, rtype, from_id, to_id, attributes=dict(_parse_attr(a) for a in attrs))
    click.echo(json.dumps({"id": rel.id, "document": rel.document, "type": rel.type, "from": rel.from_id,
                           "to": rel.to_id, "attributes": rel.attributes}, ensure_ascii=False))


@cli.command("set-status")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("status")
@click.option("--doc", "doc_ids", multiple=True, required=True, help="A document's id; repeatable.")
def set_status(project: Path, status: str, doc_ids: tuple[str, ...]) -> None:
    """Set documents' STATUS: new, "in progress", done or review."""

    new = normalise_status(status)
    if new is None:
        raise click.BadParameter(f"{status!r} is not one of {', '.join(STATUSES)}", param_hint="STATUS")
    with _open(project) as p:
        missing = [d for d in doc_ids if not p.has_document(d)]
        if missing:  # nothing changed when any is wrong
            raise NotFoundError(f"no document {', '.join(map(repr, missing))} in {project}")
        for doc_id in doc_ids:
            old = p.set_status(doc_id, new)
            click.echo(f"{doc_id}: was {old}, now {new}" if old != new else f"{doc_id}: already {new}")


@cli.command("list")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--status", "statuses", multiple=True, metavar="S", help="Only this status; repeatable.")
def list_(project: Path, statuses: tuple[str, ...]) -> None:
    """List PROJECT's documents: id, status, annotation count, title (tab-separated)."""

    wanted = set(_status_option(statuses))
    with _open(project, readonly=True) as p:
        for s in p.document_summaries():
            if not wanted or s.status in wanted:
                click.echo(f"{s.id}\t{s.status}\t{s.annotations}\t{s.title}")


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(project: Path, as_json: bool) -> None:
    """Counts: documents by status; annotations by label, layer and annotator."""

    with _open(project, readonly=True) as p:
        figures = p.stats()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"{counted(figures['documents'], 'document')}, {counted(figures['annotations'], 'annotation')}, "
               f"{counted(figures['relations'], 'relation')}")
    for title, key in (("documents by status", "by_status"), ("annotations by label", "by_label"),
                       ("annotations by layer", "by_layer"), ("annotations by annotator", "by_annotator"),
                       ("relations by type", "by_relation_type")):
        if figures[key]:
            click.echo(f"\n{title}:")
            for name, n in figures[key].items():
                click.echo(f"  {name:<24} {n:>8}")


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--doc", "doc_id", default=None, help="Only this document.")
def show(project: Path, doc_id: str | None) -> None:
    """Print documents' annotations and relations, one per line."""

    with _open(project, readonly=True) as p:
        if doc_id is None:
            _print_overview(p)
        else:
            doc = p.document(doc_id)
            click.echo(f"{doc.title}  [{doc.id}, {doc.status}, {counted(len(doc.annotations), 'annotation')}]")
            _print_annotations(doc)


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
def schema(project: Path) -> None:
    """Print PROJECT's schema (labels and relation types) as JSON, usable with init --schema."""

    with _open(project, readonly=True) as p:
        click.echo(json.dumps(p.schema().to_dict(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the backup here instead of the project's rolling backups.")
def backup(project: Path, output: Path | None) -> None:
    """Back up PROJECT (safe while it is open elsewhere); by default into PROJECT.backups/,
    keeping the newest five."""
    from newsmark.store.maintenance import make_backup

    with _open(project, readonly=True) as p:
        target = make_backup(p, output)
    click.echo(f"backed up {project} to {target}")


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="The backup to restore; default: the newest rolling backup.")
@click.option("--list", "list_only", is_flag=True, help="List the rolling backups and stop.")
def restore(project: Path, source: Path | None, list_only: bool) -> None:
    """Put a backup in place of PROJECT.  Its current state is kept first: backed up if it can
    be read, otherwise the damaged file is moved aside (never deleted)."""
    from newsmark.store.maintenance import list_backups
    from newsmark.store.maintenance import restore as do_restore

    if list_only:
        for b in list_backups(project):
            click.echo(str(b))
        return
    result = do_restore(project, source)
    click.echo(f"restored {project} from {result.restored_from}")
    if result.saved_current:
        click.echo(f"its previous state is kept in {result.saved_current}")


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
def check(project: Path) -> None:
    """Check PROJECT: SQLite's integrity check, and the data rules (every span's text is its
    slice of the document, every relation's ends exist).  Exits 1 on any problem."""
    from newsmark.store.maintenance import check_file
    from newsmark.store.project import backup_dir

    click.get_current_context().meta["newsmark.project"] = str(project)
    report = check_file(project)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        click.echo(f"backups: {backup_dir(project)} ('newsmark restore --list {project}')", err=True)
        sys.exit(1)


# Commands of capabilities that have rooms of their own live in modules of this package
# (newsmark/cli/<room>.py), each exposing COMMANDS; they are imported explicitly so that
# PyInstaller sees them.  Keep their heavy imports inside the commands.
def _add_room_commands() -> None:
    from newsmark.cli import rooms

    for module in rooms.MODULES:
        for command in module.COMMANDS:
            cli.add_command(command)


_add_room_commands()


def utf8_output() -> None:
    """Write UTF-8 to stdout and stderr whatever the locale: piped or redirected on Windows,
    Python writes the ANSI code page (cp1252...), and a title in Arabic, Cyrillic, CJK or with
    an emoji crashed the command after its edit was stored (#20).  A console keeps its own
    encoding (Windows' console takes any character; a POSIX terminal says what it reads)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if reconfigure is None or encoding in ("utf-8", "utf8"):
            continue
        with contextlib.suppress(OSError, ValueError):
            if stream.isatty() and os.name != "nt":
                reconfigure(errors="backslashreplace")  # a terminal that cannot show it
            else:
                reconfigure(encoding="utf-8", errors="backslashreplace" if stream is sys.stderr else "strict")


def main(argv: list[str] | None = None) -> None:
    import multiprocessing

    multiprocessing.freeze_support()  # web imports extract pages in worker processes
    utf8_output()
    cli.main(args=argv, prog_name="newsmark")


if __name__ == "__main__":
    main()
