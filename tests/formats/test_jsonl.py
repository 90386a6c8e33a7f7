from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.core.errors import InputError
from newsmark.formats import jsonl
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from tests.conftest import NAUGHTY

KEYS = ("id", "start", "end", "label", "text", "attributes", "annotator", "note")


def _record(text: str = "Alice met Bob in Paris.", **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": "doc-1", "title": "A meeting", "text": text, "meta": {"source": "test"}, "status": "done",
        "annotations": [
            {"id": "T1", "start": 0, "end": 5, "label": "PERSON", "text": "Alice",
             "attributes": {"confidence": 0.9, "tags": ["a", {"b": None}]}, "annotator": "ann1",
             "note": "first"},
            {"id": "T2", "start": 10, "end": 13, "label": "PERSON", "text": "Bob"},
            {"id": "T3", "start": 17, "end": 22, "label": "GPE", "text": "Paris"},
        ],
        "relations": [{"id": "R1", "type": "met", "from": "T1", "to": "T2", "attributes": {"w": 1}}],
    }
    rec.update(extra)
    return rec


def _write(path: Path, *records: Any) -> Path:
    with path.open("wb") as f:
        for r in records:
            f.write(r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode())
            f.write(b"\n")
    return path


def _import(project: Project, path: Path, **kw: Any) -> ImportSummary:
    summary = ImportSummary()
    import_records(project, jsonl.read(path), summary, source=str(path), **kw)
    return summary


def _export(project: Project, **kw: Any) -> list[dict[str, Any]]:
    buf = io.BytesIO()
    jsonl.write(project, buf, **kw)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Same document, annotations and relations (exports list annotations by position)."""
    for k in ("id", "title", "text", "meta", "status"):
        assert a[k] == b[k], k

    def anns(rec: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {x["id"]: {k: x.get(k) for k in KEYS} for x in rec["annotations"]}

    def rels(rec: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {r["id"]: {k: r.get(k) for k in ("type", "from", "to", "attributes")} for r in rec["relations"]}

    assert anns(a) == anns(b)
    assert rels(a) == rels(b)


def test_round_trip_keeps_everything(project: Project, tmp_path: Path) -> None:
    src = _record()
    summary = _import(project, _write(tmp_path / "in.jsonl", src))
    assert summary.documents_added == 1 and summary.annotations_added == 3
    assert summary.relations_added == 1
    assert summary.labels_added == [] and summary.relation_types_added == ["met"]
    (out,) = _export(project)
    assert out["id"] == "doc-1" and out["text"] == src["text"] and out["meta"] == {"source": "test"}
    assert out["status"] == "done" and out["title"] == "A meeting"
    a1 = out["annotations"][0]
    assert a1 == {**a1, **src["annotations"][0], "layer": "entity"}
    assert out["relations"][0] | {} == {**out["relations"][0], **src["relations"][0]}
    # exporting what was imported and importing it into a new project gives the same export
    p2 = Project.create(tmp_path / "second.newsmark")
    _import(p2, _write(tmp_path / "out.jsonl", out))
    assert _export(p2) == [out]
    p2.close()


def test_unicode_text_is_kept_byte_for_byte(project: Project, tmp_path: Path) -> None:
    anns = []
    for i, needle in enumerate(("👩‍👩‍👧", "😀", "𠀋𠀌", "café", "\r\n", "\u00a0NBSP\u2028LS\u2029PS\r", "\x00")):
        start = NAUGHTY.index(needle)
        anns.append({"id": f"a{i}", "start": start, "end": start + len(needle), "label": "EVENT",
                     "text": needle})
    path = _write(tmp_path / "u.jsonl", {"id": "u", "text": NAUGHTY, "annotations": anns})
    _import(project, path)
    (out,) = _export(project)
    assert out["text"] == NAUGHTY
    for a in out["annotations"]:
        assert NAUGHTY[a["start"]:a["end"]] == a["text"]
    assert sorted(a["text"] for a in out["annotations"]) == sorted(a["text"] for a in anns)


def test_any_json_attribute_value_is_kept(project: Project, tmp_path: Path) -> None:
    attrs = {"big": 123456789012345678901234567890, "neg": -(2**70), "float": 1.5e-300,
             "nested": {"a": [1, [2, [3, {"b": None}]]]}, "bool": False, "s": "\u2028😀"}
    rec = _record()
    rec["annotations"][0]["attributes"] = attrs
    _import(project, _write(tmp_path / "a.jsonl", rec))
    (out,) = _export(project)
    assert out["annotations"][0]["attributes"] == attrs


def test_reimport_adds_nothing_and_merges_new_annotations(project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", _record())
    _import(project, path)
    again = _import(project, path)
    assert (again.documents_added, again.annotations_added, again.relations_added) == (0, 0, 0)
    assert again.documents_unchanged == 1
    more = _record()
    more["annotations"].append({"id": "T4", "start": 6, "end": 9, "label": "CUE", "text": "met"})
    merged = _import(project, _write(tmp_path / "more.jsonl", more))
    assert merged.documents_merged == 1 and merged.annotations_added == 1
    assert len(project.annotations("doc-1")) == 4


def test_unknown_labels_join_the_schema_with_their_layer(project: Project, tmp_path: Path) -> None:
    rec = _record()
    rec["annotations"][2]["label"] = "VENUE"
    rec["annotations"][2]["layer"] = "place"
    summary = _import(project, _write(tmp_path / "in.jsonl", rec))
    assert summary.labels_added == ["VENUE"]
    assert "labels added to the schema: VENUE" in summary.lines()
    assert project.label("VENUE").layer == "place"


def test_records_without_ids_are_deduplicated_by_text(project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", {"text": "same"}, {"text": "same"}, {"text": "other"})
    s = _import(project, path)
    assert s.documents_added == 2 and len(s.duplicates) == 1 and "line 2" in s.duplicates[0]


BAD = [
    ({"text": "abc", "annotations": [{"start": 0, "end": 9, "label": "X"}]}, "past the end"),
    ({"text": "abc", "annotations": [{"start": -1, "end": 2, "label": "X"}]}, "negative"),
    ({"text": "abc", "annotations": [{"start": 2, "end": 1, "label": "X"}]}, "reversed"),
    ({"text": "abc", "annotations": [{"start": "0", "end": 2, "label": "X"}]}, "not an integer"),
    ({"text": "abc", "annotations": [{"start": 0.5, "end": 2, "label": "X"}]}, "not an integer"),
    ({"text": "abc", "annotations": [{"start": 0, "end": 2, "label": "X", "text": "bc"}]},
     "does not match the document's text at 0-2, which is 'ab'"),
    ({"text": "abc", "annotations": [{"id": "a", "start": 0, "end": 2, "label": "X"}],
      "relations": [{"type": "r", "from": "a", "to": "zz"}]}, "'to' annotation 'zz' is not in this document"),
    ({"title": "no text"}, "no 'text'"),
    ({"text": 12}, "'text' must be a string"),
    ({"text": "abc", "annotations": [{"start": 0, "end": 1}]}, "'label' must be a non-empty string"),
    ({"text": "abc", "status": "finished"}, "status 'finished'"),
    ([1, 2], "must be a JSON object"),
    (b'{"text": "abc", ', "invalid JSON"),
    (b'{"text": "caf\xe9"}', "not UTF-8"),
    (b'{"text": "\\ud800"}', "surrogate"),
    (b'{"text": "abc", "x": NaN}', "invalid JSON"),
]


@pytest.mark.parametrize(("bad", "problem"), BAD)
def test_bad_input_names_file_and_line_and_imports_nothing(project: Project, tmp_path: Path,
                                                           bad: Any, problem: str) -> None:
    path = _write(tmp_path / "bad.jsonl", _record(), {"id": "ok-2", "text": "fine"}, b"", bad)
    with pytest.raises(InputError) as e:
        _import(project, path)
    message = str(e.value)
    assert message.startswith(f"{path}, line 4: "), message
    assert problem in message
    assert project.count_documents() == 0
    assert project.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    assert project.conn.execute("SELECT count(*) FROM relation_types WHERE name = 'met'").fetchone()[0] == 0


def test_skip_bad_lists_each_bad_record(project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.jsonl", {"text": "a"}, b"{oops", {"text": "b"}, {"no": "text"})
    s = _import(project, path, skip_bad=True)
    assert s.documents_added == 2
    assert len(s.skipped) == 2
    assert s.skipped[0].startswith(f"{path}, line 2: invalid JSON")
    assert s.skipped[1].startswith(f"{path}, line 4: the record has no 'text'")


def test_same_id_with_other_text_is_refused(project: Project, tmp_path: Path) -> None:
    _import(project, _write(tmp_path / "a.jsonl", _record()))
    with pytest.raises(InputError, match="line 1: document 'doc-1' is already in the project with a different text"):
        _import(project, _write(tmp_path / "b.jsonl", _record(text="Alice met Bob in Paris!")))


def test_crlf_jsonl_and_bom(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "w", "text": "a\r\nb"}).encode() + b"\r\n")
    _import(project, path)
    assert project.document("w").text == "a\r\nb"


def test_export_filters(project: Project, tmp_path: Path) -> None:
    _import(project, _write(tmp_path / "in.jsonl", _record(), _record(id="doc-2", status="new")))
    assert [d["id"] for d in _export(project, statuses=["done"])] == ["doc-1"]
    (one, two) = _export(project, labels=["GPE"])
    assert [a["label"] for a in one["annotations"]] == ["GPE"]
    assert one["relations"] == []  # its ends were filtered out
    buf = io.BytesIO()
    summary = jsonl.write(project, buf, labels=["PERSON"])
    assert (summary.documents, summary.annotations, summary.relations, summary.relations_dropped) == (2, 4, 2, 0)
    summary = jsonl.write(project, io.BytesIO(), labels=["GPE"])
    assert summary.relations_dropped == 2 and "left out 2 relations" in summary.lines()[1]


# ---------------------------------------------------------------- property-based round trip
_text = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
    max_leaves=8,
)


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(_text)
    n = draw(st.integers(0, 5))
    anns = []
    seen = set()  # an annotation identical to one before it (span, label, annotator) is stored once
    for i in range(n):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        ann = {"id": f"a{i}", "start": start, "end": end,
               "label": draw(st.sampled_from(["PERSON", "QUOTE", "NEW LABEL", "x\u2028y"])),
               "text": text[start:end],
               "attributes": draw(st.dictionaries(st.text(max_size=5), _json, max_size=3)),
               "annotator": draw(st.none() | st.text(max_size=5)),
               "note": draw(st.none() | st.text(max_size=10))}
        if (start, end, ann["label"], ann["annotator"]) not in seen:  # (tests/durability/test_review_two.py)
            seen.add((start, end, ann["label"], ann["annotator"]))
            anns.append(ann)
    rels = []
    if len(anns) >= 2:
        for j in range(draw(st.integers(0, 3))):
            a, b = draw(st.permutations(range(len(anns))))[:2]
            rels.append({"id": f"r{j}", "type": draw(st.sampled_from(["said_by", "rel"])),
                         "from": anns[a]["id"], "to": anns[b]["id"], "attributes": {}})
    return {"id": draw(st.text(min_size=1, max_size=10)), "title": draw(st.text(max_size=10)) or "t",
            "text": text, "meta": draw(st.dictionaries(st.text(max_size=4), _json, max_size=2)),
            "status": draw(st.sampled_from(["new", "in progress", "done", "review"])),
            "annotations": anns, "relations": rels}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rec=_records())
def test_round_trip_property(tmp_path: Path, rec: dict[str, Any]) -> None:
    path = tmp_path / "p.newsmark"
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    p = Project.create(path)
    try:
        _import(p, _write(tmp_path / "h.jsonl", rec))
        (out,) = _export(p)
        _same(out, rec)
        again = _import(p, _write(tmp_path / "h2.jsonl", out))
        assert again.annotations_added == again.relations_added == again.documents_added == 0
    finally:
        p.close()
