"""The Parquet export (#18): tables DuckDB reads as they are, equal to the native JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.errors import NewsmarkError
from newsmark.formats import parquet
from newsmark.store import Project
from tests.corpus.helpers import export, import_jsonl, records, write_jsonl

duckdb = pytest.importorskip("duckdb", reason="duckdb (test extra) reads the Parquet tables back")
pytest.importorskip("pyarrow", reason="pyarrow (the parquet extra) writes them")


@pytest.fixture
def corpus_project(project: Project, tmp_path: Path) -> Project:
    import_jsonl(project, write_jsonl(tmp_path / "in.jsonl", records()))
    text = project.document("d1", with_annotations=False).text
    # a document in rows (edited) beside the packed ones
    project.add_annotation("d1", text.index("石油"), text.index("石油") + 2, "GPE", note="astral CJK")
    return project


def _native(project: Project) -> list[dict]:
    return [json.loads(line) for line in export(project).splitlines()]


def test_duckdb_reads_the_tables_as_the_native_jsonl_has_them(corpus_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    report = parquet.write(corpus_project, out)
    assert sorted(p.name for p in out.iterdir()) == ["annotations.parquet", "documents.parquet", "relations.parquet"]
    native = _native(corpus_project)
    assert report.documents == len(native) == 4
    con = duckdb.connect()
    docs = con.execute(f"SELECT id, title, text, meta, status FROM '{out}/documents.parquet' ORDER BY id").fetchall()
    assert [(i, t, x, json.loads(m), s) for i, t, x, m, s in docs] == sorted(
        ((d["id"], d["title"], d["text"], d["meta"], d["status"]) for d in native), key=lambda t: t[0])
    anns = con.execute(f"SELECT document, id, start, \"end\", label, layer, text, attributes, annotator, note"
                       f" FROM '{out}/annotations.parquet' ORDER BY document, start, \"end\", id").fetchall()
    expected = sorted((d["id"], a["id"], a["start"], a["end"], a["label"], a["layer"], a["text"],
                       a.get("attributes") or {}, a.get("annotator"), a.get("note"))
                      for d in native for a in d["annotations"])
    assert [(*row[:7], json.loads(row[7]), *row[8:]) for row in anns] == [
        tuple(x) for x in sorted(expected, key=lambda t: (t[0], t[2], t[3], t[1]))]
    # offsets are code points: DuckDB's substring (1-based, characters) gives each annotation's text
    assert con.execute(
        f"SELECT count(*) FROM '{out}/annotations.parquet' a JOIN '{out}/documents.parquet' d ON d.id = a.document"
        " WHERE substring(d.text, a.start + 1, a.\"end\" - a.start) <> a.text").fetchone() == (0,)
    rels = con.execute(f"SELECT document, id, type, \"from\", \"to\", value FROM '{out}/relations.parquet'"
                       " ORDER BY document, id").fetchall()
    assert rels == sorted((d["id"], r["id"], r["type"], r["from"], r["to"], (r.get("attributes") or {}).get("value"))
                          for d in native for r in d["relations"])
    # the question these tables are for: who takes which side
    stances = con.execute(
        f"SELECT coalesce(q.speaker, s.text), r.value FROM '{out}/relations.parquet' r"
        f" JOIN '{out}/annotations.parquet' q ON q.document = r.document AND q.id = r.\"from\""
        f" LEFT JOIN '{out}/relations.parquet' sb ON sb.document = r.document AND sb.\"from\" = q.id AND sb.type = 'said_by'"
        f" LEFT JOIN '{out}/annotations.parquet' s ON s.document = sb.document AND s.id = sb.\"to\""
        " WHERE r.type = 'stance' ORDER BY 1").fetchall()
    assert stances == [("Ali al-Dabbagh", "neutral"), ("Leon Panetta", "supports"), ("Mr Panetta", "supports"),
                       ("Nouri al-Maliki", "opposes")]


def test_cli_export_parquet_and_filters(corpus_project: Project, tmp_path: Path) -> None:
    path = str(corpus_project.path)
    corpus_project.close()
    out = tmp_path / "pq"
    r = CliRunner().invoke(cli, ["export", path, "--format", "parquet", "-o", str(out), "--status", "done"])
    assert r.exit_code == 0, r.output
    con = duckdb.connect()
    assert con.execute(f"SELECT id FROM '{out}/documents.parquet'").fetchall() == [("d3",)]
    assert con.execute(f"SELECT count(*) FROM '{out}/annotations.parquet'").fetchone() == (4,)
    r = CliRunner().invoke(cli, ["export", path, "--format", "parquet"])
    assert r.exit_code == 2 and "-o" in r.output


def test_a_failed_export_leaves_nothing(corpus_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "pq"
    real = corpus_project.document
    calls = []

    def failing(doc_id: str, **kw: object):  # type: ignore[no-untyped-def]
        calls.append(doc_id)
        if len(calls) == 3:
            raise OSError("disk gone")
        return real(doc_id, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(corpus_project, "document", failing)
    with pytest.raises(NewsmarkError, match="disk gone"):
        parquet.write(corpus_project, out)
    assert not out.exists() or not any(out.iterdir())
