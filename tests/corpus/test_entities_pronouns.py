"""The Entities view and pronouns: a pronoun tagged as an entity ("it" as a quote's speaker
mention) is no entity "it"; a quote linked to it names the entity it is a mention of."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from newsmark.core.model import Document
from newsmark.corpus import entities
from newsmark.store import Project
from tests.corpus.helpers import import_jsonl, unpacked_copy, write_jsonl

AUTHORITY = "Swedish Prosecution Authority"
TEXT = (f"The {AUTHORITY} said it had closed the case. \"The evidence has weakened,\" it added. "
        "\"We agree,\" he said. It rained.")


def _span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    """The ``nth`` occurrence of ``part`` as whole words."""
    found = list(re.finditer(r"(?<!\w)" + re.escape(part) + r"(?!\w)", text))
    return found[nth].span()


def _record(doc_id: str, *, speaker: str | None = AUTHORITY) -> dict[str, Any]:
    def ann(i: str, part: str, label: str, nth: int = 0, **attrs: Any) -> dict[str, Any]:
        s, e = _span(TEXT, part, nth)
        return {"id": i, "start": s, "end": e, "label": label, "text": part, "attributes": attrs}

    quote_attrs = {"speaker": speaker} if speaker is not None else {}
    return {"id": doc_id, "text": TEXT, "annotations": [
        ann("org", AUTHORITY, "ORG"),
        ann("it", "it", "ORG", 1),  # "it added": the speaker mention of the quote
        ann("q", "The evidence has weakened,", "QUOTE", **quote_attrs),
        ann("he", "he", "PERSON"),  # "he said", of a quote naming Leon Panetta (named nowhere here)
        ann("q2", "We agree,", "QUOTE", speaker="Leon Panetta"),
        ann("It", "It", "ORG"),  # "It rained": tagged, linked to nothing
    ], "relations": [
        {"id": "r1", "type": "said_by", "from": "q", "to": "it"},
        {"id": "r2", "type": "said_by", "from": "q2", "to": "he"},
    ]}


@pytest.fixture(params=["packed", "rows"])
def pronoun_project(request: Any, project: Project, tmp_path: Path) -> Project:
    import_jsonl(project, write_jsonl(tmp_path / "in.jsonl", [_record("d1"), _record("d2", speaker=None)]))
    if request.param == "rows":
        return unpacked_copy(project, tmp_path)
    assert project.is_packed("d1")
    return project


def test_a_pronoun_is_no_entity_and_counts_for_the_speaker_its_quote_names(pronoun_project: Project) -> None:
    rows = {(e.label, e.name): e for e in entities.list_entities(pronoun_project)}
    assert not any(name.casefold() in ("it", "he") for _label, name in rows)
    org = rows[("ORG", AUTHORITY)]
    # two tagged spellings (d1, d2) and d1's "it" that its quote names the authority for; d2's
    # quote names nobody, so its "it" is nobody's mention
    assert (org.mentions, org.documents, org.pronouns, org.names) == (3, 2, 1, {AUTHORITY: 2})
    panetta = rows[("PERSON", "Leon Panetta")]
    assert (panetta.mentions, panetta.documents, panetta.pronouns, panetta.names) == (2, 2, 2, {})
    assert entities.list_entities(pronoun_project, "ORG")[0].pronouns == 1
    assert [e.name for e in entities.list_entities(pronoun_project, "PERSON")] == ["Leon Panetta"]


def test_a_pronoun_follows_its_speaker_into_a_canonical_entity(pronoun_project: Project) -> None:
    entities.merge(pronoun_project, "PERSON", ["Leon Panetta", "Mr Panetta"])
    (panetta,) = [e for e in entities.list_entities(pronoun_project, "PERSON")]
    assert (panetta.name, panetta.id is not None, panetta.mentions, panetta.pronouns) == ("Leon Panetta", True, 2, 2)


def test_an_it_typed_in_capitals_is_a_name(project: Project) -> None:
    project.add_document(Document("d", "IT said so, and it agreed."))
    project.add_annotation("d", 0, 2, "ORG")
    (e,) = entities.list_entities(project)
    assert (e.name, e.mentions) == ("IT", 1)
