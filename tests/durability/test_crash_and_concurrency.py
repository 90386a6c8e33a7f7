"""Crash simulation (SIGKILL at random moments) and two processes writing one project."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.store.maintenance import check_file

SRC = str(Path(__file__).resolve().parents[2] / "src")
TEXT = "The minister said talks on immunity were continuing, officials in Baghdad said. " * 20
KILLS = int(os.environ.get("NEWSMARK_CRASH_KILLS", "120"))

# The child makes edits for ever: add, relabel, delete.  Before each it prints the intent,
# after the call returns (the edit is committed) it prints "ok".
EDITOR = """
import random, sys
sys.path.insert(0, {src!r})
from newsmark.store import Project
p = Project.open(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
n = len(p.document("d", with_annotations=False).text)
ids = [a.id for a in p.annotations("d")]
print("ready", flush=True)
k = 0
while True:
    k += 1
    op = rng.random()
    if op < 0.6 or len(ids) < 5:
        s = rng.randrange(n - 10)
        new = f"{{sys.argv[2]}}-{{k}}"
        print("add", new, s, s + rng.randrange(1, 10), flush=True)
        p.add_annotation("d", s, s + 1 + k % 9, "PERSON", id=new, annotator=new)  # never identical
        ids.append(new)
    elif op < 0.8:
        target = rng.choice(ids)
        print("relabel", target, flush=True)
        p.update_annotation("d", target, label="ORG")
    else:
        target = ids.pop(rng.randrange(len(ids)))
        print("delete", target, flush=True)
        p.delete_annotation("d", target)
    print("ok", flush=True)
"""


def _replay(lines: list[str], state: dict[str, str]) -> tuple[dict[str, str], tuple[str, str] | None]:
    """Apply the child's confirmed edits to ``state``; return it and the unconfirmed one."""
    pending: tuple[str, str] | None = None
    for line in lines:
        parts = line.split()
        if not parts or parts[0] == "ready":
            continue
        if parts[0] == "ok":
            assert pending is not None, lines
            op, ann = pending
            if op == "add":
                state[ann] = "PERSON"
            elif op == "relabel":
                state[ann] = "ORG"
            else:
                state.pop(ann)
            pending = None
        elif len(parts) >= 2 and parts[0] in ("add", "relabel", "delete"):
            pending = (parts[0], parts[1])
        # else: an intent cut off by the kill; its edit had not started
    return state, pending


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_committed_edit(tmp_path: Path) -> None:
    path = tmp_path / "crash.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="d", text=TEXT))
    rng = random.Random(20261127)
    expected: dict[str, str] = {}
    edits_confirmed = 0
    for kill in range(KILLS):
        with subprocess.Popen([sys.executable, "-c", EDITOR.format(src=SRC), str(path), str(kill)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8") as child:
            assert child.stdout is not None and child.stderr is not None
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
            time.sleep(rng.uniform(0.0, 0.08))
            child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
            # read through the same buffered stream that read "ready" (communicate() would
            # skip what that stream had already buffered)
            out = child.stdout.read()
            err = child.stderr.read()
        assert child.returncode == (1 if os.name == "nt" else -9), err  # killed, not exited
        lines = out.splitlines()
        edits_confirmed += sum(1 for x in lines if x == "ok")
        expected, pending = _replay(lines, expected)
        report = check_file(path)
        assert report.ok, report.problems
        with Project.open(path, readonly=True) as p:
            found = {a.id: a.label for a in p.annotations("d")}
        if pending is not None:  # killed between the intent and its confirmation: either way
            after, _ = _replay([" ".join(pending), "ok"], dict(expected))
            assert found in (expected, after), (kill, pending)
            expected = found
        else:
            assert found == expected, kill
    assert edits_confirmed > KILLS  # the children really were editing when killed
    print(f"\n{KILLS} kills, {edits_confirmed} confirmed edits, 0 lost")


WRITER = """
import sys
sys.path.insert(0, {src!r})
from newsmark.store import Project
p = Project.open(sys.argv[1])
for k in range(int(sys.argv[3])):
    p.add_annotation("d", k % 50, k % 50 + 3 + k // 50, "PERSON", id=f"{{sys.argv[2]}}-{{k}}",
                     annotator=sys.argv[2])  # each (span, annotator) once: identical ones are refused
print("done")
"""


def test_two_processes_writing_one_project_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "two.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="d", text=TEXT))
    n = 300
    procs = [subprocess.Popen([sys.executable, "-c", WRITER.format(src=SRC), str(path), name, str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
             for name in ("a", "b")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    with Project.open(path) as p:
        ids = {a.id for a in p.annotations("d")}
    assert len(ids) == 2 * n
    assert ids == {f"{w}-{k}" for w in "ab" for k in range(n)}


def test_edits_get_in_while_a_large_import_runs(tmp_path: Path) -> None:
    """A long import (batched) and interactive edits on the same project at once."""
    from newsmark.formats import jsonl
    from newsmark.store.importer import ImportSummary, import_records

    path = tmp_path / "busy.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="d", text=TEXT))
    src = tmp_path / "many.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i in range(3000):
            anns = [{"id": f"a{k}", "start": k, "end": k + 5, "label": "ORG"} for k in range(30)]
            f.write(json.dumps({"id": f"doc{i}", "text": TEXT + str(i), "annotations": anns}) + "\n")
    errors: list[BaseException] = []

    def importer() -> None:
        try:
            with Project.open(path) as q:
                import_records(q, lambda: jsonl.read(src), ImportSummary(), source=str(src), batch=100)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    t = threading.Thread(target=importer)
    edits = 0
    with Project.open(path) as window:
        t.start()
        while t.is_alive() or edits < 20:
            start = edits % 1500  # a new span each time (identical ones are refused)
            window.add_annotation("d", start, start + 1 + edits // 1500, "PERSON")
            edits += 1
            time.sleep(0.005)  # a fast annotator: 200 edits a second
        t.join()
        assert not errors, errors
        assert len(window.annotations("d")) == edits
        assert window.count_documents() == 3001
    assert edits >= 20
