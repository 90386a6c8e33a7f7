"""Writing a lot into a project at once: a new team file's merge, the first import into an
empty project (docs/adr/0008, 0015).

With WAL every new page is written twice, into the log and then, at a checkpoint, into the
project file (and read back in between).  A project file that nobody else has open can be
written with a rollback journal instead: pages that are new to the file need no journaling
at all, so they are written once.  The project goes back to WAL at the end (the store's mode,
``Project._configure``), whatever happens.

The rollback journal is truncated, not deleted, at each commit (``journal_mode=TRUNCATE``): with
``synchronous=FULL`` SQLite syncs the truncation, so a committed batch survives a power loss.
Deleting it (``DELETE``) does not sync the folder (only ``synchronous=EXTRA`` does): the journal
could come back after a power loss and roll back a batch reported committed.  Between batches
the journal is an empty file (not hot: nothing to roll back); going back to WAL removes it."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from newsmark.core.errors import ProjectError
from newsmark.store.project import Project, switch_journal_mode


@contextlib.contextmanager
def bulk_write(project: Project, *, rollback_journal: bool = True) -> Iterator[bool]:
    """Inside, ``project`` is written, given ``rollback_journal``, with a rollback journal when
    no other connection has it open (yields whether it is); it goes back to WAL at the end.
    Switching is refused by SQLite at once ("locked", no waiting) while another program has the
    project open: it then stays in WAL, as it must for their sake.  Call it outside any
    transaction.  (A larger page cache for the same writes was tried: no difference measured in
    an import's or a merge's time, 33,000 more page faults.)"""
    conn = project.conn
    switched = False
    # (in a shared folder the project has a rollback journal already: store/location.py)
    if rollback_journal and not project.shared_folder:
        with contextlib.suppress(sqlite3.OperationalError):  # another connection: stays in WAL
            (mode,) = conn.execute("PRAGMA journal_mode = TRUNCATE").fetchone()
            switched = str(mode).lower() == "truncate"
    try:
        yield switched
    except BaseException:
        if switched:  # a failed write is rolled back already; the next open switches to WAL anyway
            with contextlib.suppress(ProjectError):
                back_to_wal(project)
        raise
    if switched:
        back_to_wal(project)


def back_to_wal(project: Project) -> None:
    """The project's own journal mode again (WAL), or a ProjectError saying it cannot be."""
    try:  # waits for a reader in the middle of a read (the switch is refused while it reads)
        mode = switch_journal_mode(project.conn, "wal")
    except sqlite3.Error as e:
        raise ProjectError(f"{project.path}: cannot switch the project back to WAL mode ({e})") from None
    if mode != "wal":
        raise ProjectError(f"{project.path}: cannot switch the project to WAL mode ({mode})")
