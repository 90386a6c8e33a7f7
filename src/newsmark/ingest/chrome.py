"""The article in a plain-text page dump, without the page's chrome.

A text saved from a web page ("save as text", a copy of the whole page) carries the page around
the article: menus, share buttons, lists of other stories, copyright lines.  No HTML is left for
the web-page extractor (trafilatura) to judge by, so this applies its idea, that the article is
the dense run of running text, to paragraphs:

- a paragraph (lines between blank lines) is *prose* when it is a sentence or more of running
  text: long enough, ending like a sentence, not a list bullet, not a known page phrase
  (copyright, cookies, "share this"...);
- the article is the run of paragraphs where prose outweighs the rest most (each prose
  paragraph counts its words, every other paragraph counts against), so a subheading or a photo
  credit inside the article does not cut it, while a menu or a list of stories does;
- up to three short lines just before that run (headline, byline, photo caption) stay with it.

Used only where it helps: the run must hold at least three prose paragraphs and the rest of the
page at least a tenth of its words; otherwise the text is kept whole.  The importer keeps the
whole file with the document, so what was cut can be looked at or imported whole
(``--whole-text``).  Measured on dumps of the 31 real news pages in the test corpus
(tests/ingest/test_text_dumps.py); the figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsmark.ingest.words import word_count

_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
_BULLET = re.compile(r"^\s*[•·▪◦●■►▶*+\-–—]\s")
_SENTENCE_END = tuple(".!?…。！？:")
_CLOSERS = "\"”’'»)]"
_PAGE_PHRASES = re.compile(
    r"copyright|©|all rights reserved|cookie|best viewed|style ?sheets|javascript|subscribe|sign up|"
    r"sign in|log in|newsletter|share this|follow us|read more|advertisement|skip to|terms of (?:use|service)|"
    r"privacy (?:policy|notice)|click here|download (?:the|our) app|try our new site",
    re.IGNORECASE)
MIN_PROSE_WORDS = 8
MIN_PROSE_PARAGRAPHS = 3
MIN_CUT_SHARE = 0.10
HEAD_LINES = 3
HEAD_MAX_WORDS = 40
TINY_WORDS = 3
MIN_CHROME_SHARE = 0.5  # of the paragraphs cut from the head or the tail


@dataclass(frozen=True, slots=True)
class Block:
    start: int
    end: int
    words: int
    prose: bool
    chrome: bool  # a bullet or a known page phrase


def blocks(text: str) -> list[Block]:
    out = []
    for m in _BLOCK.finditer(text):
        s = m.group().strip()
        words = word_count(s)
        chrome = bool(_BULLET.match(s)) or bool(_PAGE_PHRASES.search(s))
        prose = not chrome and words >= MIN_PROSE_WORDS and s.rstrip(_CLOSERS).endswith(_SENTENCE_END)
        out.append(Block(m.start(), m.end(), words, prose, chrome))
    return out


def main_text_span(text: str) -> tuple[int, int] | None:
    """Where the article is in ``text`` (start, end), or None to keep the text whole."""
    bs = blocks(text)
    if not bs:
        return None
    # the run with the highest score (Kadane): prose paragraphs for, everything else against
    best, best_span, run, run_start = 0, (0, -1), 0, 0
    for k, b in enumerate(bs):
        score = b.words if b.prose else -max(b.words, 3)
        if run <= 0:
            run, run_start = score, k
        else:
            run += score
        if run > best:
            best, best_span = run, (run_start, k)
    i, j = best_span
    if j < i or sum(b.prose for b in bs[i:j + 1]) < MIN_PROSE_PARAGRAPHS:
        return None
    head = 0
    while head < HEAD_LINES and i > 0 and not bs[i - 1].chrome and bs[i - 1].words <= HEAD_MAX_WORDS:
        i -= 1
        head += 1
    # cut the page's top and bottom only where they look like chrome (menus, bullets, page
    # phrases, one-word links): a list that belongs to the article is not chrome
    if i > 0 and not _looks_like_chrome(bs[:i]):
        i = 0
    if j < len(bs) - 1 and not _looks_like_chrome(bs[j + 1:]):
        j = len(bs) - 1
    total = sum(b.words for b in bs)
    kept = sum(b.words for b in bs[i:j + 1])
    if total - kept < MIN_CUT_SHARE * total:
        return None
    return bs[i].start, bs[j].end


def _looks_like_chrome(cut: list[Block]) -> bool:
    return sum(b.chrome or b.words <= TINY_WORDS for b in cut) >= MIN_CHROME_SHARE * len(cut)
