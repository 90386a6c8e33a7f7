"""The SQLite project store (no Qt)."""

import sys

# sqlite-utils imports pandas and numpy when they are installed, for column types the store
# never gives it: 0.4 s of every command's start (and of every import worker's) with them
# installed.  So it is imported without them; they import as usual afterwards.
_held = [name for name in ("pandas", "numpy") if name not in sys.modules]
for _name in _held:
    sys.modules[_name] = None  # type: ignore[assignment]  # an import of it fails: ImportError
try:
    import sqlite_utils  # noqa: F401
finally:
    for _name in _held:
        if sys.modules.get(_name, 0) is None:
            del sys.modules[_name]

from newsmark.store.project import KEEP, DocumentSummary, Project, default_project_path  # noqa: E402

__all__ = ["KEEP", "DocumentSummary", "Project", "default_project_path"]
