"""One annotator's layer of a project (or the curated layer) for the exporters: a read-only
view of the project whose documents carry only that layer's annotations, and the relations
between them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsmark.core.model import Document
from newsmark.store.project import Project


class LayerView:
    """Reads like the project (the exporters' calls pass through) but each document holds
    only the annotations of ``annotators``."""

    def __init__(self, project: Project, annotators: Sequence[str]) -> None:
        self._project = project
        self._annotators = set(annotators)
        self.relations_dropped = 0

    def document(self, doc_id: str, *, with_annotations: bool = True) -> Document:
        doc = self._project.document(doc_id, with_annotations=with_annotations)
        if with_annotations:
            doc.annotations = [a for a in doc.annotations if a.annotator in self._annotators]
            kept = {a.id for a in doc.annotations}
            before = len(doc.relations)
            doc.relations = [r for r in doc.relations if r.from_id in kept and r.to_id in kept]
            self.relations_dropped += before - len(doc.relations)
        return doc

    def annotations(self, doc_id: str) -> list[Any]:
        return self.document(doc_id).annotations

    def relations(self, doc_id: str) -> list[Any]:
        return self.document(doc_id).relations

    def __getattr__(self, name: str) -> Any:
        return getattr(self._project, name)


def annotators_of(project: Project) -> list[str]:
    """The annotator names in a project (from rows and packed documents)."""
    return [name for name in project.stats()["by_annotator"] if name != "(none)"]
