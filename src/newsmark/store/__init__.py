"""The SQLite project store (no Qt)."""

from newsmark.store.project import KEEP, DocumentSummary, Project, default_project_path

__all__ = ["KEEP", "DocumentSummary", "Project", "default_project_path"]
