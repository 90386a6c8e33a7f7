"""Entities, disputed points and the stance map across articles (#18)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.errors import NotFoundError, ValidationError
from newsmark.corpus import disputes, entities, report
from newsmark.store import Project
from tests.corpus.helpers import PROP, article, import_jsonl, records, unpacked_copy, write_jsonl


@pytest.fixture
def corpus_project(project: Project, tmp_path: Path) -> Project:
    recs = records()
    recs.append(article("d5", "Leon Panetta", "troops stay only with immunity", "warned", "supports",
                        proposition="Troops stay in Iraq after 2011"))
    import_jsonl(project, write_jsonl(tmp_path / "in.jsonl", recs))
    return project


def _by_name(rows: list[entities.Entity]) -> dict[str, entities.Entity]:
    return {e.name: e for e in rows}


def test_entities_are_listed_with_mentions_and_documents(corpus_project: Project) -> None:
    rows = _by_name(entities.list_entities(corpus_project, "PERSON"))
    assert (rows["Leon Panetta"].mentions, rows["Leon Panetta"].documents) == (2, 2)
    assert (rows["Mr Panetta"].mentions, rows["Mr Panetta"].documents) == (1, 1)
    assert all(e.label == "PERSON" for e in rows.values())


def test_merge_rename_identify_and_split(corpus_project: Project, tmp_path: Path) -> None:
    p = corpus_project
    ent = entities.merge(p, "PERSON", ["Leon Panetta", "Mr Panetta", "Panetta"], identifier="Q312855")
    rows = _by_name(entities.list_entities(p, "PERSON"))
    assert "Mr Panetta" not in rows
    leon = rows["Leon Panetta"]
    assert (leon.id, leon.mentions, leon.documents, leon.identifier) == (ent, 3, 3, "Q312855")
    assert leon.names == {"Leon Panetta": 2, "Mr Panetta": 1}
    entities.rename(p, ent, "Leon E. Panetta")
    entities.set_identifier(p, ent, "Q312855 ")
    rows = _by_name(entities.list_entities(p, "PERSON"))
    assert rows["Leon E. Panetta"].mentions == 3 and rows["Leon E. Panetta"].identifier == "Q312855"
    # merging into an entity that holds one of the names joins them
    other = entities.merge(p, "PERSON", ["Ali al-Dabbagh", "al-Dabbagh"])
    assert entities.merge(p, "PERSON", ["al-dabbagh", "Panetta"], name="Leon E. Panetta") in (ent, other)
    assert len(p.conn.execute("SELECT * FROM entities").fetchall()) == 1
    entities.split(p, "PERSON", "Ali al-Dabbagh")
    rows = _by_name(entities.list_entities(p, "PERSON"))
    assert rows["Ali al-Dabbagh"].id is None and rows["Leon E. Panetta"].mentions == 3
    with pytest.raises(NotFoundError):
        entities.split(p, "PERSON", "Nobody")
    with pytest.raises(ValidationError):
        entities.merge(p, "PERSON", ["  "])
    # the same on rows as on packed documents
    rows_p = unpacked_copy(p, tmp_path)
    try:
        assert [e.to_dict() for e in entities.list_entities(rows_p)] == [e.to_dict() for e in entities.list_entities(p)]
    finally:
        rows_p.close()


def test_disputed_points_gather_every_stance_from_every_article(corpus_project: Project) -> None:
    p = corpus_project
    points = {pt.proposition: pt for pt in disputes.disputed_points(p)}
    shared = points[PROP]
    assert shared.id is None and shared.documents == 4
    assert sorted((s.who, s.value, s.document) for s in shared.stances) == [
        ("Ali al-Dabbagh", "neutral", "d3"), ("Leon Panetta", "supports", "d1"),
        ("Mr Panetta", "supports", "d2"), ("Nouri al-Maliki", "opposes", "d4")]
    for s in shared.stances:  # the quote and where it is, exactly
        assert p.document(s.document, with_annotations=False).text[s.start:s.end] == s.quote
    # link d5's DISPUTE to a shared point, with d1's: the two are one point
    pid = disputes.add_point(p, "US troops keep immunity after 2011", ["US", "Iraq"])
    disputes.link(p, "d5", "x", pid)
    disputes.link(p, "d1", "x", pid)
    points = {pt.proposition: pt for pt in disputes.disputed_points(p)}
    linked = points["US troops keep immunity after 2011"]
    assert linked.id == pid and linked.parties == ["US", "Iraq"]
    assert sorted(s.document for s in linked.stances) == ["d1", "d5"]
    assert sorted(s.document for s in points[PROP].stances) == ["d2", "d3", "d4"]
    with pytest.raises(ValidationError, match="not a disputed point"):
        disputes.link(p, "d1", "q", pid)
    with pytest.raises(NotFoundError):
        disputes.link(p, "d1", "x", "nope")
    disputes.unlink(p, "d1", "x")
    assert "d1" in {s.document for s in {pt.proposition: pt for pt in disputes.disputed_points(p)}[PROP].stances}
    # canonical names in the stances
    entities.merge(p, "PERSON", ["Leon Panetta", "Mr Panetta"])
    whos = {s.who for pt in disputes.disputed_points(p) for s in pt.stances}
    assert "Mr Panetta" not in whos and "Leon Panetta" in whos


def test_stance_map_counts_and_renderings(corpus_project: Project) -> None:
    p = corpus_project
    entities.merge(p, "PERSON", ["Leon Panetta", "Mr Panetta"])
    m = report.stance_map(p)
    assert m.speakers[0] == "Leon Panetta"
    key = next(pt.key for pt in m.points if pt.proposition == PROP)
    assert m.cell("Leon Panetta", key) == {"supports": 2}
    assert m.cell("Nouri al-Maliki", key) == {"opposes": 1}
    svg = report.render_svg(m)
    root = ET.fromstring(svg)  # well-formed
    assert root.tag.endswith("svg") and "2/0/0" in svg and report.COLOURS["opposes"] in svg
    rows = list(csv.reader(io.StringIO(report.matrix_csv(m))))
    assert rows[0] == ["speaker", "disputed_point", "point_id", "supports", "opposes", "neutral", "stance"]
    assert ["Leon Panetta", PROP, "", "2", "0", "0", "supports"] in rows
    quotes = report.quotes_table(p)
    assert len(quotes) == 5
    q2 = next(q for q in quotes if q.document == "d2")
    assert (q2.speaker, q2.cue, q2.stance) == ("Leon Panetta", "said", f"supports: {PROP}")
    html = report.render_html(m, quotes)
    assert "<svg" in html and "immunity is vital for our soldiers" in html


def test_cli_entities_disputes_and_report(corpus_project: Project, tmp_path: Path) -> None:
    path = str(corpus_project.path)
    corpus_project.close()
    run = CliRunner().invoke
    r = run(cli, ["entities", "merge", path, "PERSON", "Leon Panetta", "Mr Panetta", "--id", "Q312855"])
    assert r.exit_code == 0, r.output
    r = run(cli, ["entities", "list", path, "--label", "PERSON", "--json"])
    first = json.loads(r.stdout.splitlines()[0])
    assert (first["name"], first["mentions"], first["identifier"]) == ("Leon Panetta", 3, "Q312855")
    r = run(cli, ["disputes", "add", path, "Troops keep immunity", "--party", "US"])
    pid = r.stdout.strip()
    assert run(cli, ["disputes", "link", path, "d4", "x", pid]).exit_code == 0
    r = run(cli, ["disputes", "list", path, "--json"])
    linked = [json.loads(line) for line in r.stdout.splitlines() if json.loads(line)["id"] == pid]
    assert [s["who"] for s in linked[0]["stances"]] == ["Nouri al-Maliki"]
    out = tmp_path / "out"
    out.mkdir()
    r = run(cli, ["report", path, "-o", str(out / "s.html"), "-o", str(out / "s.svg"), "-o", str(out / "s.csv"),
                  "-o", str(out / "s.png"), "--quotes-csv", str(out / "q.csv")])
    assert r.exit_code == 0, r.output
    assert (out / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (out / "s.html").read_text(encoding="utf-8") and (out / "s.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "Leon Panetta,said" in (out / "q.csv").read_text(encoding="utf-8")
    r = run(cli, ["report", path, "-o", str(out / "s.txt")])
    assert r.exit_code == 2 and "choose a file ending" in r.output
    r = run(cli, ["disputes", "link", path, "d4", "q", pid])
    assert r.exit_code == 1 and "not a disputed point" in r.output and "Traceback" not in r.output


def test_packed_and_unpacked_documents_give_the_same_points_map_and_quotes(corpus_project: Project,
                                                                          tmp_path: Path) -> None:
    entities.merge(corpus_project, "PERSON", ["Leon Panetta", "Mr Panetta"])
    rows = unpacked_copy(corpus_project, tmp_path)
    try:
        assert [p.to_dict() for p in disputes.disputed_points(rows)] == \
            [p.to_dict() for p in disputes.disputed_points(corpus_project)]
        assert report.render_svg(report.stance_map(rows)) == report.render_svg(report.stance_map(corpus_project))
        assert report.quotes_table(rows) == report.quotes_table(corpus_project)
    finally:
        rows.close()
