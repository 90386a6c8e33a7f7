"""Citron: a folder of files as Citron's reader takes them; hostile input (issues #13, #14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsmark.core.errors import InputError
from newsmark.core.model import Document
from newsmark.formats import citron
from newsmark.ingest.batch import detect_kind, expand, import_paths
from newsmark.store import Project

TEXT = "“We won,” Ann Lee said. “Again,” she added 👩‍👩‍👧. Bob left."


def _at(needle: str) -> tuple[int, int]:
    s = TEXT.index(needle)
    return s, s + len(needle)


@pytest.fixture
def quoted(project: Project) -> Project:
    project.add_document(Document(id="a/1", text=TEXT, title="T"))
    project.add_document(Document(id="b", text="Nothing quoted here."))
    q1 = project.add_annotation("a/1", *_at("“We won,”"), "QUOTE", id="q1")
    q2 = project.add_annotation("a/1", *_at("“Again,”"), "QUOTE", id="q2")
    q3 = project.add_annotation("a/1", *_at("Bob left."), "QUOTE", id="q3")  # no cue: Citron cannot take it
    ann = project.add_annotation("a/1", *_at("Ann Lee"), "PERSON", id="p1")
    said = project.add_annotation("a/1", *_at("said"), "CUE", id="c1")
    added = project.add_annotation("a/1", *_at("added"), "CUE", id="c2")
    project.add_relation("a/1", "said_by", q1.id, ann.id)
    project.add_relation("a/1", "said_by", q2.id, ann.id)
    project.add_relation("a/1", "cue", q1.id, said.id)
    project.add_relation("a/1", "cue", q2.id, added.id)
    assert q3
    return project


def _citron_parse(path: Path) -> tuple[Any, list[tuple[Any, list[Any], list[Any]]]]:
    """What Citron's CitronParser.parse (bbc/citron, citron/data.py) does with a file: one JSON
    object; every quote's cue, sources and contents mapped to spaCy tokens by character."""
    spacy = pytest.importorskip("spacy")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    doc = spacy.blank("en")(data["text"])
    index: list[int | None] = [None] * len(doc.text)
    for token in doc:
        for i in range(len(token) + len(token.whitespace_)):
            index[token.idx + i] = token.i

    def span(s: dict[str, Any]) -> Any:
        start, end = index[s["start"]], index[s["end"] - 1]
        assert start is not None and end is not None
        return doc[start:end + 1]

    quotes = []
    for quote in data["quotes"]:
        quotes.append((span(quote["cue"]), [span(s) for s in quote["sources"]],
                       [span(c) for c in quote["contents"]]))
    return doc, quotes


def test_export_is_a_folder_citron_reads(quoted: Project, tmp_path: Path) -> None:
    out = tmp_path / "citron"
    report = citron.write(quoted, out)
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["a_1.json", "b.json"]
    doc, quotes = _citron_parse(out / "a_1.json")
    assert doc.text == TEXT
    assert [(c.text, [s.text for s in ss], [x.text for x in xs]) for c, ss, xs in quotes] == [
        ("said", ["Ann Lee"], ["“We won,”"]), ("added", ["Ann Lee"], ["“Again,”"])]
    assert report.lost["quotes without a cue (left out: Citron's reader needs one)"] == 1
    _, none = _citron_parse(out / "b.json")
    assert none == []


def test_both_the_folder_and_json_lines_are_read(quoted: Project, tmp_path: Path) -> None:
    out = tmp_path / "citron"
    citron.write(quoted, out)
    back = Project.create(tmp_path / "back.newsmark")
    summary = import_paths(back, list(expand([out])))  # a folder of Citron files, recognised by content
    assert summary.failed == [] and summary.documents_added == 2
    assert {(a.label, a.text) for a in back.annotations("a/1")} == {
        ("QUOTE", "“We won,”"), ("QUOTE", "“Again,”"), ("CUE", "said"), ("CUE", "added"), ("PERSON", "Ann Lee")}  # a source keeps the label Newsmark wrote
    lines = tmp_path / "citron.jsonl"
    lines.write_text("".join(f.read_text(encoding="utf-8") for f in sorted(out.iterdir())), encoding="utf-8")
    again = Project.create(tmp_path / "again.newsmark")
    summary = import_paths(again, [lines])
    assert summary.failed == [] and summary.documents_added == 2
    assert {(a.label, a.text) for a in again.annotations("a/1")} == \
        {(a.label, a.text) for a in back.annotations("a/1")}
    back.close()
    again.close()


def test_citrons_own_file_without_ids(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "humpty.json"
    text = "“When I use a word,” Humpty Dumpty said, “it means just what I choose.” He smiled."
    q = {"cue": {"start": text.index("said"), "end": text.index("said") + 4, "text": "said"},
         "sources": [{"start": text.index("Humpty"), "end": text.index("Humpty") + 13, "text": "Humpty Dumpty"}],
         "contents": [{"start": 0, "end": text.index("”") + 1, "text": text[:text.index("”") + 1]}]}
    group = [q["sources"][0], {"start": text.index("He"), "end": text.index("He") + 2, "text": "He"}]
    f.write_text(json.dumps({"text": text, "quotes": [q], "coreference_groups": [group]}, indent=2), encoding="utf-8")
    assert detect_kind(f) == "citron"
    summary = import_paths(project, [f])
    assert summary.failed == []
    (doc_id,) = project.document_ids()
    assert doc_id == "humpty"
    assert sorted(r.type for r in project.relations(doc_id)) == ["coreference", "cue", "said_by"]


@pytest.mark.parametrize(("quote", "extra", "problem"), [
    ({"cue": {"start": [6], "end": 10}}, {}, "quote 1: the cue's start must be an integer, not [6]"),
    ({"cue": {"start": 6, "end": 10}, "sources": 4}, {}, "quote 1: 'sources' must be a list, not 4"),
    ({"cue": {"start": 6, "end": 10}}, {"coreference_groups": [5]}, "coreference group 1 must be a list, not 5"),
    ({"cue": {"start": 6, "end": 10}, "contents": ["x"]}, {}, "quote 1: content 1 must be a span object"),
    ({"cue": {"start": 6, "end": 10, "text": 3}}, {}, "the cue's text must be a string"),
    ({"cue": {"start": True, "end": 10}}, {}, "the cue's start must be an integer, not true"),
    ("q", {}, "quote 1 must be a JSON object"),
    ({"cue": {"start": 6, "end": 99}}, {}, "99"),
])
def test_bad_shapes_are_refused_naming_file_and_line(project: Project, tmp_path: Path, quote: Any,
                                                     extra: dict[str, Any], problem: str) -> None:
    f = tmp_path / "c.jsonl"
    good = {"text": "Ann Lee said so.", "quotes": []}
    f.write_text(json.dumps(good) + "\n" + json.dumps({"text": "Ann Lee said so.", "quotes": [quote], **extra}) + "\n",
                 encoding="utf-8")
    assert detect_kind(f) == "citron"  # no --format: recognised by content
    summary = import_paths(project, [f])
    assert summary.documents_added == 0  # refused whole
    (failure,) = summary.failed
    assert failure.startswith(f"{f}, line 2: ") and problem in failure
    recs = list(citron.read(f))
    assert isinstance(recs[1].error, InputError)
