"""Accepting and rejecting a suggestion as undo commands: each calls the store once, tells the
window about the annotations it made, and tells the controller which suggestion's head was
decided on (``changed(suggestion, open_now)``) so that it changes only that ghost."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from newsmark.core.model import Annotation, Relation
from newsmark.core.suggestion import Suggestion
from newsmark.gui.models.session import Session
from newsmark.store import suggestions as store

Changed = Callable[[Suggestion, bool], None]


def _adopt(session: Session, anns: list[Annotation], rels: list[Relation]) -> None:
    """Tell the window about annotations and relations the store made."""
    doc = session.document
    if doc is None or not anns and not rels or (anns[0].document if anns else rels[0].document) != doc.id:
        return
    for a in anns:
        doc.annotations.append(a)
        session.by_id[a.id] = a
        session.annotation_added.emit(a)
    doc.relations.extend(rels)
    if rels:
        session.relations_changed.emit()


def _drop(session: Session, anns: list[Annotation], rels: list[Relation]) -> None:
    doc = session.document
    if doc is None or not anns and not rels or (anns[0].document if anns else rels[0].document) != doc.id:
        return
    gone_rels = {r.id for r in rels}
    gone = {a.id for a in anns}
    doc.relations = [r for r in doc.relations if r.id not in gone_rels and r.from_id not in gone and r.to_id not in gone]
    doc.annotations = [a for a in doc.annotations if a.id not in gone]
    for a in anns:
        session.by_id.pop(a.id, None)
        session.annotation_removed.emit(a.id)
    session.relations_changed.emit()


class AcceptSuggestion(QUndoCommand):
    """Accept a suggestion: its spans and links become annotations in one transaction."""

    def __init__(self, session: Session, doc_id: str, suggestion: Suggestion, changed: Changed,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(f"accept suggested {suggestion.label}", parent)
        self.session, self.doc_id, self.sid = session, doc_id, suggestion.id
        self.suggestion = suggestion
        self.annotator = session.annotator
        self.changed = changed
        self.done: store.Accepted | None = None

    def redo(self) -> None:
        if self.done is None:  # the first time: new annotations
            self.done = store.accept(self.session.project, self.doc_id, self.sid, annotator=self.annotator)
        else:  # after an undo: the same ones again (later commands refer to their ids)
            store.redo_accept(self.session.project, self.done)
        _adopt(self.session, self.done.annotations, self.done.relations)
        self.changed(self.suggestion, False)

    def undo(self) -> None:
        assert self.done is not None
        store.undo_accept(self.session.project, self.done)
        _drop(self.session, self.done.annotations, self.done.relations)
        self.changed(self.suggestion, True)


class RejectSuggestion(QUndoCommand):
    def __init__(self, session: Session, doc_id: str, suggestion: Suggestion, changed: Changed,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(f"reject suggested {suggestion.label}", parent)
        self.session, self.doc_id, self.sid = session, doc_id, suggestion.id
        self.suggestion = suggestion
        self.changed = changed

    def redo(self) -> None:
        store.reject(self.session.project, self.doc_id, self.sid)
        self.changed(self.suggestion, False)

    def undo(self) -> None:
        store.reopen(self.session.project, self.doc_id, self.sid)
        self.changed(self.suggestion, True)


