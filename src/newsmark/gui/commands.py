"""Undo commands: each calls one Session method with ids and keeps what its undo needs.

The edit itself is already stored when a command is pushed (redo runs at once), so closing or
killing the app loses nothing; undo and redo are new edits, stored the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtGui import QUndoCommand

from newsmark.core.errors import DuplicateAnnotationError, NewsmarkError
from newsmark.core.model import Annotation, Relation
from newsmark.gui.models.session import Session

C = TypeVar("C", bound=QUndoCommand)


def refusable(redo: Callable[[C], None]) -> Callable[[C], None]:
    """An edit the store refuses (nothing stored) leaves no command on the undo stack: Qt
    drops a command that is obsolete after its redo."""
    @functools.wraps(redo)
    def guarded(self: C) -> None:
        try:
            redo(self)
        except NewsmarkError:
            self.setObsolete(True)
            raise
    return guarded


class AddAnnotation(QUndoCommand):
    def __init__(self, session: Session, doc_id: str, start: int, end: int, label: str,
                 attributes: dict[str, Any] | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(f"tag {label}", parent)
        self.session, self.doc_id = session, doc_id
        self.args = (start, end, label, attributes)
        self.annotation: Annotation | None = None

    @refusable
    def redo(self) -> None:
        if self.annotation is None:  # the first time: a new annotation, with a new id
            self.annotation = self.session.add_annotation(self.doc_id, *self.args)
        else:  # after an undo: the same annotation again, id and timestamps included
            there = self.session.restore_annotation(self.annotation, [])
            if there != self.annotation.id:  # an identical one, added meanwhile, stands for it
                self.annotation = self.session.project.annotation(self.doc_id, there)

    def undo(self) -> None:
        assert self.annotation is not None
        self.session.delete_annotation(self.doc_id, self.annotation.id)


class DeleteAnnotation(QUndoCommand):
    def __init__(self, session: Session, doc_id: str, ann_id: str, parent: QUndoCommand | None = None) -> None:
        super().__init__("delete annotation", parent)
        self.session, self.doc_id, self.ann_id = session, doc_id, ann_id
        self.saved: tuple[Annotation, list[Relation]] | None = None

    @refusable
    def redo(self) -> None:
        self.saved = self.session.delete_annotation(self.doc_id, self.ann_id)

    def undo(self) -> None:
        assert self.saved is not None
        # an identical annotation added meanwhile stands for it (and its redo deletes that one)
        self.ann_id = self.session.restore_annotation(*self.saved)


class UpdateAnnotation(QUndoCommand):
    """Change label, span, attributes or note; undo puts back exactly what was there."""

    FIELDS = ("start", "end", "label", "attributes", "note")

    def __init__(self, session: Session, doc_id: str, ann_id: str, text: str = "edit annotation",
                 parent: QUndoCommand | None = None, **changes: Any) -> None:
        super().__init__(text, parent)
        self.session, self.doc_id, self.ann_id, self.changes = session, doc_id, ann_id, changes
        self.before: dict[str, Any] | None = None

    @refusable
    def redo(self) -> None:
        old, _ = self.session.update_annotation(self.doc_id, self.ann_id, **self.changes)
        self.before = {k: getattr(old, k) for k in self.changes}

    def undo(self) -> None:
        assert self.before is not None
        try:
            self.session.update_annotation(self.doc_id, self.ann_id, **self.before)
        except DuplicateAnnotationError as e:  # another program stored the state it had meanwhile:
            # it stays as it is (its redo changes nothing), and the window says why
            self.session.undo_refused.emit(f"Cannot undo: {e}")


class AddRelation(QUndoCommand):
    def __init__(self, session: Session, doc_id: str, rtype: str, from_id: str, to_id: str,
                 attributes: dict[str, Any] | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(f"link {rtype}", parent)
        self.session, self.doc_id = session, doc_id
        self.args = (rtype, from_id, to_id, attributes)
        self.relation: Relation | None = None

    @refusable
    def redo(self) -> None:
        if self.relation is None:
            self.relation = self.session.add_relation(self.doc_id, *self.args)
        else:
            self.session.restore_relation(self.relation)

    def undo(self) -> None:
        assert self.relation is not None
        self.session.delete_relation(self.doc_id, self.relation.id)


class DeleteRelation(QUndoCommand):
    def __init__(self, session: Session, doc_id: str, rel_id: str, parent: QUndoCommand | None = None) -> None:
        super().__init__("remove link", parent)
        self.session, self.doc_id, self.rel_id = session, doc_id, rel_id
        self.saved: Relation | None = None

    @refusable
    def redo(self) -> None:
        self.saved = self.session.delete_relation(self.doc_id, self.rel_id)

    def undo(self) -> None:
        assert self.saved is not None
        self.session.restore_relation(self.saved)


class SetStatus(QUndoCommand):
    def __init__(self, session: Session, doc_id: str, status: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(f"mark {status}", parent)
        self.session, self.doc_id, self.status = session, doc_id, status
        self.old: str | None = None

    @refusable
    def redo(self) -> None:
        self.old = self.session.set_status(self.doc_id, self.status)

    def undo(self) -> None:
        assert self.old is not None
        self.session.set_status(self.doc_id, self.old)
