"""The process that computes the window's suggestions (issue #16), apart from the window's own.

The window starts it (``multiprocessing``'s spawn context: the same executable, also frozen by
PyInstaller, where ``multiprocessing.freeze_support()`` in the entry points runs it) and talks
to it through a pipe.  It has its own connection to the project (WAL: both work at once), learns
the ``strings`` recommender from the project, and for each request computes the open document's
suggestions from what is stored, stores them itself (in short transactions, so that the
window's edits never wait long for the write lock) and tells the window which suggestions
changed: the window reads back only those, a slice at a time.  A killed worker leaves the
project as it was: every write is its own transaction.

Messages to the worker (tuples): ``("note", text, label, times)`` an annotation made (1) or
taken back (-1); ``("note_rejected", text, label)``; ``("spacy", model, labels)`` the spaCy
pipeline to use ("" none); ``("compute", job, doc_id)``; ``("stop",)``.  Of several requests to
compute waiting, the last is done.

Messages from it: ``("stored", job, doc_id, removed_ids, added_ids, final)`` after each
recommender's suggestions are stored (``final`` after the last); ``("failed", message)`` a
recommender failed (a spaCy pipeline that will not load: it is left out from then on);
``("fatal", message)`` before it ends on an unexpected error.

``evaluate`` is the other job run in a process of its own: the Evaluate dialog's figures.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from newsmark.core.errors import NewsmarkError, NotFoundError

if TYPE_CHECKING:
    from newsmark.store.project import Project

# suggestions written per transaction: 50 hold the write lock ~0.4 ms (200 held it 1.1 ms, and
# 1.8-2.4 ms with the fsync of synchronous=FULL: an add of the window that came meanwhile waited
# 3 ms, its busy handler's first two sleeps)
STEP = 50
# between two of them the write lock is left free for this long: SQLite's busy handler in the
# window's connection sleeps 1, 2, 5, 10, 15… ms between tries, and a worker taking the lock
# again at once would keep the window's next edit waiting until the whole store is written
STEP_PAUSE_S = 0.005
PROGRESS_EVERY_S = 0.1


class Stop(Exception):
    """The window asked the worker to end."""


def _import_the_store() -> None:
    """Import the store without numpy and pandas: sqlite-utils imports them when they are
    installed (half a second of the worker's start, before the first suggestions), and the store
    does not use them.  Imported later by someone else (a spaCy pipeline), they load as usual."""
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # import fails: sqlite-utils goes on without
    try:
        import newsmark.store.project  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def _background() -> None:
    """Below the window in the scheduler, and deaf to the terminal's Ctrl+C (the window decides)."""
    import signal

    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):
        os.nice(10)


class Worker:
    """What the process keeps between requests."""

    def __init__(self, project: Project, conn: Connection) -> None:
        self.project = project
        self.conn = conn
        self.strings: Any = None
        self.spacy: Any = None
        self.pending: tuple[Any, ...] | None = None  # the last request to compute not yet done

    def learn(self) -> None:
        """Learn ``strings`` from every document of the project and the rejected suggestions."""
        from newsmark.store import suggestions as store
        from newsmark.suggest.strings import StringsRecommender

        p = self.project
        self.strings = StringsRecommender.learn((p.document(d) for d in p.document_ids()),
                                                store.rejected_strings(p))

    def take(self, msg: tuple[Any, ...]) -> None:
        """Act on one message from the window (a request to compute is kept for later)."""
        kind = msg[0]
        if kind == "stop":
            raise Stop
        if kind == "compute":
            self.pending = msg
        elif kind == "note":
            if self.strings is not None:
                self.strings.note(msg[1], msg[2], msg[3])
        elif kind == "note_rejected":
            if self.strings is not None:
                self.strings.note_rejected(msg[1], msg[2])
        elif kind == "spacy":
            self.use_spacy(msg[1], msg[2])

    def drain(self) -> None:
        """Every message waiting, without waiting for more."""
        while self.conn.poll():
            self.take(self.conn.recv())

    def use_spacy(self, model: str, labels: Any) -> None:
        if not model:
            self.spacy = None
            return
        if self.spacy is not None and self.spacy.name == f"spacy:{model}":
            return
        from newsmark.suggest.spacy_ner import SpacyRecommender

        self.spacy = SpacyRecommender(model, labels if isinstance(labels, set) else None)

    def compute(self, job: int, doc_id: str) -> None:
        """A document's suggestions, each recommender's stored as soon as it has made them."""
        from newsmark.store import suggestions as store
        from newsmark.suggest.quotes import QuotesRecommender

        try:
            doc = self.project.document(doc_id)
        except NotFoundError:  # deleted meanwhile
            self.conn.send(("stored", job, doc_id, [], [], True))
            return
        recs: list[Any] = [QuotesRecommender()]
        if self.strings is not None:
            recs.append(self.strings)
        if self.spacy is not None:
            recs.append(self.spacy)
        for i, rec in enumerate(recs):
            final = i == len(recs) - 1
            try:
                found = rec.suggest(doc)
            except Exception as e:  # noqa: BLE001 (a spaCy model that will not load: say so once)
                self.conn.send(("failed", f"suggestions from {rec.name}: {e}"))
                if rec is self.spacy:
                    self.spacy = None
                found = None
            self.drain()  # a stop, or notes, that came while it ran
            changes = store.Changes()
            if found is not None:
                try:
                    store.replace(self.project, doc_id, rec.name, found, step=STEP, changes=changes,
                                  between=lambda: time.sleep(STEP_PAUSE_S))
                except NewsmarkError as e:  # the document's text changed under it, a locked file
                    self.conn.send(("failed", f"suggestions from {rec.name} not stored: {e}"))
            self.conn.send(("stored", job, doc_id, changes.removed, changes.added, final))


def serve(conn: Connection, project_path: str) -> None:
    """The worker process's main function: learn, then answer the window until it says stop
    (or its end of the pipe closes)."""
    _background()
    _import_the_store()
    from newsmark.store.project import Project

    try:
        project = Project.open(project_path)
    except Exception as e:  # noqa: BLE001 (told to the window, which goes on without suggestions)
        conn.send(("fatal", f"the suggestions' worker could not open the project ({e})"))
        return
    # in WAL, its commits without an fsync of their own (the write lock held for less): what it
    # stores can always be computed again, the window's next commit (synchronous=FULL) syncs the
    # log with them, and WAL keeps the file consistent either way (not so a rollback journal)
    if str(project.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        project.conn.execute("PRAGMA synchronous = NORMAL")
    worker = Worker(project, conn)
    try:
        try:
            worker.learn()
        except NewsmarkError as e:
            conn.send(("failed", f"suggestions: could not learn from the project ({e})"))
        while True:
            if worker.pending is None:
                worker.take(conn.recv())  # waits for the window
            worker.drain()
            if worker.pending is not None:
                _kind, job, doc_id = worker.pending
                worker.pending = None
                worker.compute(job, doc_id)
    except (Stop, EOFError, BrokenPipeError):
        pass
    except Exception as e:  # noqa: BLE001 (a bug: said to the window before the process ends)
        with contextlib.suppress(OSError, ValueError):
            conn.send(("fatal", f"the suggestions' worker stopped: {type(e).__name__}: {e}"))
        raise
    finally:
        project.close()


def evaluate(conn: Connection, project_path: str, names: list[str]) -> None:
    """The Evaluate dialog's job: each recommender against the done documents, with progress.

    Sends ``("start", documents)``, then for each recommender ``("progress", index, done)``
    now and then and ``("report", name, rows, quotes)`` (quotes: precision, recall,
    quote-marked recall, speaker, cue; or None) or ``("error", name, message)``; ``("end",)``."""
    _background()
    _import_the_store()
    from newsmark.store.project import Project
    from newsmark.suggest.run import evaluate as run_evaluate

    try:
        with Project.open(project_path, readonly=True) as project:
            conn.send(("start", len(project.document_ids(["done"]))))
            for i, name in enumerate(names):
                conn.send(("progress", i, 0))
                try:
                    report = run_evaluate(project, name, progress=_progress(conn, i))
                except NewsmarkError as e:
                    conn.send(("error", name, str(e)))
                    continue
                q = report.quotes
                quotes = (q.precision, q.recall, q.recall_marked, q.speaker, q.cue) if q.predicted or q.gold else None
                conn.send(("report", name, report.rows(), quotes))
    except NewsmarkError as e:
        conn.send(("error", "", str(e)))
    except (EOFError, BrokenPipeError):
        return
    conn.send(("end",))


def _progress(conn: Connection, index: int) -> Callable[[int], None]:
    done = 0
    last = time.monotonic()

    def step(n: int) -> None:
        nonlocal done, last
        done += n
        t = time.monotonic()
        if t - last >= PROGRESS_EVERY_S:
            last = t
            conn.send(("progress", index, done))

    return step
