"""Peak memory of each export, on a generated project.

    python benchmarks/bench_export_memory.py [--docs 3000] [--annotations 100] [--src SRC]
        [--formats jsonl,w3c,brat,citron,conll]

Makes DOCS documents x ANNOTATIONS annotations (bench_jsonl's generator: relations,
attributes, non-ASCII text), imports them with the real CLI, then runs `newsmark export
--format F` for each format in a child process of its own and prints the child's peak
resident memory (ru_maxrss) beside the project's size.  ``--src`` runs another checkout's
code (its ``src`` folder), to compare before and after a change.  An export that holds the
project in memory grows with the project; a streamed one stays near the interpreter's own
footprint whatever the size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_jsonl import make_jsonl  # noqa: E402


def _run(src: Path, *args: str) -> tuple[float, int]:
    """Seconds and peak memory (MB) of ``python -m newsmark ARGS`` in a child process."""
    env = {**os.environ, "PYTHONPATH": str(src), "QT_QPA_PLATFORM": "offscreen"}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "newsmark", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"newsmark {' '.join(args)} failed:\n{err}")
    return seconds, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--annotations", type=int, default=100)
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent / "src")
    parser.add_argument("--formats", default="jsonl,w3c,brat,citron,conll")
    a = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsmark-bench-") as tmp:
        folder = Path(tmp)
        src_jsonl = folder / "in.jsonl"
        size = make_jsonl(src_jsonl, a.docs, a.annotations)
        project = folder / "bench.newsmark"
        _run(a.src, "init", str(project))
        _run(a.src, "import", str(project), str(src_jsonl))
        print(f"code: {a.src}")
        print(f"project: {a.docs} documents x {a.annotations} annotations; JSONL {size / 1e6:.0f} MB, "
              f"project file {project.stat().st_size / 1e6:.0f} MB")
        _, idle = _run(a.src, "--help")
        print(f"{'(interpreter + CLI)':>20}: {idle:6d} MB peak")
        for fmt in a.formats.split(","):
            target = folder / f"out-{fmt}"
            seconds, peak = _run(a.src, "export", str(project), "--format", fmt, "-o", str(target))
            print(f"{fmt:>20}: {peak:6d} MB peak, {seconds:6.1f} s")


if __name__ == "__main__":
    main()
