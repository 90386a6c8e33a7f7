"""Importing many files at once: any mix of native JSONL, JSONL and CSV collections, text,
Markdown and saved web pages, folders searched recursively.

One bad file does not stop the rest: it is listed in the summary with its reason.  Each file is
one transaction (large JSONL files: batches of whole documents, taken back on a bad record or a
cancel), so a cancel leaves the project as it was before the file in progress.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from newsmark.core.errors import InputError
from newsmark.core.folders import link_leaving
from newsmark.core.record import Record
from newsmark.ingest.collections import DEFAULT_FIELDS, FieldMap, read_csv
from newsmark.store.importer import ImportSummary, import_records
from newsmark.store.project import Project

SUFFIXES = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".jsonld": "jsonl",
    ".csv": "csv", ".tsv": "csv",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".conll": "conll", ".iob": "conll", ".bio": "conll", ".bioes": "conll", ".iob2": "conll",
}
# JSONL files above this size are written in batches of whole documents, so that the window
# can save edits while a long import runs (a transaction holds the write lock).
BATCHED_IMPORT_BYTES = 16 * 1024 * 1024
BATCH_DOCUMENTS = 500
# a first import's (store/importer.py: nobody else has the project open; one who opens it waits
# for the transaction, ~0.5 s for 2,000 articles of 3,000 characters and 100 annotations)
BULK_BATCH_DOCUMENTS = 2000
JSONL_WORKERS = 4


def expand(paths: Iterable[Path], left_out: list[str] | None = None) -> Iterator[Path]:
    """Files named, and the importable files inside folders named (recursively, sorted,
    hidden ones left out).  Links inside a folder that lead out of it are not followed: each
    is added to ``left_out`` with the reason (newsmark.core.folders)."""
    for p in paths:
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(p).parts):
                    continue
                if not (child.suffix.lower() in SUFFIXES or child.suffix == ".ann"):
                    if child.is_symlink() and child.is_dir() and left_out is not None:
                        why = link_leaving(p, child)  # not walked into: said, when it leads out
                        if why:
                            left_out.append(why)
                    continue
                # a brat pair is read through its .txt: a link out of the folder in either is refused
                pair = [child, child.with_suffix(".ann")] if child.suffix.lower() == ".txt" else [child]
                why = next((w for f in pair if f.is_symlink() or f.exists() for w in [link_leaving(p, f)] if w), None)
                if why:
                    if left_out is not None:
                        left_out.append(why)
                    continue
                if child.is_file() and child.suffix.lower() in SUFFIXES:
                    yield child
                elif child.suffix == ".ann" and not child.with_suffix(".txt").exists():
                    yield child  # reported: a .ann without its .txt
        else:
            yield p


def detect_kind(path: Path) -> str:
    """The kind of a file: by its extension, then by its content (which JSON format, a brat
    pair, a BIO .tsv)."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".ann") and path.with_suffix(".ann").exists() or suffix == ".ann":
        return "brat"
    kind = SUFFIXES.get(suffix)
    if kind == "jsonl":
        return _sniff_json_file(path)
    if suffix == ".tsv" and _looks_like_bio(path):
        return "conll"
    if kind and kind != "text":
        return kind
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return "text"
    from newsmark.formats.registry import sniff_text

    if sniff_text(head):
        return "conll"
    if kind:
        return kind
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "text"


def _sniff_json_file(path: Path) -> str:
    from newsmark.core import jsonutil
    from newsmark.formats.registry import sniff_json

    try:
        with path.open("rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return "jsonl"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if stripped.startswith(b"["):
            return sniff_json(jsonutil.loads(path.read_bytes().lstrip(b"\xef\xbb\xbf")))
        first = stripped.split(b"\n", 1)[0]
        try:
            return sniff_json(jsonutil.loads(first))
        except ValueError:  # a pretty-printed single JSON document
            return sniff_json(jsonutil.loads(path.read_bytes().lstrip(b"\xef\xbb\xbf")))
    except (ValueError, OSError):
        return "jsonl"  # the reader will say what is wrong, with the line


def _looks_like_bio(path: Path) -> bool:
    from newsmark.formats.conll import _TAG, _columns

    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip() and not line.startswith(("#", "-DOCSTART-")):
                    cols = _columns(line.rstrip("\n"))
                    return len(cols) >= 2 and bool(_TAG.match(cols[-1]))
    except OSError:
        pass
    return False


def import_paths(
    project: Project,
    paths: list[Path],
    *,
    kind: str = "auto",
    fields: FieldMap = DEFAULT_FIELDS,
    skip_bad: bool = False,
    progress: Callable[[int], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
    whole_text: bool = False,
    left_out: Iterable[str] = (),
) -> ImportSummary:
    """Import every file; returns the summary.  ``progress`` gets the bytes done since its
    last call; raising ``ImportCancelled`` (or KeyboardInterrupt) from it or from ``on_file``
    stops the import, leaving the file in progress not imported.  Plain-text page dumps keep
    only their article (newsmark.ingest.chrome) unless ``whole_text``.  ``left_out`` lists the
    links ``expand`` did not follow, for the summary.

    A file's failure (bad input) is recorded in ``summary.failed`` and the next file goes on.
    """

    summary = ImportSummary()
    summary.links_left_out += left_out  # by expand(): links leading out of a folder imported
    tick = progress or (lambda n: None)
    group = _Group(project)
    kinds = [detect_kind(p) if kind == "auto" else kind for p in paths]
    pages = [p for p, k in zip(paths, kinds, strict=True) if k == "html"]
    with _Extractor(pages) as extracted:
        try:
            for path, k in zip(paths, kinds, strict=True):
                _import_one_file(project, path, k, fields, skip_bad, summary, tick, on_file, group,
                                 extracted, whole_text)
        finally:
            group.commit()  # the files before a cancel or an error stay imported
    return summary


class _Extractor:
    """Web pages extracted ahead, in worker processes when there are many (extraction is the
    cost of a web import, and it is CPU-bound: one process a core)."""

    def __init__(self, pages: list[Path]) -> None:
        self.pages = pages
        self.pool: Any = None
        self.futures: dict[Path, Any] = {}
        self.queue = list(reversed(pages))

    def __enter__(self) -> _Extractor:
        workers = min(os.cpu_count() or 1, 8)
        if len(self.pages) >= PARALLEL_PAGES and workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn: no fork of a process that may run Qt threads (the window's import dialog)
            from newsmark.formats.jsonl import die_with_parent

            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=die_with_parent, initargs=(os.getpid(),))
            self._fill(workers * 4)
        return self

    def _fill(self, ahead: int) -> None:
        from newsmark.ingest.html import read_html

        while self.queue and len(self.futures) < ahead:
            page = self.queue.pop()
            self.futures[page] = self.pool.submit(read_html, page)

    def record(self, page: Path) -> Record:
        from newsmark.ingest.html import read_html

        future = self.futures.pop(page, None)
        if future is None:
            return read_html(page)
        self._fill((os.cpu_count() or 1) * 4)
        return future.result()  # type: ignore[no-any-return]

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


PARALLEL_PAGES = 50


class _Group:
    """Small files are imported several to a transaction (each file in its own savepoint, so a
    bad or cancelled file is still all or nothing): one commit, and one fsync, per group
    instead of per file.  A group lasts at most GROUP_SECONDS, so the window's edits wait at
    most that long."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.started: float | None = None

    def enter(self) -> None:
        if self.started is None:
            self.project.begin()
            self.started = time.monotonic()

    def maybe_commit(self) -> None:
        if self.started is not None and time.monotonic() - self.started > GROUP_SECONDS:
            self.commit()

    def commit(self) -> None:
        if self.started is not None:
            self.started = None
            self.project.commit()


GROUP_SECONDS = 0.5


def _import_one_file(project: Project, path: Path, k: str, fields: FieldMap, skip_bad: bool,
                     summary: ImportSummary, tick: Callable[[int], None],
                     on_file: Callable[[Path], None] | None, group: _Group,
                     extracted: _Extractor, whole_text: bool = False) -> None:
    from newsmark.formats import jsonl
    from newsmark.ingest.text import read_text

    if on_file:
        on_file(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        summary.failed.append(f"{path}: cannot read the file: {e.strerror or e}")
        return
    try:
        if k == "jsonl":
            big = size > BATCHED_IMPORT_BYTES
            if big:
                group.commit()  # a large file commits in batches of its own
            else:
                group.enter()
            # a large file is checked and packed in worker processes while this one writes
            workers = min(os.cpu_count() or 1, JSONL_WORKERS) if big else 0
            from newsmark.core.rules import Rules
            from newsmark.store.search_index import labels_with_speaker

            reader = functools.partial(jsonl.read, path, tick, (fields.text, fields.title, fields.id),
                                       project.label_layers(), workers,
                                       Rules.of(project.labels(), project.relation_types()),
                                       labels_with_speaker(project.conn))
            import_records(project, reader, summary, source=str(path), skip_bad=skip_bad,
                           batch=BATCH_DOCUMENTS if big else None, bulk_batch=BULK_BATCH_DOCUMENTS)
            group.maybe_commit()
            return
        records: list[Record]
        # a large file of any kind is written in batches, as a large JSONL file is, so that
        # the window's edits get in while it is imported (docs/adr/0003, 0012)
        big = size > BATCHED_IMPORT_BYTES
        if k not in ("csv", "html", "text"):  # a format of another annotation tool
            from newsmark.formats.registry import reader as format_reader

            target = path.with_suffix(".txt") if k == "brat" else path
            if big:
                group.commit()
                import_records(project, functools.partial(format_reader(k), target), summary,
                               source=str(path), skip_bad=skip_bad, batch=BATCH_DOCUMENTS)
            else:
                group.enter()
                import_records(project, list(format_reader(k)(target)), summary, source=str(path),
                               skip_bad=skip_bad)
                group.maybe_commit()
            tick(size)
            return
        if k == "csv" and big:
            group.commit()
            import_records(project, functools.partial(read_csv, path, fields), summary, source=str(path),
                           skip_bad=skip_bad, dedupe_text=True, batch=BATCH_DOCUMENTS)
            tick(size)
            return
        if k == "csv":
            records = list(read_csv(path, fields))
        elif k == "html":
            records = [extracted.record(path)]
        else:
            records = [read_text(path, whole_text=whole_text)]
        group.enter()
        added = summary.documents_added
        import_records(project, records, summary, source=str(path), skip_bad=skip_bad,
                       dedupe_text=True, unique_ids=k != "csv")
        cut = records[0].document.meta.get("main_text") if k == "text" and records[0].document else None
        if cut and summary.documents_added > added:
            summary.trimmed.append(f"{path}: characters {cut['start']}–{cut['end']} of {cut['of']}")
        group.maybe_commit()
        tick(size)
    except InputError as e:  # this file's fault; the environment's (disk full...) stops all
        summary.failed.append(str(e))
