"""Agreement over a large project in two processes: this one counts the first half of the documents
(in project order; more when the second is spawned), a second process the rest, each reading the
project through its own read-only connection; the second sends its tally back and the tallies
add up to exactly the figures of the whole (``agreement.Tally``).

The second process is forked where that is safe (Linux, no other threads, no Qt in the
process) and spawned elsewhere (Windows, macOS, the window), which costs a new interpreter's
start: so it is used only on a machine with two cores or more and for a project big enough to
pay for the start (``FORK_MIN_DOCUMENTS`` documents, ``SPAWN_MIN`` annotations).  Whatever goes
wrong in the second process (it cannot start, cannot read, dies), the caller counts the whole
project in this one instead: the figures are the same either way."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsmark.team.agreement import Agreement, annotators_of, tally
from newsmark.team.data import gc_paused, load_work

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from newsmark.store.project import Project

FORK_MIN_DOCUMENTS = 200  # a forked process costs ~15 ms: worth it from a few hundred documents
SPAWN_MIN = 150_000  # annotations: a spawned process (a new interpreter importing newsmark) ~0.5 s
FIRST_SHARE = 0.49  # of the documents counted here when the other is forked.  Reading and counting
# take alike in both (measured: the other's opening the project and copying the pages it writes
# to, a fork's, cost little); this one also frees its documents and bit sets (~3% of its work:
# the other ends without) and adds the tallies up (~1%), so it takes a little less
SPAWNED_FIRST_SHARE = 0.6  # of the annotations, when the other is spawned: its start (a new
# interpreter importing newsmark) takes ~0.5 s of CPU, a quarter of 300,000 annotations' count


def start_method() -> str:
    """fork where it is safe and cheap; spawn elsewhere (and under Qt, whose threads a fork
    would leave behind in a broken state)."""
    if sys.platform.startswith("linux") and threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules:
        return "fork"
    return "spawn"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def halves(project: Project, *, by_annotations: bool,
           share: float = FIRST_SHARE) -> tuple[list[str], list[str], int]:
    """The documents in project order cut in two (``share`` in the first), and a measure of the
    project's size: cut by number of annotations, and their number (``by_annotations``: the
    counts take a scan of the packed documents, ~25 ms for 300,000 annotations), or else by
    number of documents, and their number (~2 ms)."""
    if not by_annotations:
        ids = project.document_ids()
        cut = round(len(ids) * share)
        return ids[:cut], ids[cut:], len(ids)
    rows, counts = project.document_list()
    ids = [doc_id for _, doc_id, _, _ in rows]
    total = sum(counts.values())
    seen = 0
    cut = len(ids)
    for k, doc_id in enumerate(ids):
        seen += counts.get(doc_id, 0)
        if seen >= total * share:
            cut = k + 1
            break
    return ids[:cut], ids[cut:], total


def agreement_in_two(project: Project, *, labels: Sequence[str] = (), layers: Sequence[str] = (),
                     annotators: Sequence[str] = (), force: bool = False,
                     method: str | None = None) -> Agreement | None:
    """The project's agreement counted in two processes; None where one would do as well (one
    core, a small project: unless ``force``) or the second process failed."""
    method = method or start_method()
    if not force and cores() < 2:
        return None
    forked = method == "fork"
    first, second, size = halves(project, by_annotations=not forked,
                                 share=FIRST_SHARE if forked else SPAWNED_FIRST_SHARE)
    if not second or not first or (not force and size < (FORK_MIN_DOCUMENTS if forked else SPAWN_MIN)):
        return None
    path = project.conn.execute("PRAGMA database_list").fetchone()[2]  # the file this connection reads
    if not path:
        return None
    ctx: Any = multiprocessing.get_context(method)
    here, there = ctx.Pipe()
    other = ctx.Process(target=count_part, args=(there, path, list(labels), list(layers), second),
                        name="newsmark-agreement", daemon=True)
    for stream in (sys.stdout, sys.stderr):  # a forked child would write out what is buffered again
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        other.start()
    except Exception:  # noqa: BLE001 - no process to be had (limits, memory, a spawn that fails): one will do
        here.close()
        there.close()
        return None
    there.close()
    try:
        work = load_work(project, labels=labels, layers=layers, doc_ids=first, with_attributes=False)
        theirs = _receive(here, "annotators")
        if theirs is None:
            return None
        names = list(annotators) or sorted(annotators_of(work) | set(theirs))
        try:
            here.send(names)
        except OSError:  # the other process died meanwhile
            return None
        kept: list[object] = []
        mine = tally(work, names, keep=kept)
        del work, kept  # freed while the other process finishes
        rest = _receive(here, "tally")
        if rest is None:
            return None
        mine.add(rest)
        return mine.result()
    except BaseException:  # Ctrl+C here, or an error reading: the other's work is not wanted
        other.terminate()
        raise
    finally:
        here.close()
        other.join(5)
        if other.is_alive():
            other.terminate()
            other.join()


def _receive(conn: Connection, tag: str) -> Any:
    try:
        got, value = conn.recv()
    except (EOFError, OSError):  # the other process died
        return None
    return value if got == tag else None


def count_part(conn: Connection, path: str, labels: list[str], layers: list[str], doc_ids: list[str]) -> None:
    """The second process: read these documents, send their annotators, receive the list of
    annotators to count, send the tally."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the first process's to handle
    try:
        from newsmark.store.project import Project

        with gc_paused():
            with Project.open(path, readonly=True) as p:
                work = load_work(p, labels=labels, layers=layers, doc_ids=doc_ids, with_attributes=False)
            conn.send(("annotators", sorted(annotators_of(work))))
            names = conn.recv()
            kept: list[object] = []  # the working data: not freed before the tally is sent
            conn.send(("tally", tally(work, names, keep=kept)))
            if multiprocessing.parent_process() is not None:
                # the second process ends at once, without freeing one by one the objects it made
                # (~5% of its work): none is needed, and the first process waits for it to end
                conn.close()
                os._exit(0)
    except BaseException as e:  # noqa: BLE001 - the first process counts this part itself
        with contextlib.suppress(Exception):
            conn.send(("failed", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()
