"""spaCy ``DocBin`` (``.spacy``) export, when spaCy is installed (``pip install newsmark[spacy]``).

Each document is tokenized by a blank spaCy pipeline for its language (``meta.language``, else
English).  Every annotation goes into ``doc.spans["newsmark"]`` (span groups allow overlaps) and
into ``doc.spans[LAYER]``; entity-layer annotations also into ``doc.ents``, where overlaps are
not allowed: there the outermost wins, as in the BIO export.  A span is aligned with
``Doc.char_span``: exact first, else expanded to the covering tokens; each expansion and each
span that cannot be aligned is counted in the report, never dropped silently.  Attributes,
notes and relations travel in ``doc.user_data["newsmark"]`` (DocBin keeps user data).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsmark.core.errors import NewsmarkError
from newsmark.formats.base import ExportReport, documents
from newsmark.store.project import Project

NAME = "spacy"


def available() -> bool:
    try:
        import spacy  # noqa: F401
    except ImportError:
        return False
    return True


def write(project: Project, target: str | Path, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    try:
        import spacy
        from spacy.tokens import DocBin, Span
        from spacy.util import filter_spans
    except ImportError:
        raise NewsmarkError("the spaCy export needs spaCy: pip install 'newsmark[spacy]'") from None
    from newsmark.core.atomicfile import atomic_write

    report = ExportReport(NAME)
    layers = {lab.name: lab.layer for lab in project.labels()}
    pipelines: dict[str, Any] = {}
    # only the token attributes a blank pipeline sets (the words, their spaces, the entities):
    # the default set adds nine empty columns (tags, heads, lemmas...) that made DocBin.to_bytes
    # peak at 2.0 GB on a 176 MB project (0.85 GB with these; spaCy writes a DocBin whole)
    docbin = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for doc in documents(project, statuses=statuses, labels=labels, report=report):
        lang = str(doc.meta.get("language") or "en").split("-")[0].lower()
        if lang not in pipelines:
            try:
                pipelines[lang] = spacy.blank(lang)
            except (ImportError, KeyError, ValueError, OSError):
                pipelines[lang] = pipelines.get("xx") or spacy.blank("xx")
                report.lose(f"documents in a language spaCy has no tokenizer for ({lang}: multi-language used)")
        sdoc = pipelines[lang].make_doc(doc.text)
        all_spans: list[Any] = []
        by_layer: dict[str, list[Any]] = {}
        for a in doc.annotations:
            span = sdoc.char_span(a.start, a.end, label=a.label, alignment_mode="strict")
            if span is None:
                span = sdoc.char_span(a.start, a.end, label=a.label, alignment_mode="expand")
                if span is None:
                    report.lose("spans spaCy could not align to its tokens (left out)")
                    continue
                report.lose("spans expanded to spaCy's token edges (Doc.char_span alignment)")
            all_spans.append(span)
            by_layer.setdefault(layers.get(a.label, "entity"), []).append(span)
            report.annotations += 1
        sdoc.spans["newsmark"] = all_spans
        for layer, spans in by_layer.items():
            sdoc.spans[layer] = spans
        entities = by_layer.get("entity", [])
        kept = filter_spans(entities)  # longest first, as the BIO export's outermost rule
        report.lose("overlapping entities left out of doc.ents (all are in doc.spans)", len(entities) - len(kept))
        sdoc.ents = [Span(sdoc, s.start, s.end, label=s.label_) for s in kept]
        sdoc.user_data["newsmark"] = {
            "id": doc.id, "title": doc.title, "status": doc.status, "meta": doc.meta,
            "annotations": [{"id": a.id, "start": a.start, "end": a.end, "label": a.label,
                             "attributes": a.attributes, "note": a.note, "annotator": a.annotator}
                            for a in doc.annotations],
            "relations": [{"id": r.id, "type": r.type, "from": r.from_id, "to": r.to_id,
                           "attributes": r.attributes} for r in doc.relations],
        }
        report.relations += len(doc.relations)
        docbin.add(sdoc)
        report.documents += 1
    with atomic_write(target) as f:
        f.write(docbin.to_bytes())
    report.notes.append(f"spaCy {getattr(spacy, '__version__', '?')}; relations and attributes are in doc.user_data['newsmark']")
    return report
