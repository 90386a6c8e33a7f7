"""The open project as the window sees it: the store plus signals for every change.

Undo commands call these methods with ids; widgets listen to the signals.  Every method
commits to the store before it returns (the store's rule), then tells the window.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QObject, Signal

from newsmark.core.errors import DuplicateAnnotationError
from newsmark.core.model import Annotation, Document, Relation
from newsmark.store.project import Project


class Session(QObject):
    annotation_added = Signal(object)  # Annotation
    annotation_removed = Signal(str)  # annotation id
    annotation_changed = Signal(object, object)  # old Annotation, new Annotation
    relations_changed = Signal()
    status_changed = Signal(str, str)  # document id, status
    undo_refused = Signal(str)  # why an undo could not be done (the store refused it; nothing changed)

    def __init__(self, project: Project, annotator: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.annotator = annotator
        self.document: Document | None = None
        self.by_id: dict[str, Annotation] = {}  # the open document's annotations by id

    # ------------------------------------------------------------------ documents
    def open_document(self, doc_id: str) -> Document:
        self.document = self.project.document(doc_id)
        self.by_id = {a.id: a for a in self.document.annotations}
        return self.document

    def _current(self, doc_id: str) -> bool:
        return self.document is not None and self.document.id == doc_id

    def set_status(self, doc_id: str, status: str) -> str:
        old = self.project.set_status(doc_id, status)
        if self._current(doc_id):
            assert self.document is not None
            self.document.status = status
        self.status_changed.emit(doc_id, status)
        return old

    # ------------------------------------------------------------------ annotations
    def add_annotation(self, doc_id: str, start: int, end: int, label: str,
                       attributes: dict[str, Any] | None = None) -> Annotation:
        ann = self.project.add_annotation(doc_id, start, end, label, attributes=attributes,
                                          annotator=self.annotator)
        self._added(ann, [])
        return ann

    def restore_annotation(self, ann: Annotation, relations: list[Relation]) -> str:
        """Put back a deleted annotation and its links (an undo); returns the id that now stands
        for it: its own, or that of an identical annotation another program added meanwhile (an
        annotation is never stored twice), which then takes its links."""
        try:
            self.project.restore_annotation(ann, relations)
        except DuplicateAnnotationError as e:
            return self._stands_for(ann, relations, e.existing_id)
        self._added(ann, relations)
        return ann.id

    def _stands_for(self, ann: Annotation, relations: list[Relation], there: str) -> str:
        doc_id = ann.document
        ends, _ = self.project.annotation_ids(doc_id)
        links = {(r.type, r.from_id, r.to_id) for r in self.project.relations(doc_id)}
        moved: list[Relation] = []
        for r in relations:
            r = dataclasses.replace(r, from_id=there if r.from_id == ann.id else r.from_id,
                                    to_id=there if r.to_id == ann.id else r.to_id)
            if r.from_id != r.to_id and {r.from_id, r.to_id} <= ends and (r.type, r.from_id, r.to_id) not in links:
                moved.append(r)
                links.add((r.type, r.from_id, r.to_id))
        with self.project.write():
            for r in moved:
                self.project.restore_relation(r)
        if self._current(doc_id):
            assert self.document is not None
            if there not in self.by_id:  # not seen here yet
                self._added(self.project.annotation(doc_id, there), moved)
            else:
                self.document.relations.extend(moved)
                if moved:
                    self.relations_changed.emit()
        return there

    def _added(self, ann: Annotation, relations: list[Relation]) -> None:
        if self._current(ann.document):
            assert self.document is not None
            self.document.annotations.append(ann)
            self.by_id[ann.id] = ann
            self.document.relations.extend(relations)
            self.annotation_added.emit(ann)
            if relations:
                self.relations_changed.emit()

    def delete_annotation(self, doc_id: str, ann_id: str) -> tuple[Annotation, list[Relation]]:
        ann, rels = self.project.delete_annotation(doc_id, ann_id)
        if self._current(doc_id):
            assert self.document is not None
            self.document.annotations = [a for a in self.document.annotations if a.id != ann_id]
            self.by_id.pop(ann_id, None)
            gone = {r.id for r in rels}
            self.document.relations = [r for r in self.document.relations if r.id not in gone]
            self.annotation_removed.emit(ann_id)
            if rels:
                self.relations_changed.emit()
        return ann, rels

    def update_annotation(self, doc_id: str, ann_id: str, **changes: Any) -> tuple[Annotation, Annotation]:
        old = self.project.annotation(doc_id, ann_id)
        new = self.project.update_annotation(doc_id, ann_id, **changes)
        if self._current(doc_id):
            assert self.document is not None
            self.document.annotations = [new if a.id == ann_id else a for a in self.document.annotations]
            self.by_id[ann_id] = new
            self.annotation_changed.emit(old, new)
        return old, new

    def annotation(self, ann_id: str) -> Annotation | None:
        return self.by_id.get(ann_id)

    # ------------------------------------------------------------------ relations
    def add_relation(self, doc_id: str, rtype: str, from_id: str, to_id: str,
                     attributes: dict[str, Any] | None = None, rel_id: str | None = None) -> Relation:
        rel = self.project.add_relation(doc_id, rtype, from_id, to_id, attributes=attributes, id=rel_id)
        if self._current(doc_id):
            assert self.document is not None
            self.document.relations.append(rel)
            self.relations_changed.emit()
        return rel

    def delete_relation(self, doc_id: str, rel_id: str) -> Relation:
        rel = self.project.delete_relation(doc_id, rel_id)
        if self._current(doc_id):
            assert self.document is not None
            self.document.relations = [r for r in self.document.relations if r.id != rel_id]
            self.relations_changed.emit()
        return rel

    def restore_relation(self, rel: Relation) -> None:
        self.project.restore_relation(rel)
        if self._current(rel.document):
            assert self.document is not None
            self.document.relations.append(rel)
            self.relations_changed.emit()

    def relations_of(self, ann_id: str) -> list[Relation]:
        if self.document is None:
            return []
        return [r for r in self.document.relations if ann_id in (r.from_id, r.to_id)]


__all__ = ["Session"]
