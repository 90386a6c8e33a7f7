"""Search and the views across articles (issue #18).

    python benchmarks/bench_corpus.py [--docs 100000] [--annotations 12] [--views-docs 10000] [--imports 1]

Makes DOCS articles (~150 words, ANNOTATIONS annotations each: people from a pool of 400
names, quotes with speakers and cues, a DISPUTE and stances), imports them (native JSONL, as
`newsmark import` does) into a project with the search index and into one without it (its
triggers and tables dropped first), and prints:
  - import time and file size with the index against without (targets: <= +25%, <= +40%);
    with --imports N, N pairs of imports, the order alternating, and their medians;
  - the median of 20 queries of each kind (words, a phrase, label, speaker, label + words;
    the first 200 hits, as the CLI and window show them) (target: <= 50 ms);
  - on a project of VIEWS_DOCS articles: the Entities list, the disputed points with every
    stance, and the stance map (target: <= 1 s each).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from newsmark.corpus import disputes, entities, report  # noqa: E402
from newsmark.corpus.search import Query, search  # noqa: E402
from newsmark.ingest.batch import import_paths  # noqa: E402
from newsmark.store import Project, search_index  # noqa: E402

WORDS = ("the minister said talks were continuing on immunity for troops in Iraq and the government "
         "spokesman insisted that agreement on the number was needed before the vote café naïve "
         "Ĳssel 石油 😀 prosecution withdrawal parliament coalition budget election").split()
FIRST = "Leon Ali Nouri Hoshyar Maria Chen Olga Kwame Sofia Rahul Ines Tomas Aiko Omar Lena Pablo Yusuf Ana Ivan Mei".split()
LAST = "Panetta al-Dabbagh al-Maliki Zebari Silva Wei Petrova Mensah Rossi Gupta Duarte Novak Sato Haddad Berg".split()
PROPS = [f"Point {k}: " + w for k, w in enumerate(("troops keep immunity", "the budget passes", "the vote is delayed",
                                                     "contractors lose immunity", "the coalition holds"))]


def make_jsonl(path: Path, docs: int, per_doc: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    names = [f"{f} {la}" for f in FIRST for la in LAST]
    with path.open("wb") as f:
        for d in range(docs):
            speaker = rng.choice(names)
            prop = rng.choice(PROPS)
            quote = " ".join(rng.choice(WORDS) for _ in range(12))
            body = " ".join(rng.choice(WORDS) for _ in range(130))
            text = f"{speaker} said that “{quote}”. {body} The dispute: {prop}."
            s = 0
            c = len(speaker) + 1
            q = text.index("“") + 1
            x = text.index(prop)
            anns = [{"id": "p", "start": s, "end": len(speaker), "label": "PERSON", "text": speaker},
                    {"id": "c", "start": c, "end": c + 4, "label": "CUE", "text": "said"},
                    {"id": "q", "start": q, "end": q + len(quote), "label": "QUOTE", "text": quote,
                     "attributes": {"speaker": speaker, "cue": "said", "type": "direct"}},
                    {"id": "x", "start": x, "end": x + len(prop), "label": "DISPUTE", "text": prop,
                     "attributes": {"proposition": prop}}]
            for i in range(max(0, per_doc - 4)):
                st = rng.randrange(q + len(quote) + 2, x - 20)
                anns.append({"id": f"a{i}", "start": st, "end": st + 10, "label": rng.choice(["ORG", "GPE", "DATE"]),
                             "text": text[st:st + 10]})
            rels = [{"id": "r1", "type": "said_by", "from": "q", "to": "p"},
                    {"id": "r2", "type": "cue", "from": "q", "to": "c"},
                    {"id": "r3", "type": "stance", "from": "q", "to": "x",
                     "attributes": {"value": rng.choice(["supports", "opposes", "neutral"])}}]
            f.write(orjson.dumps({"id": f"doc{d}", "title": f"Article {d}", "text": text, "status": "new",
                                  "annotations": anns, "relations": rels}) + b"\n")


def without_index(p: Project) -> None:
    """The project as it was before the index: its triggers and tables gone, and the store's
    writes of marks and deferred indexing made no-ops (restored by ``with_index``)."""
    with p.write():
        for (name,) in p.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                      " AND (name LIKE 'search_%')").fetchall():
            p.conn.execute(f"DROP TRIGGER {name}")
        p.conn.execute("DROP TABLE search_text")
        for table in ("search_marks", "search_marks_fts", "search_doc_marks", "search_mark_names"):
            p.conn.execute(f"DROP TABLE {table}")
    search_index.packed_marks = lambda *a: None  # type: ignore[assignment]
    search_index.deferred = lambda conn: contextlib.nullcontext()  # type: ignore[assignment]


_REAL = (search_index.packed_marks, search_index.deferred)


def with_index() -> None:
    search_index.packed_marks, search_index.deferred = _REAL  # type: ignore[assignment]


def size(path: Path) -> int:
    return sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())


def imported(path: Path, src: Path, index: bool) -> tuple[float, float]:
    """(wall, CPU) seconds of the import (CPU of this process: the JSONL workers not counted,
    the same in both)."""
    p = Project.create(path)
    if index:
        with_index()
    else:
        without_index(p)
    t, c = time.perf_counter(), time.process_time()
    import_paths(p, [src])
    elapsed = time.perf_counter() - t, time.process_time() - c
    p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    p.close()
    return elapsed


def timed(fn: object, n: int) -> tuple[float, float]:
    """The median wall and CPU seconds of ``n`` calls (the machine may be shared: CPU beside wall)."""
    times, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--annotations", type=int, default=12)
    ap.add_argument("--views-docs", type=int, default=10_000)
    ap.add_argument("--imports", type=int, default=1,
                    help="pairs of imports (without and with the index, the order alternating): medians")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        src = tmpd / "in.jsonl"
        make_jsonl(src, args.docs, args.annotations)
        print(f"{args.docs:,} documents x {args.annotations} annotations")
        pairs = []
        for k in range(args.imports):  # on a shared machine, the load changes between imports
            for f in tmpd.glob("*.newsmark*"):
                f.unlink()
            if k % 2:
                indexed = imported(tmpd / "indexed.newsmark", src, index=True)
                plain = imported(tmpd / "plain.newsmark", src, index=False)
            else:
                plain = imported(tmpd / "plain.newsmark", src, index=False)
                indexed = imported(tmpd / "indexed.newsmark", src, index=True)
            pairs.append((plain, indexed))
            if args.imports > 1:
                print(f"  import {k + 1}: without {plain[0]:.1f} s (CPU {plain[1]:.1f} s), with {indexed[0]:.1f} s"
                      f" (CPU {indexed[1]:.1f} s): {(indexed[0] / plain[0] - 1) * 100:+.0f}% wall,"
                      f" {(indexed[1] / plain[1] - 1) * 100:+.0f}% CPU")
        plain = (statistics.median(p[0][0] for p in pairs), statistics.median(p[0][1] for p in pairs))
        indexed = (statistics.median(p[1][0] for p in pairs), statistics.median(p[1][1] for p in pairs))
        s0, s1 = size(tmpd / "plain.newsmark"), size(tmpd / "indexed.newsmark")
        print(f"import without the index {plain[0]:7.1f} s, with it {indexed[0]:7.1f} s: "
              f"{(indexed[0] / plain[0] - 1) * 100:+.0f}% (target <= +25%); CPU {plain[1]:.1f} s vs "
              f"{indexed[1]:.1f} s: {(indexed[1] / plain[1] - 1) * 100:+.0f}%")
        print(f"file without the index {s0 / 1e6:7.1f} MB, with it {s1 / 1e6:7.1f} MB: "
              f"{(s1 / s0 - 1) * 100:+.0f}% (target <= +40%)")
        p = Project.open(tmpd / "indexed.newsmark", readonly=True)
        rng = random.Random(3)
        kinds = {
            "a word": lambda: Query(rng.choice(WORDS[:20])),
            "a phrase": lambda: Query('"' + " ".join(rng.sample(WORDS[:8], 2)) + '"'),
            "a rare word": lambda: Query(rng.choice(["Ĳssel", "石油", "naive", "parliament"])),
            "label": lambda: Query(label=rng.choice(["QUOTE", "DISPUTE", "ORG"])),
            "speaker": lambda: Query(speaker=f"{rng.choice(FIRST)} {rng.choice(LAST)}"),
            "label + words": lambda: Query(rng.choice(WORDS[:20]), label="QUOTE"),
        }
        for kind, make in kinds.items():
            queries = [make() for _ in range(20)]
            it = iter(queries)
            med, cpu = timed(lambda it=it: search(p, next(it), limit=200), len(queries))
            print(f"search, {kind:<14} median {med * 1000:7.1f} ms of 20, CPU {cpu * 1000:5.1f} ms (target <= 50 ms)")
        p.close()
        views = tmpd / "views.jsonl"
        make_jsonl(views, args.views_docs, args.annotations, seed=5)
        imported(tmpd / "views.newsmark", views, index=True)
        v = Project.open(tmpd / "views.newsmark")
        entities.merge(v, "PERSON", ["Leon Panetta", "Mr Panetta"])
        for name, fn in (("Entities view", lambda: entities.list_entities(v)),
                         ("Disputes view", lambda: disputes.disputed_points(v)),
                         ("stance map", lambda: report.render_svg(report.stance_map(v)))):
            wall, cpu = timed(fn, 3)
            print(f"{args.views_docs:,} documents: {name:<14} {wall * 1000:7.0f} ms, CPU {cpu * 1000:5.0f} ms"
                  " (median of 3; target <= 1000 ms)")
        v.close()


if __name__ == "__main__":
    main()
