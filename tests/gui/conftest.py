from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsmark.core.model import Document
from newsmark.store import Project
from tests.conftest import SEED_JSONL


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def sample_project(tmp_path: Path) -> Iterator[Project]:
    from newsmark.ingest.batch import import_paths

    p = Project.create(tmp_path / "gui.newsmark")
    import_paths(p, [SEED_JSONL])
    p.add_document(Document(id="second", text="Second article. The minister said nothing.", title="Second"))
    yield p
    p.close()


@pytest.fixture
def window(qtbot: Any, sample_project: Project, settings: Any) -> Any:
    from newsmark.gui.main_window import MainWindow

    w = MainWindow(sample_project, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def team_window(qtbot: Any, tmp_path: Path, settings: Any) -> Iterator[Any]:
    """The window on a team project of three annotators (tests/team), its first document open."""
    from newsmark.gui.main_window import MainWindow
    from tests.team.test_team_project import team_of_three

    project = Project.open(team_of_three(tmp_path))
    w = MainWindow(project, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.open_document("d1")
    yield w
    project.close()
