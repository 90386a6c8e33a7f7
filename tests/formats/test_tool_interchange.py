"""doccano, Prodigy, Label Studio and spaCy: the tools' real files in, our files read by the
tools' own code (issue #14), document categories through every format that carries them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from newsmark.core.model import Document
from newsmark.formats import doccano, jsonl, labelstudio, prodigy
from newsmark.formats.registry import reader
from newsmark.formats.registry import write as write_format
from newsmark.ingest.batch import detect_kind, import_paths
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from tests.conftest import NAUGHTY, SEED_JSONL

INTEROP = "interop"
MY_FORMATS = {"doccano", "prodigy", "label-studio"}


def _manifest(corpus: Path) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = json.loads((corpus / INTEROP / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    return [f for f in files if f["format"] in MY_FORMATS]


def _distinct(p: Project) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """The distinct spans and the relations between them (identical annotations that only the
    annotator told apart are one after a format that cannot carry annotators)."""
    spans, rels = set(), set()
    for d in p.document_ids():
        by_id = {a.id: (a.start, a.end, a.label) for a in p.annotations(d)}
        spans |= {(d, *span) for span in by_id.values()}
        rels |= {(d, r.type, by_id[r.from_id], by_id[r.to_id]) for r in p.relations(d)}
    return spans, rels


def _export(p: Project, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "jsonl":
        jsonl.write(p, buf)
    else:
        write_format(fmt, p, buf)
    return buf.getvalue()


def _reimport(data: bytes, fmt: str, tmp_path: Path, name: str) -> Project:
    path = tmp_path / f"{name}.{'json' if fmt == 'label-studio' else 'jsonl'}"
    path.write_bytes(data)
    p = Project.create(tmp_path / f"{name}.newsmark")
    summary = ImportSummary()
    read = jsonl.read if fmt == "jsonl" else reader(fmt)
    import_records(p, lambda: read(path), summary, source=str(path))
    return p


def test_interop_manifest_for_doccano_prodigy_label_studio(corpus: Path, tmp_path: Path) -> None:
    """Each file is recognised by its content; ``ok`` files import and round-trip through their
    own format (same spans and labels, same relations); ``refuse`` files are refused whole."""
    entries = _manifest(corpus)
    assert {e["format"] for e in entries} == MY_FORMATS
    for n, entry in enumerate(entries):
        path = corpus / INTEROP / entry["path"]
        fmt = entry["format"]
        assert detect_kind(path) == fmt, path
        with Project.create(tmp_path / f"m{n}.newsmark") as p:
            summary = import_paths(p, [path])
            if entry.get("expect") == "refuse":
                assert len(summary.failed) == 1 and summary.failed[0].startswith(str(path)), summary.failed
                assert p.count_documents() == 0
                continue
            assert summary.failed == [] and summary.annotations_added > 0, (path, summary.failed)
            with _reimport(_export(p, fmt), fmt, tmp_path, f"back{n}") as back:
                assert _distinct(back) == _distinct(p), path


def test_doccano_1x_annotation_objects(project: Project, corpus: Path) -> None:
    path = corpus / INTEROP / "doccano" / "doccano-transformer__labeling.jsonl"
    summary = import_paths(project, [path])
    assert summary.failed == [] and summary.annotations_added == 16  # two annotators' spans
    doc = project.document("2578")
    assert {(a.text, a.label, a.annotator) for a in doc.annotations} >= {("JAPAN", "12", "1"), ("JAPAN", "12", "2"),
                                                                        ("CHINA", "13", "1")}
    assert "annotations" not in doc.meta  # not hidden in meta any more


def test_doccano_categories_through_every_format(project: Project, corpus: Path, tmp_path: Path) -> None:
    path = corpus / INTEROP / "doccano" / "doccano__intent_detection__example.jsonl"
    summary = import_paths(project, [path])
    assert summary.failed == [] and summary.annotations_added == 3
    by_text = {project.document(d).text: project.document(d) for d in project.document_ids()}
    flight = by_text["Find a flight from Memphis to Tacoma"]
    assert flight.meta["categories"] == ["flight"]
    # (doccano's example marks "Find a flight from Memphis" as a City: kept as it is)
    assert [(a.text, a.label) for a in flight.annotations] == [("Find a flight from Memphis", "City"),
                                                               ("Tacoma", "City")]
    # native JSONL keeps them, and so does every format that has a place for them
    for fmt in ("jsonl", "doccano", "doccano-rel", "prodigy", "label-studio"):
        data = _export(project, fmt)
        with _reimport(data, "doccano" if fmt.startswith("doccano") else fmt, tmp_path, fmt.replace("-", "")) as back:
            cats = sorted(tuple(back.document(d).meta.get("categories", ())) for d in back.document_ids())
            assert cats == [("airport",), ("flight",)], fmt
    line = json.loads(_export(project, "doccano").splitlines()[0])
    assert line["cats"] in (["flight"], ["airport"]) and "categories" not in line  # doccano's own key
    bare = {"text": "Just a sentence.", "label": ["flight", "booking"]}  # doccano text classification
    src = tmp_path / "textcat.jsonl"
    src.write_text(json.dumps(bare) + "\n", encoding="utf-8")
    assert detect_kind(src) == "doccano"
    with Project.create(tmp_path / "textcat.newsmark") as p:
        assert import_paths(p, [src]).failed == []
        (d,) = p.document_ids()
        assert p.document(d).meta["categories"] == ["flight", "booking"]


def test_prodigy_choice_task_fields_are_kept_and_written_back(project: Project, corpus: Path) -> None:
    path = corpus / INTEROP / "prodigy" / "explosion-projects__nel_emerson__emerson_annotated_text.jsonl"
    original = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    summary = import_paths(project, [path])
    assert summary.failed == []
    first = project.document(project.document_ids()[0])
    assert first.meta["prodigy"]["accept"] == original[0]["accept"] == ["Q312545"]
    assert first.meta["prodigy"]["options"] == original[0]["options"]
    written = {task["text"]: task for task in map(json.loads, _export(project, "prodigy").splitlines())}
    for task in original:
        back = written[task["text"]]
        for key in ("accept", "options", "_view_id", "_input_hash", "_task_hash", "answer"):
            assert back[key] == task[key], key
        assert back["meta"]["score"] == task["meta"]["score"]


def _prodigy_projects(tmp_path: Path, corpus: Path | None) -> list[Project]:
    projects = []
    with Project.create(tmp_path / "seed.newsmark") as p:
        import_paths(p, [SEED_JSONL])
        p.add_document(Document(id="naughty", text=NAUGHTY))
        p.add_annotation("naughty", 0, 6, "PERSON", id="n1")
        p.add_annotation("naughty", NAUGHTY.index("“"), NAUGHTY.index("”") + 1, "QUOTE", id="n2")
        p.add_relation("naughty", "said_by", "n2", "n1")
        p.add_document(Document(id="spaces", text="  Two  spaces\n\n and\ta tab  "))
        p.add_annotation("spaces", 2, 5, "PERSON", id="s1")
    projects.append(Project.open(tmp_path / "seed.newsmark"))
    if corpus is not None:
        rel = Project.create(tmp_path / "rel.newsmark")
        import_paths(rel, [corpus / INTEROP / "prodigy" / "explosion-projects__rel_component__annotations.jsonl"])
        projects.append(rel)
    return projects


def test_prodigy_tokens_rebuild_the_text_for_spacy(tmp_path: Path, corpus: Path) -> None:
    """What explosion's parse_data.py (rel_component tutorial) does with our file:
    ``Doc(words, spaces)``, ``char_span`` per span, relations by the span's last token."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    vocab = spacy.blank("en").vocab
    checked = 0
    for p in _prodigy_projects(tmp_path, corpus):
        with p:
            texts = {p.document(d).text for d in p.document_ids()}
            for task in map(json.loads, _export(p, "prodigy").splitlines()):
                words = [t["text"] for t in task["tokens"]]
                spaces = [t["ws"] for t in task["tokens"]]
                doc = Doc(vocab, words=words, spaces=spaces)
                assert doc.text == task["text"] and task["text"] in texts
                span_end_to_start = {}
                for span in task["spans"]:
                    entity = doc.char_span(span["start"], span["end"], label=span["label"])
                    assert entity is not None and entity.text == span["text"]
                    assert (entity.start, entity.end - 1) == (span["token_start"], span["token_end"])
                    span_end_to_start[span["token_end"]] = span["token_start"]
                for relation in task["relations"]:
                    assert relation["head"] in span_end_to_start and relation["child"] in span_end_to_start
                checked += 1
    assert checked > 150


def test_label_studio_tasks_have_ids_and_no_completed_by(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.newsmark") as p:
        for i in range(3):
            p.add_document(Document(id=f"d{i}", text="Ann said so."))
            p.add_annotation(f"d{i}", 0, 3, "PERSON", id="a", annotator="ann" if i else None)
        tasks = json.loads(_export(p, "label-studio"))
    assert [t["id"] for t in tasks] == [1, 2, 3]
    assert all("completed_by" not in a for t in tasks for a in t["annotations"])
    assert [t["meta"]["newsmark_annotators"] for t in tasks] == [{"a": None}, {"a": "ann"}, {"a": "ann"}]


@pytest.mark.parametrize(("completed_by", "annotator"), [
    (7, "7"), ({"id": 7, "email": "ann@example.org"}, "ann@example.org"), ({"id": 7}, "7"), (None, None),
])
def test_label_studio_completed_by_forms(tmp_path: Path, completed_by: Any, annotator: str | None) -> None:
    task = {"id": 5, "data": {"text": "Ann said so."},
            "annotations": [{"completed_by": completed_by, "result": [
                {"id": "r", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}]}]}
    (rec,) = labelstudio.read(_write(tmp_path / "t.json", [task]))
    assert rec.document is not None and rec.document.annotations[0].annotator == annotator
    task["meta"] = {"newsmark_annotators": {"r": "Ann Lee"}}  # Newsmark's own export: the name wins
    (rec,) = labelstudio.read(_write(tmp_path / "t.json", [task]))
    assert rec.document is not None and rec.document.annotations[0].annotator == "Ann Lee"


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_label_studio_config_declares_what_was_written(tmp_path: Path) -> None:
    """Attributes that came from brat (not in the schema) get their controls, values outside a
    choice attribute's list their choices, categories their document-level Choices."""
    with Project.create(tmp_path / "p.newsmark") as p:
        p.add_document(Document(id="d", text="Ann said so.", meta={"categories": ["politics"]}))
        p.add_annotation("d", 0, 3, "PERSON", attributes={"Confidence": "High", "Negation": True})
        p.add_annotation("d", 4, 8, "CUE", attributes={"type": "shouted"})
        report = write_format("label-studio", p, io.BytesIO())
        config = labelstudio.labeling_config(p.schema(), report)
        bare = labelstudio.labeling_config(p.schema())
    assert 'name="attr_Confidence"' in config and 'name="attr_Negation"' in config
    assert 'name="attr_Confidence"' not in bare
    assert '<Choices name="category" toName="text" choice="multiple">' in config
    assert '<Choice value="politics"/>' in config


def test_unchanged_reading_of_our_own_old_exports(tmp_path: Path) -> None:
    """Files written before this change (Prodigy meta hashes at the top of meta, Label Studio
    tasks without ids and with a plain-string completed_by) still import."""
    old_prodigy = {"id": "d", "text": "Ann said so.", "meta": {"id": "d", "title": "T", "_input_hash": 1},
                   "tokens": [], "spans": [{"start": 0, "end": 3, "label": "PERSON", "token_start": 0,
                                            "token_end": 0}], "relations": [], "answer": "accept"}
    (rec,) = prodigy.read(_write(tmp_path / "p.jsonl", old_prodigy))
    assert rec.document is not None and rec.document.title == "T" and rec.document.status == "done"
    old_ls = [{"data": {"text": "Ann said so.", "newsmark_id": "d"}, "annotations": [
        {"completed_by": "ann", "result": [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                                            "value": {"start": 0, "end": 3, "labels": ["PERSON"]}}]}]}]
    (rec,) = labelstudio.read(_write(tmp_path / "l.json", old_ls))
    assert rec.document is not None and rec.document.annotations[0].annotator == "ann"
    (rec,) = doccano.read(_write(tmp_path / "d.jsonl", {"text": "Ann", "label": [[0, 3, "PERSON"]]}))
    assert rec.document is not None and len(rec.document.annotations) == 1


@pytest.mark.parametrize("fmt", ["label-studio", "doccano", "doccano-rel", "prodigy"])
def test_exports_are_written_a_document_at_a_time(tmp_path: Path, fmt: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #13 (11): an export never holds the project in memory (Label Studio peaked at
    2.4 GB on a 294 MB project): each document is written before the next one is read."""
    with Project.create(tmp_path / "p.newsmark") as p:
        for i in range(20):
            p.add_document(Document(id=f"d{i}", text=f"Ann Lee said {i} things."))
            p.add_annotation(f"d{i}", 0, 7, "PERSON")
        read: list[str] = []
        document = p.document

        def counting(doc_id: str, *args: Any, **kwargs: Any) -> Document:
            read.append(doc_id)
            return document(doc_id, *args, **kwargs)

        monkeypatch.setattr(p, "document", counting)

        class Out(io.BytesIO):
            documents_read_at_each_write: list[int] = []

            def write(self, b: Any) -> int:
                self.documents_read_at_each_write.append(len(read))
                return super().write(b)

        out = Out()
        write_format(fmt, p, out)
    assert len(read) == 20
    assert 1 in out.documents_read_at_each_write, out.documents_read_at_each_write
    if fmt == "label-studio":
        assert [t["id"] for t in json.loads(out.getvalue())] == list(range(1, 21))  # still one JSON list
