"""CoNLL token-per-line BIO (IOB2) for the entity layer.

Export: one ``token<TAB>tag`` line per token, a blank line after each sentence (after . ! ?
and at paragraph breaks), ``-DOCSTART- O`` before each document.  Tokens come from Newsmark's
tokenizer (named in the report), split at every entity edge.  A BIO line can hold one entity
per token, so overlapping entities follow one rule: **the outermost (longest) wins**, ties to
the earlier start; the others are counted in the report, never dropped silently.

Import: any token-per-line file (tab or space separated; an optional leading index column;
one or more tag columns, as GermEval's nested outer/inner columns; IOB1 or IOB2; ``#``
comment lines).  The text is rebuilt with single spaces between tokens and a newline between
sentences; every tag column becomes annotations, so nested entities survive.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from newsmark.core.errors import InputError
from newsmark.formats.base import TOKENIZER_NAME, ExportReport, documents, record, tokenize
from newsmark.formats.records import Record
from newsmark.store.project import Project

NAME = "conll"
_TAG = re.compile(r"^(O|[BIES]-\S+|[BIES]|[BIES]_\S+)$")
SUFFIXES = (".conll", ".iob", ".bio", ".bioes", ".conllu")


def write(project: Project, out: BinaryIO, *, statuses: Sequence[str] = (), labels: Sequence[str] = (),
          layer: str = "entity") -> ExportReport:
    report = ExportReport(NAME)
    report.notes.append(f"tokenizer: {TOKENIZER_NAME}")
    report.notes.append("overlapping entities: the outermost (longest) wins, ties to the earlier start")
    entity_labels = {lab.name for lab in project.labels() if lab.layer == layer}
    for doc in documents(project, statuses=statuses, labels=labels, report=report):
        report.documents += 1
        ents = [a for a in doc.annotations if a.label in entity_labels]
        report.lose(f"annotations outside the {layer} layer", len(doc.annotations) - len(ents))
        report.lose("relations (BIO has none)", len(doc.relations))
        toks = tokenize(doc.text, [x for a in ents for x in (a.start, a.end)])
        starts = [s for s, _ in toks]
        ends = [e for _, e in toks]
        tags = ["O"] * len(toks)
        for a in sorted(ents, key=lambda a: (-(a.end - a.start), a.start)):
            t0 = bisect.bisect_left(starts, a.start)
            t1 = bisect.bisect_right(ends, a.end) - 1
            if t0 > t1:
                report.lose("entities without a whole token")
                continue
            if any(tag != "O" for tag in tags[t0:t1 + 1]):
                report.lose("overlapping entities (the outermost was kept)")
                continue
            if (toks[t0][0], toks[t1][1]) != (a.start, a.end):
                report.lose("entities moved to token edges (they began or ended in whitespace)")
            label = re.sub(r"\s+", "_", a.label)
            tags[t0] = f"B-{label}"
            for k in range(t0 + 1, t1 + 1):
                tags[k] = f"I-{label}"
            report.annotations += 1
        lines = ["-DOCSTART-\tO", ""]
        for k, (s, e) in enumerate(toks):
            token = doc.text[s:e]
            lines.append(f"{token}\t{tags[k]}")
            nxt = toks[k + 1][0] if k + 1 < len(toks) else len(doc.text)
            if token in (".", "!", "?") or "\n" in doc.text[e:nxt] or k + 1 == len(toks):
                lines.append("")
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return report


def _columns(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def read(path: str | Path) -> Iterator[Record]:
    path = Path(path)
    try:
        raw_lines = path.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError as e:
        yield Record(1, error=InputError(f"not UTF-8 (byte {e.start + 1})", file=path))
        return
    except OSError as e:
        yield Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=path))
        return
    docs: list[tuple[int, list[list[tuple[str, list[str]]]]]] = []  # (first line, sentences)
    sentence: list[tuple[str, list[str]]] = []
    current: list[list[tuple[str, list[str]]]] = []
    first_line = 1

    def end_sentence() -> None:
        nonlocal sentence
        if sentence:
            current.append(sentence)
            sentence = []

    def end_document(next_line: int) -> None:
        nonlocal current, first_line
        end_sentence()
        if current:
            docs.append((first_line, current))
        current = []
        first_line = next_line

    indexed = None
    for number, line in enumerate(raw_lines, start=1):
        if not line.strip():
            end_sentence()
            continue
        if line.startswith("-DOCSTART-"):
            end_document(number + 1)
            continue
        if line.startswith("#"):
            if not sentence:
                end_document(number)  # GermEval: a comment line starts each sentence, a document
            continue
        cols = _columns(line)
        if indexed is None:
            indexed = len(cols) >= 3 and cols[0].isdigit()
        if indexed:
            cols = cols[1:]
        if len(cols) < 2 or not all(_TAG.match(t) for t in cols[1:]):
            yield Record(number, error=InputError(
                f"not a token and BIO tag line: {line[:60]!r}", file=path, line=number))
            return
        sentence.append((cols[0], cols[1:]))
    end_document(len(raw_lines) + 1)
    for k, (line_no, sentences) in enumerate(docs, start=1):
        yield record(_to_native(sentences, f"{path.stem}-{k}" if len(docs) > 1 else path.stem), path, line_no)


def _to_native(sentences: list[list[tuple[str, list[str]]]], doc_id: str) -> dict[str, Any]:
    parts: list[str] = []
    pos = 0
    anns: list[dict[str, Any]] = []
    n_cols = max(len(tags) for s in sentences for _, tags in s)
    open_: list[dict[str, Any] | None] = [None] * n_cols
    for si, sent in enumerate(sentences):
        if si:
            parts.append("\n")
            pos += 1
            open_ = [None] * n_cols
        for ti, (token, tags) in enumerate(sent):
            if ti:
                parts.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            parts.append(token)
            pos = end
            for c in range(n_cols):
                tag = tags[c] if c < len(tags) else "O"
                prefix, _, label = tag.replace("_", "-", 1).partition("-")
                current = open_[c]
                if prefix in ("I", "E") and current is not None and current["label"] == label:
                    current["end"] = end
                    if prefix == "E":
                        open_[c] = None
                elif prefix in ("B", "I", "S", "E") and label:
                    new = {"id": f"c{c}-{len(anns)}", "start": start, "end": end, "label": label}
                    anns.append(new)
                    open_[c] = None if prefix in ("S", "E") else new
                else:
                    open_[c] = None
    text = "".join(parts)
    return {"id": doc_id, "text": text, "annotations": anns}
