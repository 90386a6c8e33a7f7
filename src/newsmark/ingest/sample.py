"""The default project: created with the sample articles the first time it is needed.

Both the command line (``newsmark`` with no arguments) and the window (first start) use it, so
it lives below both of them.
"""

from __future__ import annotations

import os
from pathlib import Path

from newsmark.core.atomicfile import process_tag, remove_stale_partials
from newsmark.ingest.batch import import_paths
from newsmark.resources import sample_paths
from newsmark.store.maintenance import ensure_recent_backup
from newsmark.store.project import Project


def ensure_default_project(path: Path) -> tuple[Project, bool]:
    """Open the project at ``path`` (keeping a recent backup), or create it there with the sample
    articles imported.  Returns the project and whether it was created."""
    if path.exists():
        project = Project.open(path)
        ensure_recent_backup(project)
        return project, False
    path.parent.mkdir(parents=True, exist_ok=True)
    # made beside it and put in place whole: a first start that fails or is killed midway
    # leaves no default project without its sample (which the next start would open as it is)
    for stale in remove_stale_partials(path):  # a killed first start's, with its journal
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{stale}{suffix}").unlink(missing_ok=True)
    partial = path.with_name(f".{path.name}.{process_tag()}-first.partial")
    try:
        with Project.create(partial) as made:
            samples = sample_paths()
            jsonl = [p for p in samples if p.suffix == ".jsonl"]
            import_paths(made, jsonl or samples)
        try:
            os.link(partial, path)  # never over a default project another start made meanwhile
        except FileExistsError:
            return ensure_default_project(path)
        except OSError:  # no hard links here (FAT, some network shares)
            if path.exists():
                return ensure_default_project(path)
            os.replace(partial, path)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return Project.open(path), True
