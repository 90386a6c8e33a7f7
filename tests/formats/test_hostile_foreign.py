"""The doccano, Prodigy and Label Studio readers on input of the wrong shape (issue #13, points
16 and 18): each record gives a document or a NewsmarkError naming the file (and the line, or
the task), never another exception; picked by content sniffing, with no --format."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.core.errors import InputError
from newsmark.core.record import Record
from newsmark.formats import doccano, labelstudio, prodigy
from newsmark.ingest.batch import detect_kind, import_paths
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from newsmark.store.maintenance import check

TEXT = "Ann Lee said it."

BAD_JSONL: list[tuple[str, dict[str, Any], str]] = [
    # (format it is sniffed as, record, what the message says)
    ("doccano", {"text": TEXT, "entities": 5}, "'entities' must be a list, not a number"),
    ("doccano", {"text": TEXT, "label": [5]}, "label 1 must be [start, end, label] or an object"),
    ("doccano", {"text": TEXT, "entities": [{"start_offset": 0, "end_offset": 3, "label": 5}],
                 "relations": [7]}, "relation 1 must be an object"),
    ("doccano", {"text": TEXT, "entities": [[0, 3]]}, "entity 1 must be [start, end, label]"),
    ("doccano", {"text": TEXT, "cats": [1]}, "'cats' must hold strings"),
    ("prodigy", {"text": TEXT, "spans": 3}, "'spans' must be a list, not a number"),
    ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 3, "label": "P", "token_start": [0]}]},
     "span 1: 'token_start' must be an integer, not a list"),
    ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 3, "label": "P", "token_end": 0}],
                 "relations": [{"head": 0, "child": 0, "head_span": [1]}]},
     "relation 1: 'head_span' must be an object, not a list"),
    ("prodigy", {"text": TEXT, "tokens": [1, 2]}, "token 1 must be an object, not a number"),
    ("prodigy", {"text": TEXT, "relations": [{"head": 9, "child": 0}]},
     "relation 1: its head is neither a span nor one of the task's 0 tokens"),
]


@pytest.mark.parametrize(("kind", "bad", "message"), BAD_JSONL)
def test_bad_shapes_are_refused_naming_file_and_line(project: Project, tmp_path: Path, kind: str,
                                                     bad: dict[str, Any], message: str) -> None:
    path = tmp_path / "tasks.jsonl"
    good = {"text": "Fine.", "spans": []} if kind == "prodigy" else {"text": "Fine.", "label": []}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    assert detect_kind(path) == kind
    summary = import_paths(project, [path])
    assert len(summary.failed) == 1
    assert summary.failed[0].startswith(f"{path}, line 2: ") and message in summary.failed[0]
    assert project.count_documents() == 0  # nothing half-done


BAD_TASKS: list[tuple[dict[str, Any], str]] = [
    ({"labels": 5}, "'labels' must be a list, not a number"),
    ({"labels": [5]}, "'labels' must hold strings"),
    ({"value": [1]}, "'value' must be an object, not a list"),
    ({"type": "choices", "value": {"start": 0, "end": 3, "choices": 5}, "from_name": "attr_x"},
     "'choices' must be a list, not a number"),
    ({"type": "textarea", "value": {"start": 0, "end": 3, "text": [1, 2]}, "from_name": "note"},
     "'text' must hold strings, not a number"),
]


@pytest.mark.parametrize(("change", "message"), BAD_TASKS)
def test_bad_label_studio_tasks_are_refused_naming_the_task(project: Project, tmp_path: Path,
                                                            change: dict[str, Any], message: str) -> None:
    region: dict[str, Any] = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
                              "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}
    if "labels" in change:
        region["value"]["labels"] = change["labels"]
    elif "value" in change and "type" not in change:
        region["value"] = change["value"]
    extra = [{**change, "id": "r1", "to_name": "text"}] if "type" in change else []
    tasks = [{"id": 1, "data": {"text": TEXT}, "annotations": [{"result": []}]},
             {"id": 2, "data": {"text": TEXT}, "annotations": [{"result": [region, *extra]}]}]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    assert detect_kind(path) == "label-studio"
    summary = import_paths(project, [path])
    assert len(summary.failed) == 1
    assert summary.failed[0].startswith(f"{path}: task 2: ") and message in summary.failed[0]
    assert project.count_documents() == 0


# ---------------------------------------------------------------- fuzzing each reader
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 40) | st.floats() | st.text(max_size=6),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
    max_leaves=10,
)


def _objects(keys: list[str]) -> st.SearchStrategy[Any]:
    key = st.sampled_from(keys)
    return st.recursive(
        st.dictionaries(key, _values, max_size=8),
        lambda kids: st.dictionaries(key, kids | _values | st.lists(kids, max_size=3), max_size=8),
        max_leaves=14,
    )


_DOCCANO = _objects(["id", "text", "data", "label", "labels", "column_label", "entities", "relations",
                     "cats", "annotations", "meta", "start_offset", "end_offset", "user", "from_id",
                     "to_id", "type", "start", "end"])
_PRODIGY = _objects(["id", "text", "tokens", "spans", "relations", "answer", "meta", "start", "end",
                     "label", "token_start", "token_end", "head", "child", "head_span", "child_span",
                     "ws", "options", "accept", "_input_hash"])
_LABEL_STUDIO = _objects(["id", "data", "text", "annotations", "completions", "result", "value",
                          "start", "end", "labels", "choices", "type", "from_name", "from_id", "to_id",
                          "completed_by", "email", "meta", "newsmark_annotators", "title", "newsmark_id"])


def _with_text(records: st.SearchStrategy[Any], label_studio: bool = False) -> st.SearchStrategy[Any]:
    """Records that mostly have a text (so that the fuzzing reaches past the first check)."""
    def put(obj: Any, text: Any) -> Any:
        if not isinstance(obj, dict) or text is None:
            return obj
        if label_studio:
            data = obj.get("data")
            return {**obj, "data": {**(data if isinstance(data, dict) else {}), "text": text}}
        return {**obj, "text": text}
    return st.builds(put, records, st.sampled_from([TEXT, TEXT, "😀 𠀋 e\u0301\r\n", None, 5]))


def _import_or_refuse(tmp_path: Path, src: Path, read: Callable[[Path], Iterator[Record]],
                      where: str) -> None:
    path = tmp_path / "fuzz.newsmark"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with Project.create(path) as p:
        try:
            import_records(p, lambda: read(src), ImportSummary(), source=str(src))
        except InputError as e:
            # the file and the line (JSON Lines), or the file and the task (whole-file JSON)
            assert str(e).startswith((f"{src}{where}", f"{src}, line ")), str(e)
            assert p.count_documents() == 0
            return
        for doc_id in p.document_ids():
            doc = p.document(doc_id)
            assert all(doc.text[a.start:a.end] == a.text for a in doc.annotations)
        assert check(p).ok


_FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(records=st.lists(_with_text(_DOCCANO), min_size=1, max_size=3))
def test_fuzz_doccano(tmp_path: Path, records: list[Any]) -> None:
    src = tmp_path / "fuzz.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    _import_or_refuse(tmp_path, src, doccano.read, ", line ")


@_FUZZ
@given(records=st.lists(_with_text(_PRODIGY), min_size=1, max_size=3))
def test_fuzz_prodigy(tmp_path: Path, records: list[Any]) -> None:
    src = tmp_path / "fuzz.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    _import_or_refuse(tmp_path, src, prodigy.read, ", line ")


@_FUZZ
@given(tasks=st.lists(_with_text(_LABEL_STUDIO, True), min_size=1, max_size=3)
       | _with_text(_LABEL_STUDIO, True))
def test_fuzz_label_studio(tmp_path: Path, tasks: Any) -> None:
    src = tmp_path / "fuzz.json"
    src.write_text(json.dumps(tasks), encoding="utf-8")
    _import_or_refuse(tmp_path, src, labelstudio.read, ": ")
