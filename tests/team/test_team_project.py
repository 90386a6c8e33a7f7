"""Merge, agreement and adjudication on real project files, through the library and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.errors import InputError
from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.team.adjudicate import disagreements
from newsmark.team.agreement import ALL, project_agreement
from newsmark.team.data import DocWork, load_work
from newsmark.team.merge import merge
from tests.conftest import NAUGHTY

TEXT1 = "Barack Obama met Angela Merkel in Berlin on Monday. \u201cWe agree\u201d, he said 😀."
TEXT2 = "The talks in Paris ended without a deal, said the minister."


def run(*args: object, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def annotator_file(path: Path, spans: dict[str, list[tuple[str, str]]], *, annotator: str | None = None,
                   texts: dict[str, str] | None = None) -> Path:
    """A project with documents d1, d2 (and d3: NAUGHTY) and the given (label, text) spans per document."""
    texts = texts or {"d1": TEXT1, "d2": TEXT2, "d3": NAUGHTY}
    with Project.create(path) as p:
        for doc_id, text in texts.items():
            p.add_document(Document(id=doc_id, text=text))
        for doc_id, items in spans.items():
            text = texts[doc_id]
            for label, needle in items:
                start = text.index(needle)
                p.add_annotation(doc_id, start, start + len(needle), label, annotator=annotator)
    return path


def team_of_three(tmp_path: Path) -> Path:
    annotator_file(tmp_path / "alice.newsmark", {"d1": [("PERSON", "Barack Obama"), ("PERSON", "Angela Merkel"),
                                                        ("GPE", "Berlin")]}, annotator="alice")
    annotator_file(tmp_path / "bob.newsmark", {"d1": [("PERSON", "Barack Obama"), ("PERSON", "Merkel"),
                                                      ("GPE", "Berlin")]})
    annotator_file(tmp_path / "carol.newsmark", {"d1": [("PERSON", "Obama"), ("GPE", "Berlin")],
                                                 "d3": [("PERSON", "Leader 👩‍👩‍👧")]}, annotator="carol")
    team = tmp_path / "team.newsmark"
    merge(team, [tmp_path / f"{n}.newsmark" for n in ("alice", "bob", "carol")])
    return team


def test_merge_keeps_each_annotators_work_apart_and_merging_again_adds_nothing(tmp_path: Path) -> None:
    team = team_of_three(tmp_path)
    with Project.open(team) as p:
        assert p.document_ids() == ["d1", "d2", "d3"]
        anns = p.annotations("d1")
        assert sorted({a.annotator for a in anns}) == ["alice", "bob", "carol"]  # bob's: the file's name
        assert all(a.id.split(":")[0] == a.annotator for a in anns)  # ids say where they came from
        assert len({a.id for a in anns}) == len(anns) == 8
        d3 = p.annotations("d3")[0]
        assert d3.text == NAUGHTY[d3.start:d3.end] == "Leader 👩‍👩‍👧"
        before = p.stats()
    out = run("merge", team, tmp_path / "alice.newsmark", tmp_path / "bob.newsmark", tmp_path / "carol.newsmark")
    assert "0 new documents, 0 updated, 3 unchanged; 0 annotations" in out
    with Project.open(team) as p:
        assert p.stats() == before
    assert "ok" in run("check", team)


def test_merge_brings_a_files_later_edits(tmp_path: Path) -> None:
    team = team_of_three(tmp_path)
    with Project.open(tmp_path / "bob.newsmark") as p:
        merkel = next(a for a in p.annotations("d1") if a.text == "Merkel")
        p.update_annotation("d1", merkel.id, start=merkel.start - 7)
        p.add_annotation("d2", 13, 18, "GPE")
    out = run("merge", team, tmp_path / "bob.newsmark")
    assert "2 updated" in out and "1 annotations" in out and "1 annotations changed" in out
    with Project.open(team) as p:
        assert [a.text for a in p.annotations("d1") if a.annotator == "bob" and a.label == "PERSON"] == \
            ["Barack Obama", "Angela Merkel"]
        assert [a.text for a in p.annotations("d2")] == ["Paris"]


def test_merge_refuses_a_different_text_naming_both_files_and_changes_nothing(tmp_path: Path) -> None:
    team = team_of_three(tmp_path)
    other = annotator_file(tmp_path / "dave.newsmark", {}, texts={"d1": TEXT1 + " (corrected)"})
    with Project.open(team) as p:
        before = p.stats()
    with pytest.raises(InputError) as e:
        merge(team, [other])
    assert str(other) in str(e.value) and str(team) in str(e.value) and "'d1'" in str(e.value)
    out = run("merge", team, other, ok=False)
    assert "dave.newsmark" in out and "team.newsmark" in out and "Traceback" not in out
    with Project.open(team) as p:
        assert p.stats() == before
    # between two sources of a new team: both sources named, no team file left behind
    new_team = tmp_path / "new.newsmark"
    with pytest.raises(InputError, match=re.escape(str(tmp_path / "alice.newsmark"))):
        merge(new_team, [tmp_path / "alice.newsmark", other])
    assert not new_team.exists()


def test_merge_relations_follow_their_annotations(tmp_path: Path) -> None:
    path = annotator_file(tmp_path / "alice.newsmark", {"d2": [("QUOTE", "The talks in Paris ended without a deal"),
                                                               ("PERSON", "the minister")]})
    with Project.open(path) as p:
        quote, person = sorted(p.annotations("d2"), key=lambda a: a.start)
        p.add_relation("d2", "said_by", quote.id, person.id)
    team = tmp_path / "team.newsmark"
    merge(team, [path])
    with Project.open(team) as p:
        (rel,) = p.relations("d2")
        assert rel.from_id == f"alice:{quote.id}" and rel.to_id == f"alice:{person.id}"
        assert p.annotation("d2", rel.to_id).text == "the minister"


def test_agreement_figures_by_hand(tmp_path: Path) -> None:
    team = team_of_three(tmp_path)
    with Project.open(team, readonly=True) as p:
        result = project_agreement(p)
    assert result.annotators == ["alice", "bob", "carol"]
    assert result.documents == 1  # d3 was annotated by carol alone
    ab = result.pair("alice", "bob", "PERSON")
    assert (ab.count_a, ab.count_b, ab.matched_exact, ab.matched_overlap) == (2, 2, 1, 2)
    assert ab.f1_exact == pytest.approx(0.5) and ab.f1_overlap == pytest.approx(1.0)
    ac = result.pair("alice", "carol", ALL)
    assert ac.f1_exact == pytest.approx(2 * 1 / 5) and ac.f1_overlap == pytest.approx(2 * 2 / 5)
    assert result.pair("alice", "bob", "GPE").kappa == pytest.approx(1.0)
    assert result.alpha_u["GPE"] == pytest.approx(1.0)
    assert 0 < result.alpha_u["PERSON"] < 1 and 0 < result.fleiss_kappa[ALL] < 1


def test_cohen_and_fleiss_on_token_labels_match_nltk_and_statsmodels(tmp_path: Path) -> None:
    from nltk.metrics.agreement import AnnotationTask
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    team = team_of_three(tmp_path)
    with Project.open(team, readonly=True) as p:
        result = project_agreement(p)
        # token labels built independently: words and punctuation, the longest span wins
        tokens = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", TEXT1)]
        labels = {}
        for name in result.annotators:
            spans = sorted((a for a in p.annotations("d1") if a.annotator == name), key=lambda a: a.end - a.start)
            row = ["O"] * len(tokens)
            for a in spans:
                for i, (s, e) in enumerate(tokens):
                    if s < a.end and e > a.start:
                        row[i] = a.label
            labels[name] = row
    for a, b in (("alice", "bob"), ("alice", "carol"), ("bob", "carol")):
        task = AnnotationTask(data=[(c, i, x) for c in (a, b) for i, x in enumerate(labels[c])])
        assert result.pair(a, b, ALL).kappa == pytest.approx(task.kappa_pairwise(a, b), abs=0.001)
        person = [(c, i, x == "PERSON") for c in (a, b) for i, x in enumerate(labels[c])]
        assert result.pair(a, b, "PERSON").kappa == pytest.approx(
            AnnotationTask(data=person).kappa_pairwise(a, b), abs=0.001)
    table, _ = aggregate_raters(list(zip(*labels.values(), strict=True)))
    assert result.fleiss_kappa[ALL] == pytest.approx(fleiss_kappa(table), abs=0.001)


def test_disjoint_or_different_work_is_never_perfect(tmp_path: Path) -> None:
    a = annotator_file(tmp_path / "a.newsmark", {"d1": [("PERSON", "Barack Obama")]})
    b = annotator_file(tmp_path / "b.newsmark", {"d2": [("GPE", "Paris")]})
    team = tmp_path / "team.newsmark"
    merge(team, [a, b])
    data = json.loads(run("agreement", team, "--json"))
    assert data["documents"] == 0
    for pair in data["pairs"]:
        assert pair["f1_exact"] is None and pair["f1_overlap"] is None and pair["kappa"] is None
    assert all(v is None for v in data["alpha_u"].values())
    # completely different spans in the same document: everything low
    c = annotator_file(tmp_path / "c.newsmark", {"d1": [("GPE", "Berlin")]})
    merge(team, [c])
    data = json.loads(run("agreement", team, "--json", "--annotator", "a", "--annotator", "c"))
    (star,) = [p for p in data["pairs"] if p["label"] == "*"]
    assert star["f1_exact"] == 0.0 and star["f1_overlap"] == 0.0 and star["kappa"] < 0.1
    assert data["alpha_u"]["*"] < 0.5


def test_agreement_relations_agree_when_their_ends_match(tmp_path: Path) -> None:
    paths = []
    for name, value, speaker in (("a", "supports", "the minister"), ("b", "supports", "minister"),
                                 ("c", "opposes", "the minister")):
        path = annotator_file(tmp_path / f"{name}.newsmark",
                              {"d2": [("QUOTE", "The talks in Paris ended"), ("PERSON", speaker),
                                      ("DISPUTE", "without a deal")]})
        with Project.open(path) as p:
            anns = {a.label: a.id for a in p.annotations("d2")}
            p.add_relation("d2", "said_by", anns["QUOTE"], anns["PERSON"])
            p.add_relation("d2", "stance", anns["QUOTE"], anns["DISPUTE"], attributes={"value": value})
        paths.append(path)
    team = tmp_path / "team.newsmark"
    merge(team, paths)
    with Project.open(team, readonly=True) as p:
        r = project_agreement(p)
    said_ab = r.pair("a", "b", "said_by")
    assert said_ab.kind == "relation" and said_ab.f1_exact == 0.0 and said_ab.f1_overlap == 1.0
    assert r.pair("a", "b", "stance").f1_exact == 1.0
    assert r.pair("a", "c", "stance").f1_exact == 0.0  # same ends, another value
    assert r.pair("a", "c", "said_by").f1_exact == 1.0


def test_agreement_cli_json_filters_and_html(tmp_path: Path) -> None:
    team = team_of_three(tmp_path)
    data = json.loads(run("agreement", team, "--json", "--label", "PERSON"))
    assert data["annotators"] == ["alice", "bob", "carol"] and data["documents"] == 1
    assert {p["label"] for p in data["pairs"]} == {"*", "PERSON"}
    assert set(data["alpha_u"]) == {"*", "PERSON"} and set(data["fleiss_kappa"]) == {"*", "PERSON"}
    for pair in data["pairs"]:
        assert {"a", "b", "label", "f1_exact", "f1_overlap", "kappa"} <= set(pair)
    layer = json.loads(run("agreement", team, "--json", "--layer", "entity"))
    assert {p["label"] for p in layer["pairs"]} == {"*", "PERSON", "GPE"}
    html = tmp_path / "report.html"
    out = run("agreement", team, "--html", html)
    assert "alice" in out and "F1 exact" in out
    page = html.read_text(encoding="utf-8")
    assert "alice / bob" in page and "background:#" in page and "PERSON" in page
    assert "no label 'NOPE'" in run("agreement", team, "--label", "NOPE", ok=False)


def test_adjudicate_majority_and_unanimous_and_disagreements(tmp_path: Path) -> None:
    team = team_of_three(tmp_path)
    with Project.open(team) as p:
        listed = disagreements(p)
        # Obama (alice, bob: whole name; carol: surname) and Merkel (alice whole, bob surname, carol none)
        assert [(d.document, TEXT1[d.start:d.end]) for d in listed] == [("d1", "Barack Obama"), ("d1", "Angela Merkel")]
        assert [(s.start, s.end) for s in listed[1].versions["carol"]] == []
    out = run("adjudicate", team, "--strategy", "unanimous")
    assert "curated 1 annotations" in out  # Berlin
    out = run("adjudicate", team, "--strategy", "majority")
    assert "curated 1 annotations" in out and "1 were already" in out  # Barack Obama (2 of 3)
    assert "curated 0 annotations" in run("adjudicate", team, "--strategy", "majority")
    with Project.open(team) as p:
        curated = sorted(a.text for a in p.annotations("d1") if a.annotator == "curator")
        assert curated == ["Barack Obama", "Berlin"]
        assert [d.resolved for d in disagreements(p)] == [True, False]
    out = run("adjudicate", team, "--strategy", "majority", "--min", "3")
    assert "curated 0 annotations" in out
    assert "ok" in run("check", team)


def _exported(team: Path, *args: object) -> list[dict]:  # type: ignore[type-arg]
    out = team.with_name("out.jsonl")
    run("export", team, "-o", out, *args)
    return [json.loads(line) for line in out.read_bytes().split(b"\n") if line]


def test_export_one_annotators_layer_or_the_curated_one(tmp_path: Path) -> None:
    team = team_of_three(tmp_path)
    path = annotator_file(tmp_path / "dave.newsmark", {"d2": [("QUOTE", "The talks in Paris ended"),
                                                              ("PERSON", "the minister")]})
    with Project.open(path) as p:
        quote, person = sorted(p.annotations("d2"), key=lambda a: a.start)
        p.add_relation("d2", "said_by", quote.id, person.id)
    merge(team, [path])
    # packed documents
    docs = {d["id"]: d for d in _exported(team, "--annotator", "bob")}
    assert [a["text"] for a in docs["d1"]["annotations"]] == ["Barack Obama", "Merkel", "Berlin"]
    assert docs["d2"]["annotations"] == [] and docs["d2"]["relations"] == []
    docs = {d["id"]: d for d in _exported(team, "--annotator", "dave")}
    assert len(docs["d2"]["relations"]) == 1 and docs["d1"]["annotations"] == []
    # documents with rows (the curator's edits unpacked them), and another format
    run("adjudicate", team, "--strategy", "majority")
    docs = {d["id"]: d for d in _exported(team, "--curated")}
    assert [a["text"] for a in docs["d1"]["annotations"]] == ["Barack Obama", "Berlin"]
    assert {a["annotator"] for a in docs["d1"]["annotations"]} == {"curator"}
    docs = {d["id"]: d for d in _exported(team, "--annotator", "alice", "--format", "doccano")}
    assert docs["d1"]["label"] == [[0, 12, "PERSON"], [17, 30, "PERSON"], [34, 40, "GPE"]]
    assert "no annotation by 'zed'" in run("export", team, "--annotator", "zed", ok=False)


def test_one_project_holding_several_annotators_work_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "shared.newsmark"
    run("init", path)
    with Project.open(path) as p:
        p.add_document(Document(id="d1", text=TEXT1))
    for who, needle in (("alice", "Barack Obama"), ("bob", "Barack Obama"), ("alice", "Berlin")):
        run("annotate", path, "--doc", "d1", "--label", "PERSON" if "Obama" in needle else "GPE",
            "--match", needle, "--annotator", who)
    data = json.loads(run("agreement", path, "--json"))
    assert data["annotators"] == ["alice", "bob"] and data["documents"] == 1
    (star,) = [p for p in data["pairs"] if p["label"] == "*"]
    assert star["f1_exact"] == pytest.approx(2 * 1 / 3)
    one = tmp_path / "one.newsmark"
    run("init", one)
    assert "agreement needs two or more" in run("agreement", one)


def test_merge_gives_a_time_to_annotations_without_one(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": TEXT1, "annotations": [
        {"id": "a1", "start": 0, "end": 12, "label": "PERSON", "created": None, "updated": None}]}) + "\n",
        encoding="utf-8")
    path = tmp_path / "x.newsmark"
    run("init", path)
    run("import", path, src)
    team = tmp_path / "team.newsmark"
    merge(team, [path])
    with Project.open(team) as p:
        (a,) = p.annotations("d1")
        assert a.created and a.updated and a.annotator == "x" and a.id == "x:a1" and a.text == "Barack Obama"


def test_work_read_without_attributes_is_the_same_work(tmp_path: Path) -> None:
    """Agreement reads the annotations without their attributes (never used): the same spans,
    each with {} (a merged document's parts and one in rows alike)."""
    a = annotator_file(tmp_path / "a.newsmark", {"d2": [("QUOTE", "The talks in Paris ended")]}, annotator="a")
    b = annotator_file(tmp_path / "b.newsmark", {"d2": [("QUOTE", "The talks in Paris")]})
    for path in (a, b):
        with Project.open(path) as p:
            quote = p.annotations("d2")[0]
            p.update_annotation("d2", quote.id, attributes={"speaker": "the minister"})
    team = tmp_path / "team.newsmark"
    merge(team, [a, b])
    annotator_file(tmp_path / "rows.newsmark", {"d1": [("PERSON", "Obama")]}, annotator="r")
    with Project.open(tmp_path / "rows.newsmark") as p:
        p.update_annotation("d1", p.annotations("d1")[0].id, attributes={"x": 1})  # in rows, not packed
    for path in (team, tmp_path / "rows.newsmark"):
        with Project.open(path, readonly=True) as p:
            full, lean = load_work(p), load_work(p, with_attributes=False)

        def spans(work: list[DocWork]) -> list[tuple[str, str, list[tuple[str, int, int, str, str | None]]]]:
            return [(d.id, who, [(s.id, s.start, s.end, s.label, s.annotator) for s in got])
                    for d in work for who, got in d.spans.items()]

        assert spans(lean) == spans(full) and spans(full)
        assert any(s.attrs() for d in full for got in d.spans.values() for s in got)
        assert all(s.attrs() == {} for d in lean for got in d.spans.values() for s in got)
