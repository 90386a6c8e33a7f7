"""The window's first start: no project named, none opened before."""

from __future__ import annotations

from typing import Any

from newsmark.store.project import default_project_path


def test_first_start_creates_the_default_project_with_the_sample(qtbot: Any) -> None:
    from newsmark.gui.app import open_window, settings

    settings().remove("last_project")
    assert not default_project_path().exists()
    window: Any = open_window(None, show=False)
    qtbot.addWidget(window)
    try:
        assert window.project.path == default_project_path()
        summaries = window.project.document_summaries()
        titles = [s.title for s in summaries]
        assert "US insists on immunity for troops in Iraq after 2011" in titles
        assert sum(s.annotations for s in summaries) >= 20  # the sample's annotations came too
    finally:
        window.project.close()
    again: Any = open_window(None, show=False)  # the next start opens the same project
    qtbot.addWidget(again)
    try:
        assert again.project.path.resolve() == default_project_path().resolve()
        assert [s.title for s in again.project.document_summaries()] == titles
    finally:
        again.project.close()
