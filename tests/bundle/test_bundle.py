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

EXE = ".exe" if os.name == "nt" else ""
BINARY = REPO / "dist" / "newsmark" / f"newsmark{EXE}"
WINDOW_BINARY = REPO / "dist" / "newsmark" / f"newsmark-window{EXE}"  # the windowed app (docs/adr/0014)
pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not BINARY.exists(), reason="no PyInstaller build in dist/ (run: pyinstaller build.spec)"),
]
# a clean environment as a user's: the system's folders only; on Windows Python and Qt need
# SYSTEMROOT, and the user folders come from APPDATA/LOCALAPPDATA, not HOME or XDG
CLEAN_PATH = ([os.path.join(os.environ.get("SYSTEMROOT", r"C:\Windows"), "System32")] if os.name == "nt"
              else ["/usr/bin", "/bin"])


def windows_env(home: Path) -> dict[str, str]:
    if os.name != "nt":
        return {}
    return {"SYSTEMROOT": os.environ.get("SYSTEMROOT", r"C:\Windows"), "USERPROFILE": str(home),
            "APPDATA": str(home / "AppData" / "Roaming"), "LOCALAPPDATA": str(home / "AppData" / "Local"),
            "TEMP": str(home / "Temp"), "TMP": str(home / "Temp")}


# lines Qt may print offscreen that say nothing about the app
HARMLESS = ("propagateSizeHints",)


def run(*args: str, home: Path, extra: dict[str, str] | None = None, timeout: int = 120,
        binary: Path = BINARY) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.pathsep.join(CLEAN_PATH), "HOME": str(home), "LANG": "C.UTF-8",
           "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
           **windows_env(home), **(extra or {})}
    r = subprocess.run([str(binary), *args], capture_output=True, text=True, env=env, timeout=timeout,
                       check=False, cwd=home, encoding="utf-8")
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
    assert "imported 1 new document" in run("import", str(proj), str(SEED_JSONL), home=tmp_path).stdout
    out = tmp_path / "out.jsonl"
    run("export", str(proj), "-o", str(out), home=tmp_path)
    (rec,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    (orig,) = [json.loads(x) for x in SEED_JSONL.read_text(encoding="utf-8").splitlines()]
    assert rec["text"] == orig["text"] and len(rec["annotations"]) == len(orig["annotations"]) == 20
    run("check", str(proj), home=tmp_path)


def test_large_jsonl_is_packed_in_worker_processes(tmp_path: Path) -> None:
    from newsmark.ingest.batch import BATCHED_IMPORT_BYTES

    (orig,) = [json.loads(x) for x in SEED_JSONL.read_text(encoding="utf-8").splitlines()]
    big = tmp_path / "big.jsonl"
    n = 0
    with big.open("w", encoding="utf-8") as f:
        while f.tell() <= BATCHED_IMPORT_BYTES:  # large enough for worker processes
            f.write(json.dumps({**orig, "id": f"d{n}"}, ensure_ascii=False) + "\n")
            n += 1
    proj = tmp_path / "big.newsmark"
    run("init", str(proj), home=tmp_path)
    # with 2+ cores the frozen app spawns itself as the workers (multiprocessing.freeze_support)
    out = run("import", str(proj), str(big), home=tmp_path)
    assert f"imported {n} new documents: {20 * n} annotations" in out.stdout
    run("check", str(proj), home=tmp_path)


def test_web_page_import(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html lang='en'><body><article><h1>Budget passed</h1><p>The council approved the "
                    "budget on Tuesday after a long debate about schools and roads in the city.</p></article>"
                    "</body></html>", encoding="utf-8")
    proj = tmp_path / "w.newsmark"
    run("init", str(proj), home=tmp_path)
    assert "imported 1 new document" in run("import", str(proj), str(page), home=tmp_path).stdout


def test_window_opens_offscreen_and_closes(tmp_path: Path) -> None:
    run(home=tmp_path, extra={"QT_QPA_PLATFORM": "offscreen", "NEWSMARK_QUIT_AFTER_MS": "1500"})
    assert (tmp_path / "data" / "newsmark" / "default.newsmark").exists()  # the sample project


def test_search_index_and_stance_map(tmp_path: Path) -> None:
    """The frozen app's SQLite has FTS5 with unicode61 remove_diacritics 2, and Qt's SVG
    renderer draws the stance map (issue #18)."""
    proj = tmp_path / "s.newsmark"
    run("init", str(proj), home=tmp_path)
    run("import", str(proj), str(SEED_JSONL), home=tmp_path)
    hits = [json.loads(x) for x in run("search", str(proj), "IMMUNITY", "--label", "QUOTE", "--speaker", "panetta",
                                       "--json", home=tmp_path).stdout.splitlines()]
    assert hits and all(h["label"] == "QUOTE" and h["speaker"] == "Leon Panetta" for h in hits)
    out = tmp_path / "stances.png"
    run("report", str(proj), "-o", str(out), "-o", str(tmp_path / "stances.html"), home=tmp_path,
        extra={"QT_QPA_PLATFORM": "offscreen"})
    assert out.read_bytes().startswith(b"\x89PNG")


def test_the_windowed_app_opens_the_project_it_is_given(tmp_path: Path) -> None:
    """The windowed executable (no console on Windows, the .app's on macOS) beside the console
    one, and a project file as its argument, as a double-click gives it."""
    assert WINDOW_BINARY.exists(), "build.spec builds the windowed app too"
    proj = tmp_path / "w.newsmark"
    run("init", str(proj), home=tmp_path)
    r = run(str(proj), home=tmp_path, binary=WINDOW_BINARY,
            extra={"QT_QPA_PLATFORM": "offscreen", "NEWSMARK_QUIT_AFTER_MS": "1500"})
    assert r.stdout == ""
    assert not (tmp_path / "data" / "newsmark" / "default.newsmark").exists()  # it opened proj instead
    conf = next((tmp_path / "config").rglob("*.ini")).read_text(encoding="utf-8")
    assert "w.newsmark" in conf  # remembered as the last project


def test_render_png(tmp_path: Path) -> None:
    proj = tmp_path / "r.newsmark"
    run("init", str(proj), home=tmp_path)
    run("import", str(proj), str(SEED_JSONL), home=tmp_path)
    out = tmp_path / "a.png"
    run("render", str(proj), "--doc", "000_b24136a7fc6a8277", "-o", str(out), home=tmp_path,
        extra={"QT_QPA_PLATFORM": "offscreen"})
    assert out.read_bytes().startswith(b"\x89PNG")


def test_linux_archive_installs_into_the_menu(tmp_path: Path) -> None:
    """`.ci/package-linux` makes the archive; its install.sh puts the app, the command, the
    menu entry and the icons in the user's folders, and the installed command runs."""
    import tarfile

    r = subprocess.run(["bash", str(REPO / ".ci" / "package-linux")], capture_output=True, text=True,
                       cwd=REPO, check=False, timeout=600, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    made = [REPO / line for line in r.stdout.split()]
    (archive,) = [m for m in made if m.name.endswith(".tar.gz")]
    debs = [m for m in made if m.suffix == ".deb"]
    if debs:
        _check_deb(debs[0], tmp_path / "deb")
        debs[0].unlink()
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (top,) = (tmp_path / "unpacked").iterdir()
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    r = subprocess.run(["sh", str(top / "install.sh")], capture_output=True, text=True, env=env, check=False, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    share = home / ".local" / "share"
    desktop = (share / "applications" / "newsmark.desktop").read_text(encoding="utf-8")
    assert "Name=Newsmark" in desktop and f"Exec={home}/.local/bin/newsmark" in desktop
    for size in (16, 48, 256):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "newsmark.png").read_bytes().startswith(b"\x89PNG")
    out = subprocess.run([str(home / ".local" / "bin" / "newsmark"), "--version"], capture_output=True, text=True,
                         env=env, check=False, encoding="utf-8")
    assert out.returncode == 0 and "newsmark" in out.stdout
    archive.unlink()



def _check_deb(deb: Path, where: Path) -> None:
    """The .deb: its control fields, the files it installs, and its command running."""
    from newsmark import __version__

    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True, encoding="utf-8").stdout
    assert "Package: newsmark" in fields and f"Version: {__version__}" in fields
    assert "Depends: libgl1, libegl1, fontconfig-config, fonts-dejavu-core" in fields
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True, encoding="utf-8").stdout
    assert "./usr/bin/newsmark -> /opt/newsmark/newsmark" in listing
    assert "root/root" in listing and "./usr/share/icons/hicolor/256x256/apps/newsmark.png" in listing
    subprocess.run(["dpkg-deb", "-x", str(deb), str(where)], check=True)
    desktop = (where / "usr/share/applications/newsmark.desktop").read_text(encoding="utf-8")
    assert "Exec=newsmark\n" in desktop and "Icon=newsmark" in desktop
    home = where / "home"
    home.mkdir()
    out = subprocess.run([str(where / "opt/newsmark/newsmark"), "--version"], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(home)}, check=False, encoding="utf-8")
    assert out.returncode == 0 and __version__ in out.stdout, out.stderr
    if os.environ.get("CI") and os.name != "nt" and os.geteuid() == 0 and not Path("/opt/newsmark").exists():
        # in CI's throwaway container: install it for real, run it from the PATH, remove it
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(home), "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True, env=env)
        try:
            out = subprocess.run(["newsmark", "--version"], capture_output=True, text=True, env=env, check=False, encoding="utf-8")
            assert out.returncode == 0 and __version__ in out.stdout, out.stderr
            assert Path("/usr/share/applications/newsmark.desktop").exists()
        finally:
            subprocess.run(["dpkg", "-r", "newsmark"], check=True, capture_output=True, env=env)
        assert not Path("/opt/newsmark").exists() and not Path("/usr/bin/newsmark").exists()


def test_windows_and_macos_icons_are_drawn_from_the_svg(tmp_path: Path) -> None:
    """build.spec draws the .ico and .icns on those systems with this script: check it here."""
    import sys

    pil = pytest.importorskip("PIL.Image", reason="Pillow (the dev extra) draws .ico/.icns")
    # in its own process: it makes a QGuiApplication, which would stay for the tests after this
    r = subprocess.run([sys.executable, str(REPO / "resources" / "packaging" / "make_icons.py"), str(tmp_path)],
                       capture_output=True, text=True, check=False, timeout=120,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    made = {Path(line).name: Path(line) for line in r.stdout.split()}
    assert {"16.png", "512.png", "newsmark.ico", "newsmark.icns"} <= set(made)
    with pil.open(made["newsmark.ico"]) as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with pil.open(made["newsmark.icns"]) as icns:
        assert (512, 512, 1) in icns.info["sizes"] and (16, 16, 2) in icns.info["sizes"]
        assert icns.convert("RGBA").getpixel((256, 256))[3] == 255  # drawn, not empty


ICU_LIB = BINARY.parent / "_internal" / "PySide6" / "Qt" / "lib"
TRIMMED_ICU = 8 * 2**20  # the English-only data is ~4 MiB; the full library 31 MiB


def _icu_data() -> Path:
    (lib,) = ICU_LIB.glob("libicudata.so.*")
    return lib


@pytest.mark.skipif(not ICU_LIB.is_dir(), reason="no Linux build")
def test_unpacked_size_within_target() -> None:
    if _icu_data().stat().st_size > TRIMMED_ICU:
        pytest.skip("ICU data kept whole: icu-devtools was missing when the app was built")
    size = sum(f.stat().st_size for f in BINARY.parent.rglob("*") if f.is_file() and not f.is_symlink())
    assert size <= 120 * 2**20, f"the app grew to {size / 2**20:.1f} MiB (target 120 MiB)"
    assert not [f for f in BINARY.parent.rglob("*") if f.is_symlink() and not f.exists()], "dangling links"


@pytest.mark.skipif(not ICU_LIB.is_dir(), reason="no Linux build")
def test_trimmed_icu_still_serves_qt(tmp_path: Path) -> None:
    """Qt with the bundle's trimmed ICU data (preloaded into this Python's PySide6, which is
    the same Qt build): collation, case mapping, time zones and text layout of every script
    still work with English-only data."""
    import sys

    if _icu_data().stat().st_size > TRIMMED_ICU:
        pytest.skip("ICU data kept whole: icu-devtools was missing when the app was built")
    code = r"""
from PySide6.QtCore import QCollator, QLocale, QTimeZone
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication([])
for loc in ("en", "de", "sv", "zh_CN", "ar"):  # others than English fall back to the root order
    c = QCollator(QLocale(loc))
    assert sorted(["b", "ä", "Z", "a"], key=c.sortKey) == ["a", "ä", "b", "Z"], loc
assert QLocale("de").toUpper("straße") == "STRASSE" and QLocale("tr").toUpper("i") == "\u0130"
assert QTimeZone(b"Europe/Berlin").isValid()
view = QPlainTextEdit()
view.setPlainText("漢字 😀 عربي ไทย ק\u05b8 e\u0301\r\nline\u2028two\u00a0x")
view.resize(400, 200); view.show(); app.processEvents()
assert view.document().blockCount() == 2
icu = {line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line}  # linux-only: ICU_LIB
assert icu and all("dist/newsmark" in p for p in icu), icu
print("ok")
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                       env={**os.environ, "LD_PRELOAD": str(_icu_data()), "QT_QPA_PLATFORM": "offscreen"}, encoding="utf-8")
    problems = [line for line in r.stderr.splitlines() if line.strip() and not any(h in line for h in HARMLESS)]
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
    assert problems == [], problems
