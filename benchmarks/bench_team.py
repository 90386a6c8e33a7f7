"""Team work at scale: agreement, the disagreements list, and merging annotators' files.

    python benchmarks/bench_team.py [--docs 1000] [--spans 100] [--annotators 3] [--files 10] [--repeat 3] [--no-merge]
                                    [--dump PREFIX]

1. Agreement over DOCS documents x ANNOTATORS annotators x SPANS spans each (a team project
   made by merging the annotators' files): `agreement` (every measure, every pair and label;
   in two processes on a machine of two cores or more: the CPU of this one and of the second
   are given, and the load average, as the wall time depends on the machine's other work),
   the same in one process (the figures must be identical), and the disagreements of the whole
   project, timed in this process; targets <= 1 s each.
   (The window's list is timed in tests/gui/test_team_views.py's benchmark-sized run.)
2. Merging FILES annotator files of DOCS documents x SPANS annotations with `newsmark merge`
   (the real CLI, a child process) against the baseline: this process parsing the same data
   as native JSONL with orjson alone, in the same run; target <= 1.5x.
Each REPEAT times; medians.  ``--dump PREFIX`` writes the agreement's JSON (PREFIX.agreement.json)
and the disagreements (PREFIX.disagreements.json) of the project, to compare two versions' results
byte for byte (the data are the same in every run: seeded).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

WORDS = ("the minister said talks were continuing on immunity for troops in Iraq "
         "Ĳssel café 😀 石油 naïve “quoted” government spokesman agreement number").split()
LABELS = ["PERSON", "ORG", "GPE", "DATE", "QUOTE", "CUE"]


def texts(docs: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(450)) for _ in range(docs)]


def make_annotator(path: Path, name: str, docs: list[str], spans: int, seed: int) -> None:
    """One annotator's JSONL: a shared 'truth' per document, each annotator moving, relabelling
    or dropping some spans, so that agreement is neither 0 nor 1."""
    rng = random.Random(seed)
    with path.open("wb") as f:
        for d, text in enumerate(docs):
            truth = random.Random(d)
            anns = []
            for i in range(spans):
                start = truth.randrange(0, len(text) - 40)
                end = start + truth.randrange(1, 40)
                label = LABELS[i % 6]
                r = rng.random()
                if r < 0.1:
                    start = max(0, start - rng.randrange(1, 5))
                elif r < 0.15:
                    label = LABELS[(i + 1) % 6]
                anns.append({"id": f"a{i}", "start": start, "end": end, "label": label,
                             "text": text[start:end], "attributes": {}, "annotator": name, "note": None})
            rels = [{"id": f"r{j}", "type": "said_by", "from": f"a{j * 6 + 4}", "to": f"a{j * 6}",
                     "attributes": {}} for j in range(spans // 6)]
            f.write(orjson.dumps({"id": f"doc{d}", "title": f"Article {d}", "text": text, "meta": {"n": d},
                                  "status": "new", "annotations": anns, "relations": rels}))
            f.write(b"\n")


def cli(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsmark", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def cli_cpu(*args: str) -> tuple[float, float]:
    """Wall and CPU time (user + system) of a CLI run: on a shared VM the wall time also counts
    other processes' turns and the disk's queue."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = cli(*args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def parse_baseline(files: list[Path]) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    loads = orjson.loads
    for path in files:
        with path.open("rb") as f:
            for line in f:
                loads(line)
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--spans", type=int, default=100)
    ap.add_argument("--annotators", type=int, default=3)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-merge", action="store_true", help="agreement and disagreements only (no 10-file merge)")
    ap.add_argument("--dump", metavar="PREFIX", help="write the agreement and disagreements as JSON to compare versions")
    args = ap.parse_args()
    from newsmark.store.project import Project
    from newsmark.team.adjudicate import disagreements
    from newsmark.team.agreement import project_agreement

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        docs = texts(args.docs)
        names = [f"ann{i}" for i in range(args.annotators if args.no_merge else max(args.files, args.annotators))]
        projects = []
        for i, name in enumerate(names):
            src = tmpd / f"{name}.jsonl"
            make_annotator(src, name, docs, args.spans, seed=100 + i)
            proj = tmpd / f"{name}.newsmark"
            cli("init", str(proj))
            cli("import", str(proj), str(src))
            projects.append(proj)
        print(f"{len(names)} annotator files of {args.docs} documents x {args.spans} annotations "
              f"({sum((tmpd / f'{n}.jsonl').stat().st_size for n in names) / 1e6:.0f} MB as JSONL)")

        team = tmpd / "team3.newsmark"
        cli("merge", str(team), *map(str, projects[: args.annotators]))
        agree, listed, agree_cpu, listed_cpu = [], [], [], []
        agree_child, one, one_cpu, loads = [], [], [], []
        with Project.open(team, readonly=True) as p:
            found: list[Any] = []
            for _ in range(args.repeat):
                # each run as the first (a command's): the previous run's results freed, not left
                # for the next to allocate around and the fork to copy the page tables of
                found = []
                gc.collect()
                loads.append(os.getloadavg()[0])
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t, c = time.perf_counter(), time.process_time()
                result = project_agreement(p)  # two processes on two cores or more
                agree.append(time.perf_counter() - t)
                agree_cpu.append(time.process_time() - c)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                agree_child.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                t, c = time.perf_counter(), time.process_time()
                single = project_agreement(p, processes=1)
                one.append(time.perf_counter() - t)
                one_cpu.append(time.process_time() - c)
                assert single.to_dict() == result.to_dict()
                t, c = time.perf_counter(), time.process_time()
                found = disagreements(p)
                listed.append(time.perf_counter() - t)
                listed_cpu.append(time.process_time() - c)
                print(f"  run: agreement {agree[-1]:.3f} s wall, CPU {agree_cpu[-1]:.3f} s here and "
                      f"{agree_child[-1]:.3f} s in the second process (load average {loads[-1]:.2f}); "
                      f"in one process {one[-1]:.3f} s wall, CPU {one_cpu[-1]:.3f} s", flush=True)
        if args.dump:
            Path(f"{args.dump}.agreement.json").write_bytes(
                orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
            Path(f"{args.dump}.disagreements.json").write_bytes(orjson.dumps(
                [{"document": d.document, "start": d.start, "end": d.end,
                  "versions": {who: [[s.id, s.start, s.end, s.label, s.annotator, bytes(s.attributes).decode()]
                                     for s in spans] for who, spans in d.versions.items()},
                  "curated": [[s.id, s.start, s.end, s.label] for s in d.curated]} for d in found],
                option=orjson.OPT_INDENT_2))
        star = result.pair(names[0], names[1], "*")
        print(f"agreement, {args.docs} docs x {args.annotators} annotators x {args.spans} spans: "
              f"{statistics.median(agree):.3f} s median wall, CPU {statistics.median(agree_cpu):.3f} s here and "
              f"{statistics.median(agree_child):.3f} s in the second process "
              f"(runs {', '.join(f'{x:.3f}' for x in agree)}; load average {min(loads):.1f}-{max(loads):.1f} "
              f"on {os.cpu_count()} cores; target <= 1 s); F1 exact {star.f1_exact:.3f}, alpha_U {result.alpha_u['*']:.3f}")
        print(f"  in one process: {statistics.median(one):.3f} s median wall, CPU {statistics.median(one_cpu):.3f} s "
              f"(runs {', '.join(f'{x:.3f}' for x in one)})")
        print(f"disagreements of the project: {len(found)} listed in {statistics.median(listed):.3f} s median, "
              f"CPU {statistics.median(listed_cpu):.3f} s "
              f"(target <= 1 s)")

        if args.no_merge:
            return
        jsonl = [tmpd / f"{n}.jsonl" for n in names[: args.files]]
        runs = []
        for n in range(args.repeat):
            base, base_cpu = parse_baseline(jsonl)
            target = tmpd / f"merged{n}.newsmark"  # not team3, the agreement's project
            took, took_cpu = cli_cpu("merge", str(target), *map(str, projects[: args.files]))
            runs.append((base, took, base_cpu, took_cpu))
            print(f"run {n + 1}: baseline {base:.2f} s (CPU {base_cpu:.2f}), merge {took:.2f} s "
                  f"(CPU {took_cpu:.2f}): {took / base:.2f}x wall, {took_cpu / base_cpu:.2f}x CPU", flush=True)
            for f in tmpd.glob(f"merged{n}.newsmark*"):
                f.unlink()
        ratio = statistics.median(r[1] / r[0] for r in runs)
        ratio_cpu = statistics.median(r[3] / r[2] for r in runs)
        print(f"merge of {args.files} files: {ratio:.2f}x the orjson parse (wall), {ratio_cpu:.2f}x (CPU), "
              "medians (target <= 1.5x)")


if __name__ == "__main__":
    main()
