"""SQLite URIs for project files, built the same way for every system (issue #20, point 4).

``Path.resolve().as_uri()`` makes ``file://server/share/...`` for a UNC path (and for a mapped
drive, which ``resolve()`` turns into its UNC path), and SQLite refuses any URI authority but
an empty one or ``localhost`` ("invalid uri authority"): every read-only command failed on a
network drive.  SQLite wants ``file:///C:/dir/p.newsmark`` for a drive and
``file:////server/share/p.newsmark`` for a share, with ``?``, ``#`` and ``%`` escaped (they
would start the query, the fragment or an escape).
"""

from __future__ import annotations

import os
from pathlib import PurePath
from urllib.parse import quote

# Characters left as they are in the URI's path: everything else is %-escaped as UTF-8
_SAFE = "/:!$&'()*+,;=@~-._"


def project_uri(path: str | os.PathLike[str], *, windows: bool | None = None, **query: str) -> str:
    """The ``file:`` URI of an absolute project path, for ``sqlite3.connect(..., uri=True)``.

    ``windows`` says how to read ``path`` (by default: as this system does); keyword arguments
    become the query (``mode="ro"``).
    """
    windows = os.name == "nt" if windows is None else windows
    text = os.fspath(path) if not isinstance(path, PurePath) else str(path)
    if windows:
        text = text.replace("/", "\\")
        if text.upper().startswith("\\\\?\\UNC\\"):  # \\?\UNC\server\share\... : a share
            text = "\\\\" + text[8:]
        elif text.startswith(("\\\\?\\", "\\\\.\\")):  # \\?\C:\... : a drive, long-path form
            text = text[4:]
        text = text.replace("\\", "/")
        if text.startswith("//"):  # \\server\share\p -> file:////server/share/p
            body = "//" + quote(text[2:], safe=_SAFE)
        else:  # C:\dir\p -> file:///C:/dir/p
            if len(text) < 2 or text[1] != ":":
                raise ValueError(f"not an absolute Windows path: {path}")
            body = "/" + quote(text, safe=_SAFE)
    else:
        if not text.startswith("/"):
            raise ValueError(f"not an absolute path: {path}")
        body = quote(text.replace("//", "/") if text.startswith("//") else text, safe=_SAFE)
    uri = f"file://{body}"
    if query:
        uri += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return uri
