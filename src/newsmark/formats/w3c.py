"""W3C Web Annotation (JSON-LD): one AnnotationCollection per project holding one embedded
AnnotationPage (``first``) with every annotation, one Annotation per span.

An annotation's target is the document (``urn:newsmark:doc:ID``) with a TextQuoteSelector
(exact, prefix, suffix) and a TextPositionSelector (start, end: code points, as the W3C model
counts); its bodies are the label (purpose ``tagging``), the attributes (a JSON
``TextualBody``, purpose ``describing``) and the note (purpose ``commenting``).  A relation is
an Annotation with motivation ``linking``: its target is the ``from`` annotation, a body the
``to`` annotation (purpose ``linking``), another body its type (``tagging``).

A plain consumer follows ``first.items`` and sees every annotation: one page, no ``next`` to
resolve (the Web Annotation protocol's paging is for a server handing out pages; a file is
read whole).  The model has no place for the document texts themselves: the collection
carries them under ``newsmark:documents`` (ignored by other tools), which is what makes the
export importable again.  The export is written as it is read from the project, one document
at a time (memory stays flat): the items, then the texts.

On import, annotations are placed in the texts the file carries (Newsmark's exports, and the
earlier form with one page per document and ``newsmark:document``); an annotation whose target
has no text in the file (a web page, as in the specification's examples) is refused with the
reason: nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

from newsmark.core import jsonutil
from newsmark.core.errors import InputError
from newsmark.core.model import Annotation, Document, Relation
from newsmark.core.record import Record
from newsmark.formats.base import ExportReport, documents, read_json_document, record
from newsmark.store.project import Project

NAME = "w3c"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DOC_KEY = "newsmark:document"  # the earlier form: one page per document
DOCS_KEY = "newsmark:documents"
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
    """One AnnotationCollection, its one page embedded as ``first``, streamed: two passes over
    the project's documents (annotations, then texts), one document in memory at a time."""
    report = ExportReport(NAME)
    base = f"urn:newsmark:project:{quote(project.path.stem, safe='')}"
    page_id = f"{base}:page:1"

    def dump(value: Any) -> bytes:
        return jsonutil.dumps(value).encode("utf-8")

    out.write(b'{"@context":' + dump(CONTEXT) + b',"id":' + dump(base)
              + b',"type":"AnnotationCollection","label":' + dump(f"Newsmark project {project.path.stem}")
              + b',"first":{"id":' + dump(page_id) + b',"type":"AnnotationPage","partOf":' + dump(base)
              + b',"startIndex":0,"items":[')
    total = 0
    for doc in documents(project, statuses=statuses, labels=labels, report=report):
        for item in [*(annotation_json(doc, a) for a in doc.annotations),
                     *(relation_json(doc, r) for r in doc.relations)]:
            out.write(b"," if total else b"")
            out.write(dump(item))
            total += 1
        report.documents += 1
        report.annotations += len(doc.annotations)
        report.relations += len(doc.relations)
    out.write(b"]},\"last\":" + dump(page_id) + b',"total":' + str(total).encode() + b',"' + DOCS_KEY.encode() + b'":[')
    for k, doc in enumerate(documents(project, statuses=statuses, labels=labels)):
        out.write(b"," if k else b"")
        out.write(dump({"source": doc_iri(doc.id), "id": doc.id, "title": doc.title, "text": doc.text,
                        "meta": doc.meta, "status": doc.status}))
    out.write(b"]}\n")
    report.notes.append("the document texts travel under 'newsmark:documents' (other tools ignore it)")
    return report


# ------------------------------------------------------------------------------------ reading
def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text_of(body: Any, purpose: str) -> str | None:
    """The value of the first TextualBody with ``purpose`` (InputError when not a string)."""
    for b in body:
        if isinstance(b, dict) and b.get("purpose") == purpose and "value" in b:
            value = b["value"]
            if not isinstance(value, str):
                raise InputError(f"its {purpose!r} body's value must be a string, not {type(value).__name__}")
            return value
    return None


def _attributes(body: list[Any]) -> dict[str, Any]:
    described = _text_of(body, "describing")
    if described is None:
        return {}
    json_body = next((b for b in body if isinstance(b, dict) and b.get("purpose") == "describing"), {})
    if json_body.get("format") not in (None, "application/json"):
        return {"description": described}  # prose, as other tools write it
    try:
        attrs = jsonutil.loads(described)
    except ValueError:
        if json_body.get("format") == "application/json":
            raise InputError(f"its 'describing' body is not JSON: {described[:40]!r}") from None
        return {"description": described}
    if not isinstance(attrs, dict):
        raise InputError(f"its 'describing' body must be a JSON object, not {type(attrs).__name__}")
    return attrs


def _iri(value: Any, what: str) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str) or not value:
        raise InputError(f"its {what} must be an IRI (a string)")
    return value


class _Docs:
    """The texts the file carries, by their IRI."""

    def __init__(self) -> None:
        self.by_iri: dict[str, dict[str, Any]] = {}
        self.order: list[dict[str, Any]] = []

    def add(self, doc: Any, where: str) -> dict[str, Any]:
        if not isinstance(doc, dict):
            raise InputError(f"{where}: a document must be a JSON object")
        doc_id, text = doc.get("id"), doc.get("text")
        if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not isinstance(text, str):
            raise InputError(f"{where}: a document needs an 'id' and a 'text' (a string)")
        native = {k: doc[k] for k in ("id", "title", "text", "meta", "status") if k in doc}
        native["annotations"], native["relations"] = [], []
        source = doc.get("source", doc_iri(str(doc_id)))
        if not isinstance(source, str):
            raise InputError(f"{where}: a document's 'source' must be an IRI (a string)")
        if source in self.by_iri:
            raise InputError(f"{where}: the document {source!r} is in the file twice")
        self.by_iri[source] = native
        self.order.append(native)
        return native


def _pages(data: Any, docs: _Docs) -> list[tuple[list[Any], dict[str, Any] | None]]:
    """The items of every page in the file, each with the document its page carries (the
    earlier form), collecting the texts into ``docs``."""
    if not isinstance(data, dict):
        raise InputError("not a W3C Web Annotation file: a JSON object (an AnnotationCollection, "
                         "an AnnotationPage or an Annotation) is expected")
    kind = data.get("type")
    for k, doc in enumerate(_as_list(data.get(DOCS_KEY)), start=1):
        docs.add(doc, f"document {k}")
    if kind == "Annotation" or (kind is None and "target" in data):
        return [([data], None)]
    if kind == "AnnotationPage":
        chain: list[Any] = [data]
    elif kind == "AnnotationCollection":
        chain = [data["first"]] if "first" in data else []
        extra = data.get("newsmark:pages", [])
        if not isinstance(extra, list):
            raise InputError("'newsmark:pages' must be a list of AnnotationPages")
        chain += extra
    else:
        raise InputError(f"not a W3C Web Annotation file: its type is {kind!r}, not AnnotationCollection, "
                         "AnnotationPage or Annotation")
    pages: list[tuple[list[Any], dict[str, Any] | None]] = []
    seen: set[int] = set()
    while chain:
        page = chain.pop(0)
        if isinstance(page, str):
            raise InputError(f"the page {page!r} is not in the file (pages are not fetched)")
        if not isinstance(page, dict):
            raise InputError(f"page {len(pages) + 1} must be an AnnotationPage (a JSON object)")
        if id(page) in seen:
            continue
        seen.add(id(page))
        items = page.get("items", [])
        if not isinstance(items, list):
            raise InputError(f"page {len(pages) + 1}: 'items' must be a list of annotations")
        own = page.get(DOC_KEY)
        native = docs.add(own, f"page {len(pages) + 1}") if own is not None else None
        pages.append((items, native))
        nxt = page.get("next")
        if isinstance(nxt, dict):
            chain.insert(0, nxt)
        elif nxt is not None and not any(isinstance(p, dict) and p.get("id") == nxt for p in chain):
            raise InputError(f"the next page {str(nxt)[:80]!r} is not in the file (pages are not fetched)")
    return pages


def _locate(text: str, target: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(start, end, exact) of a target's selectors: the position selector, else the quote
    selector found in the text (its prefix and suffix deciding between several)."""
    selectors = _as_list(target.get("selector"))
    pos = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
    quote_sel = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
    exact = quote_sel.get("exact") if quote_sel else None
    if pos is not None:
        return pos.get("start"), pos.get("end"), exact
    if not isinstance(exact, str) or not exact:
        raise InputError("its target has no TextPositionSelector or TextQuoteSelector to place it in the text")
    prefix, suffix = quote_sel.get("prefix") or "", quote_sel.get("suffix") or ""  # type: ignore[union-attr]
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise InputError("its TextQuoteSelector's prefix and suffix must be strings")
    at = text.find(prefix + exact + suffix)
    if at >= 0:
        return at + len(prefix), at + len(prefix) + len(exact), exact
    at = text.find(exact)
    if at < 0:
        raise InputError(f"its quote {exact[:40]!r} is not in the document's text")
    return at, at + len(exact), exact


def _to_natives(data: Any) -> list[dict[str, Any]]:
    docs = _Docs()
    pages = _pages(data, docs)
    spans: dict[str, dict[str, Any]] = {}  # annotation IRI -> its document
    links: list[tuple[int, dict[str, Any]]] = []
    n = 0
    for items, page_doc in pages:
        for a in items:
            n += 1
            try:
                if not isinstance(a, dict):
                    raise InputError("must be an Annotation (a JSON object)")
                if a.get("motivation") == "linking":
                    links.append((n, a))
                    continue
                target = a.get("target")
                if isinstance(target, list) and len(target) == 1:
                    target = target[0]
                source = target.get("source") if isinstance(target, dict) else target
                if isinstance(source, dict):
                    source = source.get("id")
                doc = docs.by_iri.get(source) if isinstance(source, str) else None
                if doc is None and page_doc is not None and isinstance(target, dict) and source is None:
                    doc = page_doc
                if doc is None:
                    raise InputError(
                        f"its target {source if isinstance(source, str) else target!r:.80} has no text in this "
                        "file: a W3C annotation points at a web resource, which Newsmark does not fetch; "
                        "only files that carry their documents' texts (as Newsmark's exports do) can be imported")
                if not isinstance(target, dict):
                    raise InputError("its target has no selector to place it in the text")
                body = _as_list(a.get("body"))
                start, end, exact = _locate(doc["text"], target)
                creator = a.get("creator")
                iri = _iri(a.get("id"), "id")
                doc["annotations"].append({
                    "id": _local_id(iri), "start": start, "end": end, "label": _text_of(body, "tagging"),
                    "text": exact, "attributes": _attributes(body), "note": _text_of(body, "commenting"),
                    "annotator": creator.get("name") if isinstance(creator, dict) else None,
                    "created": a.get("created"), "updated": a.get("modified")})
                spans[iri] = doc
            except InputError as e:
                raise InputError(f"annotation {n}: {e.problem}") from None
    for k, a in links:
        try:
            body = _as_list(a.get("body"))
            frm = _iri(a.get("target"), "target")
            to = _iri(next((b.get("source") for b in body if isinstance(b, dict) and b.get("purpose") == "linking"),
                           None), "'linking' body's source")
            doc = spans.get(frm)
            if doc is None or spans.get(to) is not doc:
                raise InputError(f"it links {frm!r:.60} to {to!r:.60}: both must be annotations of one "
                                 "document in this file")
            doc["relations"].append({"id": _local_id(_iri(a.get("id"), "id")).removeprefix("relation:"),
                                     "type": _text_of(body, "tagging"), "from": _local_id(frm),
                                     "to": _local_id(to), "attributes": _attributes(body)})
        except InputError as e:
            raise InputError(f"annotation {k}: {e.problem}") from None
    return docs.order


def _local_id(iri: str) -> str:
    return unquote(iri.rsplit(":", 1)[-1])


def read(path: str | Path) -> Iterator[Record]:
    """The documents of a W3C file (refused whole, with the reason, when any annotation
    cannot be placed)."""
    path = Path(path)
    try:
        natives = _to_natives(read_json_document(path))
    except InputError as e:
        yield Record(e.line or 1, error=e if e.file else InputError(e.problem, file=path))
        return
    if not natives:
        yield Record(1, error=InputError("no documents: the file carries no texts to annotate", file=path))
        return
    for k, native in enumerate(natives, start=1):
        rec = record(native, path, 1)
        if rec.error is not None:
            rec.error = InputError(f"document {k}: {rec.error.problem}", file=path)
        yield rec
