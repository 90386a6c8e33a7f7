"""Attacks on merging into documents kept in parts (docs/adr/0015): what a merge must refuse
or keep whatever the sources hold."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.core.errors import ValidationError
from newsmark.store import Project
from newsmark.store.maintenance import check
from newsmark.team.merge import merge
from tests.store.test_packed import TEXT2, _export, _record, _source


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


# ---------------------------------------------------------------- the merge of ADR 11, as a reference
# Before parts (docs/adr/0015), a merge stored each new document packed whole: every source's
# annotations (as its export gives them) with ids prefixed by the source's name, annotators and
# times filled in, the team's layers, sorted by start and end stably in the sources' order.  The
# export of a merged project must be that, byte for byte, whatever the sources hold.
_LABELS = ("PERSON", "ORG", "QUOTE")


def _reference(sources: list[Path], team: Project) -> dict[str, tuple[list[Any], list[Any]]]:
    layers = team.label_layers()
    stamps = dict(((doc, src), stamp) for doc, src, stamp in team.conn.execute(
        "SELECT doc, source, stamp FROM packed_parts"))
    out: dict[str, tuple[list[Any], list[Any]]] = {}
    for path in sources:
        name = path.name.removesuffix(".newsmark")
        with Project.open(path, readonly=True) as src:
            for line in _export(src).splitlines():
                rec = orjson.loads(line)
                stamp = stamps[rec["id"], name]
                anns, rels = out.setdefault(rec["id"], ([], []))
                for a in rec["annotations"]:
                    a["id"] = f"{name}:{a['id']}"
                    a["annotator"] = a["annotator"] or name
                    a["layer"] = layers[a["label"]]
                    a["created"], a["updated"] = a["created"] or stamp, a["updated"] or stamp
                    anns.append(a)
                for r in rec["relations"]:
                    r["id"], r["from"], r["to"] = (f"{name}:{r[k]}" for k in ("id", "from", "to"))
                    r["created"], r["updated"] = r["created"] or stamp, r["updated"] or stamp
                    rels.append(r)
    for anns, _ in out.values():
        anns.sort(key=lambda a: (a["start"], a["end"]))
    return out


_spans = st.lists(st.tuples(st.integers(0, 12), st.integers(1, 3), st.sampled_from(_LABELS),
                            st.sampled_from([None, "ann", "zoe"])), max_size=8)
_source_docs = st.fixed_dictionaries({"d1": st.none() | _spans, "d2": st.none() | _spans})
_how = st.sampled_from(["packed", "rows", "timeless", "other layer"])


def _random_source(folder: Path, name: str, docs: dict[str, Any], how: str) -> Path:
    from tests.store.test_packed import TEXT, TEXT2

    records = []
    for doc_id, spans in docs.items():
        if spans is None:
            continue
        text = TEXT if doc_id == "d1" else TEXT2
        anns = [{"id": f"a{i}", "start": s, "end": s + n, "label": lab, "text": text[s:s + n], "annotator": who}
                for i, (s, n, lab, who) in enumerate(spans)]
        rels = [{"id": f"r{i}", "type": "said_by", "from": anns[i]["id"], "to": anns[-1]["id"]}
                for i in range(0, len(anns) - 1, 2)]
        records.append({"id": doc_id, "text": text, "annotations": anns, "relations": rels})
    path = _source(folder, name, *records)
    with Project.open(path) as p:
        docs_there = p.document_ids()
        if how == "other layer":
            p.update_label("QUOTE", layer="speech")
        elif how == "rows" and docs_there:
            new = p.add_annotation(docs_there[0], 0, 2, "ORG", annotator="edit")  # edited: in rows
            p.delete_annotation(docs_there[0], new.id)
        elif how == "timeless":
            with p.write():  # as an older version could leave them: some items without times
                for doc_id, anns_json, rels_json in p.conn.execute(
                        "SELECT doc, annotations, relations FROM packed").fetchall():
                    items = orjson.loads(anns_json), orjson.loads(rels_json)
                    for x in items[0][::2] + items[1][::2]:
                        x["created"] = x["updated"] = None
                    p.conn.execute("UPDATE packed SET annotations = ?, relations = ? WHERE doc = ?",
                                   (orjson.dumps(items[0]).decode(), orjson.dumps(items[1]).decode(), doc_id))
    return path


def _assert_as_the_old_merge(team_path: Path, sources: list[Path]) -> None:
    with Project.open(team_path) as team:
        expected = _reference(sources, team)
        got = {}
        for line in _export(team).splitlines():
            rec = orjson.loads(line)
            got[rec["id"]] = (rec["annotations"], rec["relations"])
        assert got == expected
        assert check(team).ok
        # team work sees the annotators in the order of their first span in the joined document
        from newsmark.team.data import load_work

        firsts = {doc_id: list(dict.fromkeys(a["annotator"] for a in anns)) for doc_id, (anns, _) in expected.items()}
        assert {d.id: d.annotators() for d in load_work(team)} == firsts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_source_docs, _how), min_size=1, max_size=3), st.data())
def test_a_merge_in_parts_exports_what_the_merge_before_parts_stored(tmp_path_factory: pytest.TempPathFactory,
                                                                      sources: list[Any], data: st.DataObject) -> None:
    folder = tmp_path_factory.mktemp("merge")
    paths = [_random_source(folder, f"s{i}", docs, how) for i, (docs, how) in enumerate(sources)]
    team = folder / "team.newsmark"
    if not any(docs[d] is not None for docs, _ in sources for d in docs):
        return
    merge(team, paths)
    _assert_as_the_old_merge(team, paths)
    # one source changed (an annotation added, one removed) and merged again: its part replaced
    # where it was (the sources' first order kept where spans tie)
    i = data.draw(st.integers(0, len(paths) - 1))
    with Project.open(paths[i]) as p:
        for doc_id in p.document_ids():
            have = p.annotations(doc_id)
            if have:
                p.delete_annotation(doc_id, have[0].id)
            p.add_annotation(doc_id, 3, 5, "PERSON", annotator="again")
    merge(team, [paths[i]])
    _assert_as_the_old_merge(team, paths)


def test_adjudication_of_a_document_in_parts_is_that_of_its_unpacked_copy(tmp_path: Path) -> None:
    """The annotators' order (first span in the text first) decides ties in adjudication: a
    merged document's parts must give the order its joined annotations give."""
    from newsmark.team.adjudicate import adjudicate, disagreements
    from newsmark.team.data import load_work
    from tests.store.test_packed import TEXT, _unpacked_copy

    def record(spans: list[tuple[int, int, dict[str, int]]]) -> dict[str, Any]:
        return {"id": "d1", "text": TEXT, "relations": [], "annotations": [
            {"id": f"a{i}", "start": s, "end": e, "label": "PERSON", "text": TEXT[s:e], "attributes": attrs}
            for i, (s, e, attrs) in enumerate(spans)]}

    alice = _source(tmp_path, "alice", record([(10, 15, {"n": 1}), (20, 22, {})]))
    bob = _source(tmp_path, "bob", record([(0, 5, {}), (10, 15, {"n": 2}), (20, 23, {})]))
    team = tmp_path / "team.newsmark"
    merge(team, [alice, bob])
    (tmp_path / "rows").mkdir()
    with Project.open(team) as parts, _unpacked_copy(parts, tmp_path / "rows") as rows:
        assert [d.annotators() for d in load_work(parts)] == [d.annotators() for d in load_work(rows)] == [
            ["bob", "alice"]]
        assert [list(d.versions) for d in disagreements(parts)] == [list(d.versions) for d in disagreements(rows)]
        adjudicate(parts, "majority")
        adjudicate(rows, "majority")
        curated = [[(a.start, a.end, a.attributes) for a in p.annotations("d1") if a.annotator == "curator"]
                   for p in (parts, rows)]
        assert curated[0] == curated[1] == [(10, 15, {"n": 2})]


def test_a_sources_documents_with_the_same_text_stay_two_documents(tmp_path: Path) -> None:
    # the same text under two ids in one file (imported with ids given): one team document
    # would hold each annotation id twice ('a:a0'...), and no edit could unpack it
    a = _source(tmp_path, "a", _record("x"), _record("d1"))
    b = _source(tmp_path, "b", _record("other"))
    team = tmp_path / "team.newsmark"
    summary = merge(team, [a, b])
    assert summary.documents_added == 2
    with Project.open(team) as p:
        assert p.document_ids() == ["x", "d1"] and check(p).ok
        assert {x.id.split(":")[0] for x in p.annotations("x")} == {"a", "b"}  # b's by its text
        assert {x.id.split(":")[0] for x in p.annotations("d1")} == {"a"}
        p.add_annotation("d1", 0, 2, "ORG")
        p.add_annotation("x", 0, 2, "ORG")
    with Project.open(a) as p:  # merged again: each to its own
        p.add_annotation("d1", 0, 3, "ORG", annotator="a")
    again = merge(team, [a, b])
    assert (again.documents_added, again.documents_updated, again.annotations_added) == (0, 1, 1)
    with Project.open(team) as p:
        assert len(p.annotations("d1")) == 7 and len(p.annotations("x")) == 11 and check(p).ok


def test_a_backup_with_other_pages_is_restored_over_a_team_file_held_open(tmp_path: Path) -> None:
    """A team file has 16 KiB pages (docs/adr/0015); a backup of the file of that name made
    before (4 KiB) is restored over it, while another window has it open."""
    from newsmark.store.maintenance import backup_dir, make_backup, restore
    from tests.store.test_packed import _import, _write

    team = tmp_path / "team.newsmark"
    with Project.create(team) as p:
        _import(p, _write(tmp_path / "old.jsonl", _record("old")))
        saved = make_backup(p, backup_dir(team) / "before.newsmark")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{team}{suffix}").unlink(missing_ok=True)
    merge(team, [_source(tmp_path, "a", _record("d1"))])
    with Project.open(team) as window:
        assert window.conn.execute("PRAGMA page_size").fetchone()[0] == 16384
        restore(team, saved)
        assert window.document_ids() == ["old"] and len(window.annotations("old")) == 5
    with Project.open(team) as p:
        assert check(p).ok and p.document_ids() == ["old"]


_KILLED_MIDWAY = """
import os, sys
from newsmark.team import merge as m
real, calls = m.insert_parts, []
def dying(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        os._exit(9)  # as a kill: no clean-up, no rollback
    return real(*args, **kwargs)
m.insert_parts = dying
m.merge(sys.argv[1], sys.argv[2:])
"""


def test_a_merge_killed_midway_leaves_the_team_file_as_it_was(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.store.test_packed import TEXT2

    alice = _source(tmp_path, "alice", _record("d1"), _record("d2", text=TEXT2))
    bob = _source(tmp_path, "bob", _record("d1"), _record("d2", text=TEXT2))
    carol = _source(tmp_path, "carol", _record("d1"), _record("d2", text=TEXT2))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

    def killed(team: Path, *sources: Path) -> None:
        done = subprocess.run([sys.executable, "-c", _KILLED_MIDWAY, str(team), *map(str, sources)], env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert done.returncode == 9, done.stderr

    new = tmp_path / "new.newsmark"
    killed(new, alice, bob)  # while the team file is made: nothing of the merge is in it
    if new.exists():
        with Project.open(new) as p:
            assert p.document_ids() == [] and check(p).ok
    merge(new, [alice, bob])
    team = tmp_path / "team.newsmark"
    merge(team, [alice, bob])
    with Project.open(team) as p:
        before = _export(p)
        parts = p.conn.execute("SELECT * FROM packed_parts ORDER BY doc, part").fetchall()
    with Project.open(new) as p:
        assert _export(p) == before
    killed(team, carol)  # merging a new source into the team: its first part written, then killed
    with Project.open(team) as p:
        assert _export(p) == before and check(p).ok
        assert p.conn.execute("SELECT * FROM packed_parts ORDER BY doc, part").fetchall() == parts
    assert merge(team, [carol]).annotations_added == 10


def _written(fmt: str, kind: str, project: Project, target: Path) -> Any:
    from newsmark.formats import registry

    if kind == "file":
        with open(target, "wb") as f:
            registry.write(fmt, project, f)
    else:
        registry.write(fmt, project, target)
    if target.is_dir():
        return {str(f.relative_to(target)): f.read_bytes() for f in sorted(target.rglob("*")) if f.is_file()}
    return target.read_bytes()


def test_every_export_format_writes_a_merged_project_as_its_unpacked_copy(tmp_path: Path) -> None:
    from newsmark.formats import registry
    from tests.store.test_packed import _sources, _unpacked_copy

    team = tmp_path / "team.newsmark"
    merge(team, _sources(tmp_path))
    (tmp_path / "rows").mkdir()
    with Project.open(team) as parts, _unpacked_copy(parts, tmp_path / "rows") as rows:
        rows_name = rows.path.stem
        assert parts.conn.execute("SELECT count(*) FROM packed_parts").fetchone()[0] > 0
        for fmt, (kind, _) in registry.EXPORT_FORMATS.items():
            needs = {"spacy": "spacy", "parquet": "pyarrow"}.get(fmt)
            if fmt == "jsonl" or (needs is not None and importlib.util.find_spec(needs) is None):
                continue  # JSONL: compared byte for byte in tests/store/test_packed.py
            got = _written(fmt, kind, parts, tmp_path / f"{fmt}-parts")
            want = _written(fmt, kind, rows, tmp_path / f"{fmt}-rows")
            if fmt == "w3c":  # names the project: "team" and the copy's name
                want = want.replace(f"project:{rows_name}".encode(), b"project:team").replace(
                    f"project {rows_name}".encode(), b"project team")
            assert got == want, fmt


def test_check_verifies_the_counts_by_label_that_a_merge_took_from_its_sources(tmp_path: Path) -> None:
    import json

    team = tmp_path / "team.newsmark"
    merge(team, [_source(tmp_path, "a", _record("d1")), _source(tmp_path, "b", _record("d1"))])
    with Project.open(team) as p:
        assert check(p).ok
        labels = json.loads(p.conn.execute("SELECT labels FROM packed WHERE doc = 'd1'").fetchone()[0])
        labels[0][2] += 1  # as from a source whose counts were wrong: the statistics would be
        labels[1][2] -= 1
        with p.write():
            p.conn.execute("UPDATE packed SET labels = ? WHERE doc = 'd1'", (json.dumps(labels),))
        assert ("document 'd1': its packed counts by label, annotator and relation type do not match its "
                "annotations and relations") in check(p).problems


def test_two_merges_of_one_source_into_one_team_at_once_add_it_once(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Two people merge the same new file into the team at the same moment: the second waits
    for the first's write lock and then plans from what the first wrote (planned before the
    lock, it would add the same new documents again)."""
    import sys
    import threading

    a = _source(tmp_path, "a", _record("d1"))
    b = _source(tmp_path, "b", _record("d2", text=TEXT2), _record("d3", text=TEXT2 + " Three."))
    team = tmp_path / "team.newsmark"
    merge(team, [a])
    both = threading.Barrier(2, timeout=10)
    original = Project.write

    def write(self: Project) -> Any:
        if sys._getframe(1).f_code.co_name == "_merge_into":  # both merges at their write, together
            both.wait()
        return original(self)

    monkeypatch.setattr(Project, "write", write)
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(merge(team, [b]))
        except BaseException as e:  # noqa: BLE001 - what the thread raised is what is checked
            results.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(r.documents_added for r in results) == [0, 2]
    with Project.open(team) as p:
        assert check(p).ok
        assert p.document_ids() == ["d1", "d2", "d3"]
        assert len(p.annotations("d2")) == 5
