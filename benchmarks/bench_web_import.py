"""Importing web pages against the extraction library alone, in the same run.

    python benchmarks/bench_web_import.py [--pages 2000] [--corpus ../shared/corpus]

Copies the corpus's real news pages until there are PAGES of them, each made distinct (a
number at the start of every paragraph, so no copy is a duplicate), then times:
  baseline: this process reading each file and extracting it with trafilatura (the same
            options Newsmark uses), nothing stored;
  newsmark: `newsmark import PROJECT FOLDER` (the CLI in a child process: extraction,
            language, de-duplication, storing text, metadata and the compressed page).
Target: newsmark <= 1.2x the baseline.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"


def make_pages(corpus: Path, out: Path, n: int) -> int:
    pages = sorted((corpus / "html" / "news-pages").glob("*.html"))
    if not pages:
        sys.exit(f"no pages in {corpus}/html/news-pages")
    total = 0
    for i in range(n):
        src = pages[i % len(pages)]
        html = src.read_bytes()
        marker = f"[{i}] ".encode()
        html = re.sub(rb"(<p\b[^>]*>)", lambda m, marker=marker: m.group(1) + marker, html)
        dest = out / f"{src.stem}-{i:05d}.html"
        dest.write_bytes(html)
        total += len(html)
    return total


def baseline(folder: Path) -> float:
    import trafilatura

    t = time.perf_counter()
    for f in sorted(folder.glob("*.html")):
        trafilatura.bare_extraction(f.read_bytes(), with_metadata=True, include_comments=False,
                                    include_tables=True, include_images=False)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        size = make_pages(args.corpus, folder, args.pages)
        print(f"{args.pages} pages, {size / 1e6:.0f} MB of HTML")
        base = baseline(folder)
        proj = Path(tmp) / "web.newsmark"
        subprocess.run([sys.executable, "-m", "newsmark", "init", str(proj)], check=True,
                       stdout=subprocess.DEVNULL)
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "newsmark", "import", str(proj), str(folder)],
                           capture_output=True, text=True, check=False, encoding="utf-8")
        ours = time.perf_counter() - t
        print(r.stdout.strip().splitlines()[0] if r.stdout else r.stderr[-500:])
        print(f"baseline (trafilatura alone):  {base:7.1f} s  ({base / args.pages * 1000:.0f} ms a page)")
        print(f"newsmark import:               {ours:7.1f} s  {ours / base:.2f}x baseline (target <= 1.2x)")


if __name__ == "__main__":
    main()
