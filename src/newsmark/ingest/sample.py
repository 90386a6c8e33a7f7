"""The default project: created with the sample articles the first time it is needed.

Both the command line (``newsmark`` with no arguments) and the window (first start) use it, so
it lives below both of them.
"""

from __future__ import annotations

from pathlib import Path

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
    project = Project.create(path)
    samples = sample_paths()
    jsonl = [p for p in samples if p.suffix == ".jsonl"]
    import_paths(project, jsonl or samples)
    return project, True
