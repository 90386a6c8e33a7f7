"""The strings recommender (learns from the project) and the spacy one (any saved pipeline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsmark.core.model import Annotation, Document
from newsmark.store import suggestions as store
from newsmark.suggest import make
from newsmark.suggest.run import recommenders, run
from newsmark.suggest.strings import StringsRecommender


def _doc(doc_id: str, text: str, tags: list[tuple[str, str]], status: str = "done") -> Document:
    anns = []
    for i, (surface, label) in enumerate(tags):
        s = text.index(surface)
        anns.append(Annotation(f"a{i}", doc_id, s, s + len(surface), label, surface))
    return Document(doc_id, text, status=status, annotations=anns)


def test_strings_suggests_tagged_strings_elsewhere_scored_by_consistency() -> None:
    docs = [
        _doc("d1", "Jordan met Amman officials.", [("Jordan", "GPE"), ("Amman", "GPE")]),
        _doc("d2", "Michael Jordan played in Chicago.", [("Jordan", "PERSON")]),
        _doc("d3", "Jordan closed its border.", [("Jordan", "GPE")]),
    ]
    rec = StringsRecommender.learn(docs)
    target = Document("new", "In Jordan and in Amman, 😀 Jordanian Jordan fans cheered.")
    got = sorted((s.head.text, s.label, s.score, s.start) for s in rec.suggest(target))
    jordan = target.text.index("Jordan")
    assert ("Amman", "GPE", 1.0, target.text.index("Amman")) in got
    assert ("Jordan", "GPE", round(2 / 3, 3), jordan) in got
    assert ("Jordan", "PERSON", round(1 / 3, 3), jordan) in got
    # whole words only: not inside "Jordanian"
    assert all(target.text[s:s + len(t)] == t for t, _, _, s in got)
    assert not any(s == target.text.index("Jordanian") for _, _, _, s in got)


def test_strings_untagged_occurrences_and_rejections_lower_the_score() -> None:
    docs = [_doc("d1", "Apple sold apples. Apple grew.", [("Apple", "ORG")])]
    rec = StringsRecommender.learn(docs)
    assert rec.score("Apple", "ORG") == 0.5  # tagged once, left untagged once in a done document
    rec2 = StringsRecommender.learn(docs, rejected=[("Apple", "ORG", 2)])
    assert rec2.score("Apple", "ORG") == 0.25


def test_strings_in_a_project_learns_and_a_rejection_sticks(project: Any) -> None:
    project.add_document(Document("d1", "NATO met in Brussels."))
    project.add_annotation("d1", 0, 4, "ORG")
    project.add_document(Document("d2", "Leaders of NATO spoke."))
    summary = run(project, ["d2"], ["strings"])
    assert summary.stored == {"strings": 1}
    (s,) = store.open_suggestions(project, "d2")
    assert (s.head.text, s.label, s.score) == ("NATO", "ORG", 1.0)
    store.reject(project, "d2", s.id)
    run(project, ["d2"], ["strings"])
    assert store.open_suggestions(project, "d2") == []
    # and the rejection counts against the string elsewhere
    (rec,) = recommenders(project, ["strings"])
    assert rec.score("NATO", "ORG") == 0.5  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "PERSON", "pattern": "Jane Doe"},
        {"label": "LOC", "pattern": "Alps"},
        {"label": "GPE", "pattern": "Zürich"},
        {"label": "MONEY", "pattern": [{"LIKE_NUM": True}, {"LOWER": "dollars"}]},
    ])
    path = tmp_path_factory.mktemp("spacy") / "news-ner"
    nlp.to_disk(path)
    return path


def test_spacy_pipeline_from_a_path_with_labels_mapped(pipeline: Path) -> None:
    labels = {"PERSON", "ORG", "GPE", "LOCATION", "NORP", "DATE", "EVENT"}
    rec = make(f"spacy:{pipeline}", labels=labels)
    text = "😀 Jane Doe left Zürich for the Alps with 40 dollars."
    existing = Annotation("e1", "d", text.index("Zürich"), text.index("Zürich") + 6, "GPE", "Zürich")
    got = [(s.head.text, s.label, s.head.start) for s in rec.suggest(Document("d", text, annotations=[existing]))]
    # LOC -> LOCATION; MONEY is not in the schema; what is already tagged is not suggested
    assert got == [("Jane Doe", "PERSON", 2), ("Alps", "LOCATION", text.index("Alps"))]
    assert rec.name == f"spacy:{pipeline}"


def test_spacy_in_worker_processes(project: Any, pipeline: Path) -> None:
    for i in range(30):
        project.add_document(Document(f"d{i}", f"Story {i}: Jane Doe hiked in the Alps."))
    summary = run(project, project.document_ids(), [f"spacy:{pipeline}"], accept=True, workers=2)
    assert summary.documents == 30 and summary.accepted == 60
    anns = project.annotations("d7")
    assert [(a.text, a.label, a.annotator) for a in anns] == [
        ("Jane Doe", "PERSON", f"suggest:spacy:{pipeline}"), ("Alps", "LOCATION", f"suggest:spacy:{pipeline}")]


def test_strings_leave_one_out_equals_learning_without_the_document() -> None:
    docs = [
        _doc("d1", "Jordan met Amman officials. Jordan again.", [("Jordan", "GPE"), ("Amman", "GPE")]),
        _doc("d2", "Michael Jordan played in Chicago.", [("Jordan", "PERSON"), ("Chicago", "GPE")]),
        _doc("d3", "Jordan closed its border near Amman.", [("Jordan", "GPE")]),
    ]
    full = StringsRecommender.learn(docs)
    for d in docs:
        quick = full.without(d)
        slow = StringsRecommender.learn([x for x in docs if x.id != d.id])
        bare = Document(d.id, d.text)
        assert [(s.head.text, s.label, s.score, s.start) for s in quick.suggest(bare)] == \
            [(s.head.text, s.label, s.score, s.start) for s in slow.suggest(bare)]


def test_strings_on_a_long_document_with_many_annotations_takes_linear_time() -> None:
    # each match was checked against every annotation of the document (inside a longer one?):
    # 350,000 characters with 10,000 annotations took 13 s, after every edit in the window
    import time

    def ann(doc: str, s: int, e: int, text: str) -> Annotation:
        return Annotation(id=f"{doc}{s}", document=doc, start=s, end=e, label="PERSON", text=text)

    names = [f"Name{i} Smith" for i in range(20000)]
    text = " , ".join(names)
    anns, pos = [], 0
    for i, name in enumerate(names):
        if i % 2 == 0:
            anns.append(ann("D", pos, pos + len(name), name))
        pos += len(name) + 3
    rec = StringsRecommender.learn([Document("L", "Smith", annotations=[ann("L", 0, 5, "Smith")])])
    started = time.perf_counter()
    found = rec.suggest(Document("D", text, annotations=anns))
    elapsed = time.perf_counter() - started
    # "Smith" inside a tagged name is not suggested; in the 10,000 untagged ones it is
    assert len(found) == 10000 and all(text[s.start - 1] == " " and s.head.text == "Smith" for s in found)
    assert not any(a.start <= s.start and s.end <= a.end for s in found[:50] for a in anns)
    assert elapsed < 4.0, f"{elapsed:.1f} s"


@pytest.mark.parametrize("meta", ['{}', '{"lang": "xx-nonexistent"}', "not json"])
def test_a_folder_that_is_no_spacy_pipeline_is_a_clear_error(tmp_path: Path, meta: str) -> None:
    # spaCy raised ValueError (no 'lang' in meta.json, an unknown language): a traceback
    pytest.importorskip("spacy")
    from newsmark.core.errors import NewsmarkError

    folder = tmp_path / "half-copied"
    folder.mkdir()
    (folder / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    (folder / "meta.json").write_text(meta, encoding="utf-8")
    rec = make(f"spacy:{folder}")
    with pytest.raises(NewsmarkError, match="cannot load the spaCy pipeline"):
        rec.suggest(Document("d", "Jane Doe left."))
