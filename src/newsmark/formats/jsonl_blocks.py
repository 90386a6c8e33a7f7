"""The worker side of a large native JSONL import (``jsonl.read`` with workers): reading the
lines that begin in a block of the file, checking and packing them (``records.pack_lines``).

Apart from ``jsonl`` so that the spawned worker processes import only this, the checking and
packing and the core (no store, no sqlite_utils, no click): ~0.1 s less of each one's start-up.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, BinaryIO

from newsmark.core.rules import Rules
from newsmark.formats.records import pack_lines


def worker_setup(parent: int) -> None:
    """In a worker: Ctrl+C is for the importer, which stops the workers (no tracebacks from
    them); and the importer, which writes, has the CPU first (the workers keep ahead of it).
    A worker ends itself when the importer is gone (killed: it had no chance to stop them)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):  # os.nice: not on Windows
        os.nice(10)
    die_with_parent(parent)


PARENT_CHECK_SECONDS = 0.25


def die_with_parent(parent: int) -> None:
    """In a worker process started by process ``parent``: exit as soon as that process is gone
    (a SIGKILLed import cannot stop its workers, which would otherwise run on for the rest of
    the file)."""
    import threading
    import time

    if os.getppid() != parent:  # gone while this worker started
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:  # re-parented: the importer is gone
                os._exit(1)

    threading.Thread(target=watch, name="newsmark-parent-watch", daemon=True).start()


_READ_ON = 1 << 20


def block_lines(f: BinaryIO, start: int, end: int) -> list[bytes]:
    """The lines (each with its newline, as iterating over the file gives them) that begin at
    a byte in [start, end) of the open file ``f``; a line longer than the block is read to its
    end.  Every line of the file begins in exactly one block."""

    def read_at(pos: int, n: int) -> bytes:
        f.seek(pos)
        return f.read(n)

    # buf[j] is the file's byte at start - 1 + j; before the first byte, a newline
    buf = b"\n" + read_at(0, end) if start == 0 else read_at(start - 1, end - start + 1)
    limit = min(end - start, len(buf))  # a newline at j < limit begins a line in this block
    lines: list[bytes] = []
    j = buf.find(b"\n", 0, limit)
    while j != -1:
        k = buf.find(b"\n", j + 1)
        if k != -1:
            lines.append(buf[j + 1:k + 1])
            j = k if k < limit else -1
            continue
        rest = [buf[j + 1:]]  # the last line runs past the block: read on to its newline
        pos = start - 1 + len(buf)
        while more := read_at(pos, _READ_ON):
            n = more.find(b"\n")
            if n != -1:
                rest.append(more[:n + 1])
                break
            rest.append(more)
            pos += len(more)
        line = b"".join(rest)
        if line:  # nothing after the file's last newline is no line
            lines.append(line)
        break
    if start == 0 and lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]  # a UTF-8 byte order mark
    return lines


class FileChanged(Exception):
    """The file a worker reads its block of is no longer the one the import began with."""


def file_identity(f: BinaryIO) -> tuple[int, int, int, int]:
    """What tells that an open file is still the one an import began reading: the same file
    (not another renamed over it), neither written to nor truncated since."""
    st = os.fstat(f.fileno())
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def pack_block(path: str, start: int, end: int, layers: dict[str, str], rules: Rules | None,
               speaker_labels: frozenset[str] | None,
               identity: tuple[int, int, int, int] | None = None) -> tuple[list[int], list[Any]]:
    """In a worker: the lines beginning in [start, end) of the file, checked and packed
    (``records.pack_lines``): their lengths, and for each its packed tuple, or its bytes when
    the full path must read it.  The worker reads the file itself: the importer sends it two
    numbers, not the lines.  Given the file's ``identity`` when the import began, a file
    replaced or written to since raises FileChanged (its blocks would mix two files)."""
    with open(path, "rb", buffering=0) as f:
        if identity is not None and file_identity(f) != identity:
            raise FileChanged
        lines = block_lines(f, start, end)
        if identity is not None and file_identity(f) != identity:
            raise FileChanged
    packed = pack_lines(lines, layers, rules, speaker_labels)
    return [len(raw) for raw in lines], [raw if p is None else p for p, raw in zip(packed, lines, strict=True)]
