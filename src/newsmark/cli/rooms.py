"""The command modules of the capabilities with rooms of their own, one import each."""

from __future__ import annotations

from types import ModuleType

from newsmark.cli import corpus as _corpus
from newsmark.cli import edit as _edit
from newsmark.cli import suggest as _suggest
from newsmark.cli import team as _team

# One line per module (each defines COMMANDS, a list of click commands), e.g.
# from newsmark.cli import suggest as _suggest
MODULES: tuple[ModuleType, ...] = (_edit, _suggest, _team, _corpus)
