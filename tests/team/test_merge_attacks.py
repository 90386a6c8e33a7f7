"""Attacks on merging into documents kept in parts (docs/adr/0015): what a merge must refuse
or keep whatever the sources hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmark.core.errors import ValidationError
from newsmark.store import Project
from newsmark.store.maintenance import check
from newsmark.team.merge import merge
from tests.store.test_packed import _record, _source


def test_a_file_name_with_a_colon_is_refused_its_ids_would_be_anothers(tmp_path: Path) -> None:
    # "a" with ids "b:a0"... and "a:b" with ids "a0"... both give "a:b:a0"
    rec = _record("d1")
    for x in rec["annotations"]:
        x["id"] = "b:" + x["id"]
    for r in rec["relations"]:
        r["id"], r["from"], r["to"] = "b:" + r["id"], "b:" + r["from"], "b:" + r["to"]
    a = _source(tmp_path, "a", rec)
    (tmp_path / "sub").mkdir()
    ab = _source(tmp_path / "sub", "a:b", _record("d1"))
    team = tmp_path / "team.newsmark"
    with pytest.raises(ValidationError, match=r"a:b\.newsmark: a file name with ':' cannot be merged"):
        merge(team, [a, ab])
    assert not team.exists()
    merge(team, [a])
    with pytest.raises(ValidationError, match="rename the file"):
        merge(team, [ab])
    with Project.open(team) as p:
        assert check(p).ok and len(p.annotations("d1")) == 5


def test_merging_a_source_again_keeps_another_sources_work_in_an_edited_document(tmp_path: Path) -> None:
    a = _source(tmp_path, "a", _record("d1"))
    b = _source(tmp_path, "b", _record("d1"))
    team = tmp_path / "team.newsmark"
    merge(team, [a, b])
    with Project.open(team) as p:
        p.add_annotation("d1", 0, 3, "ORG", annotator="curator")  # d1 in rows now
    with Project.open(a) as p:
        p.add_annotation("d1", 0, 3, "ORG", annotator="a")
    summary = merge(team, [a])
    assert (summary.annotations_added, summary.annotations_removed) == (1, 0)
    with Project.open(team) as p:
        ids = [x.id for x in p.annotations("d1")]
        assert len(ids) == 12 and sum(i.startswith("b:") for i in ids) == 5


@pytest.mark.parametrize("merged_doc", [True, False])
def test_check_reports_a_packed_document_with_rows_beside(tmp_path: Path, merged_doc: bool) -> None:
    from tests.store.test_packed import TEXT

    path = tmp_path / "team.newsmark"
    if merged_doc:
        merge(path, [_source(tmp_path, "a", _record("d1")), _source(tmp_path, "b", _record("d1"))])
    else:
        path = _source(tmp_path, "team", _record("d1"))
    with Project.open(path) as p:
        assert check(p).ok and p.is_packed("d1")
        with p.write():  # what no edit does (each unpacks first): damage, or a bug
            p.conn.execute("INSERT INTO annotations(doc, id, start, \"end\", label, text, attributes, created, updated)"
                           " VALUES ('d1', 'stray', 0, 3, 'ORG', ?, '{}', 't', 't')", (TEXT[:3],))
        assert "document 'd1': it is packed and has annotations or relations in rows too" in check(p).problems
