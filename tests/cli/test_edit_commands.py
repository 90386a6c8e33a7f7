"""``text``, ``change``, ``delete`` and ``annotate --word``: annotating from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmark.core.model import Document
from newsmark.store.project import Project
from tests.cli.test_cli import run

TEXT = "Iraqi officials said 😀 Iraq\r\nwill talk.\u2028Café\u0301 Iraq_x Iraq.\tEnd"


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="d", text=TEXT, title="T"))
    return path


def _annotate(proj: Path, *args: str) -> dict:
    return json.loads(run("annotate", proj, "--doc", "d", *args).output)


def test_text_prints_each_line_after_its_code_point_offset(proj: Path) -> None:
    out = run("text", proj, "--doc", "d").output.splitlines()
    assert len(out) == 3  # CRLF and U+2028 end lines
    for line in out:
        offset, body = line.split("  ", 1)
        body = body.replace("\\u0009", "\t")  # the tab is shown escaped, one character
        assert TEXT[int(offset):int(offset) + len(body)] == body
    assert out[1].split("  ", 1)[1] == "will talk."
    assert "\\u0009" in out[2]
    part = run("text", proj, "--doc", "d", "--start", "6", "--end", "20").output
    assert part == " 6  officials said\n"  # offsets right-aligned to the text's length
    assert "is after --end" in run("text", proj, "--doc", "d", "--start", "9", "--end", "3", ok=False).stderr
    beyond = run("text", proj, "--doc", "d", "--start", str(len(TEXT) + 1), ok=False).stderr
    assert f"--start {len(TEXT) + 1} is after the end of the text ({len(TEXT)} characters)" in beyond
    assert run("text", proj, "--doc", "d", "--start", str(len(TEXT))).output == ""  # the end: nothing after


def test_annotate_word_takes_only_whole_words(proj: Path) -> None:
    assert _annotate(proj, "--label", "GPE", "--match", "Iraq")["start"] == 0  # inside "Iraqi"
    made = _annotate(proj, "--label", "GPE", "--match", "Iraq", "--word", "--annotator", "x")
    assert TEXT[made["start"]:made["end"]] == "Iraq" and made["start"] == TEXT.index("😀") + 2
    third = _annotate(proj, "--label", "GPE", "--match", "Iraq", "--word", "--nth", "2", "--annotator", "y")
    assert third["start"] == TEXT.rindex("Iraq.")  # "Iraq_x" is not the whole word
    bad = run("annotate", proj, "--doc", "d", "--label", "GPE", "--match", "Iraq", "--word", "--nth", "3", ok=False)
    assert "occurs 2 times as a whole word in the document, not 3" in bad.stderr
    accent = run("annotate", proj, "--doc", "d", "--label", "GPE", "--match", "Caf", "--word", ok=False)
    assert "0 times as a whole word" in accent.stderr
    assert "--word goes with --match" in run("annotate", proj, "--doc", "d", "--label", "GPE", "--start", "0",
                                              "--end", "4", "--word", ok=False).stderr


def test_change_label_span_attributes_and_note(proj: Path) -> None:
    quote = _annotate(proj, "--label", "QUOTE", "--match", "will talk.", "--attr", "type=direct")
    changed = json.loads(run("change", proj, quote["id"], "--doc", "d", "--end", str(quote["end"] - 1),
                             "--attr", "type=indirect", "--note", "checked").output)
    assert changed["text"] == "will talk" and changed["attributes"] == {"type": "indirect"}
    assert changed["note"] == "checked"
    again = json.loads(run("change", proj, quote["id"], "--doc", "d", "--unset", "type", "--note", "").output)
    assert again["attributes"] == {} and again["note"] is None
    with Project.open(proj) as p:
        stored = p.annotation("d", quote["id"])
        assert (stored.text, stored.attributes, stored.note) == ("will talk", {}, None)
    assert "no attribute 'type'" in run("change", proj, quote["id"], "--doc", "d", "--unset", "type",
                                         ok=False).stderr
    assert "nothing to change" in run("change", proj, quote["id"], "--doc", "d", ok=False).stderr
    bad = run("change", proj, quote["id"], "--doc", "d", "--end", "999", ok=False)
    assert bad.exit_code != 0 and "Traceback" not in bad.stderr
    with Project.open(proj) as p:
        assert p.annotation("d", quote["id"]).text == "will talk"  # unchanged by the refusal


def test_delete_is_all_or_nothing_and_takes_the_links(proj: Path) -> None:
    who = _annotate(proj, "--label", "PERSON", "--match", "Iraqi officials")
    quote = _annotate(proj, "--label", "QUOTE", "--match", "will talk.")
    cue = _annotate(proj, "--label", "CUE", "--match", "said")
    said_by = json.loads(run("relate", proj, "--doc", "d", "--type", "said_by", "--from", quote["id"],
                             "--to", who["id"]).output)
    json.loads(run("relate", proj, "--doc", "d", "--type", "cue", "--from", quote["id"], "--to", cue["id"]).output)
    bad = run("delete", proj, "--doc", "d", cue["id"], "nope", ok=False)
    assert "no annotation or relation 'nope'" in bad.stderr
    with Project.open(proj) as p:
        assert len(p.annotations("d")) == 3 and len(p.relations("d")) == 2  # nothing deleted
    out = run("delete", proj, "--doc", "d", said_by["id"], quote["id"]).output
    assert "deleted 1 annotation and 2 relations" in out  # the quote's cue link went with it
    with Project.open(proj) as p:
        assert {a.id for a in p.annotations("d")} == {who["id"], cue["id"]} and p.relations("d") == []
    assert "no document 'zz'" in run("delete", proj, "--doc", "zz", cue["id"], ok=False).stderr


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_text_ends_a_line_at_every_kind_of_line_break(tmp_path: Path, brk: str) -> None:
    text = f"Caf\u00e9\u0301 \U00020000 😀{brk}{brk}said\u00a0x{brk}end"
    path = tmp_path / "p.newsmark"
    with Project.create(path) as p:
        p.add_document(Document(id="d", text=text, title="T"))
    out = run("text", path, "--doc", "d").output.splitlines()
    assert len(out) == 4  # an empty line between the two breaks
    starts = [0]
    for line in text.splitlines(keepends=True)[:-1]:
        starts.append(starts[-1] + len(line))
    assert [int(line.split("  ", 1)[0]) for line in out] == starts
    for line, start in zip(out, starts, strict=True):
        body = line.split("  ", 1)[1].replace("\\u00a0", "\u00a0")  # NBSP shown escaped, one character
        assert text[start:start + len(body)] == body and brk not in body
    assert run("text", path, "--doc", "d", "--start", str(starts[2]), "--end", str(starts[2] + 4)).output.endswith(
        f"{starts[2]}  said\n")


def test_delete_refuses_an_id_that_names_an_annotation_and_a_relation(proj: Path) -> None:
    who = _annotate(proj, "--label", "PERSON", "--match", "Iraqi officials")
    quote = _annotate(proj, "--label", "QUOTE", "--match", "will talk.")
    with Project.open(proj) as p:
        p.add_relation("d", "said_by", quote["id"], who["id"], id=who["id"])  # the same id as an annotation
    bad = run("delete", proj, "--doc", "d", who["id"], ok=False)
    assert "names both an annotation and a relation" in bad.stderr
    with Project.open(proj) as p:
        assert len(p.annotations("d")) == 2 and len(p.relations("d")) == 1
