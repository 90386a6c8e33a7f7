"""The type of a quote read from its quotation marks, over paragraphs too (no Qt)."""

from __future__ import annotations

import collections

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsmark.attribution import infer_quote_type
from tests.conftest import CORPUS

# the English convention: an opening mark at the start of each paragraph, the closing one only
# at the end of the last
CURLY = ("Mr Panetta said: \u201cWe will not stay beyond the end of the year.\n\n"
         "\u201cThe troops will come home, every one of them.\n\n"
         "\u201cNobody here wants them to stay,\u201d he added.\n\n"
         "Iraq said it was not consulted.")
STRAIGHT = CURLY.replace("\u201c", '"').replace("\u201d", '"')
SINGLE = CURLY.replace("\u201c", "\u2018").replace("\u201d", "\u2019")
GUILLEMETS = ("M. Panetta a dit\u00a0: \u00ab\u00a0Nous ne resterons pas.\n\n"
              "\u00ab\u00a0Les troupes rentreront toutes.\n\n"
              "\u00ab\u00a0Personne ici ne veut qu\u2019elles restent\u00a0\u00bb, a-t-il ajout\u00e9.\n\n"
              "L\u2019Irak dit ne pas avoir \u00e9t\u00e9 consult\u00e9.")
# French typography may also open a continued paragraph with a closing guillemet
GUILLEMETS_SUITE = GUILLEMETS.replace("\n\n\u00ab\u00a0Les", "\n\n\u00bb\u00a0Les").replace(
    "\n\n\u00ab\u00a0Personne", "\n\n\u00bb\u00a0Personne")
GERMAN = ("Panetta sagte: \u201eWir bleiben nicht.\n\n"
          "\u201eDie Truppen kommen alle nach Hause.\n\n"
          "\u201eNiemand hier will, dass sie bleiben\u201c, f\u00fcgte er hinzu.\n\n"
          "Der Irak sagt, er sei nicht gefragt worden.")

TEXTS = {"curly": (CURLY, "We will not stay", "Nobody here wants them to stay,", "The troops will come home"),
         "straight": (STRAIGHT, "We will not stay", "Nobody here wants them to stay,", "The troops will come home"),
         "single": (SINGLE, "We will not stay", "Nobody here wants them to stay,", "The troops will come home"),
         "guillemets": (GUILLEMETS, "Nous ne resterons", "qu\u2019elles restent", "Les troupes rentreront"),
         "guillemets de suite": (GUILLEMETS_SUITE, "Nous ne resterons", "qu\u2019elles restent",
                                 "Les troupes rentreront"),
         "german": (GERMAN, "Wir bleiben nicht", "dass sie bleiben", "Die Truppen kommen")}


def _span(text: str, first: str, last: str) -> tuple[int, int]:
    s = text.index(first)
    return s, text.index(last, s) + len(last)


def _line(text: str, needle: str) -> tuple[int, int]:
    """The rest of the line from ``needle``: one paragraph of the quote, to its end."""
    s = text.index(needle)
    e = text.find("\n", s)
    return s, e if e >= 0 else len(text)


@pytest.mark.parametrize("style", list(TEXTS))
def test_a_quote_over_paragraphs_is_direct(style: str) -> None:
    text, first, last, middle = TEXTS[style]
    # the words of every paragraph, from the first word to the last (the marks left out)
    assert infer_quote_type(text, *_span(text, first, last)) == "direct"
    # with the opening mark of the first paragraph and the closing one of the last
    s, e = _span(text, first, last)
    closing = e + next(i for i, ch in enumerate(text[e:]) if not ch.isspace() and ch != "\u00a0") + 1
    assert infer_quote_type(text, s - 1 - (text[s - 1] == "\u00a0"), closing) == "direct"
    # one paragraph of it: the first, one in the middle (no closing mark after either), the last
    assert infer_quote_type(text, *_line(text, first)) == "direct"
    assert infer_quote_type(text, *_line(text, middle)) == "direct"
    assert infer_quote_type(text, *_span(text, middle, last)) == "direct"


@pytest.mark.parametrize("style", list(TEXTS))
def test_the_words_around_a_quote_over_paragraphs_make_it_mixed(style: str) -> None:
    text, first, last, _middle = TEXTS[style]
    s, e = _span(text, first, last)
    # with the cue after its closing mark ("he added")
    after = text.index("\n", e)
    assert infer_quote_type(text, s, after) == "mixed"
    # from the words before its opening mark ("Mr Panetta said: …")
    assert infer_quote_type(text, 0, e) == "mixed"
    # the paragraph after it is not quoted
    assert infer_quote_type(text, *_line(text, text.split("\n\n")[3][:8])) in ("indirect",)


def test_paragraphs_each_closed_are_each_their_own_quote() -> None:
    text = ("\u201cWe will not stay,\u201d Mr Panetta said.\n\n"
            "The troops will come home, every one of them, he said.\n\n"
            "\u201cNobody wants them to stay,\u201d he added.")
    # an unquoted paragraph between two quotes: the span over all three is mixed
    s, e = _span(text, "We will", "to stay,")
    assert infer_quote_type(text, s, e) == "mixed"
    # the middle one is reported speech
    assert infer_quote_type(text, *_span(text, "The troops", "of them")) == "indirect"
    # a paragraph left open with no mark opening the next does not carry the quote on
    text = "He said: \u201cWe will not stay.\n\nThe troops will come home, he said."
    assert infer_quote_type(text, *_span(text, "The troops", "come home")) == "indirect"


def test_nested_quotes_and_apostrophes_inside_a_direct_quote() -> None:
    text = ("He said: \u201cThey called it \u2018a disgrace\u2019, and the troops\u2019 families "
            "agreed. Iraq\u2019s leaders didn\u2019t.\n\n\u201cWe won\u2019t stay,\u201d he added.")
    assert infer_quote_type(text, *_span(text, "They called", "stay,")) == "direct"
    text = "He said they called it \u2018a disgrace\u2019 and left."
    assert infer_quote_type(text, *_span(text, "they called", "disgrace\u2019")) == "mixed"


def test_line_breaks_in_a_hard_wrapped_quote() -> None:
    text = "He said: \u201cWe will not stay beyond the end\nof the year,\u201d and left.\r\nThen \u201cno\u201d."
    assert infer_quote_type(text, *_span(text, "We will", "the year,")) == "direct"
    text = text.replace("\n", "\u2028")
    assert infer_quote_type(text, *_span(text, "We will", "the year,")) == "direct"
    text = ("He said: \u201cWe will not stay.\r\n\r\n\u201cThe troops come home,\u201d he added.\r\n\r\n"
            "Iraq disagreed.")
    assert infer_quote_type(text, *_span(text, "We will", "home,")) == "direct"
    text = text.replace("\r\n\r\n", "\u2029")
    assert infer_quote_type(text, *_span(text, "We will", "home,")) == "direct"
    assert infer_quote_type(text, *_span(text, "Iraq", "disagreed")) == "indirect"


def test_astral_characters_and_combining_marks_count_as_code_points() -> None:
    text = ("\U0001F1EE\U0001F1F6 He said: \u201cCafe\u0301 \U00020B9F is shut.\n\n"
            "\u201c\U0001F600 We will not stay,\u201d he added.")
    assert infer_quote_type(text, *_span(text, "Cafe", "stay,")) == "direct"
    assert infer_quote_type(text, *_span(text, "He said", "stay,")) == "mixed"


def test_the_types_of_the_development_set_quotes() -> None:
    """Every quote of the hand-annotated development set (tests/data/quotes-devset) gets its
    annotated type: quotes over paragraphs, single marks, mixed-up straight and curly marks."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is not at {CORPUS}: the development set's texts are rebuilt from it")
    from tests.suggest.devset import load_devset

    pairs: collections.Counter[tuple[str, str]] = collections.Counter()
    wrong = []
    for r in load_devset(CORPUS):
        for a in r["annotations"]:
            if a["label"] == "QUOTE":
                got = infer_quote_type(r["text"], a["start"], a["end"])
                pairs[(a["attributes"]["type"], got)] += 1
                if got != a["attributes"]["type"]:
                    wrong.append((r["id"], a["attributes"]["type"], got, a["text"][:60]))
    assert {t for t, _ in pairs} == {"direct", "mixed", "indirect"}
    assert sum(pairs.values()) >= 250
    assert wrong == []


def test_straight_and_curly_marks_mixed_up() -> None:
    text = '"And I asked, well, on whose authority?\u201d said Hill. "And he said, the President."'
    assert infer_quote_type(text, *_span(text, "And he said", "President.")) == "direct"
    assert infer_quote_type(text, *_span(text, "said Hill", "Hill")) == "indirect"
    text = "\u201cWe won,\" he said, \"and we will win again.\""
    assert infer_quote_type(text, *_span(text, "We won", "won,")) == "direct"
    assert infer_quote_type(text, *_span(text, "he said", "said")) == "indirect"
    assert infer_quote_type(text, *_span(text, "and we", "again.")) == "direct"
    # a straight pair nested in a curly quote stays inside it
    text = "He said: \u201cThey told me \"no\" twice.\u201d Then he left."
    assert infer_quote_type(text, *_span(text, "They told", "twice.")) == "direct"
    assert infer_quote_type(text, *_span(text, "Then", "left")) == "indirect"


MARKS = "\"'\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f\u2018\u2019\u201a"


@given(st.text(alphabet=st.sampled_from(list(MARKS + "ab .,\n\r\u2028\u2029\u00a0") + ["\U0001F600"]),
               max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_any_text_and_span_get_a_type(text: str, a: int, b: int) -> None:
    s, e = sorted((min(a, len(text)), min(b, len(text))))
    kind = infer_quote_type(text, s, e)
    assert kind in ("direct", "mixed", "indirect")
    if not any(ch in MARKS for ch in text):
        assert kind == "indirect"
    if kind == "direct":  # every word of a direct quote stands after some opening mark
        first = next((i for i in range(s, e) if text[i].isalnum()), None)
        assert first is None or any(ch in MARKS for ch in text[:first])
