"""The window with a long article and a big project (offscreen).

    python benchmarks/bench_window.py [--chars 1000000] [--annotations 20000] [--documents 100000]

A ~1 MB article with 20,000 annotations, a fifth of them overlapping others, measured with
suggestions off and then on (the default: the worker process computes them meanwhile; the
window reads back what it stored, a slice at a time):
  open: open the article and paint it the first time (targets: <= 300 ms)
  idle: the rest of the article coloured while idle, the event loop running between slices (each
        slice, and each piece of the suggestions' work on the window's thread, <= 16 ms)
  add:  tag one more span by a label key (PERSON and QUOTE in turn): stored, and every widget it
        changes (the article too) painted (<= 16 ms; median, 95th percentile and worst of 100)
  paced: 60 more adds at an annotator's pace (a pause of 0.1-0.6 s before each, the event loop
        running meanwhile: the worker computes again after the edits and its results are read
        back between them), each timed from the moment its key comes, so that a slice of work
        the window was doing then counts (<= 16 ms)
  scroll: page down through the whole article, painting each page (<= 16 ms a frame, slowest)
  tags: page down with a label tag over every span (View > Show label tags) (<= 16 ms a frame)
  links: 8,000 links (speaker, cue, stance of every quote); page down with every link drawn, and
        a frame with the selected quote's links (<= 16 ms; median, 95th percentile and worst)
A project of 100,000 documents: the document list built and shown (<= 1 s), resident memory
(<= 300 MB).  The baseline, measured in the same run, is a bare QPlainTextEdit showing the same
text with no highlighting.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORDS = ("the minister said talks were continuing on immunity for troops in Iraq and the "
         "government spokesman insisted that agreement on the number was needed before the vote").split()


ADDS = 100
PACED = 60


def _paint_spy() -> type:
    from PySide6.QtCore import QEvent, QObject

    class PaintSpy(QObject):
        """Notes each paint of one widget."""

        def __init__(self, widget: QObject, seen: list[bool]) -> None:
            super().__init__(widget)
            self.seen = seen
            widget.installEventFilter(self)

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.seen.append(True)
            return False

    return PaintSpy


def rss_mb() -> float:
    with open("/proc/self/status", encoding="utf-8") as f:  # linux-only: the benchmark's memory figure
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_article(chars: int, rng: random.Random) -> str:
    paras, size = [], 0
    while size < chars:
        para = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(40, 120))).capitalize() + "."
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras)[:chars]


def _time_pieces(pieces: list[float]) -> None:
    """Note the durations of the suggestions' work on the window's thread (reading back, a
    message from the worker, an edit's effect on the ghosts); the longest are named."""
    from newsmark.gui.suggestions import controller

    for name in ("_read_some", "_on_worker_message", "_on_session_added", "_on_session_removed",
                 "_on_after_edit"):
        original = getattr(controller.Suggestions, name)

        def timed(self: object, *args: object, _original: object = original, _name: str = name,
                  **kwargs: object) -> None:
            t0, c0 = time.perf_counter(), time.thread_time()
            _original(self, *args, **kwargs)  # type: ignore[operator]
            pieces.append(time.perf_counter() - t0)
            PIECES_CPU.append(time.thread_time() - c0)
            if pieces[-1] > 0.016:
                msg = args[0] if args and isinstance(args[0], tuple) else ()
                what = f"{len(msg[3])} removed, {len(msg[4])} added" if len(msg) > 4 and msg[0] == "stored" else ""
                SLOW.append(f"{_name} {pieces[-1] * 1000:.1f} ms (CPU {PIECES_CPU[-1] * 1000:.1f} ms) {what}")

        setattr(controller.Suggestions, name, timed)


SLOW: list[str] = []
PIECES_CPU: list[float] = []  # the window thread's CPU time of each piece (time.thread_time)
PIECES: list[float] = []


def measure_window(app: object, project: object, conf: object, text: str, suggestions: bool) -> tuple[object, dict]:
    """Open the article, colour the rest while idle, add 100 annotations; with suggestions on,
    wait for them to be drawn."""
    from PySide6.QtGui import QTextCursor

    from newsmark.gui.main_window import MainWindow

    PaintSpy = _paint_spy()  # noqa: N806
    rng = random.Random(6 if suggestions else 5)  # not the same spans: the second run's would be refused as identical
    PIECES.clear()
    PIECES_CPU.clear()
    SLOW.clear()
    cpu0 = time.process_time()
    window = MainWindow(project, conf)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    t, c = time.perf_counter(), time.process_time()
    window.open_document("big")
    window.article.viewport().repaint()
    open_s, open_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    slices, slices_cpu = [], []
    while window.article.highlighter.lazy:  # the rest is coloured while idle, a slice a tick
        app.processEvents()  # what else the window's thread does meanwhile (suggestions read back)
        s0, c0 = time.perf_counter(), time.thread_time()
        window.article._colour_some()
        slices.append(time.perf_counter() - s0)
        slices_cpu.append(time.thread_time() - c0)
    rest_s, rest_cpu = time.perf_counter() - t, time.process_time() - c

    adds, adds_cpu = [], []
    painted: list[bool] = []
    paints = PaintSpy(window.article.viewport(), painted)  # noqa: F841 (kept alive)
    for n in range(ADDS):  # entities and quotes in turn: a quote's panel offers every entity
        s = rng.randrange(0, len(text) - 50)
        cursor = window.article.textCursor()
        cursor.setPosition(window.article.map.to_qt(s))
        cursor.setPosition(window.article.map.to_qt(s + 12), QTextCursor.MoveMode.KeepAnchor)
        window.article.setTextCursor(cursor)
        app.processEvents()  # the selection painted: the user sees it before pressing the key
        painted.clear()
        t, c = time.perf_counter(), time.thread_time()
        window.apply_label("QUOTE" if n % 2 else "PERSON")
        app.processEvents()  # every widget the add touched (article, panels, lists) painted
        if not painted:  # the article must be in the figure: paint it if Qt did not
            window.article.viewport().repaint()
        adds.append(time.perf_counter() - t)
        adds_cpu.append(time.thread_time() - c)
    paced, paced_cpu, paced_late = paced_adds(app, window, text, rng, PaintSpy)
    shown_s = None
    if suggestions:  # the last add's suggestions computed by the worker, stored, drawn
        sug = window.suggestions
        sug.latency_ms = None
        sug.opened_at = time.perf_counter()
        sug._recompute.stop()
        sug.compute()
        deadline = time.perf_counter() + 300
        while sug.latency_ms is None and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.002)
        shown_s = (sug.latency_ms or float("nan")) / 1000
    worker_cpu = None
    if suggestions and window.suggestions.worker is not None:
        worker_cpu = _cpu_of(window.suggestions.worker.process.pid)
    return window, {"open": open_s, "open_cpu": open_cpu, "rest": rest_s, "rest_cpu": rest_cpu,
                    "slices": slices, "slices_cpu": slices_cpu, "adds": adds, "adds_cpu": adds_cpu,
                    "paced": paced, "paced_cpu": paced_cpu, "paced_late": paced_late,
                    "pieces": list(PIECES), "pieces_cpu": list(PIECES_CPU), "slow": list(SLOW), "shown": shown_s,
                    "ghosts": len(window.suggestions.items), "cpu": time.process_time() - cpu0,
                    "worker_cpu": worker_cpu}


def paced_adds(app: object, window: object, text: str, rng: random.Random, spy: type
               ) -> tuple[list[float], list[float], list[float]]:
    """Adds at an annotator's pace: the selection made, a pause with the event loop running (what
    the window does meanwhile: the suggestions read back, the worker's computation after the
    last edits), then the label key at a moment of its own (a precise timer), timed from that
    moment to the add stored and painted."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtGui import QTextCursor

    w: Any = window
    walls: list[float] = []
    cpus: list[float] = []
    late: list[float] = []  # from the key's moment to the add begun: what the window was doing
    painted: list[bool] = []
    spy(w.article.viewport(), painted)
    for n in range(PACED):
        s = rng.randrange(0, len(text) - 50)
        cursor = w.article.textCursor()
        cursor.setPosition(w.article.map.to_qt(s))
        cursor.setPosition(w.article.map.to_qt(s + 12), QTextCursor.MoveMode.KeepAnchor)
        w.article.setTextCursor(cursor)
        loop = QEventLoop()
        pause = rng.uniform(0.1, 0.6)
        due = time.perf_counter() + pause

        def press(label: str = "QUOTE" if n % 2 else "PERSON", loop: QEventLoop = loop, due: float = due) -> None:
            painted.clear()
            c = time.thread_time()
            late.append(time.perf_counter() - due)
            w.apply_label(label)
            app.processEvents()  # type: ignore[attr-defined]
            if not painted:
                w.article.viewport().repaint()
            walls.append(time.perf_counter() - due)
            cpus.append(time.thread_time() - c)
            loop.quit()

        timer = QTimer()
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(press)
        timer.start(round(pause * 1000))
        loop.exec()
    return walls, cpus, late


def _cpu_of(pid: int) -> float | None:
    """CPU seconds a process has used (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def report(on: bool, f: dict) -> None:
    """Wall time, and beside it the CPU time of the window's thread (the machine may be shared:
    other processes, and the suggestions' worker, take the cores from it)."""
    what = "suggestions ON (the default)" if on else "suggestions off"
    slices, adds, pieces = f["slices"], f["adds"], f["pieces"]
    print(f"-- {what}")
    print(f"open + first paint                               {f['open'] * 1000:7.1f} ms "
          f"(CPU {f['open_cpu'] * 1000:.1f} ms; target <= 300 ms)")
    print(f"rest of the article coloured while idle           {f['rest'] * 1000:7.1f} ms (CPU {f['rest_cpu'] * 1000:.0f} ms) "
          f"in {len(slices)} slices, longest {max(slices, default=0) * 1000:.1f} ms "
          f"(CPU {max(f['slices_cpu'], default=0) * 1000:.1f} ms) (each under a frame)")
    print(f"add one annotation (store + repaint)             {statistics.median(adds) * 1000:7.1f} ms median, "
          f"{_p95(adds) * 1000:.1f} ms 95th percentile, {max(adds) * 1000:.1f} ms worst of {len(adds)}; "
          f"CPU {statistics.median(f['adds_cpu']) * 1000:.1f} / {_p95(f['adds_cpu']) * 1000:.1f} / "
          f"{max(f['adds_cpu']) * 1000:.1f} ms (target <= 16 ms)")
    paced = f["paced"]
    print(f"add at an annotator's pace, from its key ({len(paced)} adds) {statistics.median(paced) * 1000:7.1f} ms median, "
          f"{_p95(paced) * 1000:.1f} ms 95th percentile, {max(paced) * 1000:.1f} ms worst; CPU of the add "
          f"{statistics.median(f['paced_cpu']) * 1000:.1f} / {_p95(f['paced_cpu']) * 1000:.1f} / "
          f"{max(f['paced_cpu']) * 1000:.1f} ms (target <= 16 ms); of which waiting for the window to "
          f"take the key {statistics.median(f['paced_late']) * 1000:.1f} / {_p95(f['paced_late']) * 1000:.1f} / "
          f"{max(f['paced_late']) * 1000:.1f} ms")
    if on:
        print(f"suggestions' work on the window's thread: {len(pieces)} pieces, longest "
              f"{max(pieces, default=0) * 1000:.1f} ms (CPU {max(f['pieces_cpu'], default=0) * 1000:.1f} ms), "
              f"{sum(pieces) * 1000:.0f} ms in all (each under a frame)")
        if f["slow"]:
            print(f"  over a frame (wall): {'; '.join(f['slow'][:8])}")
        worker = f"{f['worker_cpu']:.1f} s" if f["worker_cpu"] is not None else "?"
        print(f"suggestions after the last add: computed, stored and drawn in {f['shown']:.2f} s "
              f"({f['ghosts']} ghosts); CPU of the worker process in all: {worker}, of the window's: {f['cpu']:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--annotations", type=int, default=20_000)
    ap.add_argument("--documents", type=int, default=100_000)
    args = ap.parse_args()
    from PySide6.QtWidgets import QPlainTextEdit

    from newsmark.core.model import Document
    from newsmark.gui.app import application, settings
    from newsmark.gui.main_window import MainWindow
    from newsmark.store import Project

    app = application()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        text = make_article(args.chars, rng)
        project = Project.create(tmpd / "big.newsmark")
        project.add_document(Document(id="big", text=text, title="A long article"))
        labels = ["PERSON", "ORG", "GPE", "DATE", "QUOTE", "CUE"]
        rows, stamp = [], "2026-11-27T00:00:00.000Z"
        plain = int(args.annotations * 0.8)
        step = len(text) // plain
        for i in range(plain):  # four fifths side by side
            s = i * step
            e = min(len(text), s + max(1, step // 2))
            rows.append(("big", f"a{i}", s, e, labels[i % 6], text[s:e], "{}", None, None, stamp, stamp))
        for i in range(args.annotations - plain):  # a fifth overlapping them
            s = rng.randrange(0, len(text) - 400)
            e = s + rng.randrange(20, 400)
            rows.append(("big", f"o{i}", s, e, "QUOTE", text[s:e], "{}", None, None, stamp, stamp))
        with project.write():
            project.conn.executemany('INSERT INTO annotations(doc, id, start, "end", label, text, attributes,'
                                     " annotator, note, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        conf = settings()
        conf.clear()

        # baseline: a bare text editor showing the same text
        bare = QPlainTextEdit()
        bare.resize(1200, 900)
        bare.show()
        t = time.perf_counter()
        bare.setPlainText(text)
        bare.viewport().repaint()
        baseline_open = time.perf_counter() - t
        bare.close()

        figures = {}
        _time_pieces(PIECES)
        for on in (False, True):  # off first: the on run's stored suggestions would be read back
            conf.setValue("suggestions/enabled", on)
            window, figures[on] = measure_window(app, project, conf, text, on)
            if not on:
                window.close()
        rng = random.Random(4)
        bar = window.article.verticalScrollBar()
        bar.setValue(0)
        frames = []
        while bar.value() < bar.maximum():
            t = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            window.article.viewport().repaint()
            frames.append(time.perf_counter() - t)

        # label tags (View > Show label tags): the lines spaced out, a tag over every span's start
        tag_times: list[float] = []
        paint_tags = window.tags.paint

        def timed_tags(painter: object, clip: object) -> None:  # the tags' own share of a frame
            t0 = time.perf_counter()
            paint_tags(painter, clip)  # type: ignore[arg-type]
            tag_times.append(time.perf_counter() - t0)

        window.article.overlays[window.article.overlays.index(paint_tags)] = timed_tags
        t = time.perf_counter()
        window.tags.set_shown(True)
        window.article.viewport().repaint()
        tags_on_s = time.perf_counter() - t
        bar.setValue(0)
        tag_frames, tags_drawn = [], []
        while bar.value() < bar.maximum():
            t = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            window.article.viewport().repaint()
            tag_frames.append(time.perf_counter() - t)
            tags_drawn.append(len(window.tags.drawn))
        window.tags.set_shown(False)
        window.article.overlays[window.article.overlays.index(timed_tags)] = paint_tags

        # links: every quote of the article said by the PERSON before it, with the CUE after it
        # and a stance on a span 300 annotations away (often off screen: the curve leaves the edge)
        rels = []
        values = ("supports", "opposes", "neutral")
        quotes = [i for i in range(plain) if i % 6 == 4 and i + 1 < plain]
        for i in quotes:
            rels.append(("big", f"s{i}", "said_by", f"a{i}", f"a{i - 4}", "{}", stamp, stamp))
            rels.append(("big", f"c{i}", "cue", f"a{i}", f"a{i + 1}", "{}", stamp, stamp))
            rels.append(("big", f"t{i}", "stance", f"a{i}", f"a{(i + 1800) % plain}",
                         f'{{"value": "{values[i % 3]}"}}', stamp, stamp))
        with project.write():
            project.conn.executemany("INSERT INTO relations(doc, id, type, from_id, to_id, attributes, created,"
                                     " updated) VALUES (?,?,?,?,?,?,?,?)", rels)
        window.open_document("big")
        while window.article.highlighter.lazy:
            window.article._colour_some()
        window.select_annotation(None, reveal=False)
        overlay_times: list[float] = []
        paint_links = window.links.paint

        def timed(painter: object, clip: object) -> None:  # the links' own share of a frame
            t0 = time.perf_counter()
            paint_links(painter, clip)  # type: ignore[arg-type]
            overlay_times.append(time.perf_counter() - t0)

        window.article.overlays[window.article.overlays.index(paint_links)] = timed
        window.links.set_show_all(True)
        bar.setValue(0)
        all_frames = []
        drawn = []
        while bar.value() < bar.maximum():
            t = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            window.article.viewport().repaint()
            all_frames.append(time.perf_counter() - t)
            drawn.append(len(window.links.drawn))
        window.links.set_show_all(False)
        all_overlay, overlay_times = overlay_times, []
        selected_frames = []
        for i in rng.sample(quotes, 100):
            window.select_annotation(f"a{i}")  # reveals it: the quote and its links on screen
            app.processEvents()
            t = time.perf_counter()
            window.article.viewport().repaint()
            selected_frames.append(time.perf_counter() - t)
        window.close()
        project.close()

        print(f"article: {len(text):,} characters, {args.annotations:,} annotations "
              f"({args.annotations - plain:,} overlapping)")
        print(f"baseline: bare QPlainTextEdit open + paint      {baseline_open * 1000:7.1f} ms")
        for on in (False, True):
            report(on, figures[on])
        print(f"scroll page by page ({len(frames)} frames)              {max(frames) * 1000:7.1f} ms slowest, "
              f"{statistics.median(frames) * 1000:.1f} ms median (target <= 16 ms)")


        def spread(frames: list[float]) -> str:
            p95 = sorted(frames)[max(0, int(len(frames) * 0.95) - 1)]
            return (f"{statistics.median(frames) * 1000:.1f} ms median, {p95 * 1000:.1f} ms 95th percentile, "
                    f"{max(frames) * 1000:.1f} ms worst")

        print(f"label tags: switched on and painted in {tags_on_s * 1000:.1f} ms; page by page "
              f"({len(tag_frames)} frames, {statistics.median(tags_drawn):.0f} tags a page): {spread(tag_frames)} "
              f"(target <= 16 ms; {statistics.median(tag_frames) / statistics.median(frames):.2f}x a frame "
              f"without tags); drawing the tags: {spread(tag_times)}")

        print(f"links: {len(rels):,} ({len(quotes):,} quotes with speaker, cue and stance)")
        print(f"  every link drawn, page by page ({len(all_frames)} frames, {statistics.median(drawn):.0f} links "
              f"a page): {spread(all_frames)} (target <= 16 ms; "
              f"{statistics.median(all_frames) / statistics.median(frames):.2f}x a frame with no links)")
        print(f"  the selected quote's links (100 quotes):        {spread(selected_frames)} (target <= 16 ms; "
              f"{statistics.median(selected_frames) / statistics.median(frames):.2f}x a frame with no links)")
        print(f"  of which drawing the links: every link {spread(all_overlay)}; "
              f"the selected quote's {spread(overlay_times)}")

        # a big project: the document list
        big = Project.create(tmpd / "many.newsmark")
        with big.write():
            big.conn.executemany(
                "INSERT INTO documents(id, title, text, meta, status, text_sha256, created, updated)"
                " VALUES (?, ?, ?, '{}', ?, ?, ?, ?)",
                ((f"d{i}", f"Article {i}: " + " ".join(rng.choice(WORDS) for _ in range(8)),
                  "x" * 2000, ("new", "in progress", "done", "review")[i % 4], f"{i:064x}", stamp, stamp)
                 for i in range(args.documents)))
        before = rss_mb()
        t = time.perf_counter()
        many = MainWindow(big, conf)
        many.show()
        app.processEvents()
        many.doc_view.viewport().repaint()
        list_s = time.perf_counter() - t
        after = rss_mb()
        print(f"{args.documents:,} documents: list shown in              {list_s * 1000:7.1f} ms (target <= 1000 ms); "
              f"resident memory {after:.0f} MB ({after - before:+.0f} MB for the window; target <= 300 MB)")
        many.close()
        big.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
