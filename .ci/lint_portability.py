#!/usr/bin/env python3
"""Portability lint (issue #20): what breaks on Windows or macOS, found in src/ and tests/.

1. Unix-only calls outside guarded code: ``signal.SIGKILL``, ``os.geteuid``/``getuid``,
   ``/dev/null``, ``/proc/``, ``.venv/bin``.  A use is guarded when the line, or an enclosing
   ``if``/``skipif`` within the 6 lines above it, tests the platform (``os.name``,
   ``sys.platform``, ``platform.system``) or the line says ``# linux-only: <why>`` (code that
   only a Linux build or a POSIX-only test reaches).
2. Text I/O in the locale's encoding (cp1252 on Windows): ``open()``/``Path.open()`` in text
   mode, ``read_text()``/``write_text()`` and ``subprocess`` with ``text=True`` without an
   ``encoding=`` (ruff's PLW1514 sees only ``open()``; Python's ``-X warn_default_encoding``
   only what the tests run).

Prints ``path:line: problem`` for each and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNIX_ONLY = re.compile(r"\bSIGKILL\b|\bgeteuid\b|\bgetuid\b|/dev/null|[\"']/proc/|\.venv/bin")
GUARD = re.compile(r"os\.name|sys\.platform|platform\.system|PLATFORM\b|linux-only")
SUBPROCESS = {"run", "Popen", "check_output", "call", "check_call"}


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            lines.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return lines


def _unix_only(path: Path, lines: list[str], docs: set[int]) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        code = line.split("  #", 1)[0]
        if i + 1 in docs or line.lstrip().startswith("#") or not UNIX_ONLY.search(code):
            continue
        window = lines[max(0, i - 6):i + 1]
        if any(GUARD.search(w) for w in window):
            continue
        out.append(f"{path.relative_to(ROOT)}:{i + 1}: Unix-only call outside a platform test: {line.strip()}")
    return out


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _encoding(path: Path, tree: ast.AST) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _kw(node, "encoding") is not None:
            continue
        if any(k.arg is None for k in node.keywords):  # **kwargs: cannot tell
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        problem = None
        if name == "open" and (isinstance(func, ast.Name) or isinstance(func, ast.Attribute)):
            mode = node.args[1] if len(node.args) > 1 else _kw(node, "mode")
            if isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and func.value.id in ("io", "builtins")):
                if not node.args and not node.keywords:
                    continue  # x.open(): a dialog's, a file's default "r" (ruff's PLW1514 and
                    # -X warn_default_encoding see that one)
                mode = node.args[0] if node.args else _kw(node, "mode")  # Path.open(mode)
                if isinstance(func.value, ast.Name) and func.value.id in ("os", "gzip", "tarfile", "zipfile", "bz2", "lzma", "webbrowser", "sqlite3"):
                    continue
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "b" in mode.value:
                continue
            if mode is not None and not isinstance(mode, ast.Constant):
                continue
            problem = "open() in text mode without encoding="
        elif name in ("read_text", "write_text") and isinstance(func, ast.Attribute):
            if name == "write_text" and len(node.args) > 1 or name == "read_text" and node.args:
                continue  # encoding given positionally
            problem = f"{name}() without encoding="
        elif name in SUBPROCESS and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id == "subprocess":
            text = _kw(node, "text") or _kw(node, "universal_newlines")
            if isinstance(text, ast.Constant) and text.value is True:
                problem = f"subprocess.{name}(text=True) without encoding="
        if problem:
            out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {problem} (the locale's code page on Windows)")
    return out


def check(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, str(path))
        problems += _unix_only(path, source.splitlines(), _docstring_lines(tree))
        problems += _encoding(path, tree)
    return problems


def files() -> list[Path]:
    samples = ROOT / "tests" / "portability" / "test_lint.py"  # the lint's own bad examples
    return sorted(p for d in ("src", "tests", "benchmarks") for p in (ROOT / d).rglob("*.py")
                  if "__pycache__" not in p.parts and p != samples)


if __name__ == "__main__":
    found = check(files())
    print("\n".join(found))
    sys.exit(1 if found else 0)
