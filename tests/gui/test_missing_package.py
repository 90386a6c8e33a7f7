"""In the window, an import or export that needs a package missing from the installation
ends with a message naming what to install (not a traceback on the console)."""

from __future__ import annotations

from typing import Any

import pytest

from newsmark.gui.dialogs.transfer import Worker


def _run(job: Any) -> list[tuple[Any, str]]:
    worker = Worker(job)
    seen: list[tuple[Any, str]] = []
    worker.finished.connect(lambda result, error: seen.append((result, error)))
    worker.run()
    return seen


def test_a_missing_package_is_named(qtbot: Any) -> None:
    def job(progress: Any) -> None:
        raise ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura")

    assert _run(job) == [(None, "the Python package 'trafilatura' is not installed; "
                                "install it with: pip install trafilatura")]


def test_our_own_missing_module_is_a_bug(qtbot: Any) -> None:
    def job(progress: Any) -> None:
        raise ModuleNotFoundError("No module named 'newsmark.nothing'", name="newsmark.nothing")

    with pytest.raises(ModuleNotFoundError):
        _run(job)
