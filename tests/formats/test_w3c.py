"""W3C Web Annotation: what a plain consumer and a JSON-LD processor see; hostile input
(issues #13, #14)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from newsmark.core.errors import InputError
from newsmark.core.model import Document
from newsmark.formats import w3c
from newsmark.ingest.batch import import_paths
from newsmark.store import Project

AS = "http://www.w3.org/ns/activitystreams#"
OA = "http://www.w3.org/ns/oa#"


def _many(project: Project, docs: int = 30, per_doc: int = 5) -> int:
    for d in range(docs):
        text = " ".join(f"w{d}x{k}" for k in range(per_doc + 2))
        project.add_document(Document(id=f"doc {d}/✓", text=text))
        pos = 0
        ids = []
        for k in range(per_doc):
            word = f"w{d}x{k}"
            pos = text.index(word, pos)
            ids.append(project.add_annotation(f"doc {d}/✓", pos, pos + len(word), "PERSON" if k else "QUOTE",
                                              attributes={"k": k}).id)
        project.add_relation(f"doc {d}/✓", "said_by", ids[0], ids[1])
    return docs * (per_doc + 1)


def _export(project: Project) -> dict[str, Any]:
    buf = io.BytesIO()
    w3c.write(project, buf)
    return json.loads(buf.getvalue())  # type: ignore[no-any-return]


def test_a_plain_consumer_following_the_pages_sees_every_annotation(project: Project) -> None:
    total = _many(project)
    collection = _export(project)
    seen = []
    page = collection["first"]
    while True:  # as a consumer of the Web Annotation protocol's paging does
        seen += page["items"]
        nxt = page.get("next")
        if nxt is None:
            break
        page = nxt if isinstance(nxt, dict) else pytest.fail(f"'next' {nxt!r} cannot be followed in the file")
    assert len(seen) == total == collection["total"]
    assert collection["last"] == collection["first"]["id"]
    assert all(a["type"] == "Annotation" for a in seen)


def _loader(corpus: Path) -> Any:
    context = json.loads((corpus / "interop" / "w3c" / "anno.jsonld").read_text(encoding="utf-8"))

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                    "document": context}
        raise AssertionError(f"nothing may be fetched: {url}")

    return load


def test_json_ld_expansion_reaches_every_annotation(project: Project, corpus: Path) -> None:
    import pyld.jsonld
    total = _many(project, docs=12)
    collection = _export(project)
    expanded = pyld.jsonld.expand(collection, {"documentLoader": _loader(corpus)})
    (coll,) = expanded
    assert coll["@type"] == [f"{AS}OrderedCollection"]  # anno.jsonld's AnnotationCollection
    annotations = []
    pages = coll[f"{AS}first"]
    while pages:
        (page,) = pages
        items = page[f"{AS}items"]
        (lst,) = items
        annotations += lst["@list"]
        pages = page.get(f"{AS}next")
    assert len(annotations) == total
    assert all(f"{OA}Annotation" in a["@type"] for a in annotations)
    spans = [a for a in annotations if f"{OA}tagging" in str(a.get(f"{OA}motivatedBy"))]
    sel = spans[0][f"{OA}hasTarget"][0][f"{OA}hasSelector"]
    assert {s["@type"][0] for s in sel} == {f"{OA}TextQuoteSelector", f"{OA}TextPositionSelector"}


def test_round_trip_of_many_documents(project: Project, tmp_path: Path) -> None:
    _many(project, docs=7)
    out = tmp_path / "out.jsonld"
    with out.open("wb") as f:
        w3c.write(project, f)
    back = Project.create(tmp_path / "back.newsmark")
    summary = import_paths(back, [out])
    assert summary.failed == [] and summary.documents_added == 7
    for d in project.document_ids():
        mine = project.document(d)
        theirs = back.document(d)
        assert theirs.text == mine.text
        assert {(a.id, a.start, a.end, a.label, str(a.attributes)) for a in theirs.annotations} == \
            {(a.id, a.start, a.end, a.label, str(a.attributes)) for a in mine.annotations}
        assert {(r.from_id, r.to_id, r.type) for r in theirs.relations} == \
            {(r.from_id, r.to_id, r.type) for r in mine.relations}
    back.close()


def test_the_earlier_form_with_one_page_per_document_is_still_read(tmp_path: Path) -> None:
    doc = {"id": "d", "text": "Ann said hi", "source": w3c.doc_iri("d")}
    page = {"type": "AnnotationPage", "items": [
        {"id": w3c.ann_iri("d", "a1"), "type": "Annotation", "motivation": "tagging",
         "body": [{"type": "TextualBody", "purpose": "tagging", "value": "PERSON"}],
         "target": {"source": w3c.doc_iri("d"), "selector": [{"type": "TextPositionSelector", "start": 0, "end": 3}]}}],
        w3c.DOC_KEY: doc}
    f = tmp_path / "old.json"
    f.write_text(json.dumps({"@context": w3c.CONTEXT, "type": "AnnotationCollection", "first": page,
                             "newsmark:pages": []}), encoding="utf-8")
    (rec,) = w3c.read(f)
    assert rec.error is None and rec.document is not None
    assert [(a.start, a.end, a.label) for a in rec.document.annotations] == [(0, 3, "PERSON")]


def _ours(tmp_path: Path, mutate: Any) -> Path:
    doc = {"source": w3c.doc_iri("d"), "id": "d", "text": "Ann said hi"}
    ann = {"id": w3c.ann_iri("d", "a1"), "type": "Annotation", "motivation": "tagging",
           "body": [{"type": "TextualBody", "purpose": "tagging", "value": "PERSON"},
                    {"type": "TextualBody", "purpose": "describing", "format": "application/json",
                     "value": "{\"k\": 1}"}],
           "target": {"source": w3c.doc_iri("d"), "selector": [{"type": "TextPositionSelector", "start": 0, "end": 3}]}}
    data = {"@context": w3c.CONTEXT, "type": "AnnotationCollection",
            "first": {"type": "AnnotationPage", "items": [ann]}, w3c.DOCS_KEY: [doc]}
    mutate(data, ann)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    return f


@pytest.mark.parametrize(("mutate", "problem"), [
    (lambda d, a: a["body"][1].update(value="not json"), "'describing' body is not JSON"),
    (lambda d, a: a["body"][1].update(value="[1, 2]"), "must be a JSON object"),
    (lambda d, a: a["body"][0].update(value=5), "must be a string"),
    (lambda d, a: d["first"].update(items=7), "'items' must be a list"),
    (lambda d, a: d.update({"newsmark:pages": 5}), "'newsmark:pages' must be a list"),
    (lambda d, a: d.update({"newsmark:pages": [5]}), "page 2 must be an AnnotationPage"),
    (lambda d, a: d["first"].update(next="urn:x:page:2"), "is not in the file"),
    (lambda d, a: d.update({w3c.DOCS_KEY: [5]}), "document 1: a document must be a JSON object"),
    (lambda d, a: a["target"].update(source="http://example.org/page1"), "has no text in this file"),
    (lambda d, a: a["target"].update(selector=[{"type": "TextPositionSelector", "start": [0], "end": 3}]),
     "start offset [0] is not an integer"),
])
def test_bad_shapes_are_refused_with_the_reason(tmp_path: Path, mutate: Any, problem: str) -> None:
    f = _ours(tmp_path, mutate)
    recs = list(w3c.read(f))
    errors = [r.error for r in recs if r.error is not None]
    assert errors, recs
    assert isinstance(errors[0], InputError) and errors[0].file == str(f)
    assert problem in errors[0].problem


def test_good_shape_reads(tmp_path: Path) -> None:
    (rec,) = w3c.read(_ours(tmp_path, lambda d, a: None))
    assert rec.error is None and rec.document is not None
    assert rec.document.annotations[0].attributes == {"k": 1}


def test_a_single_annotation_on_a_web_page_is_refused_saying_why(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "anno.json"
    f.write_text(json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno26", "type": "Annotation",
        "body": "http://example.org/comment1",
        "target": {"source": "http://example.org/page1", "selector": {
            "type": "TextQuoteSelector", "exact": "anotation", "prefix": "this is an ", "suffix": " that has some"}}}),
        encoding="utf-8")
    summary = import_paths(project, [f])
    assert summary.documents_added == 0
    (failure,) = summary.failed
    assert str(f) in failure and "http://example.org/page1" in failure and "no text in this file" in failure
