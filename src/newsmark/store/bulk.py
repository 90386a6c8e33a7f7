"""Writing a lot into a project at once: a new team file's merge, the first import into an
empty project (docs/adr/0008, 0015).

With WAL every new page is written twice, into the log and then, at a checkpoint, into the
project file (and read back in between).  A project file that nobody else has open can be
written with a rollback journal instead: pages that are new to the file need no journaling
at all, so they are written once.  The project goes back to WAL at the end (the store's mode,
``Project._configure``), whatever happens."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from newsmark.core.errors import ProjectError
from newsmark.store.project import Project

# pages held in memory during a bulk write (KiB, SQLite's negative cache_size): a batch of an
# import (~500 documents, ~15 MB) is written at its commit, not spilled into the journal and
# the file while it is built (a spill in rollback mode costs a sync of the journal each time)
BULK_CACHE_KIB = 128 * 1024


@contextlib.contextmanager
def bulk_write(project: Project, *, rollback_journal: bool = True) -> Iterator[bool]:
    """Inside, ``project`` is written with a larger page cache and, given ``rollback_journal``,
    with a rollback journal when no other connection has it open (yields whether it is); it
    goes back to WAL at the end.
    Switching is refused by SQLite at once ("locked", no waiting) while another program has the
    project open: it then stays in WAL, as it must for their sake.  Call it outside any
    transaction."""
    conn = project.conn
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    switched = False
    if rollback_journal and not project.shared_folder:  # in a shared folder the project has a rollback journal already
        with contextlib.suppress(sqlite3.OperationalError):  # another connection: stays in WAL
            (mode,) = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
            switched = str(mode).lower() == "delete"
    try:
        yield switched
    except BaseException:
        _restore(project, cache)
        if switched:  # a failed write is rolled back already; the next open switches to WAL anyway
            with contextlib.suppress(ProjectError):
                back_to_wal(project)
        raise
    _restore(project, cache)
    if switched:
        back_to_wal(project)


def _restore(project: Project, cache: int) -> None:
    with contextlib.suppress(sqlite3.Error):
        project.conn.execute(f"PRAGMA cache_size = {int(cache)}")


def back_to_wal(project: Project) -> None:
    """The project's own journal mode again (WAL), or a ProjectError saying it cannot be."""
    try:
        (mode,) = project.conn.execute("PRAGMA journal_mode = WAL").fetchone()
    except sqlite3.Error as e:
        raise ProjectError(f"{project.path}: cannot switch the project back to WAL mode ({e})") from None
    if str(mode).lower() != "wal":
        raise ProjectError(f"{project.path}: cannot switch the project to WAL mode ({mode})")
