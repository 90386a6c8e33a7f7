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
from newsmark.core.names import NAME_BYTES, SafeNamer  # the one rule for file names (#20)
from newsmark.core.record import Record
from newsmark.core.wording import counted
from newsmark.formats.records import document_from_record
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
        out = [f"exported {counted(self.documents, 'document')}, {counted(self.annotations, 'annotation')}, "
               f"{counted(self.relations, 'relation')} as {self.format}"]
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


# Document-level categories (doccano's text classification "cats"/"label": ["flight"], Prodigy's
# choice "accept", Label Studio's document-level Choices): a list of strings under this key of the
# document's meta (CONTEXT.md).  Any other value there is ordinary meta.
CATEGORIES = "categories"


def categories(doc: Document) -> list[str]:
    """The document's categories (meta ``categories`` when it is a list of strings)."""
    value = doc.meta.get(CATEGORIES)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return []


def add_categories(native: dict[str, Any], values: list[str]) -> None:
    """Record ``values`` as the categories of a native-shaped record (kept in order, once each)."""
    if not values:
        return
    meta = native.setdefault("meta", {})
    if isinstance(meta, dict):
        old = meta.get(CATEGORIES)
        old = old if isinstance(old, list) else []
        meta[CATEGORIES] = list(dict.fromkeys([*old, *values]))


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


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def as_list(value: Any, what: str) -> list[Any]:
    """``value`` when it is a list (missing or null: empty); ValidationError naming ``what``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{what} must be a list, not {_kind(value)}")
    return value


def as_dict(value: Any, what: str) -> dict[str, Any]:
    """``value`` when it is an object (missing or null: empty); ValidationError naming ``what``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{what} must be an object, not {_kind(value)}")
    return value


def as_int(value: Any, what: str, *, optional: bool = True) -> int | None:
    """``value`` when it is an integer (not true/false); ValidationError naming ``what``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{what} must be an integer, not {_kind(value)}")
    return value


def as_label(value: Any, what: str) -> Any:
    """A label as other tools write it: a string, or an integer id (doccano 1.x) as its digits;
    anything else is handed on for the record's check to refuse with its position."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{what}: the label must be a string, not {_kind(value)}")
    return value


def string_list(value: Any, what: str) -> list[str]:
    """A list of strings (a single string: a list of one); ValidationError naming ``what``."""
    if isinstance(value, str):
        return [value]
    items = as_list(value, what)
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(f"{what} must hold strings, not {_kind(item)}")
    return items


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
        try:
            native = to_native(obj) if isinstance(obj, dict) else obj
        except ValidationError as e:
            yield Record(number, error=InputError(str(e), file=path, line=number))
            continue
        rec = record(native, path, number)
        if layers:
            rec.label_layers = {**layers, **rec.label_layers}
        yield rec


def read_without_bom(path: Path) -> bytes:
    """A file's bytes without a UTF-8 byte order mark; InputError when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", file=path) from None
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def read_json_document(path: Path) -> Any:
    """A whole-file JSON document (Label Studio, W3C); InputError when it is not JSON."""
    from newsmark.core import jsonutil

    data = read_without_bom(path)
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
        except ValidationError as e:
            rec = Record(i, error=InputError(str(e), file=path))
        if rec.error is not None:
            rec.error = InputError(f"{what} {i}: {rec.error.problem}", file=path)
        yield rec


def write_jsonl(out: BinaryIO, items: Iterator[Any]) -> None:
    from newsmark.core import jsonutil

    for item in items:
        out.write(jsonutil.dumps(item).encode("utf-8"))
        out.write(b"\n")
