"""Imports point down only (../shared/STYLE.md): the core under the store, the store under the
formats and the rooms (suggest, team, corpus), those under ingest, and the command line and
the window on top; the window never imports the command line, the store never the formats."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "newsmark"

# what each part of newsmark may import, besides itself
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "resources": {"core"},
    "store": {"core", "resources"},
    "formats": {"core", "store"},
    "attribution": {"core"},
    "suggest": {"core", "store", "attribution"},
    "team": {"core", "store"},
    "corpus": {"core", "store", "attribution"},  # a pronoun is named by attribution.names
    "ingest": {"core", "store", "formats", "resources"},
    "gui": {"core", "store", "formats", "ingest", "resources", "attribution", "suggest", "team", "corpus"},
    "cli": {"core", "store", "formats", "ingest", "resources", "attribution", "suggest", "team", "corpus",
            "gui"},  # `newsmark open` starts the window
    "__main__": {"cli"},
}
TOP_LEVEL_NAMES = {"__version__", "APP_NAME"}  # newsmark/__init__.py's constants: anyone may read them


def _imports(path: Path, package: tuple[str, ...] = ()) -> set[str]:
    """The parts of newsmark that the module at ``path`` imports; ``package``: the module's
    package (("newsmark", "store") for store/x.py), for relative imports."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:  # from ..formats import jsonl
            base = ".".join(package[:len(package) - node.level + 1])
            module = f"{base}.{node.module}" if node.module else base
            names = [module] if module != "newsmark" else [f"newsmark.{a.name}" for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "newsmark" else [f"newsmark.{a.name}" for a in node.names]
        else:
            continue
        out |= {n.split(".")[1] for n in names if n.startswith("newsmark.")}
    return out - TOP_LEVEL_NAMES


def test_imports_point_down_only() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        part = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if part == "__init__":
            continue
        assert part in ALLOWED, f"{rel}: a new part of newsmark: say in ALLOWED where it sits"
        package = ("newsmark", *rel.parts[:-1])  # an __init__.py is its folder's package too
        for target in _imports(path, package) - {part}:
            if target not in ALLOWED[part]:
                wrong.append(f"{rel} imports newsmark.{target}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_arrow(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("from newsmark.cli import main\nimport newsmark.formats.jsonl\nfrom newsmark import __version__\n",
                   encoding="utf-8")
    assert _imports(bad) == {"cli", "formats"}


def test_the_check_sees_a_relative_import(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("from ..formats import jsonl\nfrom . import packed\nfrom .. import cli\nfrom ...x import y\n",
                   encoding="utf-8")
    assert _imports(bad, ("newsmark", "store")) - {"store"} == {"formats", "cli"}
