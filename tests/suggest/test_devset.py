"""The quote-attribution development set itself: its texts rebuild, its spans are slices, every
quote has its speaker and cue, and the counts are the README's."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.suggest.devset import (
    DEVSET_DIR,
    DevsetMismatch,
    counts,
    load_devset,
    read_records,
    strip_record,
)

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOCATION", "NORP"}


@pytest.fixture(scope="module")
def devset() -> list[dict[str, Any]]:
    from tests.conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is not at {CORPUS}: the development set's texts are rebuilt from it")
    return load_devset(CORPUS)


def readme_counts() -> dict[str, int]:
    text = (DEVSET_DIR / "README.md").read_text(encoding="utf-8")
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| ([a-z][a-z ()]+?) \| (\d+) \|$", text, re.M)}


def test_records_hold_no_text_and_say_where_their_text_came_from() -> None:
    records = read_records()
    assert len(records) >= 25
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert "text" not in r, r["id"]
        assert all("text" not in a for a in r["annotations"]), r["id"]
        assert r["status"] == "done", r["id"]
        src = r["source"]
        assert src["path"].startswith(("html/news-pages/", "plaintext/wikinews/")), r["id"]
        assert re.fullmatch(r"[0-9a-f]{64}", src["text_sha256"]) and src["text_length"] > 0, r["id"]
        assert src["how"].startswith("newsmark import"), r["id"]


def test_counts_are_the_readmes() -> None:
    expected = readme_counts()
    assert expected, "the README's counts table is missing"
    got = counts(read_records())
    assert {k: got.get(k, 0) for k in expected} == expected


def test_every_span_is_its_slice_of_the_rebuilt_text(devset: list[dict[str, Any]]) -> None:
    for r in devset:
        text = r["text"]
        assert len(text) == r["source"]["text_length"]
        for a in r["annotations"]:
            assert 0 <= a["start"] < a["end"] <= len(text), (r["id"], a)
            assert a["text"] == text[a["start"]:a["end"]]
            assert a["text"] == a["text"].strip(), (r["id"], a["text"])  # no span starts or ends in space
            # no span starts or ends inside a word (an offset off by one shows here)
            assert not (a["start"] > 0 and text[a["start"] - 1].isalnum() and text[a["start"]].isalnum()), \
                (r["id"], text[a["start"] - 10:a["end"]])
            assert not (a["end"] < len(text) and text[a["end"] - 1].isalnum() and text[a["end"]].isalnum()), \
                (r["id"], text[a["start"]:a["end"] + 10])


def test_every_quote_has_its_speaker_and_cue(devset: list[dict[str, Any]]) -> None:
    for r in devset:
        anns = {a["id"]: a for a in r["annotations"]}
        out: dict[str, Counter[str]] = {a: Counter() for a in anns}
        for rel in r["relations"]:
            assert rel["from"] in anns and rel["to"] in anns, (r["id"], rel)
            out[rel["from"]][rel["type"]] += 1
            if rel["type"] == "said_by":
                assert anns[rel["to"]]["label"] in ENTITY_LABELS, (r["id"], anns[rel["to"]])
            elif rel["type"] == "cue":
                assert anns[rel["to"]]["label"] == "CUE", (r["id"], anns[rel["to"]])
            else:
                pytest.fail(f"{r['id']}: unexpected relation {rel['type']}")
            assert anns[rel["from"]]["label"] == "QUOTE", (r["id"], rel)
        quotes = [a for a in anns.values() if a["label"] == "QUOTE"]
        for q in quotes:
            where = (r["id"], q["text"][:60])
            assert out[q["id"]] == Counter({"said_by": 1, "cue": 1}), where
            assert q["attributes"]["type"] in {"direct", "indirect", "mixed"}, where
            assert isinstance(q["attributes"]["speaker"], str) and q["attributes"]["speaker"].strip(), where
            cue = next(anns[rel["to"]] for rel in r["relations"] if rel["from"] == q["id"] and rel["type"] == "cue")
            assert q["attributes"]["cue"] == cue["text"], where
            mention = next(anns[rel["to"]] for rel in r["relations"]
                           if rel["from"] == q["id"] and rel["type"] == "said_by")
            for other in (cue, mention):  # neither lies inside the quote
                assert other["end"] <= q["start"] or other["start"] >= q["end"], (where, other["text"])
        # every entity and cue tagged is used by a quote (the set tags speakers, not all entities)
        used = {rel["to"] for rel in r["relations"]}
        assert all(a["id"] in used for a in anns.values() if a["label"] != "QUOTE"), r["id"]


def test_direct_quotes_are_the_words_inside_quotation_marks(devset: list[dict[str, Any]]) -> None:
    for r in devset:
        for q in r["annotations"]:
            if q["label"] == "QUOTE" and q["attributes"]["type"] == "direct":
                before = r["text"][:q["start"]].rstrip()
                assert before and before[-1] in "\"“‘'", (r["id"], q["text"][:60])
            if q["label"] == "QUOTE" and q["attributes"]["type"] == "mixed":
                assert re.search(r"[\"“”‘’']", q["text"]), (r["id"], q["text"][:60])


def test_a_changed_text_fails_naming_the_article(tmp_path: Path) -> None:
    from tests.conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is not at {CORPUS}")
    record = read_records()[0]
    record["source"]["text_sha256"] = "0" * 64  # as if the extractor now made another text
    broken = tmp_path / "devset.jsonl"
    broken.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(DevsetMismatch, match=re.escape(record["id"])):
        load_devset(CORPUS, broken)


def test_stripping_the_rebuilt_records_gives_the_stored_ones(devset: list[dict[str, Any]]) -> None:
    assert [strip_record(r) for r in devset] == read_records()
