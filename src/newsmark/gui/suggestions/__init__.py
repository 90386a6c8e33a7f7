"""Suggestions in the window (issue #16): ghost spans over the article, accepted with Enter
or a click, rejected with Backspace, computed in a worker process (``newsmark.suggest.worker``).

- ``process.WorkerProcess``: a spawned process and the two small threads that carry its messages.
- ``ghosts.Ghosts``: the open document's suggestions as the window knows them, changed piecemeal.
- ``overlay.GhostOverlay``: the dashed outlines over the article, for the lines on screen.
- ``commands``: accepting and rejecting as undo commands.
- ``controller.Suggestions``: wires them to the window, its keys, clicks and menu.
"""

from newsmark.gui.suggestions.controller import Suggestions

__all__ = ["Suggestions"]
