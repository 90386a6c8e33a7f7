"""The installation: every package the code imports is declared, and a missing one is a
one-line message naming what to install, never a traceback."""

from __future__ import annotations

import ast
import pickle
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from newsmark.core.dependencies import MissingDependencyError, missing_dependency
from tests.conftest import REPO

PAGE = (b"<html lang='en'><head><title>Bridge</title></head><body><article><p>The council voted on "
        b"Tuesday to approve the bridge across the river, ending a long dispute between residents "
        b"and the harbour board.</p></article></body></html>")


def _declared(*extras: str) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return {re.split(r"[\s\[<>=;!~]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}


# Scripts run by another environment's Python, with what installs that environment
OTHER_ENVIRONMENTS = {"tests/formats/label_studio_sdk_check.py": ".ci/label-studio-venv"}


def _imported(folder: Path) -> dict[str, str]:
    """Top-level third-party modules imported anywhere under ``folder``, with one place each."""
    found: dict[str, str] = {}
    for path in folder.rglob("*.py"):
        if path.relative_to(REPO).as_posix() in OTHER_ENVIRONMENTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("newsmark", "tests", "__future__"):
                    found.setdefault(top, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


@pytest.mark.parametrize(("folder", "extras"), [("src", ("spacy", "parquet")), ("tests", ("test", "spacy"))])
def test_every_imported_package_is_declared(folder: str, extras: tuple[str, ...]) -> None:
    distributions = packages_distributions()
    declared = _declared(*extras)
    undeclared = []
    for module, where in _imported(REPO / folder).items():
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & declared:
            undeclared.append(f"{module} ({', '.join(sorted(names))}) imported at {where}")
    assert undeclared == []


def test_scripts_of_other_environments_import_what_those_install() -> None:
    for script, installer in OTHER_ENVIRONMENTS.items():
        tops = {name.split(".")[0] for name in _imports_of(REPO / script)} - set(sys.stdlib_module_names)
        # what the installer names with pip (label-studio brings label-studio-sdk with it)
        installed = re.findall(r"pip install -q \"?([\w-]+)", (REPO / installer).read_text(encoding="utf-8"))
        packages = {p.replace("-", "_") for p in installed if p != "--upgrade"}
        assert tops and all(any(top.startswith(p) for p in packages) for top in tops), (script, tops, packages)


def _imports_of(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def test_the_html_cleaner_is_declared_for_old_pips() -> None:
    # pip 23.2 (Python 3.11's venv) does not match justext's lxml[html_clean] to lxml 6's
    # html-clean extra: the package must be named for itself
    assert "lxml-html-clean" in _declared()


@pytest.mark.parametrize(("error", "package"), [
    (ModuleNotFoundError("No module named 'sqlite_utils'", name="sqlite_utils"), "sqlite-utils"),
    (ModuleNotFoundError("No module named 'PySide6.QtGui'", name="PySide6.QtGui"), "PySide6-Essentials"),
    (ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura"), "trafilatura"),
    (ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\n"
                 "Install lxml[html-clean] or lxml_html_clean directly."), "lxml_html_clean"),
    (ImportError("libEGL.so.1: cannot open shared object file: No such file or directory",
                 name="PySide6.QtGui"), "libEGL.so.1"),
])
def test_a_missing_package_names_what_to_install(error: ImportError, package: str) -> None:
    missing = missing_dependency(error, "importing a web page")
    assert missing is not None and package in str(missing)
    assert "\n" not in str(missing) and str(missing).startswith("importing a web page: ")
    assert str(pickle.loads(pickle.dumps(missing))) == str(missing)  # raised in worker processes too


@pytest.mark.parametrize("error", [
    ModuleNotFoundError("No module named 'newsmark.nothing'", name="newsmark.nothing"),
    ModuleNotFoundError("No module named 'json'", name="json"),
    ImportError("cannot import name 'x' from 'trafilatura'", name="trafilatura"),
])
def test_our_own_bugs_keep_their_traceback(error: ImportError) -> None:
    assert missing_dependency(error) is None


def _cli_without(blocked: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = (f"import sys; sys.modules[{blocked!r}] = None\n"
            "from newsmark.cli import main\n"
            f"main({list(args)!r})")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(REPO / "src")}, encoding="utf-8")


def test_a_web_page_import_without_the_html_cleaner_says_what_to_install(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    project = tmp_path / "p.newsmark"
    assert _cli_without("nothing", "init", str(project)).returncode == 0
    # what a pip that misses lxml's html-clean extra leaves: lxml.html.clean raises its ImportError
    result = _cli_without("lxml_html_clean", "import", str(project), str(page))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: importing a web page: the Python package 'lxml_html_clean' is not installed; "
        "install it with: pip install lxml_html_clean"]
    listed = _cli_without("nothing", "list", str(project))
    assert listed.stdout == ""  # nothing half-done


def test_any_command_missing_a_package_says_which(tmp_path: Path) -> None:
    result = _cli_without("sqlite_utils", "init", str(tmp_path / "p.newsmark"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pip install sqlite-utils" in result.stderr
    assert not (tmp_path / "p.newsmark").exists()


@pytest.mark.parametrize("module", ["click", "msgspec"])
def test_the_command_line_without_a_package_it_starts_with_says_which(module: str) -> None:
    result = _cli_without(module, "--version")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"newsmark: the Python package '{module}' is not installed; "
                                     f"install it with: pip install {module}")


def test_a_command_without_orjson_says_which(tmp_path: Path) -> None:
    """orjson is not needed to start (--version works without it), but by every command that
    opens a project."""
    project = tmp_path / "p.newsmark"
    assert _cli_without("nothing", "init", str(project)).returncode == 0
    for command in (["list", str(project)], ["export", str(project)]):
        result = _cli_without("orjson", *command)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip() == ("Error: the Python package 'orjson' is not installed; "
                                         "install it with: pip install orjson")


def test_missing_dependency_is_a_newsmark_error() -> None:
    from newsmark.core.errors import NewsmarkError

    assert issubclass(MissingDependencyError, NewsmarkError)
