"""The windowed app (build.spec's second executable, docs/adr/0014) and what the spec builds."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_the_windowed_entry_opens_the_project_it_is_given(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), QT_QPA_PLATFORM="offscreen",
               NEWSMARK_QUIT_AFTER_MS="800", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    proj = tmp_path / "w.newsmark"
    subprocess.run([sys.executable, "-m", "newsmark", "init", str(proj)], env=env, check=True, capture_output=True)
    r = subprocess.run([sys.executable, "-m", "newsmark.gui.launcher", str(proj), "-psn_0_12345"], env=env,
                       capture_output=True, text=True, timeout=120, check=False, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "data" / "newsmark" / "default.newsmark").exists()
    conf = next((tmp_path / "config").rglob("*.ini")).read_text(encoding="utf-8")
    assert "w.newsmark" in conf


def _calls(name: str) -> list[ast.Call]:
    tree = ast.parse((REPO / "build.spec").read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name]


def test_the_spec_builds_a_console_and_a_windowed_executable() -> None:
    exes = {}
    for call in _calls("EXE"):
        kw = {k.arg: k.value for k in call.keywords}
        exes[ast.unparse(kw["name"])] = kw
        assert "UTF8" in ast.unparse(call.args[2])  # Python's UTF-8 mode in the frozen app
    assert ast.literal_eval(exes["'newsmark'"]["console"]) is True
    assert ast.literal_eval(exes["WINDOW_NAME"]["console"]) is False
    spec = (REPO / "build.spec").read_text(encoding="utf-8")
    assert 'WINDOW_NAME = "newsmark-window"' in spec  # not "Newsmark": one file on NTFS and APFS
    assert '("X utf8_mode=1", None, "OPTION")' in spec
    (coll,) = _calls("COLLECT")
    assert ast.unparse(coll.args[0]) == "window_exe"  # the .app's executable is the windowed one
    (bundle,) = _calls("BUNDLE")
    assert "version" in {k.arg for k in bundle.keywords}


def test_user_folders_are_isolated_whatever_the_system(monkeypatch, tmp_path: Path) -> None:
    """platformdirs asks Windows and macOS for their folders, not HOME/XDG: the autouse
    fixture replaces its answers, so that no test writes into the user's real data folder."""
    import platformdirs

    from newsmark.store.project import default_project_path

    monkeypatch.setattr(sys, "platform", "win32")
    home = Path(os.environ["HOME"])
    assert default_project_path().is_relative_to(home)
    assert platformdirs.user_config_path("newsmark").is_relative_to(home)


def test_the_window_says_when_a_project_uses_a_rollback_journal(qtbot, tmp_path: Path) -> None:
    from newsmark.gui.app import open_window
    from newsmark.store.project import Project

    path = tmp_path / "OneDrive - Uni" / "p.newsmark"
    path.parent.mkdir()
    Project.create(path).close()
    window = open_window(path, show=False)
    qtbot.addWidget(window)
    assert "rollback journal" in window.statusBar().currentMessage()  # type: ignore[attr-defined]
    window.project.close()  # type: ignore[attr-defined]
