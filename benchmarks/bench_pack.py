"""The native JSONL import's workers alone: CPU of checking and packing (``jsonl.pack_block``),
of pickling what goes back to the importer, and of the importer's unpickling and ``unpack_line``,
in one process; and a digest of every Record the reader yields, to hold changes to the workers
byte-identical (docs/adr/0008).

    python benchmarks/bench_pack.py [FILE] [--repeat 3] [--profile] [--digest-only]

FILE defaults to bench_jsonl.py's input (10,000 documents x 100 annotations, made in a temporary
folder).  The digest covers the benchmark's lines and edge-case lines (the cases of
tests/formats/test_pack_lines.py: bad spans, texts null, long integers, rules broken...), read with the news schema's layers, rules and
speaker labels and a fixed clock; for each line: whether the fast path took it, and every field
of its Record (document, layers, packed JSON, counts, speaker marks, rule problems, error).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsmark.core import model  # noqa: E402
from newsmark.core.rules import Rules  # noqa: E402
from newsmark.core.schema import load_schema  # noqa: E402
from newsmark.formats import jsonl, records  # noqa: E402
from newsmark.resources import default_schema_path  # noqa: E402

FIXED_STAMP = "2026-01-01T00:00:00.000Z"

def _edge_lines() -> list[bytes]:
    """Lines that exercise every branch of the fast path and the full path's messages (the
    cases of tests/formats/test_pack_lines.py)."""
    from tests.formats.test_pack_lines import EDGE_LINES as lines

    return lines


def _news() -> tuple[dict[str, str], Rules, frozenset[str]]:
    schema = load_schema(default_schema_path())
    layers = {lab.name: lab.layer for lab in schema.labels}
    speakers = frozenset(lab.name for lab in schema.labels if any(a.name == "speaker" for a in lab.attributes))
    return layers, Rules.of(schema.labels, schema.relation_types), speakers


def _fixed_clock() -> None:
    ids = itertools.count()
    for module in (records, jsonl, model):
        if hasattr(module, "now"):
            module.now = lambda: FIXED_STAMP  # type: ignore[attr-defined]
    records.new_id = lambda: f"gen{next(ids)}"  # type: ignore[attr-defined]


def _canonical(rec: Any, fast: bool) -> bytes:
    d = rec.document
    pk = rec.packed
    parts: list[Any] = [rec.line, fast]
    if rec.error is not None:
        parts.append(("error", str(rec.error)))
    if d is not None:
        parts.append((d.id, d.title, d.text, d.meta, d.status, d.created, d.updated,
                      [a.__dict__ if hasattr(a, "__dict__") else repr(a) for a in d.annotations], d.relations))
    parts += [sorted(rec.label_layers.items()), list(rec.label_layers), rec.id_given, rec.sha256, rec.rule_problems]
    if rec.native is not None:
        parts.append(("native", repr(rec.native)))
    if pk is not None:
        parts.append((pk.annotations, pk.relations, pk.label_counts, pk.type_counts, pk.annotation_count,
                       pk.relation_count, list(pk.layers.items()), pk.speakers,
                       None if pk.speaker_labels is None else sorted(pk.speaker_labels)))
    return repr(parts).encode()


def read_all(path: Path, layers: dict[str, str], rules: Rules, speakers: frozenset[str]) -> list[tuple[Any, bool]]:
    """Every Record of the file as the workers' reader yields them (in this process), with
    whether the fast path took its line."""
    size = path.stat().st_size
    out = []
    number = 0
    snapshot = dict(layers)
    for start in range(0, size, jsonl.BLOCK_BYTES):
        lengths, results = jsonl.pack_block(str(path), start, min(start + jsonl.BLOCK_BYTES, size), snapshot,
                                            rules, speakers)
        results = pickle.loads(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
        for _length, result in zip(lengths, results, strict=True):
            number += 1
            if type(result) is tuple:
                out.append((records.unpack_line(number, result, speakers), True))
            elif result.strip():
                out.append((jsonl._packed(jsonl.parse_line(result, path, number), layers, rules, speakers), False))
    return out


def digest(path: Path) -> tuple[str, str, int]:
    _fixed_clock()
    layers, rules, speakers = _news()
    with tempfile.TemporaryDirectory() as tmp:
        edge = Path(tmp) / "edge.jsonl"
        edge.write_bytes(b"".join(_edge_lines()))
        edge_recs = read_all(edge, dict(layers), rules, speakers)
    h_edge = hashlib.sha256()
    for rec, fast in edge_recs:
        h_edge.update(_canonical(rec, fast).replace(repr(str(edge)).strip("'").encode(), b"EDGE"))
    h = hashlib.sha256()
    n_fast = 0
    for rec, fast in read_all(path, dict(layers), rules, speakers):
        h.update(_canonical(rec, fast))
        n_fast += fast
    return h.hexdigest(), h_edge.hexdigest(), n_fast


def timings(path: Path, repeat: int, profile: bool) -> None:
    layers, rules, speakers = _news()
    size = path.stat().st_size
    name = str(path)
    for run in range(repeat):
        load = os.getloadavg()[0]
        pack_cpu = pickle_cpu = unpack_cpu = 0.0
        pickled = 0
        prof = None
        if profile:
            import cProfile

            prof = cProfile.Profile()
        snapshot = dict(layers)
        for start in range(0, size, jsonl.BLOCK_BYTES):
            c = time.process_time()
            if prof:
                prof.enable()
            lengths, results = jsonl.pack_block(name, start, min(start + jsonl.BLOCK_BYTES, size), snapshot,
                                                rules, speakers)
            if prof:
                prof.disable()
            c2 = time.process_time()
            data = pickle.dumps((lengths, results), protocol=pickle.HIGHEST_PROTOCOL)
            c3 = time.process_time()
            _, back = pickle.loads(data)
            for i, result in enumerate(back):
                if type(result) is tuple:
                    records.unpack_line(i, result, speakers)
            c4 = time.process_time()
            pack_cpu += c2 - c
            pickle_cpu += c3 - c2
            unpack_cpu += c4 - c3
            pickled += len(data)
        print(f"run {run + 1} (load {load:.2f}): pack_block {pack_cpu:.2f} s CPU, pickling {pickle_cpu:.2f} s "
              f"({pickled / 1e6:.0f} MB), workers' total {pack_cpu + pickle_cpu:.2f} s; importer's unpickling and "
              f"unpack_line {unpack_cpu:.2f} s", flush=True)
        if prof:
            import pstats

            pstats.Stats(prof).sort_stats("tottime").print_stats(20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--digest-only", action="store_true")
    ap.add_argument("--no-digest", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file
        if path is None:
            from benchmarks.bench_jsonl import make_jsonl

            path = Path(tmp) / "in.jsonl"
            make_jsonl(path, 10_000, 100)
        if not args.digest_only:
            timings(path, args.repeat, args.profile)
        if not args.no_digest:
            d, e, n_fast = digest(path)
            print(f"digest {d} (fast path: {n_fast} lines); edge lines {e}")


if __name__ == "__main__":
    main()
