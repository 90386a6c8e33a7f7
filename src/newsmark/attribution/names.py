"""What a mention names, for the recommenders and the corpus views alike.

A pronoun or another function word ("it", "he", "they", "this", "who") names nobody by itself:
tagged as a quote's speaker mention it is the annotator's choice of coreference, not a name
to propagate to every "it" of the corpus nor an entity of its own.  And one name is one name
written with or without its article: "the Swedish Prosecution Authority" and "Swedish
Prosecution Authority" are one speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# English function words that can stand where a name would: personal, possessive, reflexive,
# demonstrative, relative and interrogative pronouns, articles and other determiners, and the
# conjunctions and prepositions a sloppy selection may catch alone.
PRONOUNS = frozenset(
    "i me my mine myself you your yours yourself yourselves he him his himself she her hers "
    "herself it its itself we us our ours ourselves they them their theirs themselves one "
    "oneself this that these those who whom whose which what whoever whatever whichever".split())
FUNCTION_WORDS = PRONOUNS | frozenset(
    "the a an some any each every either neither both all another other such no none "
    "and or but nor so yet if then than as because while when where whether although though "
    "of in on at to by for from with about into onto over under after before since until "
    "between through during without within upon against among there here".split())

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def is_function_word(text: str) -> bool:
    """Whether ``text`` is a single pronoun or other function word as written in running text:
    in lower case or capitalised ("it", "It", "I"), not in capitals ("US", "IT", "WHO" are
    names)."""
    word = text.strip()
    low = word.lower()
    if low not in FUNCTION_WORDS:
        return False
    return word in (low, low[:1].upper() + low[1:])


def name_key(name: str) -> str:
    """The key of a name as a speaker: its words, in lower case, without a leading "the"
    (one speaker, however the article's sentences put it)."""
    words = [w.casefold() for w in _WORD.findall(name)]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def one_name_each(names: Iterable[str], preferred: Iterable[str] = ()) -> dict[str, str]:
    """For each of ``names``, the one way to write it that stands for every name of its key
    (``name_key``): the first of ``preferred`` with that key (the names the annotator already
    gave), else the one with the most words (as ``speaker_name`` names a mention by its fullest
    form: "the Swedish Prosecution Authority" over "Swedish Prosecution Authority"), else the
    first given."""
    chosen: dict[str, str] = {}
    fixed: set[str] = set()
    for name in preferred:
        key = name_key(name)
        if key and key not in fixed:
            chosen[key] = " ".join(name.split())
            fixed.add(key)
    for name in names:
        key = name_key(name)
        if not key or key in fixed:
            continue
        best = chosen.get(key)
        if best is None or len(_WORD.findall(name)) > len(_WORD.findall(best)):
            chosen[key] = " ".join(name.split())
    return {name: chosen.get(name_key(name), name) for name in names}
