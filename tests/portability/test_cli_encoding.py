"""The command line writes UTF-8 whatever the locale's code page (#20, point 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

TEXT = "Новости 😀 — «مرحبا» said 石油 minister.\n"


def _run(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "newsmark", *map(str, args)], capture_output=True,
                          env=env, check=False, timeout=120)


@pytest.mark.parametrize("code_page", ["cp1252", "ascii"])
def test_piped_output_is_utf8_under_an_ansi_code_page(tmp_path: Path, code_page: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), PYTHONIOENCODING=code_page, PYTHONUTF8="0")
    proj, src = tmp_path / "p.newsmark", tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert _run("init", proj, env=env).returncode == 0
    r = _run("import", proj, src, env=env)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    start = TEXT.index("«")  # offsets: arguments, like file names, are in the locale's encoding on Linux
    r = _run("annotate", proj, "--doc", "a", "--label", "QUOTE", "--start", start, "--end", start + 7, env=env)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    assert json.loads(r.stdout.decode("utf-8"))["text"] == "«مرحبا»"
    r = _run("list", proj, env=env)
    assert r.returncode == 0 and "Новости 😀" in r.stdout.decode("utf-8")
    # stored once: a script that saw exit code 0 does not retry
    r = _run("export", proj, "--format", "jsonl", env=env)
    assert r.returncode == 0
    (line,) = r.stdout.decode("utf-8").splitlines()
    assert len(json.loads(line)["annotations"]) == 1
