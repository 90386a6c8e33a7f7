"""Native JSONL import and export against the fastest JSON library alone, in the same run.

    python benchmarks/bench_jsonl.py [--docs 10000] [--annotations 100] [--repeat 5]

Makes DOCS documents x ANNOTATIONS annotations (with relations and non-ASCII text), then
times, in this order: the baseline (this process reading every line with orjson.loads and
writing it back with orjson.dumps), `newsmark import` and `newsmark export` (the real CLI in
a child process), each REPEAT times into a fresh project (this VM's timings vary by a third
from run to run).  Prints each run and the median ratios, wall and CPU (the CLI's worker processes
included); targets: import <= 1.5x (issue #17; it was 3x), export <= 2x.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

WORDS = ("the minister said talks were continuing on immunity for troops in Iraq "
         "Ĳssel café 😀 石油 naïve “quoted” government spokesman agreement number").split()


def make_jsonl(path: Path, docs: int, per_doc: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    labels = ["PERSON", "ORG", "GPE", "DATE", "QUOTE", "CUE"]
    with path.open("wb") as f:
        for d in range(docs):
            text = " ".join(rng.choice(WORDS) for _ in range(450))
            anns = []
            for i in range(per_doc):
                start = rng.randrange(0, len(text) - 40)
                end = start + rng.randrange(1, 40)
                anns.append({"id": f"a{i}", "start": start, "end": end, "label": labels[i % 6],
                             "text": text[start:end], "attributes": {"speaker": "X"} if i % 6 == 4 else {},
                             "annotator": "bench", "note": None})
            rels = [{"id": f"r{j}", "type": "said_by", "from": f"a{j * 6 + 4}", "to": f"a{j * 6}",
                     "attributes": {}} for j in range(per_doc // 6)]
            f.write(orjson.dumps({"id": f"doc{d}", "title": f"Article {d}", "text": text,
                                  "meta": {"n": d}, "status": "new", "annotations": anns,
                                  "relations": rels}))
            f.write(b"\n")
    return path.stat().st_size


def baseline(src: Path, dst: Path) -> tuple[float, float]:
    """Wall and CPU time of reading and writing every line with orjson alone."""
    t, c = time.perf_counter(), time.process_time()
    with src.open("rb") as f, dst.open("wb") as out:
        for line in f:
            out.write(orjson.dumps(orjson.loads(line)))
            out.write(b"\n")
    return time.perf_counter() - t, time.process_time() - c


def cli(*args: str) -> tuple[float, float]:
    """Wall and CPU time (user + system, its worker processes included) of a CLI run: on a
    shared VM the wall time also counts other processes' turns and the disk's queue."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsmark", *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--annotations", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        src = tmpd / "in.jsonl"
        size = make_jsonl(src, args.docs, args.annotations)
        print(f"input: {args.docs} documents x {args.annotations} annotations, {size / 1e6:.1f} MB")
        runs = []
        for n in range(args.repeat):
            base, base_cpu = baseline(src, tmpd / "baseline.jsonl")
            proj = tmpd / f"bench{n}.newsmark"
            cli("init", str(proj))
            imp, imp_cpu = cli("import", str(proj), str(src))
            exp, exp_cpu = cli("export", str(proj), "-o", str(tmpd / "out.jsonl"))
            runs.append((base, imp, exp, base_cpu, imp_cpu, exp_cpu))
            print(f"run {n + 1}: baseline {base:5.2f} s (CPU {base_cpu:.2f}), import {imp:6.2f} s "
                  f"(CPU {imp_cpu:.2f}; {imp / base:5.2f}x wall, {imp_cpu / base_cpu:.2f}x CPU), export {exp:5.2f} s "
                  f"(CPU {exp_cpu:.2f}; {exp / base:4.2f}x wall, {exp_cpu / base_cpu:.2f}x CPU)", flush=True)
            out_size = (tmpd / "out.jsonl").stat().st_size
            project_size = os.path.getsize(proj)
            for f in tmpd.glob(f"bench{n}.newsmark*"):
                f.unlink()
        base = statistics.median(r[0] for r in runs)
        imp_x = statistics.median(r[1] / r[0] for r in runs)
        exp_x = statistics.median(r[2] / r[0] for r in runs)
        imp_c = statistics.median(r[4] / r[3] for r in runs)
        exp_c = statistics.median(r[5] / r[3] for r in runs)
        print(f"baseline (orjson loads + dumps, same process): {base:7.2f} s (median of {len(runs)})")
        print(f"newsmark import:                               {imp_x:7.2f}x baseline wall, {imp_c:.2f}x CPU, "
              "medians (target <= 1.5x)")
        print(f"newsmark export:                               {exp_x:7.2f}x baseline wall, {exp_c:.2f}x CPU, "
              "medians (target <= 2x)")
        print(f"project file: {project_size / 1e6:.1f} MB; export: {out_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
