"""The Windows and macOS installers' scripts, checked here (#20, point 11)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

ISS = REPO / "resources" / "packaging" / "windows" / "newsmark.iss"
DMG = REPO / "resources" / "packaging" / "macos" / "make-dmg.sh"


def test_inno_setup_puts_the_command_on_path_and_needs_6_3() -> None:
    iss = ISS.read_text(encoding="utf-8")
    assert "ChangesEnvironment=yes" in iss
    assert re.search(r'ValueName: "Path"; \\\s*ValueData: "\{olddata\};\{app\}"', iss)
    assert "CurUninstallStepChanged" in iss  # and takes it out again
    assert "#if VER < EncodeVer(6, 3, 0)" in iss and "x64compatible" in iss
    # the Start menu, desktop and "open with" start the windowed app, never the console one
    for line in iss.splitlines():
        if line.startswith(("Name: \"{group}\\Newsmark\"", "Name: \"{autodesktop}")):
            assert "newsmark-window.exe" in line


def _fake_tools(bin_dir: Path, log: Path) -> None:
    bin_dir.mkdir()
    for tool in ("hdiutil", "codesign", "xcrun"):
        script = bin_dir / tool
        script.write_text(
            "#!/bin/sh\n"
            f'echo "{tool} $*" >> "{log}"\n'
            'if [ "$1" = create ]; then for a; do last=$a; done; : > "$last"; fi\n',
            encoding="utf-8")
        script.chmod(0o755)


@pytest.mark.skipif(os.name == "nt" or shutil.which("sh") is None, reason="a POSIX shell runs the macOS script")
def test_the_dmg_script_needs_no_python_and_signs_before_it_builds(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "resources" / "packaging").mkdir(parents=True)
    shutil.copytree(REPO / "resources" / "packaging" / "macos", tree / "resources" / "packaging" / "macos")
    (tree / "src" / "newsmark").mkdir(parents=True)
    shutil.copy(REPO / "src" / "newsmark" / "__init__.py", tree / "src" / "newsmark")
    app = tree / "dist" / "Newsmark.app" / "Contents" / "MacOS"
    app.mkdir(parents=True)
    (app / "newsmark").write_text("", encoding="utf-8")
    (app / "newsmark").chmod(0o755)
    log = tmp_path / "calls.log"
    _fake_tools(tmp_path / "bin", log)
    # PATH without any python: the stock macOS has none called that
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "SIGN_IDENTITY": "Developer ID Application: Test", "NOTARY_PROFILE": "p"}
    r = subprocess.run(["sh", str(tree / "resources" / "packaging" / "macos" / "make-dmg.sh")],
                       capture_output=True, text=True, encoding="utf-8", env=env, check=False, timeout=60)
    from newsmark import __version__

    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(f"dist/Newsmark-{__version__}.dmg")
    calls = log.read_text(encoding="utf-8").splitlines()
    assert not any("--deep" in c for c in calls)
    first_create = next(i for i, c in enumerate(calls) if c.startswith("hdiutil create"))
    app_signed = [i for i, c in enumerate(calls) if c.startswith("codesign") and c.endswith("Newsmark.app")]
    assert app_signed and app_signed[0] < first_create  # the app is signed, then packed
    assert calls[-2].startswith("xcrun stapler staple") and calls.index(next(
        c for c in calls if c.startswith("xcrun notarytool submit"))) < len(calls) - 2
    script = DMG.read_text(encoding="utf-8")
    assert not re.search(r"(^|[\s$(])python3?\s", script.split("set -eu", 1)[1])
