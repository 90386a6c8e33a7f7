"""The native JSONL import's workers alone: CPU of checking and packing (``jsonl.pack_block``),
of pickling what goes back to the importer, and of the importer's unpickling and ``unpack_line``,
in one process; and a digest of every Record the reader yields, to hold changes to the workers
byte-identical (docs/adr/0008).

    python benchmarks/bench_pack.py [FILE] [--repeat 3] [--profile] [--digest-only]

FILE defaults to bench_jsonl.py's input (10,000 documents x 100 annotations, made in a temporary
folder).  The digest covers the benchmark's lines and edge-case lines (``EDGE_LINES``: bad spans,
texts null, long integers, rules broken...), read with the news schema's layers, rules and
speaker labels and a fixed clock; for each line: whether the fast path took it, and every field
of its Record (document, layers, packed JSON, counts, speaker marks, rule problems, error).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
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

_T = "Ĳssel café 😀 石油 e\u0301 a\r\nb\u00a0c\u2028d\u2029 said the minister"


def _ann(i: int, start: int, end: int, label: str = "PERSON", **kw: Any) -> dict[str, Any]:
    return {"id": f"a{i}", "start": start, "end": end, "label": label, **kw}


def _line(anns: list[dict[str, Any]], rels: list[dict[str, Any]] | None = None, **kw: Any) -> bytes:
    rec = {"id": "e", "title": "Edge", "text": _T, "meta": {"n": 1}, "status": "new", "annotations": anns,
           "relations": rels or [], **kw}
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _deep(n: int) -> Any:
    value: Any = 1
    for _ in range(n):
        value = [value]
    return value


def _edge_lines() -> list[bytes]:
    """Lines that exercise every branch of the fast path and the full path's messages."""
    ok = [_ann(0, 0, 5), _ann(1, 6, 10, "ORG", text=_T[6:10]), _ann(2, 11, 12, "QUOTE", attributes={"speaker": "Al"}),
          _ann(3, 13, 15, "CUE")]
    rel = [{"id": "r0", "type": "said_by", "from": "a2", "to": "a0", "attributes": {}}]
    lines = [
        _line(ok, rel),
        _line([*ok[:1], _ann(1, 6, 10, "ORG", text=None), _ann(2, 1, 3, text=_T[1:3])]),  # a text null among others
        _line([*ok, _ann(4, 3, len(_T) + 1)]),  # end beyond the text
        _line([*ok, _ann(4, len(_T) - 2, len(_T))]),  # end at the text's end
        _line([*ok, _ann(4, 3, 3)]),  # start == end
        _line([*ok, _ann(4, 5, 3)]),  # start > end
        _line([*ok, _ann(4, -1, 3)]),  # start < 0
        _line([*ok, _ann(4, 1, 3, attributes={"n": 2**64})]),  # beyond 64 bits in attributes
        _line([*ok, _ann(4, 1, 3, attributes={"n": [1, {"m": -(2**63) - 1}]})]),
        _line([*ok, _ann(4, 1, 3, attributes={"n": 2**64 - 1, "m": -(2**63)})]),  # just within
        _line([*ok, _ann(4, 1, 3, label="  ")]),  # a label of whitespace
        _line([*ok, _ann(4, 1, 3, label="\u2028")]),
        _line([*ok, _ann(4, 1, 3, label="")]),
        _line([*ok, _ann(0, 1, 3)]),  # an id given twice
        _line([*ok, _ann(4, 1, 3, id="")]),  # an empty id
        _line([*ok, {"start": 1, "end": 3, "label": "GPE"}]),  # no id
        _line([*ok, _ann(4, 1, 3, id=7)]),  # an integer id
        _line(ok, [{"id": "r0", "type": "said_by", "from": "a2", "to": "a2"}]),  # a relation to itself
        _line(ok, [{"id": "r0", "type": "said_by", "from": "a2", "to": "zz"}]),  # to an annotation elsewhere
        _line(ok, [*rel, {"id": "r0", "type": "cue", "from": "a2", "to": "a3"}]),  # a relation id twice
        _line(ok, [{"id": "r0", "type": " ", "from": "a2", "to": "a3"}]),  # a type of whitespace
        _line(ok, [{"id": "r0", "type": "cue", "from": "a2", "to": "a3", "attributes": {"w": 2**70}}]),
        _line([*ok, _ann(4, 0, 5)]),  # identical to a0 (span, label, annotator)
        _line([*ok, _ann(4, 0, 5, annotator="bob")]),  # the same span by another annotator
        _line([*ok, _ann(4, 0, 5, text="wrong")]),  # a text that is not the span's
        _line([*ok, _ann(4, 0, 5, text=5)]),
        _line([*ok, _ann(4, 0, 5, "BRAND NEW", layer="place"), _ann(5, 1, 5, "BRAND NEW", layer="other"),
               _ann(6, 1, 2, "NEWER")]),  # labels the schema lacks
        _line([*ok, _ann(4, 0, 5, "PERSON", layer="quote")]),  # a known label with another layer given
        _line([*ok, _ann(4, 0, 5, layer=7)]),
        _line([*ok, _ann(4, 0, 5, layer="")]),
        _line([*ok, _ann(4, 1, 3, "QUOTE", attributes={"type": "shouted"})]),  # a choice not among its values
        _line([*ok, _ann(4, 1, 3, "QUOTE", attributes={"speaker": 1e100}), _ann(5, 2, 3, "QUOTE",
               attributes={"speaker": True}), _ann(6, 3, 4, "QUOTE", attributes={"speaker": [1, 0.3, "X"]}),
               _ann(7, 4, 5, "QUOTE", attributes={"speaker": "ÉMILE Zola"}), _ann(8, 5, 6, "QUOTE")]),
        _line([*ok, _ann(4, 1, 3, "DISPUTE", attributes={"parties": "not a list"})]),
        _line(ok, [*rel, {"id": "r1", "type": "stance", "from": "a2", "to": "a3"}]),  # stance: no value, not a DISPUTE
        _line(ok, [{"id": "r1", "type": "said_by", "from": "a0", "to": "a1", "attributes": {"x": [1]}}]),
        _line([*ok, _ann(4, 1, 3, attributes={"deep": _deep(40)}),
               _ann(5, 1, 4, attributes={"k": [1]})]),
        _line([*ok, _ann(4, 1, 3, created="c", updated="u"), _ann(5, 1, 4, created="", updated=None)]),
        _line([*ok, _ann(4, 1, 3, note="n", annotator="z", attributes=None)]),
        _line([*ok, _ann(4, 1, 3, attributes=[])]),
        _line([*ok, _ann(4, 1, 3, unknown=1)]),
        _line([*ok, _ann(4, 1.0, 3)]),
        _line([*ok, _ann(4, True, 3)]),
        _line(ok, status="in_progress"),
        _line(ok, status="finished"),
        _line(ok, id=""),
        _line(ok, id=5),
        _line(ok, meta={"big": 2**65}),
        _line(ok, meta=None, title=None, status=None, created="c", updated="u"),
        _line(ok, source="elsewhere"),
        _line([]),
        _line([], annotations=None, relations=None),
        b'{"text": "\\ud800 lone"}\n',
        b'{"text": "abc", "annotations": [{"id": "a", "start": 0, "end": 1, "label": "X"}]}\n',
        b'{"text": "ab\xffc"}\n',
        b"[1, 2]\n",
        b"{not json\n",
        b"\n",
        _line([_ann(i, i % 20, i % 20 + 1 + i % 7, ("PERSON", "ORG", "QUOTE")[i % 3], annotator=("x", None)[i % 2])
               for i in range(60)][::-1]),  # out of order, ties between labels
    ]
    return lines


EDGE_LINES = _edge_lines()


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
        edge.write_bytes(b"".join(EDGE_LINES))
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
