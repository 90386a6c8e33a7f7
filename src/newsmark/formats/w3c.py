"""W3C Web Annotation (JSON-LD): one AnnotationCollection per project, one AnnotationPage
per document, one Annotation per span.

An annotation's target is the document (``urn:newsmark:doc:ID``) with a TextQuoteSelector
(exact, prefix, suffix) and a TextPositionSelector (start, end: code points, as the W3C model
counts); its bodies are the label (purpose ``tagging``), the attributes (a JSON
``TextualBody``, purpose ``describing``) and the note (purpose ``commenting``).  A relation is
an Annotation with motivation ``linking``: its target is the ``from`` annotation, a body the
``to`` annotation (purpose ``linking``), another body its type (``tagging``).

The model has no place for the document texts themselves: each page carries its document
under the key ``newsmark:document`` (ignored by other tools), which is what makes the export
importable again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

from newsmark.core import jsonutil
from newsmark.core.errors import InputError
from newsmark.core.model import Annotation, Document, Relation
from newsmark.formats.base import ExportReport, documents, read_json_items
from newsmark.formats.records import Record
from newsmark.store.project import Project

NAME = "w3c"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DOC_KEY = "newsmark:document"
CONTEXT_CHARS = 32


def doc_iri(doc_id: str) -> str:
    return f"urn:newsmark:doc:{quote(doc_id, safe='')}"


def ann_iri(doc_id: str, ann_id: str) -> str:
    return f"urn:newsmark:doc:{quote(doc_id, safe='')}:{quote(ann_id, safe='')}"


def looks_like(obj: Any) -> bool:
    return isinstance(obj, dict) and (obj.get("type") in ("AnnotationCollection", "AnnotationPage", "Annotation")
                                      or "@context" in obj)


def _agent(name: str | None) -> dict[str, Any] | None:
    return {"type": "Person", "name": name} if name else None


def annotation_json(doc: Document, a: Annotation) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": a.label}]
    if a.attributes:
        bodies.append({"type": "TextualBody", "purpose": "describing", "format": "application/json",
                       "value": jsonutil.dumps(a.attributes)})
    if a.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": a.note})
    out: dict[str, Any] = {
        "@context": CONTEXT, "id": ann_iri(doc.id, a.id), "type": "Annotation", "motivation": "tagging",
        "body": bodies,
        "target": {"source": doc_iri(doc.id), "selector": [
            {"type": "TextQuoteSelector", "exact": a.text,
             "prefix": doc.text[max(0, a.start - CONTEXT_CHARS):a.start],
             "suffix": doc.text[a.end:a.end + CONTEXT_CHARS]},
            {"type": "TextPositionSelector", "start": a.start, "end": a.end},
        ]},
    }
    if a.created:
        out["created"] = a.created
    if a.updated:
        out["modified"] = a.updated
    if a.annotator:
        out["creator"] = _agent(a.annotator)
    return out


def relation_json(doc: Document, r: Relation) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": r.type},
        {"type": "SpecificResource", "purpose": "linking", "source": ann_iri(doc.id, r.to_id)},
    ]
    if r.attributes:
        bodies.append({"type": "TextualBody", "purpose": "describing", "format": "application/json",
                       "value": jsonutil.dumps(r.attributes)})
    out: dict[str, Any] = {"@context": CONTEXT, "id": ann_iri(doc.id, "relation:" + r.id), "type": "Annotation",
                           "motivation": "linking", "body": bodies, "target": ann_iri(doc.id, r.from_id)}
    if r.created:
        out["created"] = r.created
    if r.updated:
        out["modified"] = r.updated
    return out


def write(project: Project, out: BinaryIO, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    report = ExportReport(NAME)
    pages: list[dict[str, Any]] = []
    total = 0
    base = f"urn:newsmark:project:{quote(project.path.stem, safe='')}"
    for doc in documents(project, statuses=statuses, labels=labels, report=report):
        items = [annotation_json(doc, a) for a in doc.annotations] + [relation_json(doc, r) for r in doc.relations]
        pages.append({"id": f"{base}:page:{len(pages) + 1}", "type": "AnnotationPage", "startIndex": total,
                      "items": items,
                      DOC_KEY: {"id": doc.id, "title": doc.title, "text": doc.text, "meta": doc.meta,
                                "status": doc.status, "source": doc_iri(doc.id)}})
        total += len(items)
        report.documents += 1
        report.annotations += len(doc.annotations)
        report.relations += len(doc.relations)
    for i, page in enumerate(pages):
        page["partOf"] = base
        if i + 1 < len(pages):
            page["next"] = pages[i + 1]["id"]
        if i:
            page["prev"] = pages[i - 1]["id"]
    collection: dict[str, Any] = {"@context": CONTEXT, "id": base, "type": "AnnotationCollection",
                                  "label": f"Newsmark project {project.path.stem}", "total": total}
    if pages:
        collection["first"] = pages[0]
        collection["last"] = pages[-1]["id"]
        collection["newsmark:pages"] = pages[1:]
    out.write(jsonutil.dumps(collection).encode("utf-8"))
    out.write(b"\n")
    report.notes.append("pages after the first are embedded under 'newsmark:pages' (one file for the project)")
    return report


def _bodies(a: dict[str, Any]) -> list[Any]:
    body = a.get("body", [])
    return body if isinstance(body, list) else [body]


def _local_id(iri: str) -> str:
    return unquote(iri.rsplit(":", 1)[-1])


def page_to_native(page: dict[str, Any]) -> dict[str, Any]:
    doc = page.get(DOC_KEY)
    if not isinstance(doc, dict):
        raise InputError("an AnnotationPage without its document (key 'newsmark:document'): "
                         "only the texts of Newsmark's own exports are known")
    out = {k: doc.get(k) for k in ("id", "title", "text", "meta", "status") if k in doc}
    anns, rels = [], []
    for a in page.get("items") or []:
        if not isinstance(a, dict):
            continue
        bodies = _bodies(a)
        tag = next((b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "tagging"), None)
        described = next((b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "describing"), None)
        attrs = jsonutil.loads(described) if isinstance(described, str) else {}
        if a.get("motivation") == "linking":
            to = next((b.get("source") for b in bodies if isinstance(b, dict) and b.get("purpose") == "linking"), None)
            target = a.get("target")
            rels.append({"id": _local_id(str(a.get("id", ""))).removeprefix("relation:"), "type": tag,
                         "from": _local_id(target) if isinstance(target, str) else None,
                         "to": _local_id(to) if isinstance(to, str) else None, "attributes": attrs})
            continue
        span_target: dict[str, Any] = a["target"] if isinstance(a.get("target"), dict) else {}
        selectors = span_target.get("selector") or []
        selectors = selectors if isinstance(selectors, list) else [selectors]
        pos = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), {})
        quote_sel = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), {})
        note = next((b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "commenting"), None)
        creator = a.get("creator")
        anns.append({"id": _local_id(str(a.get("id", ""))), "start": pos.get("start"), "end": pos.get("end"),
                     "label": tag, "text": quote_sel.get("exact"), "attributes": attrs, "note": note,
                     "annotator": creator.get("name") if isinstance(creator, dict) else None,
                     "created": a.get("created"), "updated": a.get("modified")})
    out["annotations"] = anns
    out["relations"] = rels
    return out


def _pages(data: Any) -> list[Any]:
    if not isinstance(data, dict):
        raise InputError("not a W3C AnnotationCollection or AnnotationPage")
    if data.get("type") == "AnnotationPage":
        return [data]
    first = data.get("first")
    return ([first] if isinstance(first, dict) else []) + list(data.get("newsmark:pages") or [])


def read(path: str | Path) -> Iterator[Record]:
    return read_json_items(path, _pages, page_to_native, "page")
