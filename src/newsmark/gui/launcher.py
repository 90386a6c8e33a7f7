"""The windowed app's entry point (``Newsmark.exe`` on Windows, the executable of macOS's
``Newsmark.app``): no console window, the window only (docs/adr/0014).  A project file given
as the argument (a double-click, "Open with") is opened; the command line is the console
executable ``newsmark`` in the same folder."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()  # imports spawn worker processes from this executable too
    args = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-psn_")]  # macOS
    from newsmark.gui.app import run

    return run(Path(args[0]) if args else None)


if __name__ == "__main__":
    sys.exit(main())
