"""newsmark suggest / evaluate / export --suggestions, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.model import Document
from newsmark.store import Project

ARTICLE = (
    "Talks collapse in Geneva\n\n"
    "Negotiators left Geneva on Friday without a deal.\n\n"
    "“We gave them every chance,” said Foreign Minister Anna Berg. “They walked away.”\n\n"
    "Berg told reporters that a new round could start in March.\n\n"
    "The other side blamed the host, according to state media.\n"
)


def _project(tmp_path: Path, n: int = 3) -> Path:
    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        for i in range(n):
            p.add_document(Document(f"d{i}", ARTICLE + f"\nStory {i}.\n"))
    return path


def test_suggest_accept_makes_linked_quotes(tmp_path: Path) -> None:
    path = _project(tmp_path)
    r = CliRunner().invoke(cli, ["suggest", str(path), "--recommender", "quotes", "--accept"])
    assert r.exit_code == 0, r.output
    assert "accepted" in r.output
    with Project.open(path) as p:
        doc = p.document("d0")
        by_id = {a.id: a for a in doc.annotations}
        quotes = [a for a in doc.annotations if a.label == "QUOTE"]
        assert {q.text for q in quotes} == {"We gave them every chance", "They walked away.",
                                            "a new round could start in March",
                                            "The other side blamed the host"}
        for q in quotes:
            assert q.annotator == "suggest:quotes"
            said = [by_id[r.to_id] for r in doc.relations if r.type == "said_by" and r.from_id == q.id]
            assert len(said) == 1 and said[0].label in ("PERSON", "ORG")
        cued = [r for r in doc.relations if r.type == "cue"]
        assert {by_id[r.to_id].text for r in cued} == {"said", "told", "according to"}
        assert all(by_id[r.to_id].label == "CUE" for r in cued)
        # the same mention is one annotation, whichever quotes it speaks
        assert sum(1 for a in doc.annotations if a.text == "Anna Berg") == 1


def test_suggest_stores_apart_and_export_includes_them_only_when_asked(tmp_path: Path) -> None:
    path = _project(tmp_path, 1)
    runner = CliRunner()
    r = runner.invoke(cli, ["suggest", str(path), "--doc", "d0", "--min-score", "0.7"])
    assert r.exit_code == 0, r.output
    assert "3 suggestions for 1 documents (quotes: 3)" in r.output
    with Project.open(path) as p:
        assert p.annotations("d0") == []
    plain = runner.invoke(cli, ["export", str(path)])
    assert "suggestions" not in json.loads(plain.stdout.splitlines()[0])
    full = runner.invoke(cli, ["export", str(path), "--suggestions"])
    rec = json.loads(full.stdout.splitlines()[0])
    assert len(rec["suggestions"]) == 3
    s = rec["suggestions"][0]
    assert s["recommender"] == "quotes" and s["score"] >= 0.7
    assert s["spans"][0]["label"] == "QUOTE" and {x["type"] for x in s["relations"]} == {"said_by", "cue"}


def test_suggest_errors_are_messages(tmp_path: Path) -> None:
    path = _project(tmp_path, 1)
    runner = CliRunner()
    r = runner.invoke(cli, ["suggest", str(path), "--recommender", "magic"])
    assert r.exit_code == 1 and "no recommender 'magic'" in r.output and "Traceback" not in r.output
    r = runner.invoke(cli, ["suggest", str(path), "--doc", "nope"])
    assert r.exit_code == 1 and "no document 'nope'" in r.output
    r = runner.invoke(cli, ["suggest", str(path), "--recommender", "spacy:/no/such/pipeline"])
    assert r.exit_code == 1 and "cannot load the spaCy pipeline" in r.output
    r = runner.invoke(cli, ["evaluate", str(path), "--recommender", "quotes"])
    assert r.exit_code == 1 and "no documents with status done" in r.output


def test_evaluate_against_done_documents(tmp_path: Path) -> None:
    path = _project(tmp_path, 2)
    runner = CliRunner()
    assert runner.invoke(cli, ["suggest", str(path), "--accept"]).exit_code == 0
    with Project.open(path) as p:
        # the annotator fixes one document: drops the last quote, adds one the rules miss
        doc = p.document("d0")
        last = next(a for a in doc.annotations if a.label == "QUOTE" and a.text.startswith("The other"))
        p.delete_annotation("d0", last.id)
        s = doc.text.index("Negotiators left")
        p.add_annotation("d0", s, s + len("Negotiators left Geneva on Friday without a deal"), "QUOTE")
        p.set_status("d0", "done")
    r = runner.invoke(cli, ["evaluate", str(path), "--recommender", "quotes", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["documents"] == 1
    q = out["labels"]["QUOTE"]
    assert (q["predicted"], q["gold"]) == (4, 4)
    assert q["exact"]["precision"] == 0.75 and q["exact"]["recall"] == 0.75
    assert out["quotes"]["speaker"] == 1.0 and out["quotes"]["cue"] == 1.0
    text = runner.invoke(cli, ["evaluate", str(path), "--recommender", "quotes"])
    assert "QUOTE" in text.output and "speaker right 1.000" in text.output
