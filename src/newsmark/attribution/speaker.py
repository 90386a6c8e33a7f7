"""The speaker, cue and type a quote most likely has, read from the text around it.

Newsrooms write attribution in a few shapes: ``Leon Panetta has insisted that …``,
``Mr Panetta insisted that "…"``, ``"…," said Ali al-Dabbagh`` and, a sentence later,
``He added: "…"``.  So the proposed speaker is the nearest PERSON or ORG mention before the quote
in the same or the previous sentence (the subject of the cue verb when the cue is known), then
one after the quote in its sentence, then the previous quote's speaker when a pronoun stands in
for a name.  Mentions of one person ("Leon Panetta", "Mr Panetta", "Panetta") are one choice.
Offsets are code points, as everywhere in the core.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from newsmark.attribution.names import is_function_word
from newsmark.core.model import Annotation, Relation
from newsmark.core.suggestion import SuggestedSpan, Suggestion

SPEAKER_LABELS = ("PERSON", "ORG", "NORP")  # who can be offered as a speaker
PROPOSED_LABELS = ("PERSON", "ORG")  # who can be proposed (a nationality rarely speaks)
CUE_LABEL = "CUE"
WINDOW = 3000  # how far a sentence boundary is looked for, in code points

TITLES = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady president minister senator sen rep gen general "
    "secretary chancellor judge justice governor gov mayor rev father sister brother".split())
_ABBREVIATIONS = TITLES | {"st", "jr", "sr", "vs", "no", "co", "inc", "ltd", "corp", "mt", "col", "capt",
                           "lt", "sgt", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec"}
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})

# a terminator followed by closing marks then white space, or a line break (a paragraph)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)|[\n\r\u2028\u2029]")
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
CUE_WORDS = (
    "said says say added adds insisted insists insist told tells stated states argued argues claimed "
    "claims warned warns explained explains noted notes asked asks replied replies denied denies "
    "admitted admits announced announces declared declares suggested suggests stressed stresses "
    "acknowledged acknowledges wrote writes maintained maintains agreed agrees urged urges confirmed "
    "confirms continued continues recalled recalls predicted predicts promised promises"
).split()
_CUE = re.compile(r"\b(?:(?:has|have|had)\s+)?(?:" + "|".join(CUE_WORDS) + r")\b|\baccording to\b",
                  re.IGNORECASE)

_SPACES = " \t\u00a0\u202f"


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in the text: a tagged annotation (``ann_id``) or an untagged occurrence of a
    tagged name (``ann_id`` None: tagged when chosen)."""

    start: int
    end: int
    text: str
    label: str
    ann_id: str | None = None


@dataclass(slots=True)
class SpeakerChoice:
    """One entry of the speaker list: every mention of one person or organisation."""

    name: str  # the fullest way the text names them
    label: str
    mentions: list[Mention] = field(default_factory=list)
    target: Mention | None = None  # the mention the quote is linked to when chosen
    proposed: bool = False

    def describe(self) -> str:
        others = list(dict.fromkeys(m.text for m in self.mentions if m.text != self.name))
        also = f" — also {', '.join(others[:3])}" if others else ""
        return f"{self.name} ({self.label}){also}"


@dataclass(frozen=True, slots=True)
class CueProposal:
    start: int
    end: int
    text: str
    ann_id: str | None = None  # a CUE annotation already there, or None (tagged when accepted)


# ---------------------------------------------------------------------- sentences
def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    if m.group()[0] != ".":
        return True
    # "Mr. Panetta", "U.S. troops": a period after a title, an abbreviation or an initial
    word = re.search(r"([^\W\d_]+)$", text[max(0, m.start() - 12):m.start()])
    if word is None:
        return True
    w = word.group(1)
    return not (w.lower() in _ABBREVIATIONS or len(w) == 1)


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence around ``pos``: (start, end), end exclusive, spaces around left out."""
    lo = max(0, pos - WINDOW)
    start = lo
    for m in _SENTENCE_END.finditer(text, lo, pos):
        if _ends_sentence(text, m):
            start = m.end()
    end = min(len(text), pos + WINDOW)
    for m in _SENTENCE_END.finditer(text, pos, end):
        if _ends_sentence(text, m):
            end = m.end() if m.group()[0] not in "\n\r\u2028\u2029" else m.start()
            break
    while start < end and text[start].isspace():
        start += 1
    return start, max(start, end)


def _previous_sentence_start(text: str, s0: int) -> int:
    p = s0 - 1
    while p > 0 and text[p].isspace():
        p -= 1
    return sentence_bounds(text, p)[0] if p > 0 else 0


# ---------------------------------------------------------------------- mentions
def _tokens(name: str) -> list[str]:
    return [t.rstrip(".") for t in _WORD.findall(name)]


def _group_key(label: str, text: str) -> tuple[str, str]:
    words = [t for t in _tokens(text) if t]
    if label == "PERSON" and words:
        last = re.sub(r"(?:'s|’s|'|’)$", "", words[-1])
        return label, last.lower()
    words = [w.lower() for w in words]
    if words and words[0] == "the":
        words = words[1:]
    return label, " ".join(words)


def speaker_name(annotations: Sequence[Annotation], mention: Annotation, text: str | None = None) -> str:
    """The name a speaker's mention refers to: the fullest way the text names the same person
    or organisation ("Mr Panetta" -> "Leon Panetta"); the mention itself when nothing fuller.
    A pronoun ("it added", "he said") names nobody itself: it stands for the nearest person or
    organisation of its label named before it, tagged or (with the document's ``text``) an
    untagged mention of a tagged one ("Mr Panetta … He added"); the pronoun when there is none."""
    if is_function_word(mention.text):
        referent = _referent(annotations, mention, text)
        if referent is None:
            return " ".join(mention.text.split())
        mention = referent
    key = _group_key(mention.label, mention.text)
    name = " ".join(mention.text.split())
    for a in annotations:
        if a.label == mention.label and _group_key(a.label, a.text) == key and _fullness(a.text) > _fullness(name):
            name = " ".join(a.text.split())
    return name


def _referent(annotations: Sequence[Annotation], pronoun: Annotation, text: str | None) -> Annotation | None:
    """A tagged mention of whom a pronoun stands for: of the person or organisation named
    nearest before it (tagged, or an untagged mention of a tagged one)."""
    same = [a for a in annotations if a.label == pronoun.label and a.text.strip() and not is_function_word(a.text)]
    nearest = max((a for a in same if a.end <= pronoun.start), key=lambda a: (a.end, a.start), default=None)
    if text is None or not same:
        return nearest
    # untagged mentions after the nearest tagged one: only names whose words are there are looked for
    lo = max(pronoun.start - WINDOW, nearest.end if nearest is not None else 0)
    there = {t.lower() for t in _tokens(text[lo:pronoun.start])}
    if not there:
        return nearest
    # (a person's surname, "Mr Panetta"; an organisation's name as tagged)
    wanted = [a for a in same if (words := [t.lower() for t in _tokens(a.text)])
              and (re.sub(r"(?:'s|’s)$", "", words[-1]) if pronoun.label == "PERSON" else words[0]) in there]
    pattern = _alias_pattern(pronoun.label, {a.text for a in wanted})
    found = None
    for m in pattern.finditer(text, lo, pronoun.start) if pattern is not None else ():
        found = m
    if found is None:
        return nearest
    key = _group_key(pronoun.label, found.group())
    return next((a for a in wanted if _group_key(a.label, a.text) == key), nearest)


def _fullness(text: str) -> int:
    return sum(1 for t in _tokens(text) if t.lower() not in TITLES)


def _alias_pattern(label: str, names: Iterable[str]) -> re.Pattern[str] | None:
    """How an untagged mention of a group looks: a person's surname (with a title before it), an
    organisation's name as tagged."""
    alts: set[str] = set()
    for name in names:
        if label == "PERSON":
            words = _tokens(name)
            if words:
                alts.add(re.escape(re.sub(r"(?:'s|’s)$", "", words[-1])))
        elif name.strip():
            alts.add(re.escape(name.strip()))
    if not alts:
        return None
    # a title before a surname is part of the mention: "Mr Panetta", "Dr. Smith"
    title = r"(?:(?i:" + "|".join(sorted(TITLES)) + r")\.?\s+)?" if label == "PERSON" else ""
    body = "|".join(sorted(alts, key=len, reverse=True))
    return re.compile(r"(?<!\w)" + title + r"(?:" + body + r")(?!\w)")


# ---------------------------------------------------------------------- speaker
def speaker_choices(text: str, annotations: Sequence[Annotation], quote_start: int, quote_end: int,
                    relations: Iterable[Relation] = (), cue: tuple[int, int] | None = None,
                    quote_id: str | None = None,
                    canonical: Callable[[str, str], str] | None = None) -> list[SpeakerChoice]:
    """The people and organisations a quote can be attributed to, the proposed one first, then
    by how near to the quote they are named.  ``cue``: the quote's cue span when known.
    ``canonical(label, name)``: the name of the canonical entity a name is merged into (the name
    itself when none); the mentions of one canonical entity are one choice, under its name."""
    # the sentences that count: the quote's, the one before it, and the rest of the quote's after it
    s0, _ = sentence_bounds(text, quote_start)
    prev = _previous_sentence_start(text, s0)
    if quote_end > quote_start:
        after_end = sentence_bounds(text, quote_end - 1)[1]
        # "…," said Panetta: the sentence goes on after a quote that ends with its own period
        after_end = max(after_end, sentence_bounds(text, min(len(text) - 1, quote_end + 1))[1]
                        if quote_end < len(text) and text[quote_end:quote_end + 3].strip(" \"”’,") == ""
                        else after_end)
    else:
        after_end = quote_end
    groups: dict[tuple[str, str], SpeakerChoice] = {}
    named: set[tuple[str, str]] = set()  # the groups named by a canonical entity
    pronouns: list[Annotation] = []  # tagged pronouns near the quote: mentions of whom they stand for

    def key_of(a: Annotation) -> tuple[str, str, str]:
        cname = canonical(a.label, a.text) if canonical is not None else a.text
        return a.label, _group_key(a.label, cname)[1], cname

    for a in annotations:
        if a.label not in SPEAKER_LABELS or (quote_start <= a.start and a.end <= quote_end):
            continue
        if is_function_word(a.text):  # "it", "he": no one's name (and far from the quote, no one's mention)
            if prev <= a.start and a.end <= after_end:
                pronouns.append(a)
            continue
        label, gkey, cname = key_of(a)
        key = (label, gkey)
        choice = groups.get(key)
        if choice is None:
            choice = groups[key] = SpeakerChoice(name=a.text, label=a.label)
        choice.mentions.append(Mention(a.start, a.end, a.text, a.label, a.id))
        if cname != a.text:
            choice.name = cname
            named.add(key)
        elif key not in named and _fullness(a.text) > _fullness(choice.name):
            choice.name = a.text
    aliases = {key: {m.text for m in c.mentions} for key, c in groups.items()}  # names, not pronouns
    for p in pronouns:
        referent = _referent(annotations, p, text)
        key = key_of(referent)[:2] if referent is not None else _group_key(p.label, p.text)
        choice = groups.get(key)
        if choice is None:  # standing for no one named (or named inside the quote only)
            choice = groups[key] = SpeakerChoice(name=key_of(referent)[2] if referent is not None else p.text,
                                                 label=p.label)
        choice.mentions.append(Mention(p.start, p.end, p.text, p.label, p.id))
    tagged = [(m.start, m.end) for c in groups.values() for m in c.mentions]
    for (label, _key), choice in groups.items():
        pattern = _alias_pattern(label, aliases.get((label, _key), set()))
        if pattern is None:
            continue
        for lo, hi in ((prev, quote_start), (quote_end, after_end)):
            for m in pattern.finditer(text, lo, hi):
                if any(s < m.end() and m.start() < e for s, e in tagged):
                    continue
                choice.mentions.append(Mention(m.start(), m.end(), m.group(), label, None))
    for choice in groups.values():
        choice.mentions.sort(key=lambda m: m.start)

    mentions = [(m, c) for c in groups.values() for m in c.mentions if c.label in PROPOSED_LABELS]
    relations = list(relations)
    if cue is None:  # the reporting verb of the sentence stands for a cue not tagged yet
        taken = {r.to_id for r in relations if r.type == "cue" and r.from_id != quote_id}
        found = propose_cue(text, annotations, quote_start, quote_end, taken)
        cue = (found.start, found.end) if found is not None else None
    proposed: tuple[Mention, SpeakerChoice] | None = None
    if cue is not None and cue[1] <= quote_start:  # the subject of the cue verb
        before = [(m, c) for m, c in mentions if prev <= m.start and m.end <= cue[0]]
        proposed = max(before, key=lambda mc: mc[0].end, default=None)
    elif cue is not None and cue[0] >= quote_end:  # "…," said Panetta / Panetta said
        around = [(m, c) for m, c in mentions if quote_end <= m.start and m.end <= after_end]
        proposed = min(around, key=lambda mc: min(abs(mc[0].start - cue[1]), abs(cue[0] - mc[0].end)),
                       default=None)
    if proposed is None:
        before = [(m, c) for m, c in mentions if prev <= m.start and m.end <= quote_start]
        proposed = max(before, key=lambda mc: mc[0].end, default=None)
    if proposed is None:
        after = [(m, c) for m, c in mentions if quote_end <= m.start and m.end <= after_end]
        proposed = min(after, key=lambda mc: mc[0].start, default=None)
    if proposed is None and _pronoun_before(text, s0, quote_start):
        proposed = _previous_speaker(annotations, relations, quote_start, quote_id, groups)
    if proposed is None:
        before = [(m, c) for m, c in mentions if m.ann_id is not None and m.end <= quote_start]
        proposed = max(before, key=lambda mc: mc[0].end, default=None)

    def distance(m: Mention) -> int:
        return quote_start - m.end if m.end <= quote_start else (m.start - quote_end) + 1

    out = list(groups.values())
    for choice in out:
        choice.target = min(choice.mentions, key=lambda m: (distance(m) if distance(m) >= 0 else 1 << 40,
                                                            m.ann_id is None))
    if proposed is not None:
        proposed[1].proposed = True
        proposed[1].target = proposed[0]
    out.sort(key=lambda c: (not c.proposed, distance(c.target) if c.target else 1 << 40))
    return out


def _pronoun_before(text: str, s0: int, quote_start: int) -> bool:
    words = _WORD.findall(text, s0, quote_start)
    return any(w.lower() in PRONOUNS for w in words[:4])


def _previous_speaker(annotations: Sequence[Annotation], relations: Iterable[Relation], quote_start: int,
                      quote_id: str | None, groups: dict[tuple[str, str], SpeakerChoice]
                      ) -> tuple[Mention, SpeakerChoice] | None:
    """The speaker of the nearest attributed quote before this one (``He added: …``)."""
    by_id = {a.id: a for a in annotations}
    best: tuple[int, Annotation] | None = None
    for r in relations:
        if r.type != "said_by" or r.from_id == quote_id:
            continue
        quote, speaker = by_id.get(r.from_id), by_id.get(r.to_id)
        if quote is None or speaker is None or quote.start >= quote_start:
            continue
        if best is None or quote.start > best[0]:
            best = (quote.start, speaker)
    if best is None:
        return None
    speaker = best[1]
    # the group holding that mention (under its canonical name's key when merged)
    choice = next((c for c in groups.values() if any(m.ann_id == speaker.id for m in c.mentions)), None)
    if choice is None:
        return None
    # link the mention of that speaker nearest before the quote
    before = [m for m in choice.mentions if m.end <= quote_start]
    target = max(before, key=lambda m: m.end, default=None) or next(
        m for m in choice.mentions if m.ann_id == speaker.id)
    return target, choice


# ---------------------------------------------------------------------- cue
def propose_cue(text: str, annotations: Sequence[Annotation], quote_start: int, quote_end: int,
                taken: Iterable[str] = ()) -> CueProposal | None:
    """The cue of a quote: a CUE of its sentence that no other quote has, else a reporting verb
    there ("said", "has insisted", "according to"), the nearest to the quote."""
    s0, _ = sentence_bounds(text, quote_start)
    end = sentence_bounds(text, max(quote_start, quote_end - 1))[1]
    if quote_end < len(text) and text[quote_end:quote_end + 3].strip(" \"”’,") == "":
        end = max(end, sentence_bounds(text, min(len(text) - 1, quote_end + 1))[1])
    used = set(taken)

    def distance(s: int, e: int) -> int:
        return quote_start - e if e <= quote_start else s - quote_end

    found: list[tuple[int, CueProposal]] = []
    for a in annotations:
        if a.label == CUE_LABEL and a.id not in used and s0 <= a.start and a.end <= end and (
                a.end <= quote_start or a.start >= quote_end):
            found.append((distance(a.start, a.end), CueProposal(a.start, a.end, a.text, a.id)))
    if not found:
        for lo, hi in ((s0, quote_start), (quote_end, end)):
            for m in _CUE.finditer(text, lo, hi):
                found.append((distance(m.start(), m.end()), CueProposal(m.start(), m.end(), m.group())))
    return min(found, key=lambda dc: dc[0], default=(0, None))[1]


# ---------------------------------------------------------------------- type
# The opening marks each closing mark closes: “…” (and „…” in Polish, „…“ in German), «…», ‹…›,
# 「…」, 『…』, ‘…’ (and ‚…‘), "…", '…', and the straight and curly ones mixed up ("…” and “…").
_CLOSES = {"”": "“„\"", "“": "„", "»": "«", "›": "‹", "」": "「", "』": "『", "’": "‘‚", "‘": "‚",
           '"': '"“', "'": "'"}
_FAMILY = {"“": "double", "„": "double", "«": "double", '"': "double", "‘": "single", "‚": "single",
           "'": "single", "‹": "single", "「": "corner", "『": "white corner"}
# French typography may open a continued paragraph with the closing guillemet ("guillemets de suite")
_CONTINUES = {"»": "«", "›": "‹"}
_BREAK = r"(?:\r\n|\r(?!\n)|[\n\u2028\x0b\x0c\x85])"
_PARAGRAPH_BREAK = re.compile(_BREAK + r"[ \t\u00a0\u202f\u3000]*" + _BREAK + r"|\u2029")
_MARK_OR_BREAK = re.compile("[\"'“”„«»‹›「」『』‘’‚]|" + _BREAK + r"(?:\s*" + _BREAK + r")*|\u2029\s*")
_LINE_END = tuple(".!?…:。！？")
_CLOSE_MARKS = "\"”’'»›」』)]"
QUOTE_WINDOW = 20_000  # how far back the start of a quote's paragraph is looked for, in code points
_OUT, _IN, _MARK = 0, 1, 2


def _opens(text: str, i: int) -> bool:
    """Whether the mark at ``i`` opens a quotation where it stands."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if ch == '"':  # not the closing-looking one of a `5" screen`, `he said." `
        return not ((prev.isalnum() or prev in ".,;:!?…") and not nxt.isalnum())
    if ch == "'":  # not an apostrophe: "Iraq's", "troops' camp"
        return not prev.isalnum() and (nxt.isalnum() or nxt in _FAMILY)
    if ch == "‘":
        return nxt != "" and not nxt.isspace()
    return ch in _FAMILY


def _closes(text: str, i: int, opener: str) -> bool:
    """Whether the mark at ``i`` may close the quotation ``opener`` opened (an apostrophe inside
    a word does not; a straight mark closes a curly one only where it cannot open one)."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if text[i] in "'’":
        return not nxt.isalnum()
    if text[i] == '"' and opener == "“":
        return not text[i - 1].isspace() and not nxt.isalnum()
    return True


def _quote_states(text: str, s: int, e: int) -> bytearray:
    """For each code point of ``text[s:e]``: inside quotation marks, outside, or a quotation mark.

    Read from the start of the paragraph holding ``s``.  A quotation left open at the end of a
    paragraph goes on where the next paragraph opens with the same kind of mark (the English
    convention for a quote over paragraphs); else it ends there.  At a line break inside a
    paragraph it goes on unless the line ends a sentence and the next does not open again."""
    lo = max(0, s - QUOTE_WINDOW)
    p0 = lo
    for m in _PARAGRAPH_BREAK.finditer(text, lo, s):
        p0 = m.end()
    states = bytearray(e - s)
    stack: list[str] = []  # the opening marks of the quotations open, the outermost first
    last, skip, line_start = p0, p0, p0

    def fill(a: int, b: int, value: int) -> None:
        a, b = max(a, s), min(b, e)
        if a < b:
            states[a - s:b - s] = bytes([value]) * (b - a)

    j = p0
    while j < len(text) and text[j] in _SPACES:
        j += 1
    if p0 > 0 and j < len(text) and text[j] in _CONTINUES:  # "» Les troupes…": a quote going on
        stack.append(_CONTINUES[text[j]])
        fill(j, j + 1, _MARK)
        last = skip = j + 1

    for m in _MARK_OR_BREAK.finditer(text, p0, e):
        i = m.start()
        if i < skip:
            continue
        fill(last, i, _IN if stack else _OUT)
        last = m.end()
        ch = m.group()[0]
        if ch in _CLOSES or ch in _FAMILY:
            opener = next((d for d in range(len(stack) - 1, -1, -1)
                           if stack[d] in _CLOSES.get(ch, "") and _closes(text, i, stack[d])), None)
            if opener is not None:
                del stack[opener:]
                fill(i, i + 1, _MARK)
            elif ch in _FAMILY and _opens(text, i):
                stack.append(ch)
                fill(i, i + 1, _MARK)
            else:
                fill(i, i + 1, _IN if stack else _OUT)  # an apostrophe, a stray mark
            continue
        # a line or paragraph break: the quotation goes on where the next line opens it again
        fill(i, m.end(), _IN if stack else _OUT)
        paragraph = "\u2029" in m.group() or len(re.findall(_BREAK, m.group())) > 1
        j, kept = m.end(), 0
        while j < len(text) and text[j] in _SPACES:
            j += 1
        while kept < len(stack) and j < len(text):
            ch = text[j]
            if _FAMILY.get(ch) == _FAMILY[stack[kept]] or _CONTINUES.get(ch) == stack[kept]:
                fill(j, j + 1, _MARK)
                kept += 1
                j += 1
                while j < len(text) and text[j] in _SPACES:
                    j += 1
            else:
                break
        if kept:
            del stack[kept:]
            last = skip = j
        elif paragraph or text[line_start:i].rstrip(_SPACES).rstrip(_CLOSE_MARKS).endswith(_LINE_END):
            stack.clear()
        line_start = m.end()
    fill(last, e, _IN if stack else _OUT)
    return states


def infer_quote_type(text: str, start: int, end: int) -> str:
    """``direct`` when the quote's words are all inside quotation marks (over paragraphs too:
    an opening mark at the start of each, the closing one at the end of the last), ``mixed``
    when some are, ``indirect`` when none is."""
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s >= e:
        return "indirect"
    states = _quote_states(text, s, e)
    words = [states[i - s] for i in range(s, e) if text[i].isalnum()]
    if not words:  # no letter or digit: whatever is not a mark or a space
        words = [states[i - s] for i in range(s, e) if not text[i].isspace() and states[i - s] != _MARK]
    inside = sum(1 for st in words if st == _IN)
    if words and inside == len(words):
        return "direct"
    return "mixed" if inside else "indirect"


def _suggested(sug: Suggestion, relation: str) -> SuggestedSpan | None:
    """The span a suggestion's quote is linked to by ``relation`` (``said_by``, ``cue``)."""
    key = next((r.to_key for r in sug.relations if r.type == relation and r.from_key == sug.head.key), None)
    return next((sp for sp in sug.spans if sp.key == key), None) if key is not None else None


def with_suggested_speaker(choices: list[SpeakerChoice], sug: Suggestion) -> list[SpeakerChoice]:
    """The choices with the speaker a quote suggestion found proposed, where the tagged
    entities proposed nobody (no one tagged near the quote, or a pronoun with no earlier quote):
    the mention the suggestion links to (an entity tagged there, else one tagged when chosen),
    under the name it refers to."""
    if any(c.proposed for c in choices):
        return choices
    span = _suggested(sug, "said_by")
    if span is None or span.label not in PROPOSED_LABELS:
        return choices
    mention = Mention(span.start, span.end, span.text, span.label, span.existing)
    name = str(sug.head.attributes.get("speaker") or span.text)
    for c in choices:  # the same person: one of their mentions, or their name
        if c.label != span.label:
            continue
        there = next((m for m in c.mentions if (m.start, m.end) == (span.start, span.end)), None)
        if there is None and _group_key(c.label, c.name) != _group_key(span.label, name):
            continue
        if there is None:
            there = mention
            c.mentions.append(mention)
            c.mentions.sort(key=lambda m: m.start)
        c.target, c.proposed = there, True
        return [c] + [o for o in choices if o is not c]
    return [SpeakerChoice(name=name, label=span.label, mentions=[mention], target=mention, proposed=True),
            *choices]


def suggested_cue(sug: Suggestion) -> CueProposal | None:
    """The cue a quote suggestion links its quote to."""
    span = _suggested(sug, "cue")
    return CueProposal(span.start, span.end, span.text, span.existing) if span is not None else None
