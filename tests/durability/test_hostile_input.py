"""Hostile input: odd names, huge and deep values, a 100 MB line, random records."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.core.errors import InputError, NewsmarkError
from newsmark.formats import jsonl
from newsmark.store import Project
from newsmark.store.importer import ImportCancelled, ImportSummary, import_records
from newsmark.store.maintenance import check

NASTY = [
    "Robert'); DROP TABLE documents;--",
    'quote " and \' and `backtick`',
    "../../etc/passwd",
    "C:\\Windows\\system32\\..\\x",
    "ctrl \x00 \x07 \x1b[31m red \x7f \u202e RTL override",
    "x" * 10_000,
    "emoji 👩‍👩‍👧 and 𠀋",
    "",
]


def _export(p: Project) -> list[dict[str, Any]]:
    buf = io.BytesIO()
    jsonl.write(p, buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def _import(p: Project, path: Path, **kw: Any) -> ImportSummary:
    summary = ImportSummary()
    import_records(p, lambda: jsonl.read(path), summary, source=str(path), **kw)
    return summary


def test_nasty_names_titles_labels_and_attributes_are_stored_exactly(project: Project, tmp_path: Path) -> None:
    text = " ".join(NASTY) + " end"
    recs = []
    for i, name in enumerate(NASTY):
        label = name or "EMPTY-NAME-NOT-ALLOWED"
        recs.append({
            "id": name or f"id-{i}", "title": name, "text": f"{text} {i}", "meta": {name: name},
            "annotations": [{"id": name or "a", "start": 0, "end": 4, "label": label,
                             "attributes": {name: [name, {name: name}]}, "annotator": name, "note": name}],
            "relations": [],
        })
    src = tmp_path / "nasty.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    s = _import(project, src)
    assert s.documents_added == len(NASTY)
    out = {d["id"]: d for d in _export(project)}
    for rec in recs:
        got = out[rec["id"]]
        assert got["title"] == (rec["title"] or got["title"])
        assert got["meta"] == rec["meta"]
        a = got["annotations"][0]
        want = rec["annotations"][0]
        assert (a["id"], a["label"], a["attributes"], a["annotator"], a["note"]) == \
               (want["id"], want["label"], want["attributes"], want["annotator"], want["note"])
    assert check(project).ok
    names = {lab.name for lab in project.labels()}
    assert set(NASTY[:-1]) <= names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nasty.jsonl", "test.newsmark",
                                                          "test.newsmark-shm", "test.newsmark-wal"]


def test_huge_attribute_values(project: Project, tmp_path: Path) -> None:
    big = {"blob": "y" * 5_000_000, "list": list(range(100_000))}
    src = tmp_path / "big.jsonl"
    src.write_text(json.dumps({"id": "b", "text": "abc", "annotations": [
        {"id": "a", "start": 0, "end": 1, "label": "X", "attributes": big}]}) + "\n", encoding="utf-8")
    _import(project, src)
    assert _export(project)[0]["annotations"][0]["attributes"] == big


@pytest.mark.parametrize("depth", [90, 100, 101, 1000, 5000])
def test_deeply_nested_attributes(project: Project, tmp_path: Path, depth: int) -> None:
    nested: Any = "leaf"
    for _ in range(depth):
        nested = [nested]
    src = tmp_path / "deep.jsonl"
    line = '{"id": "d", "text": "abc", "annotations": [{"id": "a", "start": 0, "end": 1, "label": "X", "attributes": {"v": '
    src.write_text(line + "[" * depth + '"leaf"' + "]" * depth + "}}]}\n", encoding="utf-8")
    if depth + 4 <= jsonl.MAX_DEPTH:
        _import(project, src)
        assert _export(project)[0]["annotations"][0]["attributes"] == {"v": nested}
    else:
        with pytest.raises(InputError, match=f"{src}, line 1: .*(nest|depth)"):
            _import(project, src)
        assert project.count_documents() == 0


def test_deep_attributes_from_the_api_are_refused(project: Project) -> None:
    from newsmark.core.model import Document

    project.add_document(Document(id="d", text="abc"))
    nested: Any = 1
    for _ in range(500):
        nested = {"k": nested}
    with pytest.raises(NewsmarkError, match="nest more than"):
        project.add_annotation("d", 0, 1, "PERSON", attributes={"x": nested})


@pytest.mark.slow
def test_a_100_mb_line(project: Project, tmp_path: Path) -> None:
    text = ("A long line of text with ünïcödé and 😀. " * 2_500_000)[:100_000_000]
    src = tmp_path / "huge.jsonl"
    with src.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "huge", "text": text, "annotations": [
            {"id": "a", "start": 99_999_990, "end": 100_000_000, "label": "X"}]}, ensure_ascii=False))
        f.write("\n")
    assert src.stat().st_size > 100_000_000
    _import(project, src)
    doc = project.document("huge")
    assert doc.text == text and doc.annotations[0].text == text[99_999_990:]
    bad = tmp_path / "huge-bad.jsonl"
    with bad.open("w", encoding="utf-8") as f:
        f.write('{"id": "x", "text": "' + "z" * 100_000_000 + '", oops}\n')
    with pytest.raises(InputError) as e:
        _import(project, bad)
    assert str(e.value).startswith(f"{bad}, line 1: invalid JSON") and len(str(e.value)) < 500


def _many(tmp_path: Path, n: int, bad_at: int | None = None) -> Path:
    src = tmp_path / "many.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(n):
            if i == bad_at:
                f.write('{"id": "bad", "text": "abc", "annotations": [{"start": 2, "end": 9, "label": "X"}]}\n')
                continue
            f.write(json.dumps({"id": f"d{i}", "text": f"document {i}",
                                "annotations": [{"id": "a", "start": 0, "end": 8, "label": "X"}]}) + "\n")
    return src


def test_batched_import_with_a_bad_record_adds_nothing(project: Project, tmp_path: Path) -> None:
    labels = [lab.name for lab in project.labels()]
    types = [t.name for t in project.schema().relation_types]
    src = _many(tmp_path, 250, bad_at=240)
    lines = src.read_text(encoding="utf-8").splitlines()  # the first record also brings a new relation type
    first = json.loads(lines[0])
    first["annotations"].append({"id": "b", "start": 0, "end": 3, "label": "X"})
    first["relations"] = [{"id": "r", "type": "NEW_LINK", "from": "a", "to": "b"}]
    src.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 241: .*past the end"):
        _import(project, src, batch=50)  # four batches were committed, then taken back
    assert project.count_documents() == 0
    # the label X and the relation type NEW_LINK it added to the schema are gone again
    assert [lab.name for lab in project.labels()] == labels
    assert [t.name for t in project.schema().relation_types] == types
    assert check(project).ok
    s = _import(project, src, batch=50, skip_bad=True)
    assert s.documents_added == 249 and len(s.skipped) == 1


def test_cancel_takes_back_a_batched_import(project: Project, tmp_path: Path) -> None:
    from newsmark.core.model import Document

    project.add_document(Document(id="d3", text="document 3"))  # an existing one, merged into
    src = _many(tmp_path, 250)
    seen = 0

    def records():  # type: ignore[no-untyped-def]
        nonlocal seen
        for rec in jsonl.read(src):
            seen += 1
            if seen == 180:  # after three batches were committed
                raise ImportCancelled()
            yield rec

    with pytest.raises(ImportCancelled):
        import_records(project, records, ImportSummary(), source=str(src), batch=50)
    assert project.document_ids() == ["d3"]
    assert project.annotations("d3") == []
    assert check(project).ok


# ---------------------------------------------------------------- fuzzing the importer
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.floats() | st.text(max_size=6),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
    max_leaves=10,
)
_keys = st.sampled_from(["id", "text", "title", "meta", "status", "annotations", "relations",
                         "start", "end", "label", "from", "to", "type", "attributes", "note"])
_records = st.recursive(
    st.dictionaries(_keys, _values, max_size=8),
    lambda kids: st.dictionaries(_keys, kids | _values | st.lists(kids, max_size=3), max_size=8),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(_records.map(lambda r: json.dumps(r).encode()), st.binary(max_size=40)),
                      min_size=1, max_size=4))
def test_random_records_import_exactly_or_are_refused(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "fuzz.newsmark"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    src = tmp_path / "fuzz.jsonl"
    src.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    with Project.create(path) as p:
        try:
            summary = _import(p, src)
        except InputError as e:
            assert str(e).startswith(f"{src}, line ")
            assert p.count_documents() == 0
            return
        exported = _export(p)
        assert len(exported) == summary.documents_added
        for rec in exported:
            for a in rec["annotations"]:
                assert rec["text"][a["start"]:a["end"]] == a["text"]
        assert check(p).ok
