"""Plain text files in: one file, one document."""

from __future__ import annotations

import re
from pathlib import Path

from newsmark.core.errors import InputError
from newsmark.core.model import Document, default_title
from newsmark.formats.records import Record

_SAFE_ID = re.compile(r"[^\w.\-]+", re.UNICODE)


def id_from_name(path: Path) -> str:
    """A document id from a file name: its stem, with anything but word characters, dots and
    dashes turned into dashes."""
    return _SAFE_ID.sub("-", path.stem).strip("-.") or "document"


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF.  Only ever applied to raw text at import, before any
    annotation exists (docs/adr/0002)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_utf8(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(
            f"bytes that are not UTF-8 ({data[e.start:e.start + 4]!r} at byte {e.start + 1})",
            file=path, line=line,
        ) from None


def read_text(path: str | Path, text: str | None = None) -> Record:
    """A record for a text file (``text``: its already-decoded contents, if known)."""
    path = Path(path)
    try:
        if text is None:
            data = path.read_bytes()
            if not data.strip():
                raise InputError("the file is empty", file=path)
            if b"\x00" in data[:8192]:
                raise InputError("this is a binary file, not text", file=path)
            text = decode_utf8(data, path)
        text = normalise_newlines(text)
        if not text.strip():
            raise InputError("the file has no text", file=path)
    except InputError as e:
        return Record(1, error=e)
    except OSError as e:
        return Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=path))
    doc = Document(id=id_from_name(path), text=text, title=default_title(text),
                   meta={"source_file": path.name})
    return Record(1, document=doc, id_given=True)
