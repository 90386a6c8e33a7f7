"""CoNLL: our BIO read by seqeval (strict IOB2) and spaCy's converter; the CoNLL-2003 layout
read and recognised by content (issue #14)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsmark.core.model import Document
from newsmark.formats import conll
from newsmark.formats.base import tokenize
from newsmark.ingest.batch import detect_kind, import_paths
from newsmark.store import Project

TEXTS = {
    "ap": "NEW YORK (AP) — Louis D. Boccardi, president of The Associated Press, retired. He said so!",
    "eu": "EU rejects German call to boycott British lamb.\n\nPeter Blackburn met Dr. J. Smith in São Paulo.",
}
ENTITIES = {
    "ap": [("NEW YORK", "GPE"), ("AP", "ORG"), ("Louis D. Boccardi", "PERSON"), ("The Associated Press", "ORG")],
    "eu": [("EU", "ORG"), ("German", "NORP"), ("British", "NORP"), ("Peter Blackburn", "PERSON"),
           ("Dr. J. Smith", "PERSON"), ("São Paulo", "GPE")],
}


def _words(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


@pytest.fixture
def tagged(project: Project) -> Project:
    for doc_id, text in TEXTS.items():
        project.add_document(Document(id=doc_id, text=text))
        for needle, label in ENTITIES[doc_id]:
            s = text.index(needle)
            project.add_annotation(doc_id, s, s + len(needle), label)
    return project


def _export(project: Project) -> str:
    buf = io.BytesIO()
    conll.write(project, buf)
    return buf.getvalue().decode("utf-8")


def _sentences(data: str) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in data.split("\n"):
        if not line.strip() or line.startswith("-DOCSTART-"):
            if current:
                out.append(current)
            current = []
            continue
        token, tag = line.split()
        current.append((token, tag))
    return out


def test_seqeval_strict_iob2_finds_every_entity_whole(tagged: Project) -> None:
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2, Entities

    sents = _sentences(_export(tagged))
    tags = [[t for _, t in s] for s in sents]
    found = []
    for s, entities in zip(sents, Entities(tags, IOB2, suffix=False).entities, strict=True):
        for e in entities:
            found.append((" ".join(tok for tok, _ in s[e.start:e.end]), e.tag))
    want = [(" ".join(_words(t)), lab) for d in ENTITIES.values() for t, lab in d]
    assert sorted(found) == sorted(want)
    # the lenient reading finds the same: no I- without its B-, no entity cut in two
    assert len(get_entities(tags)) == len(found)
    boccardi = next(s for s in sents if ("Boccardi", "I-PERSON") in s)
    assert ("D", "I-PERSON") in boccardi and (".", "I-PERSON") in boccardi  # one sentence holds it


def test_spacy_converter_reads_documents_and_entities(tagged: Project) -> None:
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs

    data = _export(tagged)
    assert data.startswith("-DOCSTART- -X- O O\n")
    docs = list(conll_ner_to_docs(data, n_sents=0, no_print=True))
    assert len(docs) == 2  # the -DOCSTART- line splits documents, it is no word
    for doc, doc_id in zip(docs, TEXTS, strict=True):
        assert "-DOCSTART-" not in doc.text
        assert [(e.text, e.label_) for e in doc.ents] == \
            [(" ".join(_words(t)), lab) for t, lab in ENTITIES[doc_id]]


CONLL2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP B-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
1996-08-22 CD I-NP O
"""


def test_conll2003_layout_is_recognised_and_read(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "eng.train"
    f.write_text(CONLL2003, encoding="utf-8")
    assert detect_kind(f) == "conll"  # by content: no --format
    summary = import_paths(project, [f])
    assert summary.failed == [] and summary.documents_added == 2
    first, second = (project.document(d) for d in sorted(project.document_ids()))
    assert first.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    assert [(a.text, a.label) for a in sorted(first.annotations, key=lambda a: a.start)] == [
        ("EU", "ORG"), ("German", "MISC"), ("British", "MISC"), ("Peter Blackburn", "PER")]  # no NP/VP chunks
    cols = first.meta["conll_columns"]
    assert cols["2"].split() == ["NNP", "VBZ", "JJ", "NN", "TO", "VB", "JJ", "NN", ".", "NNP", "NNP"]
    assert cols["3"].split()[:2] == ["B-NP", "B-VP"]
    assert [(a.text, a.label) for a in second.annotations] == [("BRUSSELS", "LOC")]


def test_a_chosen_column_is_the_entities(tmp_path: Path) -> None:
    f = tmp_path / "eng.train"
    f.write_text(CONLL2003, encoding="utf-8")
    first, _ = conll.read(f, column=3)  # the chunks, for once
    assert first.document is not None
    assert [a.label for a in first.document.annotations][:3] == ["NP", "VP", "NP"]
    assert first.document.meta["conll_columns"]["4"].split()[0] == "B-ORG"
    (bad,) = conll.read(f, column=9)
    assert bad.error is not None and "no column 9" in bad.error.problem


@pytest.mark.parametrize(("data", "line", "problem"), [
    ("EU NNP B-NP B-ORG\nrejects VBZ B-VP\n", 2, "3 columns where the file's first token line has 4"),
    ("EU NNP B-NP B-ORG\nrejects VBZ B-VP X-Y\n", 2, "'X-Y' is not a BIO tag"),
    ("SOCCERO SOCCERO SOCCERO\n-\tO\n", 1, "ending in a BIO tag"),
])
def test_bad_lines_are_named(tmp_path: Path, data: str, line: int, problem: str) -> None:
    f = tmp_path / "x.conll"
    f.write_text(data, encoding="utf-8")
    (rec,) = conll.read(f)
    assert rec.error is not None and rec.error.line == line and problem in rec.error.problem


def test_plain_text_is_not_taken_for_conll(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("A title\n\nSome text that talks about O\nand more lines here O\nthird line\n", encoding="utf-8")
    assert detect_kind(f) == "text"


def test_words_keep_their_combining_marks_and_emoji_stay_whole(project: Project) -> None:
    # Python's \w has no combining marks: a Hindi word fell apart into letters and vowel
    # signs, a decomposed "José" into "Jose" and a lone accent, a family emoji into five tokens
    text = "हिन्दी समाचार: Jose\u0301 Garci\u0301a met 👩\u200d👩\u200d👧 fans 👍🏽 in 🇫🇷."
    project.add_document(Document(id="h", text=text))
    for needle, label in (("हिन्दी", "NORP"), ("Jose\u0301 Garci\u0301a", "PERSON")):
        s = text.index(needle)
        project.add_annotation("h", s, s + len(needle), label)
    assert _words(text) == ["हिन्दी", "समाचार", ":", "Jose\u0301", "Garci\u0301a", "met",
                            "👩\u200d👩\u200d👧", "fans", "👍🏽", "in", "🇫🇷", "."]
    [sentence] = _sentences(_export(project))
    assert sentence[:5] == [("हिन्दी", "B-NORP"), ("समाचार", "O"), (":", "O"), ("Jose\u0301", "B-PERSON"),
                            ("Garci\u0301a", "I-PERSON")]
