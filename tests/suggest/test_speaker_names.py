"""One speaker is one name: the ``quotes`` recommender names a pronoun's speaker as it names the
speaker's explicit mention ("the Swedish Prosecution Authority said …", later "it added"), and
as the article's tagged mentions and quotes already name them, so the Quotes panel shows one
group (found by an annotator on the BBC article about the Assange investigation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsmark.core.model import Annotation, Document
from newsmark.gui.describe import quote_rows
from newsmark.store import suggestions as store
from newsmark.suggest import make
from newsmark.suggest.run import run

TEXT = ("Deputy Director of Public Prosecution Eva-Marie Persson took the decision to \"discontinue "
        "the investigation regarding Julian Assange\", the Swedish Prosecution Authority said.\n\n"
        "\"The reason for this decision is that the evidence has weakened considerably due to the long "
        "period of time that has elapsed since the events in question,\" it added.\n")
AUTHORITY = "Swedish Prosecution Authority"


def _quotes(doc: Document) -> list[Any]:
    return [s for s in make("quotes").suggest(doc) if s.label == "QUOTE"]


def _groups(project: Any, doc_id: str) -> dict[str, list[str]]:
    """The Quotes panel's groups: speaker key -> the quotes' texts."""
    groups: dict[str, list[str]] = {}
    for row in quote_rows(project.annotations(doc_id), project.relations(doc_id), {"QUOTE"}):
        groups.setdefault(row.group, []).append(row.quote.text)
    return groups


def test_a_pronouns_speaker_is_named_as_the_explicit_mention_with_its_article() -> None:
    first, second = _quotes(Document("d", TEXT))
    assert first.target("said_by").text == "the " + AUTHORITY
    assert second.target("said_by").text == "it"
    assert second.target("said_by").label == "ORG"
    # one name, as attribution's speaker naming gives a mention: its fullest form
    assert first.head.attributes["speaker"] == second.head.attributes["speaker"] == "the " + AUTHORITY


def test_a_tagged_mention_without_its_article_names_both_quotes_and_is_the_one_linked() -> None:
    s = TEXT.index(AUTHORITY)
    doc = Document("d", TEXT)
    doc.annotations = [Annotation("org", "d", s, s + len(AUTHORITY), "ORG", AUTHORITY)]
    first, second = _quotes(doc)
    assert first.head.attributes["speaker"] == second.head.attributes["speaker"] == AUTHORITY
    # the annotator's mention is linked, not a second ORG over "the Swedish Prosecution Authority"
    mention = first.target("said_by")
    assert (mention.start, mention.end, mention.existing) == (s, s + len(AUTHORITY), "org")


def test_a_quote_already_attributed_names_the_speaker_of_the_suggestions(project: Any) -> None:
    text = TEXT + "\nEarlier, \"We have decided to reopen the case,\" the authority's statement said.\n"
    project.add_document(Document("d", text))
    q = text.index("We have decided")
    project.add_annotation("d", q, q + len("We have decided to reopen the case"), "QUOTE",
                           attributes={"speaker": AUTHORITY, "type": "direct"})
    run(project, ["d"], ["quotes"])
    speakers = {s.head.text[:20]: s.head.attributes.get("speaker")
                for s in store.open_suggestions(project, "d") if s.label == "QUOTE"}
    assert speakers["discontinue the inve"] == AUTHORITY
    assert speakers["The reason for this "] == AUTHORITY


def test_accepted_suggestions_of_one_speaker_are_one_group_in_the_quotes_panel(project: Any) -> None:
    project.add_document(Document("d", TEXT))
    run(project, ["d"], ["quotes"])
    for s in store.open_suggestions(project, "d"):
        if s.label == "QUOTE":
            store.accept(project, "d", s.id)
    groups = _groups(project, "d")
    assert len(groups) == 1  # one group (its key leaves out case and a leading "the")
    (quotes,) = groups.values()
    assert len(quotes) == 2
    # and the recommender named the speaker once: the same name on both quotes
    assert len({a.attributes.get("speaker") for a in project.annotations("d") if a.label == "QUOTE"}) == 1


def test_the_bbc_article_names_the_prosecution_authority_once(corpus: Path) -> None:
    text = (corpus / "html" / "news-pages" / "bbc-world-europe.truth.txt").read_text(encoding="utf-8")
    names = {s.head.attributes.get("speaker") for s in _quotes(Document("bbc", text))
             if "prosecution authority" in str(s.head.attributes.get("speaker", "")).casefold()}
    assert names == {"the " + AUTHORITY}


@pytest.mark.parametrize("sentence", [
    "The Pentagon said it would \"review the findings carefully\".",
    "\"We will review the findings carefully,\" the Pentagon said.",
])
def test_names_of_other_speakers_are_left_as_they_are(sentence: str) -> None:
    (g,) = _quotes(Document("d", sentence))
    assert g.head.attributes["speaker"] in ("The Pentagon", "the Pentagon")
