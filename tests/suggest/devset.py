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


# --- making the stored set from an annotated project -------------------------------------------

HOW = {
    "html": ("newsmark import FILE (saved web page: main text extracted by trafilatura with "
             "Newsmark's default settings, paragraphs separated by a blank line)"),
    "txt": ("newsmark import FILE (plain text: UTF-8, line endings made \\n, first line the title; "
            "the page-chrome cut left this clean article whole)"),
}
CORPUS_FOLDERS = {"html": "html/news-pages/", "txt": "plaintext/wikinews/"}
ANNOTATION_KEYS = ("id", "start", "end", "label", "layer", "attributes")
RELATION_KEYS = ("id", "type", "from", "to", "attributes")


def strip_record(doc: dict[str, Any]) -> dict[str, Any]:
    """A native-JSONL document of the annotated project as the set stores it: no text (of the
    document or its annotations), no timestamps, the page's description left out of meta, and
    where its text came from (``source``).  The document's ``meta.source_file`` names the
    corpus file it was imported from."""

    text = doc["text"]
    source_file = doc["meta"]["source_file"]
    kind = source_file.rsplit(".", 1)[-1]
    for a in doc["annotations"]:
        if a.get("text", text[a["start"]:a["end"]]) != text[a["start"]:a["end"]]:
            raise ValueError(f"{doc['id']}: annotation {a['id']} is not its slice of the text")
    annotations = sorted(({k: a[k] for k in ANNOTATION_KEYS} for a in doc["annotations"]),
                         key=lambda a: (a["start"], a["end"], a["label"], a["id"]))
    relations = sorted(({k: r[k] for k in RELATION_KEYS} for r in doc["relations"]),
                       key=lambda r: (r["from"], r["type"], r["to"]))
    return {"id": doc["id"], "title": doc["title"],
            "meta": {k: v for k, v in doc["meta"].items() if k != "description"},
            "status": doc["status"],
            "source": {"path": CORPUS_FOLDERS[kind] + source_file, "text_sha256": text_sha256(text),
                       "text_length": len(text), "how": HOW[kind]},
            "annotations": annotations, "relations": relations}


def counts(records: list[dict[str, Any]]) -> dict[str, int]:
    """The set's counts, as the README's table gives them."""
    c: dict[str, int] = dict.fromkeys(
        ("articles", "quotes", "direct quotes", "indirect quotes", "mixed quotes", "cue spans",
         "speaker mentions", "speakers (distinct per article)"), 0)
    c["articles"] = len(records)
    for r in records:
        quotes = [a for a in r["annotations"] if a["label"] == "QUOTE"]
        c["quotes"] += len(quotes)
        for q in quotes:
            c[f"{q['attributes']['type']} quotes"] += 1
        c["cue spans"] += sum(1 for a in r["annotations"] if a["label"] == "CUE")
        c["speaker mentions"] += len({rel["to"] for rel in r["relations"] if rel["type"] == "said_by"})
        c["speakers (distinct per article)"] += len({q["attributes"]["speaker"] for q in quotes})
    return c


def write_devset(export: Path, path: Path = DEVSET) -> dict[str, int]:
    """Write the set from ``export`` (``newsmark export PROJECT -o EXPORT --status done`` of the
    annotated project) and put its counts in the README's table; returns the counts."""

    with export.open(encoding="utf-8") as f:
        records = [strip_record(json.loads(line)) for line in f if line.strip()]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    tmp.replace(path)
    c = counts(records)
    readme = path.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, sep, _ = text.partition("| count | value |\n")
    table = "|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in c.items())
    readme.write_text(head + sep + table, encoding="utf-8")
    return c


if __name__ == "__main__":  # python -m tests.suggest.devset EXPORT.jsonl
    import sys

    print(json.dumps(write_devset(Path(sys.argv[1])), indent=1))
