"""What every interchange format shares: the documents to export, the export report, safe
file names, and a tokenizer for the token-based formats."""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from newsmark.core.errors import InputError, ValidationError
from newsmark.core.model import Document
from newsmark.formats.records import Record, document_from_record
from newsmark.store.project import Project


@dataclass(slots=True)
class ExportReport:
    """What an export wrote, and everything the format could not carry (never dropped
    silently: each kind of loss is counted here and shown to the user)."""

    format: str
    documents: int = 0
    annotations: int = 0
    relations: int = 0
    lost: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def lose(self, what: str, n: int = 1) -> None:
        if n:
            self.lost[what] += n

    def lines(self) -> list[str]:
        out = [f"exported {self.documents} documents, {self.annotations} annotations, "
               f"{self.relations} relations as {self.format}"]
        out += self.notes
        if self.lost:
            out.append(f"not expressible in {self.format} (left out or changed, as said):")
            out += [f"  {n} × {what}" for what, n in sorted(self.lost.items())]
        return out


def documents(project: Project, *, statuses: Sequence[str] = (), labels: Sequence[str] = (),
              report: ExportReport | None = None) -> Iterator[Document]:
    """The project's documents with their annotations and relations, filtered by document
    status and annotation label (relations whose ends were filtered out go too, counted)."""
    wanted = set(labels)
    for doc_id in project.document_ids(list(statuses) or None):
        doc = project.document(doc_id)
        if wanted:
            doc.annotations = [a for a in doc.annotations if a.label in wanted]
            kept = {a.id for a in doc.annotations}
            before = len(doc.relations)
            doc.relations = [r for r in doc.relations if r.from_id in kept and r.to_id in kept]
            if report is not None:
                report.lose("relations whose annotations were filtered out by --label",
                            before - len(doc.relations))
        yield doc


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


# File names are limited in bytes (255 on most file systems), and a name gets affixes: an
# extension, a "_2" to make it unique, a temporary file's prefix and suffix while written.
NAME_BYTES = 120


class SafeNamer:
    """File name stems for documents, one at a time (an export streams its documents): from
    the id, with no path separators, no dot-dot, no control characters, no reserved Windows
    names, at most ``limit`` bytes of UTF-8, unique without regard to case."""

    def __init__(self, limit: int = NAME_BYTES) -> None:
        self.limit = limit
        self.taken: set[str] = set()
        self.changed = 0

    def __call__(self, doc_id: str) -> str:
        base = unicodedata.normalize("NFC", doc_id)
        stem = _clip(_UNSAFE.sub("_", base).strip("._-"), self.limit) or "document"
        if stem.split(".")[0].lower() in _RESERVED:  # whatever follows a dot: "con.txt" too
            stem = f"_{stem}"
        name, n = stem, 1
        while name.lower() in self.taken:
            n += 1
            suffix = f"_{n}"
            name = _clip(stem, self.limit - len(suffix)) + suffix
        self.taken.add(name.lower())
        self.changed += name != doc_id
        return name


def _clip(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` bytes of UTF-8, at a character boundary."""
    raw = name.encode("utf-8")
    if len(raw) <= limit:
        return name
    return raw[:limit].decode("utf-8", "ignore").rstrip("._-")


def safe_names(docs: Sequence[Document], limit: int = NAME_BYTES) -> dict[str, str]:
    """A file name stem for each document (see SafeNamer)."""
    namer = SafeNamer(limit)
    return {doc.id: namer(doc.id) for doc in docs}


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    """Words (letters, digits and the combining marks that belong to them: Devanagari vowel
    signs, decomposed accents), with inner hyphens/apostrophes; else one mark or symbol with
    what joins it (an emoji's skin tone, variation selector and zero-width-joined parts, a
    flag's two letters).  Python's ``\\w`` has no combining marks: without them a word in
    Hindi or a decomposed "José" fell apart into letters and lone marks."""
    ranges: list[str] = []
    start = prev = -2
    for cp in range(0x300, sys.maxunicode + 1):
        if unicodedata.category(chr(cp)).startswith("M"):
            if cp != prev + 1:
                if start >= 0:
                    ranges.append(f"{chr(start)}-{chr(prev)}" if prev > start else chr(start))
                start = cp
            prev = cp
    ranges.append(f"{chr(start)}-{chr(prev)}" if prev > start else chr(start))
    marks = "".join(ranges)
    word = rf"\w[\w{marks}]*"
    join = rf"[{marks}\U0001F3FB-\U0001F3FF]|\u200d[^\w\s]|[\U000E0020-\U000E007F]"
    return re.compile(rf"{word}(?:[-'’]{word})*|[\U0001F1E6-\U0001F1FF]{{2}}|[^\w\s](?:{join})*")


TOKENIZER_NAME = "newsmark-regex-v2 (words with their combining marks and inner hyphens/apostrophes, single punctuation or emoji; split at span edges)"


def tokenize(text: str, cuts: Sequence[int] = ()) -> list[tuple[int, int]]:
    """Token spans (code points) of ``text``: words and single punctuation marks, further
    split at every offset in ``cuts`` so that spans starting or ending there align to tokens."""
    cut_set = sorted(set(cuts))
    tokens: list[tuple[int, int]] = []
    import bisect

    for m in _token_pattern().finditer(text):
        s, e = m.span()
        i = bisect.bisect_right(cut_set, s)
        while i < len(cut_set) and cut_set[i] < e:
            tokens.append((s, cut_set[i]))
            s = cut_set[i]
            i += 1
        tokens.append((s, e))
    return tokens


def record(obj: dict[str, Any], path: str | Path, line: int) -> Record:
    """A native-shaped dict, validated into a Record (errors name the file and line)."""
    try:
        doc, layers, id_given = document_from_record(obj)
    except ValidationError as e:
        return Record(line, error=InputError(str(e), file=path, line=line))
    return Record(line, document=doc, label_layers=layers, id_given=id_given)


def read_json_lines(path: Path) -> Iterator[tuple[int, Any] | Record]:
    """(line number, parsed value) for each non-blank line; a Record holding the error for a
    line that is not UTF-8 or not JSON."""
    from newsmark.core import jsonutil

    try:
        f = path.open("rb")
    except OSError as e:
        yield Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=path))
        return
    with f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                yield number, jsonutil.loads(raw)
            except UnicodeDecodeError:
                yield Record(number, error=InputError("bytes that are not UTF-8", file=path, line=number))
            except ValueError as e:
                yield Record(number, error=InputError(f"invalid JSON: {e}", file=path, line=number))


def read_converted_lines(path: str | Path, to_native: Callable[[dict[str, Any]], dict[str, Any]],
                         layers: dict[str, str] | None = None) -> Iterator[Record]:
    """Records of a JSON Lines file in another tool's shape: each object converted to native
    shape by ``to_native``, then validated like a native record (``layers``: the layers of
    labels the format introduces)."""
    path = Path(path)
    for item in read_json_lines(path):
        if isinstance(item, Record):
            yield item
            continue
        number, obj = item
        rec = record(to_native(obj) if isinstance(obj, dict) else obj, path, number)
        if layers:
            rec.label_layers = {**layers, **rec.label_layers}
        yield rec


def read_json_document(path: Path) -> Any:
    """A whole-file JSON document (Label Studio, W3C); InputError when it is not JSON."""
    from newsmark.core import jsonutil

    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", file=path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return jsonutil.loads(data)
    except ValueError as e:
        import json

        if isinstance(e, json.JSONDecodeError):
            line = data.count(b"\n", 0, e.pos) + 1
            raise InputError(f"invalid JSON: {e.msg}", file=path, line=line) from None
        raise InputError(f"invalid JSON: {e}", file=path) from None


def read_json_items(path: str | Path, split: Callable[[Any], list[Any]],
                    to_native: Callable[[dict[str, Any]], dict[str, Any]], what: str) -> Iterator[Record]:
    """Records of a whole-file JSON document holding several documents (Label Studio's tasks,
    W3C pages).  ``split`` gives the items (InputError: not this format), ``to_native``
    converts one (InputError: one this format cannot read).  A JSON document has no useful line
    numbers, so a problem names the item's position: "task 3: ..."."""
    path = Path(path)
    try:
        items = split(read_json_document(path))
    except InputError as e:
        yield Record(1, error=e if e.file else InputError(e.problem, file=path))
        return
    for i, item in enumerate(items, start=1):
        try:
            rec = record(to_native(item) if isinstance(item, dict) else item, path, i)
        except InputError as e:
            rec = Record(i, error=e)
        if rec.error is not None:
            rec.error = InputError(f"{what} {i}: {rec.error.problem}", file=path)
        yield rec


def write_jsonl(out: BinaryIO, items: Iterator[Any]) -> None:
    from newsmark.core import jsonutil

    for item in items:
        out.write(jsonutil.dumps(item).encode("utf-8"))
        out.write(b"\n")
