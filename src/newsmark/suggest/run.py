"""Running recommenders over a project: in worker processes for many documents, stored in
the suggestions table, optionally accepted; and evaluating one against the done documents."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsmark.core.model import Document
from newsmark.core.suggestion import Suggestion
from newsmark.store import suggestions as store
from newsmark.store.project import Project
from newsmark.suggest import make
from newsmark.suggest.base import Recommender
from newsmark.suggest.evaluate import Report, evaluate_document

# Below this many documents, starting worker processes costs more than it saves.
IN_PROCESS_BELOW = 24
CHUNK = 8


def recommenders(project: Project, names: Sequence[str]) -> list[Recommender]:
    """The named recommenders, ``strings`` learnt from the project's annotations and rejections."""
    labels = {lab.name for lab in project.labels()}
    out = []
    for name in names:
        learn: Iterable[Document] = ()
        if name == "strings":
            learn = (project.document(d) for d in project.document_ids())
        out.append(make(name, learn_from=learn, rejected=store.rejected_strings(project), labels=labels))
    return out


_WORKER_RECS: list[Recommender] = []


def _worker_init(recs: list[Recommender]) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):
        os.nice(10)
    _WORKER_RECS[:] = recs


def _suggest_chunk(docs: list[Document]) -> list[list[Suggestion]]:
    return [[s for r in _WORKER_RECS for s in r.suggest(d)] for d in docs]


def suggest_documents(recs: list[Recommender], docs: Iterable[Document], *, total: int,
                      workers: int | None = None) -> Iterator[tuple[Document, list[Suggestion]]]:
    """Each document with its suggestions, in order; in worker processes (spawned, one per
    core) when there are many documents."""
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    if workers <= 1 or total < IN_PROCESS_BELOW:
        for d in docs:
            yield d, [s for r in recs for s in r.suggest(d)]
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from itertools import islice

    it = iter(docs)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(recs,))
    pending: deque[tuple[list[Document], Future[list[list[Suggestion]]]]] = deque()

    def submit() -> None:
        chunk = list(islice(it, CHUNK))
        if chunk:
            pending.append((chunk, pool.submit(_suggest_chunk, chunk)))

    try:
        for _ in range(workers * 4):
            submit()
        while pending:
            chunk, fut = pending.popleft()
            submit()
            yield from zip(chunk, fut.result(), strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(slots=True)
class RunSummary:
    documents: int = 0
    stored: dict[str, int] = field(default_factory=dict)  # per recommender
    accepted: int = 0
    annotations: int = 0
    relations: int = 0

    def lines(self) -> list[str]:
        per = ", ".join(f"{k}: {v}" for k, v in sorted(self.stored.items())) or "none"
        out = [f"{sum(self.stored.values())} suggestions for {self.documents} documents ({per})"]
        if self.accepted:
            out.append(f"accepted {self.accepted}: {self.annotations} annotations and "
                       f"{self.relations} relations added")
        return out


def run(project: Project, doc_ids: Sequence[str], names: Sequence[str], *, min_score: float = 0.0,
        accept: bool = False, workers: int | None = None,
        progress: Callable[[int], Any] | None = None) -> RunSummary:
    """Suggest for the documents, store the suggestions (scored ``min_score`` or more) and,
    with ``accept``, accept them as annotations (annotator ``suggest:NAME``), one document
    per transaction."""
    recs = recommenders(project, names)
    summary = RunSummary()
    docs = (project.document(d) for d in doc_ids)
    for doc, sugs in suggest_documents(recs, docs, total=len(doc_ids), workers=workers):
        by_rec: dict[str, list[Suggestion]] = {}
        for s in sugs:
            if s.score >= min_score:
                by_rec.setdefault(s.recommender, []).append(s)
        with project.write():
            for r in recs:
                stored = store.replace(project, doc.id, r.name, by_rec.get(r.name, []))
                summary.stored[r.name] = summary.stored.get(r.name, 0) + len(stored)
            if accept:
                for s in store.open_suggestions(project, doc.id, min_score=min_score,
                                                recommenders=[r.name for r in recs]):
                    done = store.accept(project, doc.id, s.id)
                    summary.accepted += 1
                    summary.annotations += len(done.annotations)
                    summary.relations += len(done.relations)
        summary.documents += 1
        if progress:
            progress(1)
    return summary


def evaluate(project: Project, name: str, *, statuses: Sequence[str] = ("done",),
             progress: Callable[[int], Any] | None = None) -> Report:
    """Precision, recall and F1 of a recommender against the documents with these statuses.
    The recommender sees each text without its annotations; ``strings`` learns from the
    other documents only (leave one out)."""
    doc_ids = project.document_ids(list(statuses) or None)
    docs = [project.document(d) for d in doc_ids]
    report = Report(name)
    labels_all = {lab.name: lab.layer for lab in project.labels()}
    strings = None
    if name == "strings":
        from newsmark.suggest.strings import StringsRecommender

        # learnt from the documents evaluated on, each left out in its turn
        strings = StringsRecommender.learn(docs)
    base = None if strings is not None else recommenders(project, [name])[0]
    for doc in docs:
        rec: Recommender = strings.without(doc) if strings is not None else base  # type: ignore[assignment]
        bare = Document(doc.id, doc.text, doc.title, doc.meta, doc.status)
        sugs = rec.suggest(bare)
        if name == "quotes":
            wanted = {"QUOTE", "CUE"}
        else:
            wanted = {lab for lab, layer in labels_all.items() if layer == "entity"}
        wanted |= {s.label for g in sugs for s in g.spans if s.existing is None and (name != "quotes" or s.label in wanted)}
        evaluate_document(doc, sugs, report, labels=wanted)
        if progress:
            progress(1)
    return report
