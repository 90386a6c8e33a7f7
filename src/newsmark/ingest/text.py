"""Plain text and Markdown files in: one file, one document.

Encodings are detected (BOMs first, then UTF-8, then charset-normalizer), so Windows-1252,
Latin-1, UTF-16 with a BOM and UTF-8 with a BOM all read right.  Line endings become ``\\n``
(docs/adr/0002: only raw text, only at import, before any annotation exists).  A plain-text
dump of a whole web page keeps only its article (newsmark.ingest.chrome) unless ``whole_text``;
the file itself is stored with the document, so nothing is lost.
"""

from __future__ import annotations

import codecs
import zlib
from pathlib import Path
from typing import Any

from newsmark.core import names
from newsmark.core.errors import InputError
from newsmark.core.model import Document
from newsmark.core.record import Record
from newsmark.ingest.title import title_of_text

MAX_TEXT_BYTES = 50 * 1024 * 1024
_PREFERRED_ON_TIE = ("cp1252", "iso8859_15", "latin_1")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def id_from_name(path: Path) -> str:
    """A document id from a file name: its stem in NFC, with anything but word characters, dots
    and dashes turned into dashes (core/names.py: the same id on every system)."""
    return names.id_from_path(path)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF.  Only ever applied to raw text at import, before any
    annotation exists (docs/adr/0002)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """The text of a file and the encoding it was read with; InputError when it is binary or
    in no encoding that can be told."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding + " (BOM)"
            except UnicodeDecodeError as e:
                raise InputError(f"the file starts with a {encoding} byte order mark but is not "
                                 f"{encoding} (byte {e.start + len(bom) + 1})", file=path) from None
    if b"\x00" in data[:65536]:
        raise InputError("this is a binary file, not text", file=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError("cannot tell the file's text encoding (is it text?)", file=path)
    # Short texts often fit several legacy code pages equally well (cp1250 and cp1252 read
    # "naïve" differently); on a tie, prefer the code pages Western news text is written in.
    tied = [m for m in matches if m.chaos == best.chaos and m.coherence == best.coherence]
    for preferred in _PREFERRED_ON_TIE:
        for m in tied:
            if m.encoding == preferred:
                return str(m), m.encoding
    return str(best), best.encoding


def read_text(path: str | Path, whole_text: bool = False) -> Record:
    """A record for a text or Markdown file; a bad file gives a record holding the error.
    The article is cut out of a page dump's chrome (plain text only) unless ``whole_text``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputError(f"the file is too large for one article ({size / 2**20:.0f} MB; "
                             f"the limit is {MAX_TEXT_BYTES // 2**20} MB)", file=path)
        data = path.read_bytes()
        if not data.strip():
            raise InputError("the file is empty", file=path)
        text, encoding = decode_text(data, path)
        text = normalise_newlines(text)
        if not text.strip():
            raise InputError("the file has no text", file=path)
    except InputError as e:
        return Record(1, error=e)
    except OSError as e:
        return Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=path))
    meta: dict[str, Any] = {"source_file": names.nfc_name(path), "encoding": encoding}
    source = None
    if path.suffix.lower() in (".md", ".markdown"):
        meta["format"] = "markdown"
    elif not whole_text:
        from newsmark.ingest.chrome import main_text_span

        span = main_text_span(text)
        if span is not None:
            meta["main_text"] = {"start": span[0], "end": span[1], "of": len(text)}
            text = text[span[0]:span[1]]
            source = ("text", path.name, zlib.compress(data, 6))  # the whole file, as it came
    doc = Document(id=id_from_name(path), text=text, title=title_of_text(text),
                   meta=meta)
    return Record(1, document=doc, id_given=True, source=source)
