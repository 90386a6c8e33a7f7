"""Rendering a long annotated article (issue #13 point 10).

    python benchmarks/bench_render.py [--chars 1000000] [--annotations 20000] [--png-chars 5000000]

  html: ``render_html`` of the window benchmark's article (~1 MB, 20,000 annotations, a fifth
        overlapping others), and of the same article with a quarter / a half of the annotations
        (the growth shows whether it is linear)
  png/pdf: the article written as PNG and PDF by ``render_file``, each in a child process whose
        peak resident memory is reported; the PNG also for a --png-chars article (5 MB)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_window import make_article  # noqa: E402


def article(chars: int, annotations: int, seed: int = 3) -> object:
    """The window benchmark's article: four fifths of the spans side by side, a fifth overlapping."""
    from newsmark.core.model import Annotation, Document

    rng = random.Random(seed)
    text = make_article(chars, rng)
    labels = ["PERSON", "ORG", "GPE", "DATE", "QUOTE", "CUE"]
    anns = []
    plain = int(annotations * 0.8)
    step = max(1, len(text) // max(1, plain))
    for i in range(plain):
        s = i * step
        e = min(len(text), s + max(1, step // 2))
        anns.append(Annotation(id=f"a{i}", document="big", start=s, end=e, label=labels[i % 6], text=text[s:e]))
    for i in range(annotations - plain):
        s = rng.randrange(0, len(text) - 400)
        e = s + rng.randrange(20, 400)
        anns.append(Annotation(id=f"o{i}", document="big", start=s, end=e, label="QUOTE", text=text[s:e]))
    return Document(id="big", text=text, title="A long article", annotations=anns)


def child(chars: int, annotations: int, out: str) -> None:
    """Run in a child process: write ``out``; print the seconds and the peak memory (MB)."""
    from newsmark.core.schema import load_schema
    from newsmark.gui.app import application
    from newsmark.gui.render_qt import render_file
    from newsmark.resources import default_schema_path

    application()
    doc = article(chars, annotations)
    labels = load_schema(default_schema_path()).labels
    t = time.perf_counter()
    render_file(doc, labels, out)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t
    with open("/proc/self/status", encoding="utf-8") as f:  # linux-only: peak memory (VmHWM)
        peak = next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:"))
    files = [p for p in Path(out).parent.iterdir() if p.suffix == Path(out).suffix]  # PNG pages
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak), "files": len(files),
                      "bytes": sum(p.stat().st_size for p in files)}))


def measure(chars: int, annotations: int, suffix: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / f"out{suffix}")
        run = subprocess.run([sys.executable, __file__, "--child", str(chars), str(annotations), out],
                             capture_output=True, text=True, check=True, timeout=1800, encoding="utf-8")
        return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--annotations", type=int, default=20_000)
    ap.add_argument("--png-chars", type=int, default=5_000_000)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(int(args.child[0]), int(args.child[1]), args.child[2])
        return
    from newsmark.core.render import render_html
    from newsmark.core.schema import load_schema
    from newsmark.resources import default_schema_path

    labels = load_schema(default_schema_path()).labels
    for n in (args.annotations // 4, args.annotations // 2, args.annotations):
        doc = article(args.chars, n)
        t = time.perf_counter()
        html = render_html(doc, labels)  # type: ignore[arg-type]
        print(f"html  {args.chars / 1e6:.1f} MB, {n:6d} annotations: {time.perf_counter() - t:6.2f} s "
              f"({len(html) / 1e6:.1f} MB of HTML)")
    for suffix in (".png", ".pdf"):
        r = measure(args.chars, args.annotations, suffix)
        print(f"{suffix[1:]:4s}  {args.chars / 1e6:.1f} MB, {args.annotations} annotations: {r['seconds']:6.2f} s, "
              f"peak {r['peak_mb']} MB, {r['files']} file(s) of {r['bytes'] / 1e6:.1f} MB")
    r = measure(args.png_chars, args.annotations, ".png")
    print(f"png   {args.png_chars / 1e6:.1f} MB, {args.annotations} annotations: {r['seconds']:6.2f} s, "
          f"peak {r['peak_mb']} MB, {r['files']} file(s) of {r['bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
