"""The portability lint (.ci/lint_portability.py) passes on the code, and catches what it is for."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("lint_portability", REPO / ".ci" / "lint_portability.py")
assert _spec is not None and _spec.loader is not None
lint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lint)


def test_no_unix_only_call_or_locale_encoding_in_src_and_tests() -> None:
    assert lint.check(lint.files()) == []


def _problems(tmp_path: Path, code: str) -> list[str]:
    path = REPO / "tests" / "portability" / "_sample_for_lint.py"  # relative_to(ROOT) must work
    del tmp_path
    src = code.strip() + "\n"
    tree = ast.parse(src)
    return lint._unix_only(path, src.splitlines(), lint._docstring_lines(tree)) + lint._encoding(path, tree)


def test_the_lint_catches_each_kind(tmp_path: Path) -> None:
    bad = {
        "import os, signal\nos.kill(1, signal.SIGKILL)": "Unix-only",
        "import os\nx = os.geteuid()": "Unix-only",
        "sink = open('/dev/null', 'w', encoding='utf-8')": "Unix-only",
        "exe = 'x/.venv/bin/python'": "Unix-only",
        "f = open('x.txt')": "open()",
        "f = open('x.txt', 'w')": "open()",
        "from pathlib import Path\nPath('x').read_text()": "read_text",
        "from pathlib import Path\nPath('x').write_text('é')": "write_text",
        "from pathlib import Path\nPath('x').open('a')": "open()",
        "import subprocess\nsubprocess.run(['x'], text=True)": "subprocess.run",
    }
    for code, kind in bad.items():
        found = _problems(tmp_path, code)
        assert len(found) == 1 and kind in found[0], (code, found)
    good = [
        "import os, sys\nif sys.platform == 'linux':\n    os.geteuid()",
        "import os\nuid = os.geteuid() if os.name != 'nt' else 0",
        "import os\nsink = open(os.devnull, 'w', encoding='utf-8')",
        "f = open('x', 'rb')",
        "from pathlib import Path\nPath('x').read_text(encoding='utf-8')",
        "import subprocess\nsubprocess.run(['x'], text=True, encoding='utf-8')",
        '"""Kill with SIGKILL: a docstring."""',
    ]
    for code in good:
        assert _problems(tmp_path, code) == [], code
