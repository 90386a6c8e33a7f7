"""Packed documents (docs/adr/0008): an imported document keeps its annotations and relations
as native JSON until its first edit moves them into rows.  Whatever the form, the project
reads, exports, counts and checks the same."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.core.errors import ValidationError
from newsmark.formats import jsonl
from newsmark.formats.records import check_record, check_record_bytes
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from newsmark.store.maintenance import check
from newsmark.store.search_index import document_marks
from tests.conftest import NAUGHTY
from tests.corpus.helpers import unpacked_copy
from tests.formats.test_jsonl import _records

TEXT = NAUGHTY + " Alice met Bob in Paris."
TEXT2 = TEXT + " Two."


def _record(doc_id: str = "d1", **extra: Any) -> dict[str, Any]:
    alice = TEXT.index("Alice")
    spans = [(alice + 10, alice + 15, "GPE"), (alice, alice + 5, "PERSON"), (alice + 10, alice + 15, "ORG"),
             (0, 6, "PERSON"), (alice + 6, alice + 9, "QUOTE")]
    anns = [{"id": f"a{i}", "start": s, "end": e, "label": lab, "text": TEXT[s:e],
             "attributes": {"n": i, "deep": [{"x": None}]} if i % 2 else {}, "annotator": "ann" if i else None,
             "note": "first" if i == 0 else None} for i, (s, e, lab) in enumerate(spans)]
    rec = {"id": doc_id, "title": "T", "text": TEXT, "meta": {"k": [1, 2]}, "status": "in progress",
           "annotations": anns,
           "relations": [{"id": "r1", "type": "said_by", "from": "a4", "to": "a1", "attributes": {"w": 1}},
                         {"id": "r2", "type": "stance", "from": "a1", "to": "a3", "attributes": {}}]}
    rec.update(extra)
    return rec


def _write(path: Path, *records: dict[str, Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _import(project: Project, path: Path, **kw: Any) -> ImportSummary:
    summary = ImportSummary()
    import_records(project, jsonl.read(path), summary, source=str(path), **kw)
    return summary


def _export(project: Project, **kw: Any) -> bytes:
    buf = io.BytesIO()
    jsonl.write(project, buf, **kw)
    return buf.getvalue()


_unpacked_copy = unpacked_copy  # the same project with every document's annotations in rows


@pytest.fixture
def packed(project: Project, tmp_path: Path) -> Project:
    _import(project, _write(tmp_path / "in.jsonl", _record("d1"), _record("d2", status="done")))
    assert project.is_packed("d1") and project.is_packed("d2")
    return project


def test_packed_and_unpacked_read_export_and_count_the_same(packed: Project, tmp_path: Path) -> None:
    rows = _unpacked_copy(packed, tmp_path)
    try:
        for doc_id in ("d1", "d2"):
            assert packed.document(doc_id) == rows.document(doc_id)
            for a in packed.annotations(doc_id):
                assert packed.annotation(doc_id, a.id) == rows.annotation(doc_id, a.id)
                assert a.text == TEXT[a.start:a.end]
                assert packed.relations_of(doc_id, a.id) == rows.relations_of(doc_id, a.id)
            assert packed.relation(doc_id, "r2") == rows.relation(doc_id, "r2")
            assert packed.annotation_ids(doc_id) == rows.annotation_ids(doc_id)
        # byte for byte: same fields, same order of annotations (by position, then as imported)
        assert _export(packed) == _export(rows)
        for labels in (["PERSON"], ["PERSON", "QUOTE"], ["GPE"]):
            assert _export(packed, labels=labels) == _export(rows, labels=labels)
        assert _export(packed, statuses=["done"]) == _export(rows, statuses=["done"])
        assert packed.stats() == rows.stats()
        assert packed.stats()["by_label"] == {"PERSON": 4, "QUOTE": 2, "GPE": 2, "ORG": 2}
        assert packed.document_list()[1] == rows.document_list()[1] == {"d1": 5, "d2": 5}
        assert [s.annotations for s in packed.document_summaries()] == [5, 5]
        assert check(packed).ok and check(rows).ok
        assert check(packed).annotations == 10 and check(packed).relations == 4
    finally:
        rows.close()


def test_the_export_adds_timestamps_and_layers(packed: Project) -> None:
    (line, _) = _export(packed).splitlines()
    anns = json.loads(line)["annotations"]
    assert [(a["start"], a["end"], a["label"]) for a in anns] == sorted(
        (a["start"], a["end"], a["label"]) for a in anns)
    assert all(a["created"] and a["updated"] for a in anns)
    assert {a["label"]: a["layer"] for a in anns}["QUOTE"] == "quote"
    # ORG and GPE share a span: they keep the order they were imported in
    org_gpe = [a["label"] for a in anns if a["label"] in ("ORG", "GPE")]
    assert org_gpe == ["GPE", "ORG"]


def test_the_first_edit_unpacks_and_undo_restores(packed: Project) -> None:
    before, before2 = packed.document("d1"), packed.document("d2")
    new = packed.add_annotation("d1", 0, 5, "ORG")
    assert not packed.is_packed("d1") and packed.is_packed("d2")
    after = packed.document("d1")
    assert [a for a in after.annotations if a.id != new.id] == before.annotations
    assert after.relations == before.relations
    ann, rels = packed.delete_annotation("d2", "a1")  # deletes the relations at it too
    assert {r.id for r in rels} == {"r1", "r2"} and packed.relations("d2") == []
    packed.restore_annotation(ann, rels)
    assert packed.document("d2").annotations == before2.annotations
    assert packed.document("d2").relations == before2.relations
    assert check(packed).ok


@pytest.mark.parametrize("edit", ["update_annotation", "add_relation", "update_relation", "delete_relation"])
def test_every_kind_of_edit_unpacks_first(packed: Project, edit: str) -> None:
    if edit == "update_annotation":
        packed.update_annotation("d1", "a1", note="changed")
        assert packed.annotation("d1", "a1").note == "changed"
    elif edit == "add_relation":
        packed.add_relation("d1", "said_by", "a4", "a3")
        assert len(packed.relations("d1")) == 3
    elif edit == "update_relation":
        packed.update_relation("d1", "r1", attributes={"w": 2})
        assert packed.relation("d1", "r1").attributes == {"w": 2}
    else:
        packed.delete_relation("d1", "r2")
        assert [r.id for r in packed.relations("d1")] == ["r1"]
    assert not packed.is_packed("d1")
    assert len(packed.annotations("d1")) == 5
    assert check(packed).ok


def test_renaming_a_label_or_changing_its_layer_reaches_packed_documents(packed: Project) -> None:
    packed.update_label("PERSON", name="PER")
    assert {a.label for a in packed.annotations("d1")} == {"PER", "GPE", "ORG", "QUOTE"}
    packed.update_label("GPE", layer="place")
    lines = [json.loads(x) for x in _export(packed).splitlines()]
    assert {a["layer"] for a in lines[1]["annotations"] if a["label"] == "GPE"} == {"place"}
    assert packed.stats()["by_label"]["PER"] == 4
    packed.update_label("ORG", colour="#123456")  # nothing the annotations carry
    assert check(packed).ok


def test_reimport_adds_nothing_and_keeps_it_packed(packed: Project, tmp_path: Path) -> None:
    again = _import(packed, _write(tmp_path / "again.jsonl", _record("d1")))
    assert again.documents_unchanged == 1 and again.annotations_added == 0
    assert packed.is_packed("d1")
    extra = _record("d1")
    extra["annotations"].append({"id": "a9", "start": 0, "end": 3, "label": "DATE"})
    merged = _import(packed, _write(tmp_path / "more.jsonl", extra))
    assert merged.documents_merged == 1 and merged.annotations_added == 1
    assert len(packed.annotations("d1")) == 6 and len(packed.relations("d1")) == 2
    assert check(packed).ok


def test_text_stays_fixed_and_delete_removes_the_packed_row(packed: Project) -> None:
    with pytest.raises(Exception, match="cannot change"), packed.write():
        packed.conn.execute("UPDATE documents SET text = 'other' WHERE id = 'd1'")
    packed.delete_document("d1")
    assert packed.conn.execute("SELECT count(*) FROM packed").fetchone()[0] == 1
    assert packed.stats()["annotations"] == 5


def test_check_finds_damage_in_packed_documents(packed: Project) -> None:
    anns = orjson.loads(packed.conn.execute("SELECT annotations FROM packed WHERE doc = 'd1'").fetchone()[0])
    anns[0]["text"] = "wrong"
    anns[1]["label"] = "NO SUCH LABEL"
    with packed.write():
        packed.conn.execute("UPDATE packed SET annotations = ? WHERE doc = 'd1'", (orjson.dumps(anns).decode(),))
        packed.conn.execute("UPDATE packed SET relations = '[{\"id\":\"r\",\"type\":\"said_by\",\"from\":\"zz\","
                            "\"to\":\"a1\",\"attributes\":{},\"created\":\"c\",\"updated\":\"u\"}]' WHERE doc = 'd2'")
    report = check(packed)
    text = "\n".join(report.problems)
    assert "its text is not the document's text" in text
    assert "'NO SUCH LABEL' is not in the schema" in text
    assert "relation 'r' in 'd2' refers to a missing annotation" in text
    assert "packed counts" in text


def test_a_failed_import_takes_back_what_it_packed(packed: Project, tmp_path: Path) -> None:
    bad = _record("d3", annotations=[{"id": "x", "start": 0, "end": 2, "label": "BRAND NEW"}], relations=[])
    src = _write(tmp_path / "bad.jsonl", bad, {"id": "d4", "text": "x", "annotations": [
        {"id": "y", "start": 0, "end": 9, "label": "PERSON"}]})
    with pytest.raises(Exception, match="past the end"):
        _import(packed, src, batch=1)
    assert packed.document_ids() == ["d1", "d2"]
    assert "BRAND NEW" not in {lab.name for lab in packed.labels()}
    assert check(packed).ok


# ---------------------------------------------------------------- the reader's fast path
def _same_check(raw: bytes) -> None:
    """The fast path gives what the full path gives, or leaves the line to it."""
    fast = check_record_bytes(raw)
    try:
        full = check_record(orjson.loads(raw))
    except (ValidationError, orjson.JSONDecodeError):
        assert fast is None
        return
    if fast is not None:
        assert fast.document == full.document
        assert fast.annotations == full.annotations
        assert fast.relations == full.relations
        assert (fast.layers, fast.id_given) == (full.layers, full.id_given)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rec=_records(), mutation=st.sampled_from([None, "id", "start", "label", "extra", "text", "rel", "big", "dup"]))
def test_fast_path_agrees_with_the_full_path(rec: dict[str, Any], mutation: str | None) -> None:
    anns = rec["annotations"]
    if mutation == "id":
        rec["id"] = 7
    elif mutation == "start" and anns:
        anns[0]["start"] = -1 if anns[0]["start"] == 0 else True
    elif mutation == "label" and anns:
        anns[0]["label"] = " "
    elif mutation == "extra":
        rec["source"] = "elsewhere"
    elif mutation == "text" and anns:
        anns[0]["text"] += "x"
    elif mutation == "rel" and rec["relations"]:
        rec["relations"][0]["to"] = "missing"
    elif mutation == "big" and anns:
        anns[0]["attributes"] = {"n": [2**70]}
    elif mutation == "dup" and len(anns) > 1:
        anns[1]["id"] = anns[0]["id"]
    raw = json.dumps(rec, ensure_ascii=False).encode()
    _same_check(raw)


@pytest.mark.parametrize("line", [
    b'{"text": "abc", "annotations": [{"start": 0, "end": 1, "label": "X"}]}',  # no annotation id
    b'{"text": "abc", "annotations": [{"id": 1, "start": 0, "end": 1, "label": "X"}]}',
    b'{"text": "abc", "status": "in_progress", "annotations": [{"id": "a", "start": 0, "end": 1, "label": "X", "layer": "quote"}]}',
    b'{"text": "abc", "status": "finished"}',
    b'{"text": "abc", "meta": {"n": 123456789012345678901234567890}}',
    b'{"text": "abc", "id": ""}',
    b'{"text": "\\ud800"}',
    b'{"text": "abc", "annotations": [{"id": "a", "start": 0, "end": 1.0, "label": "X"}]}',
    b'{"text": "abc", "annotations": [{"id": "a", "start": 0, "end": 1, "label": "X", "attributes": []}]}',
    b'{"text": "abc", "annotations": [{"id": "a", "start": 0, "end": 1, "label": "X", "unknown": 1}]}',
    b'{"text": "abc", "annotations": [{"id": "a", "start": 0, "end": 1, "label": "X"}], "relations": [{"id": "r", "type": "t", "from": "a", "to": "a"}]}',
    b'[1, 2]',
])
def test_fast_path_edge_cases(line: bytes) -> None:
    _same_check(line)


# ---------------------------------------------------------------- packed by the reader, in workers
def _read_all(path: Path, **kw: Any) -> list[Any]:
    return list(jsonl.read(path, **kw))


@pytest.mark.parametrize("block", [None, 997], ids=["one-block", "lines-across-blocks"])
def test_worker_processes_pack_what_the_reader_packs_here(project: Project, tmp_path: Path, block: int | None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if block is not None:  # each worker reads its blocks of the file: lines longer than a block too
        monkeypatch.setattr(jsonl, "BLOCK_BYTES", block)
    records = [_record(f"d{i}") for i in range(150)]
    records[5]["annotations"][0]["id"] = 5  # an integer id: the full path reads this line
    records[7] = {"id": "d7", "text": "x", "annotations": [], "status": "in_progress"}
    src = _write(tmp_path / "many.jsonl", *records)
    src.write_bytes(b"\xef\xbb\xbf" + src.read_bytes().replace(b"\n", b"\n\n", 3))  # a BOM, blank lines
    layers = project.label_layers()
    here = _read_all(src, layers=dict(layers))
    there = _read_all(src, layers=dict(layers), workers=2)
    assert [r.line for r in here] == [r.line for r in there]
    for a, b in zip(here, there, strict=True):
        assert a.document == b.document and a.sha256 == b.sha256 and a.error is None
        assert decode(a.packed.annotations) == decode(b.packed.annotations)
        assert a.packed.label_counts == b.packed.label_counts
    summary = _import(project, src, batch=40)
    assert summary.documents_added == 150 and summary.annotations_added == 745
    assert check(project).ok


def _no_stamps(anns: list[Any]) -> list[Any]:
    for a in anns:
        a.created = a.updated = None
    return anns


def decode(data: bytes) -> list[Any]:
    from newsmark.core.packing import decode_annotations

    return _no_stamps(decode_annotations(data))


@pytest.mark.parametrize("block", [None, 1500], ids=["one-block", "lines-across-blocks"])
def test_a_bad_line_read_in_workers_is_named_and_nothing_is_imported(project: Project, tmp_path: Path,
                                                                     block: int | None,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if block is not None:
        monkeypatch.setattr(jsonl, "BLOCK_BYTES", block)
    records: list[Any] = [_record(f"d{i}") for i in range(100)]
    records[77]["annotations"][1]["end"] = 10_000
    src = _write(tmp_path / "bad.jsonl", *records)
    summary = ImportSummary()
    reader = jsonl.read(src, layers=project.label_layers(), workers=2)
    with pytest.raises(Exception, match=r"line 78: annotation 'a1': end offset 10000 is past the end"):
        import_records(project, reader, summary, source=str(src), batch=10)
    assert project.document_ids() == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), max_size=8),
       last_newline=st.booleans(), bom=st.booleans(), block=st.integers(1, 40))
def test_blocks_read_by_the_workers_give_every_line_once(tmp_path: Path, lines: list[bytes], last_newline: bool,
                                                        bom: bool, block: int) -> None:
    """The workers read the lines that begin in their blocks of the file (jsonl.block_lines):
    together, in order, the lines iterating over the file gives (a byte order mark left out)."""

    data = b"\n".join(lines) + (b"\n" if last_newline and lines else b"")
    path = tmp_path / "blocks.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    expected = [raw for _, raw in jsonl._lines(path)]
    size = path.stat().st_size
    with path.open("rb") as f:
        got = [line for start in range(0, size, block) for line in jsonl.block_lines(f, start, min(start + block, size))]
    assert got == expected


SPEAKERS: list[Any] = ["Alice ÉMILE", 3, 2.5, True, None, ["a", "B"], {"n": "X"}]


def _speaking(doc_id: str, speaker: Any = "Alice ÉMILE") -> dict[str, Any]:
    """A record whose quote has a speaker (mixed case, beyond ASCII) and one that has none."""
    rec = _record(doc_id)
    rec["annotations"][4]["attributes"] = {"speaker": speaker}
    rec["annotations"].append({"id": "q2", "start": 0, "end": 6, "label": "QUOTE"})
    return rec


@pytest.mark.parametrize("workers", [0, 2])
def test_speaker_marks_found_by_the_reader_are_those_of_the_packed_json(project: Project, tmp_path: Path,
                                                                        workers: int) -> None:
    """The reader (the import's workers) finds each document's speaker marks for the search
    index while it has the annotations decoded; the importer writes them as they come, unless
    the labels with a speaker attribute are no longer those the reader had (then it decodes)."""
    from newsmark.store.search_index import labels_with_speaker

    src = _write(tmp_path / "speak.jsonl", *[_speaking(f"d{i}") for i in range(40)],
                 *[_speaking(f"v{i}", v) for i, v in enumerate(SPEAKERS)], _record("plain"))
    speaker_labels = labels_with_speaker(project.conn)
    assert "QUOTE" in speaker_labels
    records = list(jsonl.read(src, layers=project.label_layers(), workers=workers, speaker_labels=speaker_labels))
    assert records[0].packed.speakers == ["s:alice Émile", "s?"]  # ASCII lower case, as SQLite's lower()
    assert records[-1].packed.speakers == ["s?"]
    stale = list(jsonl.read(src, layers=project.label_layers(), workers=workers, speaker_labels=frozenset()))
    assert stale[0].packed.speakers == ["s:alice Émile"]  # no s?: found with other labels
    import_records(project, records[:20] + stale[20:40] + records[40:], ImportSummary(), source=str(src))
    rows = _unpacked_copy(project, tmp_path)
    try:
        assert document_marks(project.conn) == document_marks(rows.conn)  # what the triggers keep for rows
        assert ("d25", "s?") in document_marks(project.conn)  # the stale ones were found again
        # speakers of every JSON type named as the triggers (SQL's ->> and lower()) name them
        assert {m for d, m in document_marks(project.conn) if d.startswith("v")} >= {
            "s:alice Émile", "s:3", "s:2.5", "s:1", "s?", 's:["a","b"]', 's:{"n":"x"}'}
    finally:
        rows.close()


def _journal_during_import(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from newsmark.store import importer

    modes: list[str] = []
    real = importer._import_one

    def spy(project: Project, *args: Any, **kwargs: Any) -> None:
        modes.append(project.conn.execute("PRAGMA journal_mode").fetchone()[0])
        real(project, *args, **kwargs)

    monkeypatch.setattr(importer, "_import_one", spy)
    return modes


def _wal_on_disk(path: Path) -> bool:
    with path.open("rb") as f:  # the header's file format bytes: 2 for WAL, 1 for a rollback journal
        f.seek(18)
        return f.read(2) == b"\x02\x02"


def test_the_first_import_into_an_empty_project_writes_its_pages_once(project: Project, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """store.bulk: with a rollback journal the new pages of an empty project's first import are
    written once (not into the WAL, then into the file); the project is in WAL again after it,
    and a later import, into a project with documents, stays in WAL."""
    modes = _journal_during_import(monkeypatch)
    src = _write(tmp_path / "first.jsonl", *[_speaking(f"d{i}") for i in range(30)])
    _import(project, src, batch=7)
    assert set(modes) == {"truncate"}  # a rollback journal, emptied at each commit (store/bulk.py)
    assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal" and _wal_on_disk(project.path)
    assert not Path(f"{project.path}-journal").exists()
    modes.clear()
    _import(project, _write(tmp_path / "second.jsonl", _record("later")), batch=7)
    assert set(modes) == {"wal"}
    assert project.count_documents() == 31 and check(project).ok


def test_the_first_import_stays_in_wal_while_another_program_has_the_project_open(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modes = _journal_during_import(monkeypatch)
    src = _write(tmp_path / "first.jsonl", *[_speaking(f"d{i}") for i in range(30)])
    with Project.open(project.path) as window:
        assert window.count_documents() == 0
        _import(project, src, batch=7)
        assert set(modes) == {"wal"}
        assert window.count_documents() == 30  # it sees the import, as ever
    other = Project.create(tmp_path / "alone.newsmark")
    try:
        _import(other, src, batch=7)  # the same file alone: a rollback journal, the same project
        assert _strip_times(_export(other)) == _strip_times(_export(project))
        assert document_marks(other.conn) == document_marks(project.conn)
    finally:
        other.close()


def _strip_times(data: bytes) -> bytes:
    import re

    return re.sub(rb'"\d{4}-\d\d-\d\dT[0-9:.]+(\+00:00|Z)?"', b'"T"', data)


def test_a_failed_first_import_leaves_the_empty_project_as_it_was(project: Project, tmp_path: Path) -> None:
    records: list[Any] = [_speaking(f"d{i}") for i in range(60)]
    records[45]["annotations"][0]["start"] = -1
    src = _write(tmp_path / "bad.jsonl", *records)
    with pytest.raises(Exception, match=r"bad\.jsonl.*line 46"):
        import_records(project, jsonl.read(src, layers=project.label_layers(), workers=2), ImportSummary(),
                       source=str(src), batch=10)
    assert project.document_ids() == [] and document_marks(project.conn) == []
    assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal" and _wal_on_disk(project.path)
    assert check(project).ok


def test_layers_guessed_by_the_reader_follow_the_schema(project: Project, tmp_path: Path) -> None:
    first = _record("d1", annotations=[{"id": "n", "start": 0, "end": 2, "label": "NEWBIE"}], relations=[])
    second = _record("d2", annotations=[{"id": "n", "start": 0, "end": 2, "label": "NEWBIE", "layer": "dispute"}],
                     relations=[])
    src = _write(tmp_path / "new.jsonl", first, second)
    # each record read on its own, as two workers would: the second guesses "dispute"
    recs = [next(jsonl.read(_write(tmp_path / f"{i}.jsonl", r), layers=project.label_layers()))
            for i, r in enumerate((first, second))]
    assert recs[1].packed.layers == {"NEWBIE": "dispute"}
    import_records(project, recs, ImportSummary(), source=str(src))
    assert project.label("NEWBIE").layer == "entity"  # the first record decides, as for rows
    lines = [json.loads(x) for x in _export(project).splitlines()]
    assert [a["layer"] for line in lines for a in line["annotations"]] == ["entity", "entity"]


def test_the_cli_imports_a_large_file_in_workers(project_path: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from newsmark.cli import cli
    from newsmark.ingest import batch

    monkeypatch.setattr(batch, "BATCHED_IMPORT_BYTES", 1000)
    calls: list[int] = []
    real = jsonl._read_packed_in_workers

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[-1])
        return real(*args, **kwargs)

    monkeypatch.setattr(jsonl, "_read_packed_in_workers", spy)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    Project.create(project_path).close()
    src = _write(tmp_path / "big.jsonl", *[_record(f"d{i}") for i in range(60)])
    result = CliRunner().invoke(cli, ["import", str(project_path), str(src)])
    assert result.exit_code == 0, result.output
    assert calls == [2]
    with Project.open(project_path) as p:
        assert p.count_documents() == 60 and p.stats()["annotations"] == 300
        assert check(p).ok


@pytest.mark.parametrize("workers", [0, 2])
def test_a_long_document_is_stored_as_rows(project: Project, tmp_path: Path, workers: int) -> None:
    from newsmark.store.importer import PACKED_MAX

    text = "word " * (PACKED_MAX + 10)
    anns = [{"id": f"a{i}", "start": 5 * i, "end": 5 * i + 4, "label": "PERSON"} for i in range(PACKED_MAX + 1)]
    short = {"id": "short", "text": text, "annotations": anns[:PACKED_MAX]}
    long = {"id": "long", "text": text, "annotations": anns[::-1],
            "relations": [{"id": "r", "type": "rel", "from": "a1", "to": "a2"}]}
    src = _write(tmp_path / "long.jsonl", short, long)
    import_records(project, jsonl.read(src, layers=project.label_layers(), workers=workers), ImportSummary(),
                   source=str(src))
    assert project.is_packed("short") and not project.is_packed("long")
    assert [a.id for a in project.annotations("long")] == [f"a{i}" for i in range(PACKED_MAX + 1)]
    assert project.relation("long", "r").from_id == "a1"
    (_, line) = _export(project).splitlines()
    exported = json.loads(line)["annotations"]
    assert [a["id"] for a in exported] == [f"a{i}" for i in range(PACKED_MAX + 1)]
    assert all(a["layer"] == "entity" and a["created"] for a in exported)
    assert check(project).ok


# ---------------------------------------------------------------- merged documents, kept in parts
def _source(tmp_path: Path, name: str, *records: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.newsmark"
    with Project.create(path) as p:
        _import(p, _write(tmp_path / f"{name}.jsonl", *records))
    return path


def _sources(tmp_path: Path) -> list[Path]:
    """Three annotators' files: alice's packed; bob's d1 edited (in rows), his QUOTE in another
    layer than the team's, d2 with annotations lacking times; carol's with a document of its own."""
    alice = _source(tmp_path, "alice", _record("d1"), _record("d2", text=TEXT2, status="done"))
    bob_d1 = _record("d1")
    bob_d1["annotations"][2]["start"] -= 1
    bob_d1["annotations"][2]["text"] = TEXT[bob_d1["annotations"][2]["start"]:bob_d1["annotations"][2]["end"]]
    bob = _source(tmp_path, "bob", bob_d1, _record("d2", text=TEXT2))
    with Project.open(bob) as p:
        p.add_annotation("d1", 1, 4, "DATE", annotator="bob")  # d1 in rows now
        p.update_label("QUOTE", layer="speech")  # unpacks d1 and d2; d2 is packed again below
        p.delete_document("d2")
        _import(p, _write(tmp_path / "bob2.jsonl", _record("d2", text=TEXT2)))
        anns = orjson.loads(p.conn.execute("SELECT annotations FROM packed WHERE doc = 'd2'").fetchone()[0])
        for a in anns[::2]:
            a["created"] = a["updated"] = None
        with p.write():  # as a project of an older version could hold them: no times
            p.conn.execute("UPDATE packed SET annotations = ? WHERE doc = 'd2'", (orjson.dumps(anns).decode(),))
    carol = _source(tmp_path, "carol", _record("d3", text=TEXT + " More.", annotations=[], relations=[]),
                    _record("d1"))
    return [alice, bob, carol]


@pytest.fixture
def merged(tmp_path: Path) -> Project:
    from newsmark.team.merge import merge

    team = tmp_path / "team.newsmark"
    merge(team, _sources(tmp_path))
    p = Project.open(team)
    yield p
    p.close()


def _assert_as_unpacked(project: Project, source: Project, tmp_path: Path) -> None:
    """``project`` exports, counts and marks for search what ``source`` (the same file, or
    another connection to it) unpacked into rows does."""
    with _unpacked_copy(source, tmp_path) as rows:
        assert _export(project) == _export(rows) and project.stats() == rows.stats()
        assert document_marks(project.conn) == document_marks(rows.conn)


def _in_parts(project: Project) -> list[str]:
    return [r[0] for r in project.conn.execute("SELECT DISTINCT doc FROM packed_parts ORDER BY doc")]


def test_merged_documents_in_parts_read_export_and_count_as_unpacked(merged: Project, tmp_path: Path) -> None:
    from newsmark.store import migrations

    assert _in_parts(merged) == ["d1", "d2", "d3"]
    rows = _unpacked_copy(merged, tmp_path)
    try:
        assert not _in_parts(rows)
        for doc_id in ("d1", "d2", "d3"):
            assert merged.document(doc_id) == rows.document(doc_id)
            for a in merged.annotations(doc_id):
                assert merged.annotation(doc_id, a.id) == rows.annotation(doc_id, a.id)
                assert a.text == TEXT[a.start:a.end] and a.created and a.updated and a.annotator
                assert merged.relations_of(doc_id, a.id) == rows.relations_of(doc_id, a.id)
            for r in merged.relations(doc_id):
                assert merged.relation(doc_id, r.id) == rows.relation(doc_id, r.id)
            assert merged.annotation_ids(doc_id) == rows.annotation_ids(doc_id)
        assert _export(merged) == _export(rows)
        for labels in (["PERSON"], ["PERSON", "QUOTE"], ["DATE"]):
            assert _export(merged, labels=labels) == _export(rows, labels=labels)
        assert _export(merged, annotators=["bob"]) == _export(rows, annotators=["bob"])
        assert merged.stats() == rows.stats()
        assert merged.stats()["by_annotator"] == {"ann": 20, "alice": 2, "bob": 3, "carol": 1}
        assert merged.document_list()[1] == rows.document_list()[1] == {"d1": 16, "d2": 10}
        assert [s.annotations for s in merged.document_summaries()] == [16, 10, 0]
        assert document_marks(merged.conn) == document_marks(rows.conn)
        with merged.write():
            migrations.rebuild_search(merged.db)
        assert document_marks(merged.conn) == document_marks(rows.conn)
        assert check(merged).ok and check(rows).ok
        assert (check(merged).annotations, check(merged).relations) == (26, 10)
    finally:
        rows.close()


def test_a_merged_document_is_its_sources_annotations_prefixed_in_position_order(merged: Project,
                                                                                  tmp_path: Path) -> None:
    from newsmark.core.packing import decode_annotations

    d1 = json.loads(_export(merged).splitlines()[0])
    expected = []
    for name in ("alice", "bob", "carol"):
        with Project.open(tmp_path / f"{name}.newsmark", readonly=True) as src:
            for a in src.annotations("d1"):
                expected.append((a.start, a.end, f"{name}:{a.id}", a.annotator or name, a.label))
    expected.sort(key=lambda t: (t[0], t[1]))  # stable: the sources' order where spans tie
    assert [(a["start"], a["end"], a["id"], a["annotator"], a["label"]) for a in d1["annotations"]] == expected
    # the team's layers, whatever the source's (bob's QUOTE is in "speech" there)
    assert {a["layer"] for a in d1["annotations"] if a["label"] == "QUOTE"} == {"quote"}
    # bob's d2 had no times: the merge's time, the same for every such item
    d2 = json.loads(_export(merged).splitlines()[1])
    with Project.open(tmp_path / "bob.newsmark", readonly=True) as bob:
        timeless = {"bob:" + a["id"] for a in orjson.loads(bob.conn.execute(
            "SELECT annotations FROM packed WHERE doc = 'd2'").fetchone()[0]) if a["created"] is None}
    assert len(timeless) == 3
    given = {(a["created"], a["updated"]) for a in d2["annotations"] if a["id"] in timeless}
    kept = {(a["created"], a["updated"]) for a in d2["annotations"] if a["id"].startswith("bob:")} - given
    assert len(given) == 1 and len(kept) == 1 and None not in next(iter(given)) and given != kept
    assert [r["from"] for r in d1["relations"]] == ["alice:a4", "alice:a1", "bob:a4", "bob:a1", "carol:a4", "carol:a1"]
    stored = merged.conn.execute("SELECT annotations FROM packed WHERE doc = 'd1'").fetchone()[0]
    assert stored == ""
    parts = merged.conn.execute("SELECT source, annotations FROM packed_parts WHERE doc = 'd1' ORDER BY part").fetchall()
    assert [s for s, _ in parts] == ["alice", "bob", "carol"]
    assert all(":" not in a.id for _, anns in parts for a in decode_annotations(anns))  # ids as the sources have them


def test_team_reads_of_parts_equal_those_of_rows(merged: Project, tmp_path: Path) -> None:
    from newsmark.team.data import load_work

    rows = _unpacked_copy(merged, tmp_path)
    try:
        for kw in ({}, {"labels": ["PERSON"]}, {"doc_ids": ["d1"]}, {"with_links": False}):
            assert load_work(merged, **kw) == load_work(rows, **kw)  # type: ignore[arg-type]
    finally:
        rows.close()


def test_merging_again_decodes_nothing_and_a_changed_source_replaces_its_part(merged: Project, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from newsmark.core import packing
    from newsmark.team import merge as merging

    parts_before = merged.conn.execute("SELECT * FROM packed_parts ORDER BY doc, part").fetchall()
    export_before = _export(merged)
    merged.close()
    sources = [tmp_path / f"{n}.newsmark" for n in ("alice", "bob", "carol")]
    decoded: list[bytes] = []
    real = packing.part_items
    monkeypatch.setattr(merging, "part_items", lambda part: decoded.append(part.annotations) or real(part))
    again = merging.merge(tmp_path / "team.newsmark", sources)
    assert (again.documents_unchanged, again.documents_updated, again.annotations_added) == (3, 0, 0)
    assert decoded == []
    with Project.open(tmp_path / "team.newsmark") as p:
        assert p.conn.execute("SELECT * FROM packed_parts ORDER BY doc, part").fetchall() == parts_before
        assert _export(p) == export_before
    with Project.open(sources[0]) as alice:
        alice.delete_annotation("d1", "a0")
        alice.add_annotation("d1", 1, 3, "ORG", annotator="alice")
        alice.update_annotation("d1", "a2", note="changed")
    again = merging.merge(tmp_path / "team.newsmark", sources)
    assert (again.documents_updated, again.documents_unchanged) == (1, 2)
    assert (again.annotations_added, again.annotations_changed, again.annotations_removed) == (1, 1, 1)
    assert len(decoded) == 2  # alice's part of d1, before and after
    with Project.open(tmp_path / "team.newsmark") as p:
        assert _in_parts(p) == ["d1", "d2", "d3"]
        assert "alice:a0" not in p.annotation_ids("d1")[0]
        assert p.annotation("d1", "alice:a2").note == "changed"
        _assert_as_unpacked(p, p, tmp_path)
        assert check(p).ok


def test_a_merged_documents_first_edit_unpacks_it_and_its_text_stays_fixed(merged: Project) -> None:
    before = merged.document("d1")
    with pytest.raises(Exception, match="cannot change"), merged.write():
        merged.conn.execute("UPDATE documents SET text = 'other' WHERE id = 'd1'")
    new = merged.add_annotation("d1", 0, 5, "ORG", annotator="curator")
    assert not merged.is_packed("d1") and _in_parts(merged) == ["d2", "d3"]
    after = merged.document("d1")
    assert [a for a in after.annotations if a.id != new.id] == before.annotations
    assert after.relations == before.relations
    merged.delete_document("d2")
    assert _in_parts(merged) == ["d3"]
    assert check(merged).ok


def test_check_finds_damage_in_a_part(merged: Project) -> None:
    anns = orjson.loads(merged.conn.execute(
        "SELECT annotations FROM packed_parts WHERE doc = 'd1' AND source = 'bob'").fetchone()[0])
    anns[0]["text"] = "wrong"
    with merged.write():
        merged.conn.execute("UPDATE packed_parts SET annotations = ? WHERE doc = 'd1' AND source = 'bob'",
                            (orjson.dumps(anns).decode(),))
        merged.conn.execute("UPDATE packed_parts SET annotations = '[{' WHERE doc = 'd2' AND source = 'bob'")
    text = "\n".join(check(merged).problems)
    assert f"annotation 'bob:{anns[0]['id']}' in 'd1': its text is not the document's text" in text
    assert "document 'd2': a part of its packed annotations is damaged" in text


def test_a_source_merged_later_is_a_part_added_undecoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsmark.core import packing
    from newsmark.team import merge as merging

    alice, bob, carol = _sources(tmp_path)
    team = tmp_path / "team.newsmark"
    merging.merge(team, [alice])
    decoded: list[bytes] = []
    real = packing.part_items
    monkeypatch.setattr(merging, "part_items", lambda part: decoded.append(part.annotations) or real(part))
    later = merging.merge(team, [alice, carol])
    assert decoded == []  # carol's work is added, not compared: counted by her file
    assert (later.documents_updated, later.documents_unchanged, later.documents_added) == (1, 1, 1)
    assert (later.annotations_added, later.relations_added) == (5, 2)
    later = merging.merge(team, [bob])  # bob's d1 is in rows: encoded with the team's layers, then added
    assert (later.annotations_added, later.annotations_changed, later.annotations_removed) == (11, 0, 0)
    with Project.open(team) as p, Project.open(tmp_path / "team.newsmark") as same:
        assert _in_parts(p) == ["d1", "d2", "d3"]
        assert [s for (s,) in p.conn.execute("SELECT source FROM packed_parts WHERE doc = 'd1' ORDER BY part")] == [
            "alice", "carol", "bob"]
        _assert_as_unpacked(p, same, tmp_path)
        assert check(p).ok


def test_a_source_of_the_format_before_parts_is_merged_from_an_upgraded_copy(tmp_path: Path) -> None:
    import sqlite3

    from newsmark.store import migrations
    from newsmark.team.merge import merge

    alice = _source(tmp_path, "alice", _record("d1"), _record("d2", text=TEXT2))
    with sqlite3.connect(alice) as conn:  # as the Newsmark before parts wrote it
        conn.execute("DROP TABLE packed_parts")
        conn.execute(f"PRAGMA user_version = {migrations.LATEST - 1}")
    conn.close()
    before = alice.read_bytes()
    assert not Path(f"{alice}-wal").exists()
    summary = merge(tmp_path / "team.newsmark", [alice])
    assert (summary.documents_added, summary.annotations_added) == (2, 10)
    assert alice.read_bytes() == before  # (a read-only connection may leave an empty -wal: the CLI removes it)
    assert not Path(f"{alice}-wal").exists() or Path(f"{alice}-wal").stat().st_size == 0
    assert not list(Path(tempfile_dir()).glob("newsmark-merge-*"))
    with Project.open(tmp_path / "team.newsmark") as team:
        assert _in_parts(team) == ["d1", "d2"] and check(team).ok
        assert [a.id for a in team.annotations("d1")][:2] == ["alice:a3", "alice:a1"]


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()
