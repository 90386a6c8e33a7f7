"""A worker process the window talks to through a pipe, never waiting on it.

The process is spawned (the same executable; frozen builds run it through
``multiprocessing.freeze_support()``).  Two small threads of the window's process carry the
messages: one sends what the window queued (a busy worker that does not read cannot block the
window's thread on a full pipe), one receives and hands each message to the window's thread as
a queued signal.  Neither holds the interpreter's lock longer than a message takes to pickle.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class WorkerProcess(QObject):
    received = Signal(object)  # a message from the process
    ended = Signal(str)  # the process ended without being asked to: why

    def __init__(self, target: Callable[..., Any], args: tuple[Any, ...], name: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        ctx = multiprocessing.get_context("spawn")  # no fork of a process running Qt's threads
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(child, *args), name=name, daemon=True)
        self.process.start()
        child.close()
        self.closing = False
        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, name=f"{name}-reader", daemon=True)
        self._writer = threading.Thread(target=self._write, name=f"{name}-writer", daemon=True)
        self._reader.start()
        self._writer.start()

    @property
    def alive(self) -> bool:
        return not self.closing and self.process.is_alive()

    def send(self, message: Any) -> None:
        """Queue a message for the process (returns at once)."""
        if not self.closing:
            self._outbox.put(message)

    def _write(self) -> None:
        while True:
            message = self._outbox.get()
            if message is None:
                return
            try:
                self._conn.send(message)
            except (OSError, ValueError):  # the process is gone: the reader says so
                return

    def _read(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                break
            if not self.closing:
                self.received.emit(message)
        if not self.closing:
            self.process.join(2)
            code = self.process.exitcode
            self.ended.emit(f"exit code {code}" if code is not None and code >= 0 else
                            f"killed by signal {-code}" if code is not None else "its pipe closed")

    def stop(self, patience_s: float) -> None:
        """Ask the process to end; after ``patience_s`` it is killed (every write it makes is a
        transaction of its own: a killed worker leaves the project as it was).  Nothing is
        received after this returns."""
        if self.closing:
            return
        self.closing = True
        self._outbox.put(("stop",))
        self._outbox.put(None)
        self.process.join(patience_s)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self._reader.join(5)  # the process's end of the pipe is closed: the reader has ended
        self._writer.join(1)
        with contextlib.suppress(OSError):
            self._conn.close()
        with contextlib.suppress(ValueError):
            self.process.close()
