"""Walking a folder the user named: links that lead out of it are not followed.

A folder of articles may hold symbolic links; one pointing outside the folder (``notes.txt ->
/home/me/secret.txt``) would import a file the user never chose.  Such links are left out and
reported; links to files inside the folder are followed as the files they point to.
"""

from __future__ import annotations

from pathlib import Path


def link_leaving(folder: Path, path: Path) -> str | None:
    """Why ``path`` (found in ``folder``) is left out: a link, somewhere on its way, to a place
    outside ``folder``; None when it stays inside."""
    root = folder.resolve()
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return f"{path}: a link that cannot be followed (a loop?): left out"
    if target == root or root in target.parents:
        return None
    return f"{path}: a link to {target}, outside the folder {folder}: left out"
