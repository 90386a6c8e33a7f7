"""Collections: CSV files with one article per row (JSONL collections are read by
``formats.jsonl`` with the same field mapping)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsmark.core.errors import InputError
from newsmark.core.model import Document
from newsmark.core.names import nfc_name
from newsmark.core.record import Record
from newsmark.core.wording import counted
from newsmark.ingest.text import decode_text
from newsmark.ingest.title import title_of_text

csv.field_size_limit(2**31 - 1)  # an article may be long; the default is 128 KB


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which field (JSONL) or column (CSV) holds a document's text, title and id; the rest
    go to the document's meta."""

    text: str = "text"
    title: str = "title"
    id: str = "id"


DEFAULT_FIELDS = FieldMap()


def read_csv(path: str | Path, fields: FieldMap = DEFAULT_FIELDS) -> Iterator[Record]:
    """One record per row; the first row names the columns.  Tab-separated when the file ends
    in .tsv, otherwise the delimiter is sniffed (comma, semicolon, tab)."""
    path = Path(path)
    try:
        text, _ = decode_text(path.read_bytes(), path)
    except InputError as e:
        yield Record(1, error=e)
        return
    except OSError as e:
        yield Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=path))
        return
    if path.suffix.lower() == ".tsv":
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel_tab
    else:
        try:
            dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        yield Record(1, error=InputError("the file is empty", file=path))
        return
    except csv.Error as e:
        yield Record(1, error=InputError(f"not a readable CSV file: {e}", file=path, line=1))
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    if fields.text not in header:
        yield Record(1, error=InputError(
            f"no column {fields.text!r} for the text (columns: {', '.join(header)}); "
            "name it with --text-field", file=path, line=1))
        return
    line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Record(reader.line_num, error=InputError(f"not readable as CSV: {e}", file=path,
                                                           line=reader.line_num))
            return
        start_line, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Record(start_line, error=InputError(
                f"the row has {counted(len(row), 'cell')}, the header {len(header)}", file=path, line=start_line))
            continue
        values = dict(zip(header, row, strict=True))
        text = values.pop(fields.text)
        if not text.strip():
            yield Record(start_line, error=InputError(f"the row has no text in {fields.text!r}",
                                                      file=path, line=start_line))
            continue
        title = values.pop(fields.title, "") or title_of_text(text)
        doc_id = values.pop(fields.id, "").strip()
        meta = {k: v for k, v in values.items() if v != ""}
        meta["source_file"] = nfc_name(path)
        yield Record(start_line, document=Document(id=doc_id, text=text, title=title, meta=meta),
                     id_given=bool(doc_id))
