"""Label Studio accepts what Newsmark exports (issue #19): a round trip through the real server,
and Newsmark's files read by Label Studio's own SDK and converter.

Label Studio lives in a virtual environment of its own (CI makes it with
``.ci/label-studio-venv``) named by NEWSMARK_LABEL_STUDIO, the path of its ``label-studio``
executable.  Without it these tests are skipped locally and FAIL in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsmark.core.model import Document
from newsmark.formats import labelstudio
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from tests.conftest import NAUGHTY, REPO

STARTUP_SECONDS = 300  # first start migrates Label Studio's database (~70 s on a busy 2-core machine)


def _label_studio() -> Path:
    given = os.environ.get("NEWSMARK_LABEL_STUDIO")
    if given and Path(given).is_file():
        return Path(given)
    reason = ("Label Studio's environment is missing: run .ci/label-studio-venv and set "
              "NEWSMARK_LABEL_STUDIO to the label-studio it prints"
              + (f" (NEWSMARK_LABEL_STUDIO={given!r} is not a file)" if given else ""))
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _filled(path: Path) -> Project:
    """A project with what Label Studio can carry: astral and combining text, overlapping
    spans, choice and free-text attributes (some that came from brat and are not in the
    schema), notes, annotators, relations with an attribute, document categories."""
    p = Project.create(path)
    t = NAUGHTY
    p.add_document(Document(id="doc/1 ✓", text=t, title="Naughty", status="done",
                            meta={"categories": ["politics", "sport"], "source": "wire"}))
    person = p.add_annotation("doc/1 ✓", 0, 6, "PERSON", id="p1", annotator="ann", note="the leader")
    p.add_annotation("doc/1 ✓", 0, t.index(" said"), "ORG", id="o2", annotator="bob")  # overlaps p1, ends after an emoji
    quote = p.add_annotation("doc/1 ✓", t.index("“"), t.index("”") + 1, "QUOTE", id="q1",
                             attributes={"type": "direct", "speaker": "Leader"})
    p.add_annotation("doc/1 ✓", t.index("café"), t.index("café") + 4, "ORG", id="o1",
                     attributes={"Confidence": "High", "Negation": "yes"})
    p.add_annotation("doc/1 ✓", t.index("石油"), t.index("石油") + 2, "GPE", id="g1")
    dispute = p.add_annotation("doc/1 ✓", t.index("𠀋"), t.index("kanji") + 5, "DISPUTE", id="x1")
    p.add_relation("doc/1 ✓", "said_by", quote.id, person.id, id="r1")
    p.add_relation("doc/1 ✓", "stance", quote.id, dispute.id, attributes={"value": "supports"}, id="r2")
    p.add_document(Document(id="plain", text="Nobody said anything here.\n"))
    p.add_annotation("plain", 0, 6, "PERSON", id="n1")
    return p


def _export(project_path: Path, out: Path) -> tuple[Path, Path]:
    """Newsmark's Label Studio export, through the CLI as a user runs it."""
    tasks = out / "tasks.json"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-m", "newsmark", "export", str(project_path), "--format",
                    "label-studio", "-o", str(tasks)], check=True, env=env, capture_output=True, timeout=120)
    config = out / "tasks.label-config.xml"  # where the README says it is
    assert config.is_file()
    return tasks, config


def _annotations(p: Project) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {(doc_id, a.id): (a.start, a.end, a.label, a.text, a.attributes, a.note, a.annotator)
            for doc_id in p.document_ids() for a in p.annotations(doc_id)}


def _relations(p: Project) -> set[tuple[str, str, str, str, str]]:
    return {(doc_id, r.type, r.from_id, r.to_id, json.dumps(r.attributes, sort_keys=True))
            for doc_id in p.document_ids() for r in p.relations(doc_id)}


def _sdk_check(label_studio: Path, config: Path, tasks: Path, out: Path) -> dict[str, Any]:
    out.mkdir()
    run = subprocess.run([str(label_studio.parent / "python"), str(Path(__file__).with_name("label_studio_sdk_check.py")),
                          str(config), str(tasks), str(out)], capture_output=True, text=True, timeout=300, encoding="utf-8")
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def test_label_studio_sdk_and_converter_read_our_files(tmp_path: Path) -> None:
    """label-studio-sdk's LabelInterface accepts every region against the written config (the
    brat attributes included), and its converter (which needs each task's id) reads the tasks."""
    label_studio = _label_studio()
    with _filled(tmp_path / "p.newsmark"):
        pass
    tasks, config = _export(tmp_path / "p.newsmark", tmp_path)
    got = _sdk_check(label_studio, config, tasks, tmp_path / "sdk")
    assert got["errors"] == []
    by_id = {row["newsmark_id"]: row for row in got["json_min"]}
    assert [row["id"] for row in got["json_min"]] == [1, 2]
    naughty = by_id["doc/1 ✓"]
    assert naughty["attr_Confidence"] == "High" and naughty["attr_Negation"] == "yes"
    spans = {(s["labels"][0], s["text"]) for s in naughty["label"]}
    assert ("QUOTE", "“we won”") in spans and ("ORG", "Leader 👩‍👩‍👧") in spans
    # the same tasks with a config that only knows the schema: the brat attributes are refused
    schema_only = tmp_path / "schema-only.xml"
    with Project.open(tmp_path / "p.newsmark") as p:
        schema_only.write_text(labelstudio.labeling_config(p.schema()), encoding="utf-8")
    refused = _sdk_check(label_studio, schema_only, tasks, tmp_path / "sdk2")
    assert any("attr_Confidence" in e for e in refused["errors"]), refused["errors"]
    # and tasks without ids, as Newsmark wrote them before, break the converter
    no_ids = tmp_path / "no-ids.json"
    no_ids.write_text(json.dumps([{k: v for k, v in t.items() if k != "id"}
                                  for t in json.loads(tasks.read_text(encoding="utf-8"))]), encoding="utf-8")
    (tmp_path / "sdk3").mkdir()
    run = subprocess.run([str(label_studio.parent / "python"), str(Path(__file__).with_name("label_studio_sdk_check.py")),
                          str(config), str(no_ids), str(tmp_path / "sdk3")], capture_output=True, text=True, timeout=300, encoding="utf-8")
    assert run.returncode != 0 and "KeyError: 'id'" in run.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={"Authorization": f"Token {self.token}",
                                              "Content-Type": "application/json"},
                                     data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: HTTP {e.code}: {e.read().decode()[:2000]}") from None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[_Server]:
    label_studio = _label_studio()
    port, token = _free_port(), secrets.token_hex(20)
    data = tmp_path / "label-studio-data"
    data.mkdir()
    env = {**os.environ, "LATEST_VERSION_CHECK": "false", "LABEL_STUDIO_BASE_DATA_DIR": str(data),
           "HOME": str(data), "COLLECT_ANALYTICS": "false", "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": ""}
    log = (tmp_path / "label-studio.log").open("wb")
    proc = subprocess.Popen(
        [str(label_studio), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data), "--username", "ci@newsmark.test", "--password", secrets.token_hex(12),
         "--user-token", token, "--enable-legacy-api-token"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                raise AssertionError("Label Studio stopped while starting: "
                                     + (tmp_path / "label-studio.log").read_text(errors="replace", encoding="utf-8")[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"Label Studio did not answer within {STARTUP_SECONDS} s")
            time.sleep(1)
        yield _Server(f"http://127.0.0.1:{port}", token)
    finally:
        # the server and the workers it started: its process group, by its PID
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # linux-only: CI runs the server on Linux
                proc.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_round_trip_through_the_label_studio_server(server: _Server, tmp_path: Path) -> None:
    with _filled(tmp_path / "original.newsmark") as original:
        want_annotations = _annotations(original)
        want_relations = _relations(original)
        want_meta = {d: original.document(d, with_annotations=False).meta for d in original.document_ids()}
    tasks, config = _export(tmp_path / "original.newsmark", tmp_path)

    project = server.call("POST", "/api/projects", {"title": "Newsmark round trip",
                                                    "label_config": config.read_text(encoding="utf-8")})
    # what Newsmark wrote before (the annotator's name as completed_by) is refused by the server
    old_style = json.loads(tasks.read_text(encoding="utf-8"))
    old_style[0]["annotations"][0]["completed_by"] = "ann"
    with pytest.raises(AssertionError, match="HTTP 400.*not a valid annotator's email or ID"):
        server.call("POST", f"/api/projects/{project['id']}/import", old_style)
    imported = server.call("POST", f"/api/projects/{project['id']}/import",
                           json.loads(tasks.read_text(encoding="utf-8")))
    assert (imported["task_count"], imported["annotation_count"]) == (2, 2)

    exported = server.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    assert len(exported) == 2 and sum(len(t["annotations"]) for t in exported) == 2
    task = next(t for t in exported if t["data"]["newsmark_id"] == "doc/1 ✓")
    regions = {(r["id"], r["type"]): r["value"] for r in task["annotations"][0]["result"] if "id" in r}
    text16 = task["data"]["text"].encode("utf-16-le")
    quote = regions[("q1", "labels")]  # offsets as Label Studio counts them (UTF-16)
    assert text16[2 * quote["start"]:2 * quote["end"]].decode("utf-16-le") == "“we won”"
    assert quote["labels"] == ["QUOTE"]
    assert regions[("q1", "choices")]["choices"] == ["direct"]
    assert regions[("o1", "labels")]["labels"] == ["ORG"]
    assert regions[("newsmark-categories", "choices")]["choices"] == ["politics", "sport"]
    assert isinstance(task["annotations"][0]["completed_by"], int)  # the importing user

    back_file = tmp_path / "from-label-studio.json"
    back_file.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    with Project.create(tmp_path / "again.newsmark") as again:
        summary = ImportSummary()
        import_records(again, lambda: labelstudio.read(back_file), summary, source=str(back_file))
        assert summary.documents_added == 2
        assert _annotations(again) == want_annotations  # spans, labels, attributes, notes, annotators
        assert _relations(again) == want_relations
        for doc_id, meta in want_meta.items():
            assert again.document(doc_id, with_annotations=False).meta == meta  # categories too
