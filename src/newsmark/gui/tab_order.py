"""Tab and Shift+Tab follow the work: from the article to the selected annotation's fields and
links (when one is selected), the annotation list, the document list, the quotes, the list
filters, the corpus panels open (those in front), the find bar open, and round to the article again.

Qt's own order is the order the widgets were made in: Tab from the article went to the
document filter, and in a list it walked the cells of the row.  The article is read-only, so
Tab never types a tab character into it (the text never changes): it has no use there but
this.  The stops are worked out at each press, as the fields shown change with the annotation
selected; within a stop holding several widgets (a form, a panel), Qt's order is kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget


def _usable(widget: QWidget) -> bool:
    return (widget.isVisible() and widget.isEnabled() and widget.focusProxy() is None
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus))


class TabOrder:
    """Installed by the main window, whose focusNextPrevChild asks ``step``."""

    def __init__(self, window: Any) -> None:
        self.window = window
        # Tab leaves a list rather than walking its cells (a row is selected whole)
        for view in (window.ann_view, window.doc_view, window.quotes_panel.tree):
            view.setTabKeyNavigation(False)

    def _inside(self, container: QWidget) -> list[QWidget]:
        """The widgets inside ``container`` that Tab can reach now, in Qt's focus order."""
        window = self.window
        out: list[QWidget] = []
        w = window.nextInFocusChain()
        for _ in range(10000):  # (the chain is a ring; a guard all the same)
            if w is window or w is None:
                break
            if (w is container or container.isAncestorOf(w)) and _usable(w):
                out.append(w)
            w = w.nextInFocusChain()
        return out

    def stops(self) -> list[QWidget]:
        """Where Tab goes, in order, from the article round to it again."""
        w = self.window
        groups: list[list[QWidget]] = [[w.article]]
        if w.current is not None:  # the selected annotation: its fields, its links
            groups += [self._inside(w.attr_editor), self._inside(w.relation_panel)]
        groups += [[w.ann_view], [w.doc_view], self._inside(w.quotes_panel), [w.ann_choice, w.ann_search],
                   [w.doc_search, w.doc_status]]
        for key, dock in w.corpus.docks.items():
            if w.corpus.shown(key):  # not a panel tabbed behind another: no one sees its fields
                groups.append(self._inside(dock))
        groups.append(self._inside(w.find_bar))
        seen: set[int] = set()
        out = []
        for widget in (x for g in groups for x in g):
            if id(widget) not in seen and _usable(widget):
                seen.add(id(widget))
                out.append(widget)
        return out

    def step(self, forward: bool) -> bool:
        """Move the focus to the next (previous) stop; False when the focus is in none of them
        (a floating panel, say: Qt's own order then)."""
        focus = QApplication.focusWidget()
        if focus is None:
            return False
        stops = self.stops()
        here = next((i for i, s in enumerate(stops) if s is focus or s.isAncestorOf(focus)), None)
        if here is None:
            return False
        target = stops[(here + (1 if forward else -1)) % len(stops)]
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        return True
