"""The quote-attribution development set (tests/data/quotes-devset), rebuilt from the corpus.

The repository keeps no article text (the pages are (c) their publishers): devset.jsonl holds
each article's annotations and relations by offset, and where its text came from.  The loader
imports each source file with Newsmark's own import into a temporary project, checks that the
text is the one annotated (its SHA-256 and length), and fills in the texts.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

DEVSET_DIR = Path(__file__).resolve().parent.parent / "data" / "quotes-devset"
DEVSET = DEVSET_DIR / "devset.jsonl"


class DevsetMismatch(Exception):
    """A rebuilt text differs from the one the development set was annotated on."""


def read_records(path: Path = DEVSET) -> list[dict[str, Any]]:
    """The stored records as they are (no texts)."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_devset(corpus_dir: Path, path: Path = DEVSET) -> list[dict[str, Any]]:
    """Native-JSONL-shaped records (id, title, text, meta, status, annotations with their text,
    relations) of the development set, their texts rebuilt from ``corpus_dir`` the way
    Newsmark imports them.  Raises DevsetMismatch naming the article when a rebuilt text is not
    the annotated one (e.g. an extractor upgrade changed it), FileNotFoundError when a source
    file is missing."""

    from newsmark.ingest.batch import import_paths
    from newsmark.store import Project

    records = read_records(path)
    sources = [Path(corpus_dir) / r["source"]["path"] for r in records]
    for r, src in zip(records, sources, strict=True):
        if not src.is_file():
            raise FileNotFoundError(f"development set article {r['id']}: its source {src} is missing")
    with tempfile.TemporaryDirectory(prefix="newsmark-devset-") as tmp:
        project = Project.create(Path(tmp) / "devset.newsmark")
        try:
            summary = import_paths(project, sources)
            if summary.failed:
                raise DevsetMismatch(f"the development set's sources did not import: {summary.failed}")
            texts = {r["id"]: project.document(r["id"], with_annotations=False).text
                     for r in records}
        finally:
            project.close()
    out = []
    for r in records:
        text = texts[r["id"]]
        src = r["source"]
        if len(text) != src["text_length"] or text_sha256(text) != src["text_sha256"]:
            raise DevsetMismatch(
                f"development set article {r['id']}: the text Newsmark makes from {src['path']} "
                f"({len(text)} code points, sha256 {text_sha256(text)[:12]}…) is not the annotated "
                f"one ({src['text_length']} code points, sha256 {src['text_sha256'][:12]}…); "
                f"was it made by {src['how']!r}? (an extractor upgrade may have changed it)")
        rec = copy.deepcopy(r)
        rec["text"] = text
        for a in rec["annotations"]:
            a["text"] = text[a["start"]:a["end"]]
        out.append(rec)
    return out
