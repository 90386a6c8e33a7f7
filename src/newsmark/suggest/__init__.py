"""Suggestions (issue #16): recommenders that pre-annotate documents, and their evaluation.
Qt-free: the CLI and the window both use it."""

from __future__ import annotations

from collections.abc import Iterable

from newsmark.core.errors import NewsmarkError
from newsmark.core.model import Document
from newsmark.suggest.base import Recommender

BUILT_IN = ("quotes", "strings", "spacy:MODEL")


def make(name: str, *, learn_from: Iterable[Document] = (), rejected: Iterable[tuple[str, str, int]] = (),
         labels: set[str] | None = None) -> Recommender:
    """The recommender called ``name``: ``quotes``, ``strings`` (learns from ``learn_from``)
    or ``spacy:MODEL`` (a spaCy package name or path)."""
    if name == "quotes":
        from newsmark.suggest.quotes import QuotesRecommender

        return QuotesRecommender()
    if name == "strings":
        from newsmark.suggest.strings import StringsRecommender

        return StringsRecommender.learn(learn_from, rejected)
    if name.startswith("spacy:") and len(name) > 6:
        from newsmark.suggest.spacy_ner import SpacyRecommender

        return SpacyRecommender(name[6:], labels)
    raise NewsmarkError(f"no recommender {name!r} (choose from: {', '.join(BUILT_IN)})")
