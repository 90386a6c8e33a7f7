"""The ``quotes`` recommender on hand-written sentences, one construction each."""

from __future__ import annotations

from typing import Any

import pytest

from newsmark.core.model import Annotation, Document
from newsmark.core.suggestion import Suggestion
from newsmark.suggest.quotes import QuotesRecommender, find_quotes, suggest_quotes


def _one(text: str, quote: str) -> Suggestion:
    found = [g for g in suggest_quotes(text) if g.head.text == quote]
    assert found, f"no quote {quote!r} in {[g.head.text for g in suggest_quotes(text)]}"
    return found[0]


def _check(g: Suggestion, text: str, *, speaker: str, mention: str, cue: str | None, qtype: str) -> None:
    for s in g.spans:
        assert text[s.start:s.end] == s.text
    assert g.head.label == "QUOTE"
    assert g.head.attributes["type"] == qtype
    assert g.head.attributes["speaker"] == speaker
    spk = g.target("said_by")
    assert spk is not None and spk.text == mention
    c = g.target("cue")
    if cue is None:
        assert c is None
    else:
        assert c is not None and c.text == cue and c.label == "CUE"
        assert g.head.attributes["cue"] == cue


@pytest.mark.parametrize(("text", "quote", "speaker", "cue"), [
    ('"We will not give up," Jane Doe said.', "We will not give up", "Jane Doe", "said"),
    ("“We will not give up,” said Jane Doe.", "We will not give up", "Jane Doe", "said"),
    ("«We will not give up», Jane Doe insisted.", "We will not give up", "Jane Doe", "insisted"),
    ("« Nous ne céderons pas », said Pierre Martin.", "Nous ne céderons pas", "Pierre Martin", "said"),
    ("Jane Doe told reporters: “We will appeal the ruling.”", "We will appeal the ruling.", "Jane Doe", "told"),
    ("„Wir geben nicht auf“, said Anna Schmidt.", "Wir geben nicht auf", "Anna Schmidt", "said"),
])
def test_direct_quotes_in_every_kind_of_mark(text: str, quote: str, speaker: str, cue: str) -> None:
    _check(_one(text, quote), text, speaker=speaker, mention=speaker, cue=cue, qtype="direct")


def test_apposition_and_description() -> None:
    text = ("“The talks failed,” said Mary O’Brien, a lawyer for the families.\n"
            "The opposition leader, John Smith, said that the plan was doomed from the start.\n"
            "The trains will run again next week, a spokesman for the rail company added.")
    _check(_one(text, "The talks failed"), text, speaker="Mary O’Brien", mention="Mary O’Brien", cue="said",
           qtype="direct")
    _check(_one(text, "the plan was doomed from the start"), text, speaker="John Smith", mention="John Smith",
           cue="said", qtype="indirect")
    g = _one(text, "The trains will run again next week")
    # an unnamed speaker: the mention up to its head noun, the attribute the whole description
    _check(g, text, speaker="a spokesman for the rail company", mention="a spokesman",
           cue="added", qtype="indirect")
    assert g.target("said_by").label == "PERSON"  # type: ignore[union-attr]


def test_pronoun_speaker_links_the_pronoun_and_names_the_full_name() -> None:
    text = ("Health Minister Sarah Connor visited the hospital on Monday.\n"
            "“We need more nurses,” she said. Connor added that funding would rise next year.")
    _check(_one(text, "We need more nurses"), text, speaker="Sarah Connor", mention="she", cue="said",
           qtype="direct")
    # a surname alone refers to the full name it shortens
    _check(_one(text, "funding would rise next year"), text, speaker="Sarah Connor", mention="Connor",
           cue="added", qtype="indirect")


@pytest.mark.parametrize(("text", "quote", "speaker", "cue"), [
    ("Officials said that the bridge would reopen in May after repairs.",
     "the bridge would reopen in May after repairs", "Officials", "said"),
    ("The mayor said the bridge would reopen in May after repairs.",
     "the bridge would reopen in May after repairs", "The mayor", "said"),
    ("According to the Interior Ministry, three people were arrested in the raid.",
     "three people were arrested in the raid", "the Interior Ministry", "According to"),
    ("Three people were arrested in the raid, according to police officials.",
     "Three people were arrested in the raid", "police officials", "according to"),
    ("Jane Doe told reporters the company would cut 300 jobs this year.",
     "the company would cut 300 jobs this year", "Jane Doe", "told"),
    ("The company would cut 300 jobs this year, Jane Doe added.",
     "The company would cut 300 jobs this year", "Jane Doe", "added"),
    ("The company would cut 300 jobs this year, said Jane Doe.",
     "The company would cut 300 jobs this year", "Jane Doe", "said"),
])
def test_indirect_quotes(text: str, quote: str, speaker: str, cue: str) -> None:
    _check(_one(text, quote), text, speaker=speaker, mention=speaker, cue=cue, qtype="indirect")


def test_mixed_quote() -> None:
    text = "Jane Doe said the deal was “a historic step forward” for the region."
    _check(_one(text, "the deal was “a historic step forward” for the region"), text, speaker="Jane Doe",
           mention="Jane Doe", cue="said", qtype="mixed")


def test_quote_over_paragraphs_that_reopen_with_a_mark() -> None:
    text = ('"This is the first paragraph of a long quote.\n\n'
            '"And this is the second paragraph of it," John Smith added.\n')
    g = _one(text, 'This is the first paragraph of a long quote.\n\n"And this is the second paragraph of it')
    _check(g, text, speaker="John Smith", mention="John Smith", cue="added", qtype="direct")
    assert len(suggest_quotes(text)) == 1


def test_unattributed_quote_takes_the_speaker_of_its_paragraph() -> None:
    text = '"We won," Jane Doe said. "The people have spoken and we will listen to them."'
    g = _one(text, "The people have spoken and we will listen to them.")
    assert g.head.attributes["speaker"] == "Jane Doe"
    assert g.target("said_by").text == "Jane Doe"  # type: ignore[union-attr]
    assert g.score < _one(text, "We won").score


def test_an_odd_number_of_marks_costs_one_quote_not_the_article() -> None:
    text = ('The report, titled "Rising Seas, was published on Monday.\n'
            '“The water is coming,” said Jane Doe.\n'
            'Officials said that the sea wall would be raised by two metres.')
    heads = [g.head.text for g in suggest_quotes(text)]
    assert "The water is coming" in heads
    assert "the sea wall would be raised by two metres" in heads
    assert len(find_quotes(text)) == 1


def test_scare_quotes_and_plain_sentences_are_not_quotes() -> None:
    text = ("The so-called “experts” disagreed about the “new normal” in the city.\n"
            "The bridge was built in 1932 and carries 40,000 cars a day.\n"
            "Three casualties are said to be in a “critical condition” tonight.")
    assert suggest_quotes(text) == []


def test_a_quoted_label_is_a_direct_quote_of_who_gave_it() -> None:
    text = "Jane Doe called the move “a betrayal” of voters."
    _check(_one(text, "a betrayal"), text, speaker="Jane Doe", mention="Jane Doe", cue="called", qtype="direct")


def test_an_existing_entity_is_the_speaker_mention() -> None:
    text = "“We will appeal,” said Jane Doe on Tuesday."
    s = text.index("Jane Doe")
    ent = Annotation("e1", "d", s, s + 8, "PERSON", "Jane Doe")
    (g,) = QuotesRecommender().suggest(Document("d", text, annotations=[ent]))
    assert g.target("said_by").existing == "e1"  # type: ignore[union-attr]


def test_offsets_are_code_points_with_emoji_and_astral_text() -> None:
    text = "😀👩‍👩‍👧 𠀋 café\r\n“We won 🎉 again,” said Jane Doe.\u2028Officials said that prices would rise by 𠀋 ten percent."
    groups = suggest_quotes(text)
    assert {g.head.text for g in groups} == {"We won 🎉 again", "prices would rise by 𠀋 ten percent"}
    for g in groups:
        for s in g.spans:
            assert text[s.start:s.end] == s.text


def test_the_sample_articles_quotes_are_found_exactly() -> None:
    import json

    from tests.conftest import SEED_JSONL

    rec = json.loads(SEED_JSONL.read_text(encoding="utf-8").splitlines()[0])
    by_id = {a["id"]: a for a in rec["annotations"]}
    cue = {r["from"]: by_id[r["to"]] for r in rec["relations"] if r["type"] == "cue"}
    found = {(g.start, g.end): g for g in suggest_quotes(rec["text"])}
    gold = [a for a in rec["annotations"] if a["label"] == "QUOTE"]
    assert len(gold) == 5
    for a in gold:
        g = found.get((a["start"], a["end"]))
        assert g is not None, a["text"]
        assert g.head.attributes["speaker"] == a["attributes"]["speaker"]
        assert g.head.attributes["type"] == a["attributes"]["type"]
        c = g.target("cue")
        assert c is not None and (c.start, c.end) == (cue[a["id"]]["start"], cue[a["id"]]["end"])


_PIECES = ["“", "”", "\"", "«", "»", "‘", "’", "„", " said ", " told reporters ", "according to ", ", ",
           ". ", "\n\n", "\r\n", "Jane Doe", " he", "She ", "that ", "the minister", "😀", "𠀋", "é",
           "\u00a0", "\u2028", "\u2029", "Mr. ", "al-Dabbagh", " added.", "words here ", "(", ")", ":"]


def test_any_text_gives_spans_that_are_its_slices() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=60))
    def check(parts: list[str]) -> None:
        text = "".join(parts)
        for g in suggest_quotes(text):
            assert g.head.label == "QUOTE" and 0 <= g.score <= 1
            for s in g.spans:
                assert 0 <= s.start < s.end <= len(text)
                assert text[s.start:s.end] == s.text
            keys = {s.key for s in g.spans}
            assert all(r.from_key in keys and r.to_key in keys for r in g.relations)

    check()


def test_the_naughty_strings_do_not_break_it(corpus: Any) -> None:
    blns = next((corpus / "unicode" / "blns").glob("*.txt"), None)
    if blns is None:
        pytest.skip("no blns text file in the corpus")
    text = blns.read_text(encoding="utf-8", errors="surrogateescape")
    for g in suggest_quotes(text):
        for s in g.spans:
            assert text[s.start:s.end] == s.text


def test_a_long_article_dense_with_quotes_takes_linear_time() -> None:
    # every quote looked up the names, the quotes and the covered sentences before it: a
    # 400,000-character article of quotes by one speaker took minutes
    import time

    unit = ("“We will appeal the ruling,” said Jane Doe. Jane Doe added that the appeal would be "
            "filed in May. ")
    text = unit * 4000
    started = time.perf_counter()
    found = suggest_quotes(text)
    elapsed = time.perf_counter() - started
    assert len(found) == 8000
    assert found[-1].head.attributes["speaker"] == "Jane Doe"
    assert elapsed < 8.0, f"{elapsed:.1f} s for {len(text):,} characters"


def test_ten_thousand_quotation_marks_in_one_sentence_take_linear_time() -> None:
    # each quote tokenized its whole sentence twice: 15,000 characters of short quotes with
    # no full stop took 5 s, 60,000 nearly 3 minutes
    import time

    text = "Critics called it “a hit” and " * 5000 + "“We will appeal,” said Jane Doe."
    started = time.perf_counter()
    found = suggest_quotes(text)
    elapsed = time.perf_counter() - started
    assert [g.head.text for g in found][-1:] == ["We will appeal"]
    assert elapsed < 5.0, f"{elapsed:.1f} s for {text.count('“')} quotes"


def test_a_pronoun_after_mr_surname_is_that_persons_not_the_last_full_name() -> None:
    """The sample article: "Government spokesman Ali al-Dabbagh said: … But Mr Panetta, visiting
    Brussels, said: … He added: …" — "He" is Panetta (the window showed Ali al-Dabbagh)."""
    text = ("US defence secretary Leon Panetta has insisted that troops must stay.\n\n"
            "Government spokesman Ali al-Dabbagh said: \"Immunity is the main disputed point.\"\n\n"
            "But Mr Panetta, visiting Brussels, said: \"I can say very clearly that we will stay.\"\n\n"
            "He added: \"These issues are still very much in negotiation.\"")
    _check(_one(text, "These issues are still very much in negotiation."), text, speaker="Leon Panetta",
           mention="He", cue="added", qtype="direct")
    # as in the window: the two full names tagged PERSON
    from newsmark.core.model import Annotation

    tagged = [Annotation(f"a{i}", "d", text.index(n), text.index(n) + len(n), "PERSON", n)
              for i, n in enumerate(("Leon Panetta", "Ali al-Dabbagh"))]
    head = next(g for g in suggest_quotes(text, tagged) if g.head.text.startswith("These issues"))
    assert head.head.attributes["speaker"] == "Leon Panetta"
    assert head.target("said_by").text == "He"  # type: ignore[union-attr]
    # an honorific and a surname never named in full stay as written
    text2 = ("Ali al-Dabbagh said: \"No.\" Then Ms Okafor spoke.\n\nShe said: \"We will see.\"")
    _check(_one(text2, "We will see."), text2, speaker="Ms Okafor", mention="She", cue="said", qtype="direct")
