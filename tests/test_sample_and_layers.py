"""The shipped sample, resources, and the layering rule (no Qt below the GUI)."""

from __future__ import annotations

import ast
import importlib.util
import json

from newsmark.resources import default_schema_path, sample_paths, seeds_dir
from tests.conftest import REPO, SEED_JSONL, SEED_TXT


def test_sample_jsonl_is_the_seed_article_with_valid_annotations() -> None:
    (rec,) = [json.loads(line) for line in SEED_JSONL.read_text(encoding="utf-8").splitlines()]
    whole = SEED_TXT.read_bytes().decode("utf-8")
    # the article, as an import of the saved page keeps it: no menus, story lists or footer
    assert whole.startswith(rec["text"]) and len(rec["text"]) == rec["meta"]["main_text"]["end"] == 1462
    assert rec["text"].endswith('He added: "These issues are still very much in negotiation."')
    for chrome in ("More on This Story", "Copyright", "Middle East stories", "style sheets"):
        assert chrome not in rec["text"]
    ids = {a["id"] for a in rec["annotations"]}
    for a in rec["annotations"]:
        assert rec["text"][a["start"]:a["end"]] == a["text"]
    assert all(r["from"] in ids and r["to"] in ids for r in rec["relations"])
    assert {a["label"] for a in rec["annotations"]} >= {"QUOTE", "CUE", "PERSON", "DISPUTE"}
    assert {r["type"] for r in rec["relations"]} == {"said_by", "cue", "stance"}


def test_resources_are_found() -> None:
    assert default_schema_path().is_file()
    assert seeds_dir().is_dir()
    assert SEED_TXT.name in [p.name for p in sample_paths()]


def test_no_qt_below_the_gui() -> None:
    src = REPO / "src" / "newsmark"
    offenders = []
    for path in src.rglob("*.py"):
        if "gui" in path.relative_to(src).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"PySide6", "shiboken6"} for n in names):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_the_committed_sample_is_what_the_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_sample", REPO / "seeds" / "make_sample.py")
    assert spec is not None and spec.loader is not None
    make_sample = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_sample)
    assert make_sample.build() == SEED_JSONL.read_bytes(), "run: python seeds/make_sample.py"
