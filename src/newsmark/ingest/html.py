"""Saved web pages in: the article's main text and metadata, by trafilatura.

Nothing in the page runs and nothing is fetched: trafilatura parses the HTML with lxml and
reads it only (no scripts, no network; remote images and iframes are ignored).  Paragraphs are
kept, with a blank line between them; navigation, related stories, footers, cookie banners and
comments are left out.  The original HTML is kept with the document (compressed).
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from newsmark.core.errors import InputError
from newsmark.core.model import Document
from newsmark.core.names import nfc_name
from newsmark.core.record import Record
from newsmark.ingest.text import id_from_name
from newsmark.ingest.title import title_of_text
from newsmark.ingest.words import word_count

MAX_PAGE_BYTES = 20 * 1024 * 1024
# Fewer words than this (counted for every script: newsmark.ingest.words) is a page without an article (an index, an error page, a login wall):
# what the extractor falls back to there is navigation, not text to annotate.
MIN_ARTICLE_WORDS = 10
# libxml2's HTML parser checks each attribute of a tag against all the tag's others: one tag
# with 200,000 attributes (a 2.3 MB page) took minutes.  Real tags have a few dozen at most.
MAX_TAG_ATTRIBUTES = 1000
# a start tag, quoted values whole, up to its ">" or to the end of the page (an unclosed quote
# or tag counts too); scripts, styles and comments are passed over whole (not markup).  Every
# part always matches what follows it: no backtracking, one pass over the page.
_START_TAG = re.compile(rb"<(?:script\b[^<]*(?:<(?!/script)[^<]*)*(?:</script\s*>)?"
                        rb"|style\b[^<]*(?:<(?!/style)[^<]*)*(?:</style\s*>)?"
                        rb"|!--[^-]*(?:-(?!->)[^-]*)*(?:-->)?)"
                        rb"|(<[A-Za-z][A-Za-z0-9:-]*(?=[\s/>])(?:[^>\"']+|\"[^\"]*\"?|'[^']*'?)*)",
                        re.IGNORECASE)
_QUOTED = re.compile(rb"\"[^\"]*\"?|'[^']*'?")
_EQUALS = re.compile(rb"\s*=\s*")
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.I)
_OG_LOCALE = re.compile(rb"<meta[^>]+property\s*=\s*[\"']og:locale[\"'][^>]*content\s*=\s*[\"']([A-Za-z_-]+)", re.I)


def _missing(e: ImportError) -> Exception:
    """A package trafilatura needs is missing: the installation's fault, said in one line."""
    from newsmark.core.dependencies import missing_dependency

    return missing_dependency(e, "importing a web page") or e


def _language(html: bytes, text: str) -> str | None:
    """The article's language: identified from its text (py3langid, through trafilatura),
    else as the page declares it (``<html lang>``, ``og:locale``)."""
    try:
        from trafilatura.utils import language_classifier
    except ImportError as e:
        raise _missing(e) from None

    detected = language_classifier(text[:3000], "")  # a few paragraphs tell; all of them cost
    if detected:
        return str(detected)
    head = html[:200_000]
    m = _LANG.search(head) or _OG_LOCALE.search(head)
    return m.group(1).decode("ascii").replace("_", "-") if m else None


def check_markup(html: bytes, path: Path) -> None:
    """Refuse markup that the HTML parser would take minutes over: a tag with more than
    MAX_TAG_ATTRIBUTES attributes (named with its line)."""
    for m in _START_TAG.finditer(html):
        tag = m.group(1)
        if tag is None or len(tag) < 4 * MAX_TAG_ATTRIBUTES:  # too short to hold that many: most tags
            continue
        # one token per attribute: values quoted or not, "a = b" as one; less the tag's name
        n = len(_EQUALS.sub(b"=", _QUOTED.sub(b"v", tag[1:])).split()) - 1
        if n > MAX_TAG_ATTRIBUTES:
            line = html.count(b"\n", 0, m.start()) + 1
            name = tag[1:40].split()[0].decode("ascii", "replace")
            raise InputError(f"a <{name}> tag with {n:,} attributes (more than {MAX_TAG_ATTRIBUTES:,}): "
                             "the page is refused, as reading it would take minutes", file=path, line=line)


def extract(html: bytes, path: Path) -> tuple[str, dict[str, Any]]:
    """The main text (paragraphs separated by blank lines) and the metadata of a page."""
    try:
        import trafilatura
    except ImportError as e:
        raise _missing(e) from None

    try:
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                             include_tables=True, include_images=False)
    except ImportError as e:  # a module trafilatura loads late: the installation's fault
        raise _missing(e) from None
    except Exception as e:  # noqa: BLE001 - a page trafilatura cannot parse is bad input
        raise InputError(f"cannot read the page: {type(e).__name__}: {e}", file=path) from None
    text = getattr(result, "text", None) if result is not None else None
    if not text or word_count(text) < MIN_ARTICLE_WORDS:
        found = f" (only {text.strip()[:60]!r})" if text and text.strip() else ""
        raise InputError(f"no article text found in the page{found}", file=path)
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    meta: dict[str, Any] = {"source_file": nfc_name(path)}
    for key, field in (("title", "title"), ("author", "author"), ("date", "date"),
                       ("site", "sitename"), ("url", "url"), ("description", "description")):
        value = getattr(result, field, None)
        if value:
            meta[key] = value
    lang = _language(html, text)
    if lang:
        meta["language"] = lang
    return "\n\n".join(paragraphs), meta


def read_html(path: str | Path) -> Record:
    """A record for a saved web page; a bad page gives a record holding the error."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise InputError(f"the page is too large ({size / 2**20:.0f} MB; the limit for a web "
                             f"page is {MAX_PAGE_BYTES // 2**20} MB)", file=path)
        html = path.read_bytes()
        if not html.strip():
            raise InputError("the file is empty", file=path)
        if b"\x00" in html[:65536] and not html.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError("this is a binary file, not a web page", file=path)
        check_markup(html, path)
        text, meta = extract(html, path)
    except InputError as e:
        return Record(1, error=e)
    except OSError as e:
        return Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=path))
    doc = Document(id=id_from_name(path), text=text, title=meta.get("title") or title_of_text(text),
                   meta=meta)
    # compressed here, so that a worker process hands back a small record
    return Record(1, document=doc, id_given=True, source=("html", path.name, zlib.compress(html, 6)))
