"""Shared fixtures: every test runs with its own user folders and Qt offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))


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
