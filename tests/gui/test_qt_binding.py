"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call that returns
nothing and aborts the interpreter (``Fatal Python error: none_dealloc``) after a few
thousand.  pyproject.toml pins PySide6-Essentials<6.12 there; this test makes 200,000 such
calls in a child interpreter so that an unpinned or broken binding fails here, not in the
annotator's window."""

from __future__ import annotations

import subprocess
import sys

CHILD = """
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
obj = QObject()
label = QLabel()
for i in range(100_000):
    obj.setObjectName("n")          # returns None
    label.setToolTip("t")            # returns None
print("ok", sys.getrefcount(None) > 0)
"""


def test_200000_qt_calls_returning_none_do_not_abort() -> None:
    r = subprocess.run([sys.executable, "-c", "import sys\n" + CHILD], capture_output=True, text=True,
                       timeout=300, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
                       check=False, encoding="utf-8")
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok True"
