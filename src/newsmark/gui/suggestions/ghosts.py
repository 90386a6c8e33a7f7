"""The open document's suggestions as the window knows them, kept up to date piece by piece.

Every recommender's open row is kept by id; of those with the same head (label and span) the
best scored is shown, as ``store.open_suggestions`` gives them.  Changes come a few at a time
(a slice read from the store, what the worker changed, an accept or a reject) and each returns
what stopped and what started being shown, so that the overlay changes only that."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from newsmark.core.suggestion import Suggestion

Head = tuple[str, int, int]  # label, start, end
Shown = tuple[list[Suggestion], list[Suggestion]]  # (no longer shown, newly shown)


def _head(s: Suggestion) -> Head:
    return (s.label, s.start, s.end)


def _rank(s: Suggestion) -> tuple[float, str, str]:
    return (-s.score, s.created, s.id)  # as open_suggestions: score, then the older, then the id


def _keys(s: Suggestion) -> list[tuple[int, int, int, str]]:
    """The spans of a suggestion that are found at a position: its head (even where an annotation
    already is it) and each span not yet an annotation."""
    return [(sp.start, sp.end, i, s.id) for i, sp in enumerate(s.spans) if i == 0 or sp.existing is None]


def _many(changes: int, size: int) -> bool:
    """Whether changing this many items of a sorted list of ``size`` is cheaper in one pass:
    a bisection and a move costs ~5 µs at 30,000 items, a pass ~100 ns an item (a slice of a
    hundred read back among 15,000 ghosts took 3-5 ms by passes, 0.6 ms by bisection)."""
    return changes > 32 and changes * 64 > size


def change_sorted(items: list[Any], out: list[Any], into: list[Any]) -> None:
    """Take ``out`` from and put ``into`` a sorted list, in place: by bisection for a few, in one
    pass (and one sort) for many, so that thousands at once never cost thousands of moves of
    the whole list."""
    if _many(len(out), len(items)):
        drop = set(out)
        items[:] = [k for k in items if k not in drop]
    else:
        for k in out:
            i = bisect.bisect_left(items, k)
            if i < len(items) and items[i] == k:
                del items[i]
    if _many(len(into), len(items)):
        items.extend(into)
        items.sort()
    else:
        for k in into:
            bisect.insort(items, k)


class Ghosts:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.rows: dict[str, Suggestion] = {}
        self.by_head: dict[Head, dict[str, Suggestion]] = {}
        self.best: dict[Head, Suggestion] = {}
        self._order: list[tuple[int, int, str]] = []  # (start, end, label) of the shown heads, sorted
        # every span drawn (not an annotation already): (start, end, index in the group, id)
        self.spans: list[tuple[int, int, int, str]] = []
        self._longest = 0
        self._items: list[Suggestion] | None = None

    def __len__(self) -> int:
        return len(self.best)

    @property
    def items(self) -> list[Suggestion]:
        """The shown suggestions by position."""
        if self._items is None:
            self._items = [self.best[(k[2], k[0], k[1])] for k in self._order]
        return self._items

    # ------------------------------------------------------------ changes
    def put(self, sugs: Iterable[Suggestion]) -> Shown:
        """Rows read from the store (new, or changed: the same id again)."""
        touched: dict[Head, Suggestion | None] = {}
        for s in sugs:
            old = self.rows.get(s.id)
            if old is not None:
                self._take(old, touched)
            self.rows[s.id] = s
            head = _head(s)
            touched.setdefault(head, self.best.get(head))
            self.by_head.setdefault(head, {})[s.id] = s
        return self._settle(touched)

    def remove_ids(self, ids: Iterable[str]) -> Shown:
        touched: dict[Head, Suggestion | None] = {}
        for sid in ids:
            old = self.rows.get(sid)
            if old is not None:
                self._take(old, touched)
        return self._settle(touched)

    def remove_head(self, label: str, start: int, end: int) -> Shown:
        """Every recommender's suggestion of this head (it was accepted or rejected)."""
        return self.remove_ids(list(self.by_head.get((label, start, end), ())))

    def overlapping(self, label: str, start: int, end: int) -> list[Suggestion]:
        """Shown suggestions whose head has this label and overlaps the span."""
        lo = bisect.bisect_left(self._order, (start - self._longest,))
        hi = bisect.bisect_left(self._order, (end,))
        out: list[Suggestion] = []
        for k in self._order[lo:hi]:
            if k[2] == label and k[1] > start:
                out.extend(self.by_head[(label, k[0], k[1])].values())
        return out

    def _take(self, old: Suggestion, touched: dict[Head, Suggestion | None]) -> None:
        head = _head(old)
        touched.setdefault(head, self.best.get(head))
        del self.rows[old.id]
        same = self.by_head.get(head)
        if same is not None:
            same.pop(old.id, None)
            if not same:
                del self.by_head[head]

    def _settle(self, touched: dict[Head, Suggestion | None]) -> Shown:
        gone: list[Suggestion] = []
        came: list[Suggestion] = []
        order_out: list[tuple[int, int, str]] = []
        order_in: list[tuple[int, int, str]] = []
        for head, before in touched.items():
            same = self.by_head.get(head)
            after = min(same.values(), key=_rank) if same else None
            if after is before:
                continue
            key = (head[1], head[2], head[0])
            if before is not None:
                gone.append(before)
            if after is not None:
                came.append(after)
                self.best[head] = after
                if before is None:
                    order_in.append(key)
            else:
                del self.best[head]
                order_out.append(key)
        if gone or came:
            self._items = None
            change_sorted(self._order, order_out, order_in)
            change_sorted(self.spans, [k for s in gone for k in _keys(s)], [k for s in came for k in _keys(s)])
            for s in came:
                for k in _keys(s):
                    self._longest = max(self._longest, k[1] - k[0])
        return gone, came

    # ------------------------------------------------------------ finding
    def at(self, pos: int) -> Suggestion | None:
        """The suggestion under a code-point position: a head first (the shortest), then any
        other span of a group."""
        hi = bisect.bisect_right(self.spans, (pos, float("inf")))
        lo = bisect.bisect_left(self.spans, (pos - self._longest,))
        heads: list[Suggestion] = []
        others: list[Suggestion] = []
        for start, end, index, sid in self.spans[lo:hi]:
            if start <= pos <= end:
                s = self.rows[sid]
                (heads if index == 0 else others).append(s)
        if heads:
            return min(heads, key=lambda s: s.end - s.start)
        return others[0] if others else None

    def heads_after(self, pos: int, delta: int) -> Suggestion | None:
        """The next (delta > 0) or previous shown head from ``pos``, wrapping around."""
        if not self._order:
            return None
        if delta > 0:
            i = bisect.bisect_right(self._order, (pos, float("inf")))
            k = self._order[i] if i < len(self._order) else self._order[0]
        else:
            i = bisect.bisect_left(self._order, (pos,))
            k = self._order[i - 1] if i > 0 else self._order[-1]
        return self.best[(k[2], k[0], k[1])]
