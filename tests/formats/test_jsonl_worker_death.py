"""A worker process of a large JSONL import killed (the kernel's out-of-memory killer, a user's
kill): the import stops with one line naming the file, nothing of it imported (a
BrokenProcessPool traceback before)."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from newsmark.core.errors import NewsmarkError
from newsmark.formats import jsonl
from newsmark.store import Project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _file(path: Path, docs: int) -> Path:
    text = "The minister said the talks would go on. " * 60
    with path.open("wb") as f:
        for d in range(docs):
            anns = [{"id": f"a{i}", "start": i * 42, "end": i * 42 + 12, "label": "PERSON"} for i in range(40)]
            f.write(orjson.dumps({"id": f"d{d}", "text": text, "annotations": anns}) + b"\n")
    return path


def _kill_a_worker_at(monkeypatch: pytest.MonkeyPatch, submission: int) -> None:
    """The import's pool kills one of its worker processes (SIGKILL) at its ``submission``-th
    task, as the kernel's out-of-memory killer would; early (the first tasks are queued at once,
    before the workers have started), so that no worker is killed while it writes a result."""

    class KillingPool(concurrent.futures.ProcessPoolExecutor):
        submitted = 0

        def submit(self, *args: Any, **kwargs: Any) -> Any:
            future = super().submit(*args, **kwargs)
            KillingPool.submitted += 1
            if KillingPool.submitted == submission:
                # linux-only: the module is skipped on Windows (SIGKILL)
                os.kill(next(iter(self._processes)), signal.SIGKILL)  # type: ignore[attr-defined]  # linux-only
            return future

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", KillingPool)


def _break_the_pool_at(monkeypatch: pytest.MonkeyPatch, submission: int) -> None:
    """The import's pool breaks at its ``submission``-th task: that task and the later ones fail
    with BrokenProcessPool, as the pool's tasks do once a worker is killed."""
    from concurrent.futures.process import BrokenProcessPool

    class BreakingPool(concurrent.futures.ProcessPoolExecutor):
        submitted = 0

        def submit(self, *args: Any, **kwargs: Any) -> Any:
            BreakingPool.submitted += 1
            if BreakingPool.submitted < submission:
                return super().submit(*args, **kwargs)
            broken: concurrent.futures.Future[Any] = concurrent.futures.Future()
            broken.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
            return broken

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", BreakingPool)


def test_a_killed_worker_stops_the_read_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path / "big.jsonl", docs=400)
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 64 * 1024)
    _kill_a_worker_at(monkeypatch, 3)
    with pytest.raises(NewsmarkError) as caught:
        for _ in jsonl.read(path, layers={}, workers=2):
            pass
    message = str(caught.value)
    assert str(path) in message and "worker process" in message and "killed" in message
    assert "\n" not in message


def test_the_import_is_taken_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsmark.ingest import batch

    path = _file(tmp_path / "big.jsonl", docs=1500)
    project = Project.create(tmp_path / "p.newsmark")
    monkeypatch.setattr(batch, "JSONL_WORKERS", 2)
    monkeypatch.setattr(batch, "BATCHED_IMPORT_BYTES", 1 << 20)  # this file is read by the workers
    monkeypatch.setattr(batch, "BATCH_DOCUMENTS", 50)
    monkeypatch.setattr(batch, "BULK_BATCH_DOCUMENTS", 50)
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 64 * 1024)  # ~20 articles a block: ~75 blocks
    written: list[int] = []  # documents written by each batch before the kill
    real = Project.insert_packed_many

    def insert_packed_many(self: Project, items: Any, *args: Any, **kwargs: Any) -> Any:
        written.append(len(items))
        return real(self, items, *args, **kwargs)

    monkeypatch.setattr(Project, "insert_packed_many", insert_packed_many)
    # once some batches are written (32 tasks are queued first), the pool breaks as when a worker
    # is killed: a worker killed while it writes its result can leave the pool's reader waiting
    # for the rest of it for ever (CPython's), so the break is made here, not by a kill
    _break_the_pool_at(monkeypatch, 60)
    with pytest.raises(NewsmarkError, match="worker process"):
        batch.import_paths(project, [path])
    assert sum(written) >= 100, written  # batches were committed, then taken back
    assert project.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert project.conn.execute("SELECT count(*) FROM packed").fetchone()[0] == 0
    project.close()
