"""One way to find the app's bundled files, from a source checkout, a wheel or a frozen build."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _roots() -> tuple[Path, ...]:
    roots: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:  # PyInstaller: build.spec puts resources/ and seeds/ beside the package
        roots.append(Path(frozen) / "newsmark")
    roots.append(_PACKAGE)  # installed wheel: resources/ and seeds/ are inside the package
    roots.append(_PACKAGE.parent.parent)  # source checkout or editable install: the repo root
    return tuple(roots)


def _find(top: str, *parts: str) -> Path:
    for root in _roots():
        candidate = root.joinpath(top, *parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"bundled file not found: {'/'.join((top, *parts))} (looked in {[str(r) for r in _roots()]})"
    )


def resource_path(*parts: str) -> Path:
    """The path of a bundled file under ``resources/``."""
    return _find("resources", *parts)


def seeds_dir() -> Path:
    """The folder of sample articles (``seeds/``)."""
    return _find("seeds")


def default_schema_path() -> Path:
    return resource_path("schemas", "news.json")


def sample_paths() -> list[Path]:
    """The sample articles shipped in seeds/, in name order."""
    folder = seeds_dir()
    return sorted(p for p in folder.iterdir() if p.suffix in {".txt", ".jsonl"})
