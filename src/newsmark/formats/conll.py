"""CoNLL token-per-line BIO (IOB2) for the entity layer.

Export: one ``token TAG`` line per token, a blank line after each sentence (after . ! ? and
at paragraph breaks, never inside an entity), ``-DOCSTART- -X- O O`` before each document (the
line spaCy's converter splits documents at; CoNLL-2003 readers skip any ``-DOCSTART-`` line).
Strict IOB2: every entity starts with B-.  Tokens come from Newsmark's
tokenizer (named in the report), split at every entity edge.  A BIO line can hold one entity
per token, so overlapping entities follow one rule: **the outermost (longest) wins**, ties to
the earlier start; the others are counted in the report, never dropped silently.

Import: any token-per-line file (tab or space separated; an optional leading index column;
IOB1, IOB2 or BIOES; ``#`` comment lines), recognised by its content whatever its name
(``eng.train``).  Two layouts:
- every column after the token is a tag column (``tok TAG``; GermEval's nested outer/inner
  columns): every tag column becomes annotations, so nested entities survive;
- other columns too (CoNLL-2003's ``tok POS CHUNK NER``, ``tok _ _ NER``): the last column is
  the entities; the others (part of speech, chunks) are kept per token in the document's meta
  (``conll_columns``: by column number, the token being 1, one space-separated string of
  values per column), not as annotations.  ``read(path, column=N)`` chooses another column.
The text is rebuilt with single spaces between tokens and a newline between sentences.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from newsmark.core.errors import InputError
from newsmark.core.names import nfc_name
from newsmark.core.record import Record
from newsmark.formats.base import TOKENIZER_NAME, ExportReport, documents, record, tokenize
from newsmark.store.project import Project

NAME = "conll"
_TAG = re.compile(r"^(O|[BIES]-\S+|[BIES]|[BIES]_\S+)$")
SUFFIXES = (".conll", ".iob", ".bio", ".bioes", ".conllu")
DOCSTART = "-DOCSTART- -X- O O"


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
        lines = [DOCSTART, ""]
        for k, (s, e) in enumerate(toks):
            token = doc.text[s:e]
            lines.append(f"{token} {tags[k]}")
            if k + 1 == len(toks):
                lines.append("")
            elif not tags[k + 1].startswith("I-") and (token in (".", "!", "?")
                                                       or "\n" in doc.text[e:toks[k + 1][0]]):
                lines.append("")
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return report


def _columns(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def looks_like(head: str) -> bool:
    """Whether the start of a file is token-per-line BIO: its first lines (after comments
    and ``-DOCSTART-``) all have the same number of columns, at least two, the last a tag,
    and some tag is not O or a ``-DOCSTART-`` line is there."""
    lines = head.splitlines()[:-1] if len(head) >= 4096 else head.splitlines()  # last may be cut
    widths: set[int] = set()
    tagged = docstart = False
    n = 0
    for line in lines[:200]:
        if not line.strip():
            continue
        if line.startswith("-DOCSTART-"):
            docstart = True
            continue
        if line.startswith("#"):
            continue
        cols = _columns(line)
        if len(cols) < 2 or not _TAG.match(cols[-1]):
            return False
        widths.add(len(cols))
        tagged = tagged or cols[-1] != "O"
        n += 1
    return n >= 3 and len(widths) == 1 and (tagged or docstart)


Token = tuple[str, list[str], list[str]]  # (token, tags, other column values)


def read(path: str | Path, column: int | None = None) -> Iterator[Record]:
    """Documents of a token-per-line file (``-DOCSTART-`` lines part them).  ``column``
    (1-based, counting the token as 1, an index column left out) chooses the entity column;
    by default the layout decides (see the module's docstring)."""
    path = Path(path)
    try:
        data = path.read_bytes()
        raw_lines = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8").split("\n")
    except UnicodeDecodeError as e:
        yield Record(1, error=InputError(f"not UTF-8 (byte {e.start + 1})", file=path))
        return
    except OSError as e:
        yield Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=path))
        return
    docs: list[tuple[int, list[list[Token]]]] = []  # (first line, sentences)
    sentence: list[Token] = []
    current: list[list[Token]] = []
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

    indexed: bool | None = None
    width = 0
    tag_cols: list[int] = []
    other_cols: list[int] = []
    for number, line in enumerate(raw_lines, start=1):
        line = line.removesuffix("\r")
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
            width = len(cols)
            body = cols[1:] if indexed else cols
            if column is not None:
                if not 2 <= column <= len(body):
                    yield Record(number, error=InputError(
                        f"no column {column}: the lines have {len(body)} (the token is column 1)",
                        file=path, line=number))
                    return
                tag_cols = [column - 1]
                other_cols = [c for c in range(1, len(body)) if c != column - 1]
            elif len(body) < 2 or not _TAG.match(body[-1]):
                yield Record(number, error=InputError(
                    f"not a token-per-line line ending in a BIO tag: {line[:60]!r}", file=path, line=number))
                return
            else:
                tags_only = all(_TAG.match(t) for t in body[1:])
                tag_cols = list(range(1, len(body))) if tags_only else [len(body) - 1]
                other_cols = [] if tags_only else list(range(1, len(body) - 1))
        if len(cols) != width:
            yield Record(number, error=InputError(
                f"{len(cols)} columns where the file's first token line has {width}: {line[:60]!r}",
                file=path, line=number))
            return
        body = cols[1:] if indexed else cols
        tags = [body[c] for c in tag_cols]
        if not all(_TAG.match(t) for t in tags):
            bad = next(t for t in tags if not _TAG.match(t))
            yield Record(number, error=InputError(
                f"{bad[:30]!r} is not a BIO tag (O, B-TYPE, I-TYPE…): {line[:60]!r}", file=path, line=number))
            return
        sentence.append((body[0], tags, [body[c] for c in other_cols]))
    end_document(len(raw_lines) + 1)
    for k, (line_no, sentences) in enumerate(docs, start=1):
        stem = nfc_name(path.with_suffix(""))  # the same id wherever the file was listed (core/names.py)
        native = _to_native(sentences, f"{stem}-{k}" if len(docs) > 1 else stem)
        columns = {str(c + 1): [tok[2][j] for s in sentences for tok in s]
                   for j, c in enumerate(other_cols)}
        kept = {c: " ".join(values) for c, values in columns.items() if any(v != "_" for v in values)}
        if kept:  # columns of "_" only (flair's "tok _ _ TAG") say nothing
            native["meta"] = {"conll_columns": kept}
        yield record(native, path, line_no)


def _to_native(sentences: list[list[Token]], doc_id: str) -> dict[str, Any]:
    parts: list[str] = []
    pos = 0
    anns: list[dict[str, Any]] = []
    n_cols = max(len(tags) for s in sentences for _, tags, _ in s)
    open_: list[dict[str, Any] | None] = [None] * n_cols
    for si, sent in enumerate(sentences):
        if si:
            parts.append("\n")
            pos += 1
            open_ = [None] * n_cols
        for ti, (token, tags, _) in enumerate(sent):
            if ti:
                parts.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            parts.append(token)
            pos = end
            for c in range(n_cols):
                tag = tags[c] if c < len(tags) else "O"
                if tag[1:2] == "_":  # B_PER
                    tag = f"{tag[0]}-{tag[2:]}"
                prefix, _, label = tag.partition("-")
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
