"""What every recommender is: a name and a function from a document to suggestions."""

from __future__ import annotations

from typing import Protocol

from newsmark.core.model import Document
from newsmark.core.suggestion import Suggestion


class Recommender(Protocol):
    """Takes a document (its text and existing annotations) and returns suggestions."""

    name: str

    def suggest(self, doc: Document) -> list[Suggestion]: ...
