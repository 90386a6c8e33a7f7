"""How long a text is, in words, for every script: the rule that decides whether a page holds
an article and whether a paragraph is running text.

Counting whitespace-separated words fails for languages written without spaces: a Japanese,
Chinese or Thai article is a handful of "words" that way.  Characters of those scripts are
counted instead, at the average length of a word in them; everything else counts its words.
"""

from __future__ import annotations

import re

# Han (with the astral extensions), kana, CJK compatibility ideographs: a word is ~2 characters
_HAN_KANA = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d"
    "\U00020000-\U0003134f]")
# Thai, Lao, Khmer, Myanmar, Tibetan (syllables without spaces between words): ~4 characters a word
_SOUTHEAST = re.compile("[\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f\u0f00-\u0fff]")
_WORD = re.compile(r"\w+")
HAN_KANA_CHARS_PER_WORD = 2
SOUTHEAST_CHARS_PER_WORD = 4


def word_count(text: str) -> int:
    """The number of words in ``text``, estimated for scripts written without spaces."""
    han = len(_HAN_KANA.findall(text))
    southeast = len(_SOUTHEAST.findall(text))
    if han or southeast:
        text = _SOUTHEAST.sub(" ", _HAN_KANA.sub(" ", text))
    return (len(_WORD.findall(text)) + han // HAN_KANA_CHARS_PER_WORD
            + southeast // SOUTHEAST_CHARS_PER_WORD)
