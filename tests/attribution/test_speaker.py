"""Speaker, cue and quote type proposed from the text (no Qt)."""

from __future__ import annotations

import json

import pytest

from newsmark.attribution import infer_quote_type, propose_cue, sentence_bounds, speaker_choices
from newsmark.core.model import Annotation, Relation
from tests.conftest import SEED_JSONL


def seed() -> tuple[str, list[Annotation], list[Relation]]:
    d = json.loads(SEED_JSONL.read_text(encoding="utf-8").splitlines()[0])
    anns = [Annotation(id=a["id"], document="d", start=a["start"], end=a["end"], label=a["label"],
                       text=a["text"], attributes=a.get("attributes", {})) for a in d["annotations"]]
    rels = [Relation(id=r["id"], document="d", type=r["type"], from_id=r["from"], to_id=r["to"],
                     attributes=r["attributes"]) for r in d["relations"]]
    return d["text"], anns, rels


def ann(text: str, needle: str, label: str, i: str, nth: int = 1) -> Annotation:
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    return Annotation(id=i, document="d", start=pos, end=pos + len(needle), label=label, text=needle)


def test_the_nearest_person_before_the_quote_not_the_first_entity() -> None:
    text, anns, rels = seed()
    q = text.index("These issues are still very much in negotiation.")
    choices = speaker_choices(text, anns, q, q + 49, rels)
    first = choices[0]
    # "He added:" follows "But Mr Panetta, visiting Brussels, said: …": Mr Panetta, grouped with Leon Panetta
    assert first.proposed and first.name == "Leon Panetta" and first.label == "PERSON"
    assert first.target is not None and first.target.text == "Mr Panetta" and first.target.ann_id is None
    assert {m.text for m in first.mentions} >= {"Leon Panetta", "Mr Panetta"}
    # only people, organisations and nationalities; one entry per person
    assert {c.label for c in choices} <= {"PERSON", "ORG", "NORP"}
    assert "Brussels" not in {c.name for c in choices}
    assert [c.name for c in choices].count("Leon Panetta") == 1
    assert sum(c.proposed for c in choices) == 1


def test_every_seed_quote_gets_its_annotated_speaker_cue_and_type() -> None:
    text, anns, rels = seed()
    for q in (a for a in anns if a.label == "QUOTE"):
        others = [r for r in rels if r.from_id != q.id]
        choices = speaker_choices(text, anns, q.start, q.end, others, quote_id=q.id)
        assert choices[0].proposed and choices[0].name == q.attributes["speaker"], q.text
        cue = propose_cue(text, anns, q.start, q.end, {r.to_id for r in others if r.type == "cue"})
        assert cue is not None and cue.text == q.attributes["cue"], q.text
        assert infer_quote_type(text, q.start, q.end) == q.attributes["type"], q.text


def test_the_subject_of_the_cue_and_a_speaker_after_the_quote() -> None:
    text = ("Talks went on. The ministry and Mr Smith met. Jane Doe told reporters on Monday that "
            "the plan was dead. \u201cIt is over,\u201d said John Smith, the minister.")
    anns = [ann(text, "The ministry", "ORG", "org"), ann(text, "Mr Smith", "PERSON", "ms"),
            ann(text, "Jane Doe", "PERSON", "jd"), ann(text, "reporters", "ORG", "rep"),
            ann(text, "John Smith", "PERSON", "js"), ann(text, "told", "CUE", "c1")]
    q = text.index("the plan was dead")
    cue = anns[-1]
    # nearest before the quote would be "reporters": the subject of "told" is Jane Doe
    choices = speaker_choices(text, anns, q, q + len("the plan was dead"), cue=(cue.start, cue.end))
    assert choices[0].name == "Jane Doe"
    q2 = text.index("It is over")
    choices = speaker_choices(text, anns, q2 - 1, q2 + len("It is over,") + 1)
    assert choices[0].name == "John Smith" and choices[0].target is not None
    assert choices[0].target.ann_id == "js"
    assert {m.text for m in choices[0].mentions} == {"Mr Smith", "John Smith"}
    cue2 = propose_cue(text, anns, q2 - 1, q2 + len("It is over,") + 1)
    assert cue2 is not None and cue2.text == "said" and cue2.ann_id is None


def test_no_speaker_is_invented() -> None:
    text = "Rain fell. \u201cWe are fine,\u201d a voice shouted."
    assert speaker_choices(text, [], 11, 25) == []
    assert propose_cue(text, [], 12, 24) is None


@pytest.mark.parametrize(("text", "needle", "kind"), [
    ("He said: \u201cWe won.\u201d", "We won.", "direct"),
    ("He said: \u201cWe won.\u201d", "\u201cWe won.\u201d", "direct"),
    ('He said "we won" today.', "we won", "direct"),
    ("Il a dit : \u00ab\u00a0nous avons gagn\u00e9\u00a0\u00bb.", "nous avons gagn\u00e9", "direct"),
    ("He said that they \u201chad won\u201d the vote.", "they \u201chad won\u201d the vote", "mixed"),
    ("He said that \u201cthey had won\u201d and left.", "\u201cthey had won\u201d and left", "mixed"),
    ("He said the troops shouldn't stay in Iraq's cities.", "the troops shouldn't stay in Iraq's cities",
     "indirect"),
    ("He said we won.", "we won", "indirect"),
])
def test_quote_type(text: str, needle: str, kind: str) -> None:
    s = text.index(needle)
    assert infer_quote_type(text, s, s + len(needle)) == kind


def test_sentences_skip_titles_and_initials() -> None:
    text = "Mr. Smith met U.S. officials. Then he left."
    assert sentence_bounds(text, 5) == (0, text.index(" Then"))
    assert sentence_bounds(text, text.index("Then")) == (text.index("Then"), len(text))


def test_mentions_merged_into_a_canonical_entity_are_one_choice_under_its_name() -> None:
    text, anns, rels = seed()
    anns = [*anns, ann(text, "Government", "ORG", "gov", nth=1)]  # "Government spokesman"
    merged = {("ORG", "the iraqi government"): "Government of Iraq", ("ORG", "government"): "Government of Iraq",
              ("PERSON", "leon panetta"): "Leon E. Panetta"}

    def canonical(label: str, name: str) -> str:
        return merged.get((label, name.casefold()), name)

    q = text.index("Immunity is the main disputed point")
    plain = speaker_choices(text, anns, q, q + 30, rels)
    assert sorted(c.name for c in plain if c.label == "ORG") == ["Government", "The Iraqi government"]
    choices = speaker_choices(text, anns, q, q + 30, rels, canonical=canonical)
    orgs = [c for c in choices if c.label == "ORG"]
    assert len(orgs) == 1 and orgs[0].name == "Government of Iraq"
    assert [m.text for m in orgs[0].mentions] == ["The Iraqi government", "Government"]
    assert orgs[0].describe() == "Government of Iraq (ORG) — also The Iraqi government, Government"
    # a person's untagged mentions still join the canonical entity's choice
    last = text.index("These issues are still very much in negotiation.")
    first = speaker_choices(text, anns, last, last + 49, rels, canonical=canonical)[0]
    assert first.proposed and first.name == "Leon E. Panetta"
    assert first.target is not None and first.target.text == "Mr Panetta"


def test_a_pronoun_mention_is_named_by_the_name_it_stands_for() -> None:
    from newsmark.attribution import speaker_name

    text = ("Leon Panetta met Mr Panetta's staff. The Swedish Prosecution Authority said so. "
            "\"It is over,\" it added. \"We agree,\" he said. \"No,\" she said.")
    anns = [ann(text, "Leon Panetta", "PERSON", "p1"), ann(text, "Mr Panetta", "PERSON", "p2"),
            ann(text, "Swedish Prosecution Authority", "ORG", "o"), ann(text, "it", "ORG", "it", nth=2),
            ann(text, "he", "PERSON", "he", nth=2), ann(text, "she", "PERSON", "she")]
    by_id = {a.id: a for a in anns}
    assert text[by_id["it"].start - 2:by_id["it"].end + 6] == "\" it added"
    assert text[by_id["he"].start - 1:by_id["he"].end + 5] == " he said"
    assert speaker_name(anns, by_id["it"]) == "Swedish Prosecution Authority"
    assert speaker_name(anns, by_id["he"]) == "Leon Panetta"  # the nearest before, by its fullest name
    assert speaker_name(anns, by_id["p2"]) == "Leon Panetta"
    # nobody of its label before it: the pronoun as written
    assert speaker_name([by_id["she"]], by_id["she"]) == "she"


def test_a_tagged_pronoun_is_a_mention_of_whom_it_stands_for_not_a_speaker_of_its_own() -> None:
    text, anns, rels = seed()
    he = text.index("He added")
    anns = [*anns, Annotation(id="he", document="d", start=he, end=he + 2, label="PERSON", text="He")]
    last = "These issues are still very much in negotiation."
    q = text.index(last)
    choices = speaker_choices(text, anns, q, q + len(last))
    assert not any(c.name.casefold() == "he" for c in choices)
    first = choices[0]
    assert (first.name, first.proposed) == ("Leon Panetta", True)
    assert first.target is not None and (first.target.ann_id, first.target.text) == ("he", "He")
    # the pronoun is no alias: the untagged "he"s of the article are no mentions of anyone
    assert [m.text for m in first.mentions].count("He") == 1
