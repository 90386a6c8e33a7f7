"""The least a Python import of native JSONL can cost here: a floor for issue #17's 1.5x target.

    python benchmarks/bench_jsonl_floor.py [--docs 10000] [--annotations 100] [--repeat 3] [--workers N]

Makes the file of ``bench_jsonl.py`` and times, in the same run: the baseline (orjson loading and
dumping every line, one process) and an idealised import that does only what any import into this
store must do, with nothing of Newsmark's own code: worker processes (as many as the real import
uses) decode each line into typed structs (msgspec), check the spans with whole-list operations
in C (ends within the text, start before end, each span's text, unique ids), give each annotation
its layer and timestamps, sort them in export order and encode them; the main process writes the
documents, their packed annotations and the full-text index with one executemany per 500
documents, with a rollback journal and synchronous=FULL, as the real first import does.  Left out
(the real import does them): schema rules, speaker marks and search marks, identical annotations,
relation checks beyond their ends, error messages, the take-back reserve and bookkeeping.
With ``--lean`` the workers only check, and each line is stored as it is: the floor of a stored
form without layers, time stamps or export order (the reads, the export among them, would then
sort and complete every annotation).

If this floor is above 1.5x of the baseline on a machine, the real import cannot reach 1.5x there
without leaving Python for the per-annotation work (docs/adr/0008).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from itertools import repeat
from operator import attrgetter, ge
from pathlib import Path
from typing import Any

import msgspec

sys.path.insert(0, str(Path(__file__).parent))
from bench_jsonl import baseline, make_jsonl  # noqa: E402


class _Ann(msgspec.Struct, gc=False):
    id: str
    start: int
    end: int
    label: str
    layer: str | None = None
    text: str | None = None
    attributes: dict[str, Any] = {}
    annotator: str | None = None
    note: str | None = None
    created: str | None = None
    updated: str | None = None


class _Rel(msgspec.Struct, gc=False):
    id: str
    type: str
    from_: str = msgspec.field(name="from")
    to: str = ""
    attributes: dict[str, Any] = {}
    created: str | None = None
    updated: str | None = None


class _Doc(msgspec.Struct, gc=False, forbid_unknown_fields=True):
    text: str
    id: str | None = None
    title: str | None = None
    meta: dict[str, Any] | None = None
    status: str | None = None
    created: str | None = None
    updated: str | None = None
    annotations: list[_Ann] = []
    relations: list[_Rel] = []


_decode = msgspec.json.Decoder(_Doc).decode
_encode = msgspec.json.Encoder().encode
_START, _END, _TEXT, _LABEL, _WHO, _ID = (attrgetter(n) for n in ("start", "end", "text", "label", "annotator", "id"))
_ORDER = attrgetter("start", "end")
LAYERS = {"PERSON": "entity", "ORG": "entity", "GPE": "entity", "DATE": "entity", "QUOTE": "quote", "CUE": "quote"}
STAMP = "2026-12-01T12:00:00.000000+00:00"


def pack_block(path: str, start: int, stop: int, lean: bool = False) -> list[tuple[Any, ...]]:
    """In a worker: the lines of [start, stop) checked, completed, sorted and encoded (``lean``:
    checked only, each line stored as it is)."""
    with open(path, "rb") as f:
        f.seek(start)
        lines = f.read(stop - start).splitlines()
    out = []
    for raw in lines:
        d = _decode(raw)
        text, anns = d.text, d.annotations
        starts, ends = list(map(_START, anns)), list(map(_END, anns))
        if anns and (min(starts) < 0 or max(ends) > len(text) or any(map(ge, starts, ends))):
            raise ValueError("a bad span")
        if list(map(_TEXT, anns)) != list(map(text.__getitem__, map(slice, starts, ends))):
            raise ValueError("a span's text differs")
        ids = list(map(_ID, anns))
        if len(set(ids)) != len(ids):
            raise ValueError("an id twice")
        labels = list(map(_LABEL, anns))
        counts = Counter(zip(labels, map(_WHO, anns), strict=True))
        if lean:  # no layers, time stamps, order nor encoding: the line's own bytes are stored
            seen = set(ids)
            if not all(r.from_ in seen and r.to in seen for r in d.relations):
                raise ValueError("a relation's end is missing")
            out.append((d.id, d.title, text, _encode(d.meta), raw, b"[]",
                        _encode([[label, who, n] for (label, who), n in counts.items()])))
            continue
        list(map(setattr, anns, repeat("layer"), map(LAYERS.__getitem__, labels)))
        list(map(setattr, anns, repeat("created"), repeat(STAMP, len(anns))))
        list(map(setattr, anns, repeat("updated"), repeat(STAMP, len(anns))))
        anns.sort(key=_ORDER)
        seen = set(ids)
        for r in d.relations:
            if r.from_ not in seen or r.to not in seen:
                raise ValueError("a relation's end is missing")
            r.created = r.updated = STAMP
        out.append((d.id, d.title, text, _encode(d.meta), _encode(anns), _encode(d.relations),
                    _encode([[label, who, n] for (label, who), n in counts.items()])))
    return out


def _blocks(path: str, size: int = 1 << 20) -> list[tuple[str, int, int]]:
    total = os.path.getsize(path)
    out = []
    with open(path, "rb") as f:
        pos = 0
        while pos < total:
            f.seek(min(pos + size, total))
            f.readline()
            end = min(f.tell(), total)
            out.append((path, pos, end))
            pos = end
    return out


def floor_import(path: Path, db: Path, workers: int, lean: bool = False) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE documents(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, text TEXT, "
                 "meta TEXT, status TEXT, text_sha256 TEXT, created TEXT, updated TEXT)")
    conn.execute("CREATE INDEX documents_sha ON documents(text_sha256)")
    conn.execute("CREATE TABLE packed(doc TEXT PRIMARY KEY, labels TEXT, annotations TEXT, relations TEXT)")
    conn.execute("CREATE VIRTUAL TABLE search_text USING fts5(text, content='documents', content_rowid='rowid')")
    batch: list[tuple[Any, ...]] = []

    def write() -> None:
        conn.execute("BEGIN IMMEDIATE")
        (last,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()
        conn.executemany(
            "INSERT INTO documents(id, title, text, meta, status, text_sha256, created, updated)"
            " VALUES (?, ?, ?, ?, 'new', ?, ?, ?)",
            [(b[0], b[1], b[2], b[3], hashlib.sha256(b[2].encode()).hexdigest(), STAMP, STAMP) for b in batch])
        conn.executemany("INSERT INTO packed VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT))",
                         [(b[0], b[6], b[4], b[5]) for b in batch])
        conn.execute("INSERT INTO search_text(rowid, text) SELECT rowid, text FROM documents WHERE rowid > ?", (last,))
        conn.execute("COMMIT")
        batch.clear()

    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for result in pool.imap(_pack_lean if lean else _pack_args, _blocks(str(path))):
            batch.extend(result)
            if len(batch) >= 500:
                write()
        if batch:
            write()
    conn.close()


def _pack_args(args: tuple[str, int, int]) -> list[tuple[Any, ...]]:
    return pack_block(*args)


def _pack_lean(args: tuple[str, int, int]) -> list[tuple[Any, ...]]:
    return pack_block(*args, lean=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--annotations", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=max(2, min(4, os.cpu_count() or 1)))
    ap.add_argument("--lean", action="store_true",
                    help="store each line as given (no layers, time stamps, sorting nor encoding): "
                         "the floor of a leaner stored form, whose reads would do that work instead")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        src = tmpd / "in.jsonl"
        size = make_jsonl(src, args.docs, args.annotations)
        print(f"input: {args.docs} documents x {args.annotations} annotations, {size / 1e6:.1f} MB; "
              f"{args.workers} workers on {os.cpu_count()} cores")
        ratios, cpu_ratios = [], []
        for n in range(args.repeat):
            base, base_cpu = baseline(src, tmpd / "baseline.jsonl")
            db = tmpd / f"floor{n}.db"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t, c = time.perf_counter(), time.process_time()
            floor_import(src, db, args.workers, args.lean)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = time.process_time() - c + (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            ratios.append(wall / base)
            cpu_ratios.append(cpu / base_cpu)
            print(f"run {n + 1}: baseline {base:5.2f} s (CPU {base_cpu:.2f}), floor import {wall:5.2f} s "
                  f"(CPU {cpu:.2f}; {wall / base:.2f}x wall, {cpu / base_cpu:.2f}x CPU)", flush=True)
            db.unlink()
        print(f"floor import: {statistics.median(ratios):.2f}x baseline wall, "
              f"{statistics.median(cpu_ratios):.2f}x CPU, medians (issue #17's target for the real import: <= 1.5x)")


if __name__ == "__main__":
    main()
