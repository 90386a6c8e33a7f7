"""Function words and the names of speakers (``attribution.names``)."""

from __future__ import annotations

import pytest

from newsmark.attribution import speaker as attribution
from newsmark.attribution.names import (
    FUNCTION_WORDS,
    PRONOUNS,
    is_function_word,
    name_key,
    one_name_each,
)
from newsmark.suggest import quotes


@pytest.mark.parametrize("word", ["it", "It", "its", "he", "He", "she", "they", "we", "I", "you", "this",
                                  "that", "who", "Who", "the", "The", "them", "himself"])
def test_function_words(word: str) -> None:
    assert is_function_word(word)


@pytest.mark.parametrize("word", ["US", "IT", "WHO", "Apple", "it's a", "Itself Inc", "May", "Will", "Chad"])
def test_names_are_not_function_words(word: str) -> None:
    assert not is_function_word(word)


def test_the_pronouns_the_quote_rules_know_are_function_words() -> None:
    assert quotes._PRONOUNS <= PRONOUNS <= FUNCTION_WORDS
    assert attribution.PRONOUNS <= PRONOUNS


def test_one_name_each_key() -> None:
    assert name_key("the  Swedish Prosecution Authority") == name_key("Swedish prosecution authority")
    assert name_key("The") == "the"
    names = ["Swedish Prosecution Authority", "the Swedish Prosecution Authority", "Leon Panetta"]
    assert one_name_each(names) == {"Swedish Prosecution Authority": "the Swedish Prosecution Authority",
                                    "the Swedish Prosecution Authority": "the Swedish Prosecution Authority",
                                    "Leon Panetta": "Leon Panetta"}
    assert one_name_each(names, preferred=["SWEDISH  Prosecution Authority"])[names[1]] == \
        "SWEDISH Prosecution Authority"
