"""The title of a text that comes without one (a plain-text or Markdown file, a collection row
or a web page without a title field).

A news text may start with its headline, alone on its line: short, without the full stop of a
sentence, followed by a blank line, a dateline or byline, or straight by the (much longer)
first paragraph.  Then that line is the title.  Many texts start straight with their lead
paragraph instead (Wikinews texts do); a paragraph is never a title, so the title is then the
first sentence of the text, cut at a word boundary with an ellipsis when it is long.  Datelines
and bylines before the headline or the lead ("Friday, February 23, 2007", "By Jane Doe") are
passed over.
"""

from __future__ import annotations

import re

from newsmark.ingest.words import word_count

TITLE_MAX_CHARS = 120  # a headline line longer than this is a paragraph
TITLE_MAX_WORDS = 20
CUT_CHARS = 80  # a first sentence longer than this is cut, at a word boundary, with "…"
HEAD_LINES = 4  # how many datelines and bylines are passed over before the headline or the lead
UNTITLED = "(untitled)"

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# a date: "February 23, 2007", "23 February 2007", "Feb. 23", "2007-02-23", "23/02/2007"
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTH}(?!\w)"
    r"|\d{4}-\d{1,2}-\d{1,2}\b|\d{1,2}[./]\d{1,2}[./]\d{2,4}\b)", re.IGNORECASE)
_DATE_WORDS = re.compile(
    rf"\b(?:{_MONTH}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|published|updated|"
    r"posted|last|on|at|am|pm|gmt|utc|bst|est|edt|cet|cest)(?!\w)|\d+", re.IGNORECASE)
# "WASHINGTON —", "LONDON, Feb 23 (Reuters) -": a place in capitals opening the story
_PLACE_DATELINE = re.compile(r"^[A-Z][A-Z .,'’\-]+(?:,[^()\n]{0,30})?(?:\s*\([^()\n]{1,40}\))?\s*[—–-]+\s*$")
_BYLINE = re.compile(r"^(?:By|BY|by)\s+(?:[A-Z][\w.'’\-]*\s*(?:,|and\s+|&\s*)?\s*){1,8}$")
_ATX = re.compile(r"^#{1,6}(?:\s+|$)")
_SETEXT = re.compile(r"^(?:=+|-+)\s*$")
_BULLET = re.compile(r"^\s*[•·▪◦●■►▶*+\-–—]\s")
_NOT_A_TITLE_END = tuple(".,;:。，、；：")
_CLOSERS = "\"”’'»)]›」』"
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"”’'»)\]]*(?=\s|$)")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr sen rep gen gov lt col capt sgt mt no vs co inc ltd corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k".split())


def is_dateline(line: str) -> bool:
    """Whether a line is a dateline or a byline: "Friday, February 23, 2007", "Published 23 Feb
    2007 14:05 GMT", "WASHINGTON (AP) —", "By Jane Doe and John Smith"."""
    line = line.strip()
    if not line or word_count(line) > 12:
        return False
    if _DATE.search(line):
        rest = _DATE_WORDS.sub(" ", _DATE.sub(" ", line))
        return word_count(rest) <= 2
    if _PLACE_DATELINE.match(line):
        return True
    return bool(_BYLINE.match(line))


def _heading(line: str) -> str:
    return _ATX.sub("", line.strip()).strip().rstrip("#").strip()


def _title_like(line: str) -> bool:
    line = _heading(line)
    if not line or len(line) > TITLE_MAX_CHARS or word_count(line) > TITLE_MAX_WORDS:
        return False
    if _BULLET.match(line) or not any(ch.isalnum() for ch in line):
        return False
    return not line.rstrip(_CLOSERS).endswith(_NOT_A_TITLE_END) and not line.endswith(_NOT_A_TITLE_END)


def title_of_text(text: str) -> str:
    """A document's title from its text: its headline line when it starts with one, else its
    first sentence, cut at a word boundary with an ellipsis when longer than CUT_CHARS."""
    lines = text.splitlines()
    i, passed = 0, 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if is_dateline(line) and passed < HEAD_LINES:
            passed += 1
            i += 1
            continue
        if _ATX.match(line) and _heading(line):  # a Markdown heading
            return _shorten(_heading(line), TITLE_MAX_CHARS)
        if _title_like(line) and (
                not nxt or is_dateline(nxt) or _SETEXT.match(nxt)
                or (_starts_sentence(nxt) and len(nxt) >= 1.5 * len(line))):
            return _heading(line)
        return _first_sentence(lines, i)
    return UNTITLED


def _starts_sentence(line: str) -> bool:
    """Whether a line starts a sentence (a hard-wrapped paragraph's next line mostly does not)."""
    first = next((ch for ch in line if ch.isalnum()), "")
    return bool(first) and not first.islower()


def _first_sentence(lines: list[str], i: int) -> str:
    """The first sentence of the paragraph starting at line ``i`` (its lines joined: a
    hard-wrapped paragraph is one), shortened."""
    para = []
    for line in lines[i:]:
        if not line.strip():
            break
        para.append(line.strip())
    text = " ".join(" ".join(para).split())
    for m in _SENTENCE_END.finditer(text):
        if m.end() > CUT_CHARS:
            break
        word = re.search(r"([\w.]+)$", text[:m.start()])
        if m.group()[0] == "." and word is not None and (
                word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue  # "Mr. Haddox", "U.S. troops", "J. Smith"
        return text[:m.end()]
    return _shorten(text, CUT_CHARS)


def _shorten(text: str, limit: int) -> str:
    """``text`` when it fits in ``limit`` characters, else cut before the last word that does
    not, with an ellipsis (cut at ``limit`` where no space is, as in Chinese or Japanese)."""
    if len(text) <= limit:
        return text
    head = text[:limit]  # the ellipsis takes the place of the space cut at
    cut = head.rfind(" ")
    if cut >= limit // 3:
        head = head[:cut]
    else:
        head = head[:limit - 1]
    return head.rstrip(" ,;:—–-(\"“„«‘'") + "…"
