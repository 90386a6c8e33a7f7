"""The built app (dist/newsmark/newsmark from `pyinstaller build.spec`), run as a user with no
Python would run it: a clean environment, no venv on PATH.  Any unexpected line on stderr
fails.  Skipped when there is no build (`.ci/run` builds it first)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_JSONL

BINARY = REPO / "dist" / "newsmark" / "newsmark"
pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not BINARY.exists(), reason="no PyInstaller build in dist/ (run: pyinstaller build.spec)"),
]
# lines Qt may print offscreen that say nothing about the app
HARMLESS = ("propagateSizeHints",)


def run(*args: str, home: Path, extra: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"), **(extra or {})}
    r = subprocess.run([str(BINARY), *args], capture_output=True, text=True, env=env, timeout=timeout,
                       check=False, cwd=home)
    unexpected = [line for line in r.stderr.splitlines()
                  if line.strip() and not any(h in line for h in HARMLESS)
                  and not line.startswith(("exported ", "created ", "wrote "))]
    assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stderr}"
    assert unexpected == [], f"{args}: unexpected stderr: {unexpected}"
    return r


def test_version(tmp_path: Path) -> None:
    from newsmark import __version__

    assert __version__ in run("--version", home=tmp_path).stdout


def test_jsonl_round_trip(tmp_path: Path) -> None:
    proj = tmp_path / "b.newsmark"
    run("init", str(proj), home=tmp_path)
    assert "imported 1 new documents" in run("import", str(proj), str(SEED_JSONL), home=tmp_path).stdout
    out = tmp_path / "out.jsonl"
    run("export", str(proj), "-o", str(out), home=tmp_path)
    (rec,) = [json.loads(x) for x in out.read_text().splitlines()]
    (orig,) = [json.loads(x) for x in SEED_JSONL.read_text().splitlines()]
    assert rec["text"] == orig["text"] and len(rec["annotations"]) == len(orig["annotations"]) == 20
    run("check", str(proj), home=tmp_path)


def test_web_page_import(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html lang='en'><body><article><h1>Budget passed</h1><p>The council approved the "
                    "budget on Tuesday after a long debate about schools and roads in the city.</p></article>"
                    "</body></html>")
    proj = tmp_path / "w.newsmark"
    run("init", str(proj), home=tmp_path)
    assert "imported 1 new documents" in run("import", str(proj), str(page), home=tmp_path).stdout


def test_window_opens_offscreen_and_closes(tmp_path: Path) -> None:
    run(home=tmp_path, extra={"QT_QPA_PLATFORM": "offscreen", "NEWSMARK_QUIT_AFTER_MS": "1500"})
    assert (tmp_path / "data" / "newsmark" / "default.newsmark").exists()  # the sample project


def test_render_png(tmp_path: Path) -> None:
    proj = tmp_path / "r.newsmark"
    run("init", str(proj), home=tmp_path)
    run("import", str(proj), str(SEED_JSONL), home=tmp_path)
    out = tmp_path / "a.png"
    run("render", str(proj), "--doc", "000_b24136a7fc6a8277", "-o", str(out), home=tmp_path,
        extra={"QT_QPA_PLATFORM": "offscreen"})
    assert out.read_bytes().startswith(b"\x89PNG")


def test_size_is_recorded() -> None:
    size = sum(f.lstat().st_size for f in BINARY.parent.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"\nunpacked size: {size / 2**20:.0f} MiB")
    assert size > 0
    if os.environ.get("NEWSMARK_SIZE_LIMIT_MIB"):
        assert size / 2**20 <= float(os.environ["NEWSMARK_SIZE_LIMIT_MIB"])


def test_linux_archive_installs_into_the_menu(tmp_path: Path) -> None:
    """`.ci/package-linux` makes the archive; its install.sh puts the app, the command, the
    menu entry and the icons in the user's folders, and the installed command runs."""
    import tarfile

    r = subprocess.run(["bash", str(REPO / ".ci" / "package-linux")], capture_output=True, text=True,
                       cwd=REPO, check=False, timeout=600)
    assert r.returncode == 0, r.stderr
    archive = REPO / r.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (top,) = (tmp_path / "unpacked").iterdir()
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    r = subprocess.run(["sh", str(top / "install.sh")], capture_output=True, text=True, env=env, check=False)
    assert r.returncode == 0, r.stderr
    share = home / ".local" / "share"
    desktop = (share / "applications" / "newsmark.desktop").read_text()
    assert "Name=Newsmark" in desktop and f"Exec={home}/.local/bin/newsmark" in desktop
    for size in (16, 48, 256):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "newsmark.png").read_bytes().startswith(b"\x89PNG")
    out = subprocess.run([str(home / ".local" / "bin" / "newsmark"), "--version"], capture_output=True, text=True,
                         env=env, check=False)
    assert out.returncode == 0 and "newsmark" in out.stdout
    archive.unlink()
