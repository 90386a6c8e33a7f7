"""The default project (ingest/sample.py): made whole or not at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsmark.core.atomicfile import process_tag
from newsmark.ingest import sample


def test_a_failed_first_start_leaves_no_default_project_without_its_sample(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data" / "default.newsmark"

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("killed")

    monkeypatch.setattr(sample, "import_paths", fail)
    with pytest.raises(OSError):
        sample.ensure_default_project(path)
    assert not path.exists() and sorted(p.name for p in path.parent.iterdir()) == []
    monkeypatch.undo()
    project, created = sample.ensure_default_project(path)
    with project:
        assert created and sum(s.annotations for s in project.document_summaries()) >= 20
    project, created = sample.ensure_default_project(path)
    with project:
        assert not created


def test_a_killed_first_starts_leftovers_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "default.newsmark"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, encoding="utf-8")
    tag = process_tag().replace(str(os.getpid()), dead.stdout.strip(), 1)
    left = [tmp_path / f".default.newsmark.{tag}-first.partial{s}" for s in ("", "-wal", "-shm")]
    for f in left:
        f.write_bytes(b"half")
    project, created = sample.ensure_default_project(path)
    project.close()
    assert created and sorted(p.name for p in tmp_path.iterdir()) == ["default.newsmark"]
