"""Shared fixtures: every test runs with its own user folders and Qt offscreen."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

# pandas (which seqeval's scikit-learn and DuckDB's results bring in) reads a file in the
# locale's encoding while it imports: under -X warn_default_encoding and a cp1252 locale that
# is an EncodingWarning, which the tests make an error, and a pandas import failed halfway
# breaks every later one.  Imported once here, its warnings not ours (the store no longer
# imports it at its start, where it used to be imported before any test ran).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", EncodingWarning)
    import pandas  # noqa: F401

# Qt must not look for a display in tests (set before any Qt import).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SEED_TXT = REPO / "seeds" / "000_b24136a7fc6a8277.txt"
SEED_JSONL = REPO / "seeds" / "000_b24136a7fc6a8277.jsonl"

# Texts that break offsets in other tools: astral emoji, a ZWJ family, astral CJK, combining
# marks, CRLF, NBSP, U+2028/U+2029, a BOM-like ZWNBSP and a NUL.
NAUGHTY = (
    "Leader 👩‍👩‍👧 said 😀 “we won”.\r\n"
    "𠀋𠀌 石油 kanji; café vs café (e + U+0301);\u00a0NBSP\u2028LS\u2029PS\r"
    "end\ufeff tab\tand \x00 NUL."
)


# File names in any script: always on Windows (UTF-16) and macOS; on Linux only when the
# locale's encoding is UTF-8 (.ci/run also runs tests under cp1252, as Windows' code page)
unicode_file_names = pytest.mark.skipif(
    sys.platform not in ("win32", "darwin") and sys.getfilesystemencoding().lower().replace("-", "") != "utf8",
    reason="file names beyond the locale's code page (a Linux-only limit; Windows and macOS take any)")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    # Windows: USERPROFILE and APPDATA for child processes and Qt; platformdirs asks Windows
    # itself (SHGetKnownFolderPath), which no variable redirects, so its answers are replaced
    # by the same folders as XDG's above, on every system
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("APPDATA", str(home / "config"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "data"))
    import platformdirs

    for name, sub in (("user_data_path", "data"), ("user_config_path", "config"),
                      ("user_cache_path", "cache"), ("user_state_path", "state")):
        monkeypatch.setattr(platformdirs, name, _user_path(home / sub))


def _user_path(base: Path) -> object:
    def user_path(appname: str | None = None, *args: object, **kwargs: object) -> Path:
        return base / appname if appname else base

    return user_path


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "test.newsmark"


@pytest.fixture
def project(project_path: Path) -> Iterator[object]:
    from newsmark.store import Project

    p = Project.create(project_path)
    yield p
    p.close()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is not at {CORPUS}")
    return CORPUS
