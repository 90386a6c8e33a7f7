"""attribution_around: the quotes recommender over the text around one quote only, its
offsets the document's (the speaker dialog's proposal where no tagged entity gives one)."""

from __future__ import annotations

from newsmark.attribution import suggested_cue, with_suggested_speaker
from newsmark.core.model import Annotation
from newsmark.suggest.quotes import attribution_around

QUOTE = "“We will not leave before the deadline 🇮🇶,” Leon Panetta said on Tuesday."


def test_far_into_a_long_article_the_offsets_are_the_documents() -> None:
    filler = "A paragraph about 石油 and naïve café prices, with “a scare quote” in it.\r\n" * 2000
    text = filler + "Mr Panetta arrived.\n" + QUOTE + "\nThe end."
    q = text.index("We will")
    sug = attribution_around(text, [], q, q + 10, context=1000)
    assert sug is not None and sug.label == "QUOTE"
    assert text[sug.head.start:sug.head.end] == sug.head.text and sug.head.start <= q < sug.head.end
    for sp in sug.spans:
        assert text[sp.start:sp.end] == sp.text
    cue = suggested_cue(sug)
    assert cue is not None and text[cue.start:cue.end] == "said"
    choices = with_suggested_speaker([], sug)
    assert len(choices) == 1 and choices[0].proposed and choices[0].name == "Leon Panetta"
    target = choices[0].target
    assert target is not None and text[target.start:target.end] == "Leon Panetta" and target.ann_id is None


def test_a_tagged_speaker_is_named_by_its_annotation() -> None:
    text = "Intro.\n" + QUOTE
    s = text.index("Leon Panetta")
    person = Annotation("p1", "d", s, s + len("Leon Panetta"), "PERSON", "Leon Panetta")
    q = text.index("We will")
    sug = attribution_around(text, [person], q, q + 5)
    assert sug is not None
    speaker = next(sp for sp in sug.spans if sp.key == "speaker")
    assert speaker.existing == "p1" and (speaker.start, speaker.end) == (person.start, person.end)


def test_no_quote_there_gives_nothing() -> None:
    text = "Talks resumed on Monday.\nNobody said anything quotable."
    assert attribution_around(text, [], 0, 10) is None
