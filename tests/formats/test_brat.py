"""brat standoff: what brat and other standoff readers take, read back exactly (issues #13, #14)."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from newsmark.core.errors import InputError, NewsmarkError
from newsmark.core.model import Document, Label
from newsmark.formats import brat
from newsmark.ingest.batch import import_paths
from newsmark.store import Project
from newsmark.store.importer import ImportSummary, import_records
from tests.conftest import unicode_file_names

# six documents: spans across \n, \r, a tab and U+2028, a note with U+0085, and a plain one
DOCS = {
    "lf": ("first line\nsecond line", [(6, 17, None)]),
    "cr": ("one\rtwo three", [(0, 7, None)]),
    "tab": ("name\tvalue here", [(0, 10, None)]),
    "ls": ("left\u2028right side", [(0, 10, None)]),
    "nel": ("a note holds NEL", [(2, 6, "see\x85also\u2029that\ttab\nline")]),
    "edge": ("ends with a break\n\nnext", [(12, 19, None), (17, 18, None)]),
}


def _fill(project: Project) -> None:
    for doc_id, (text, spans) in DOCS.items():
        project.add_document(Document(id=doc_id, text=text))
        for i, (s, e, note) in enumerate(spans):
            project.add_annotation(doc_id, s, e, "QUOTE" if i == 0 else "PERSON", id=f"{doc_id}{i}", note=note or "",
                                   attributes={"speaker": "Ann Lee", "flag": True, "n": [1, "two\nlines"]})
        if len(spans) > 1:
            project.add_relation(doc_id, "said_by", f"{doc_id}0", f"{doc_id}1", id="r1",
                                 attributes={"value": "supports"})


def _back(folder: Path, tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "back.newsmark")
    records = list(brat.read(folder))
    assert [r.error for r in records if r.error] == []
    import_records(p, records, ImportSummary(), source=str(folder))
    return p


def _state(p: Project) -> dict[str, Any]:
    out = {}
    for doc_id in p.document_ids():
        doc = p.document(doc_id)
        out[doc_id] = (doc.text, sorted((a.start, a.end, a.label, a.text, a.note or None, sorted(a.attributes.items(), key=str))
                                        for a in doc.annotations),
                       sorted((r.type, r.attributes == {"value": "supports"}) for r in doc.relations))
    return out


def test_spans_across_line_breaks_and_notes_with_nel_come_back(project: Project, tmp_path: Path) -> None:
    _fill(project)
    out = tmp_path / "out"
    brat.write(project, out)
    for ann in out.glob("*.ann"):
        text = ann.read_text(encoding="utf-8")
        # one line to every reader: no character that any of them takes as a line end
        assert text.splitlines() == text.split("\n")[:-1], ann.name
    back = _back(out, tmp_path)
    assert _state(back) == _state(project)
    back.close()


def test_spans_across_lines_are_brat_fragments(project: Project, tmp_path: Path) -> None:
    _fill(project)
    brat.write(project, tmp_path / "out")
    lf = (tmp_path / "out" / "lf.ann").read_text(encoding="utf-8").splitlines()
    assert lf[0] == "T1\tQUOTE 6 10;11 17\tline second"  # brat's own form of a span across lines


def test_export_is_read_by_bratly(project: Project, tmp_path: Path) -> None:
    """bratly (PyPI) checks each T line's text against its fragments and parses every line."""
    with warnings.catch_warnings():  # its pydantic models use a deprecated form
        warnings.simplefilter("ignore")
        from bratly import EntityAnnotation, NoteAnnotation, RelationAnnotation
        from bratly.io.file_read_src import read_and_load_ann_file

    _fill(project)
    out = tmp_path / "out"
    brat.write(project, out)
    for doc_id, (text, spans) in DOCS.items():
        ann_path = out / f"{doc_id}.ann"
        collection = read_and_load_ann_file(str(ann_path), no_duplicates=False, sorting=False, renumerotize=False)
        lines = [x for x in ann_path.read_text(encoding="utf-8").split("\n") if x]
        assert len(collection.annotations) == len(lines)  # nothing it could not parse
        ents = [a for a in collection.annotations if isinstance(a, EntityAnnotation)]
        assert len(ents) == len(spans)
        for ent, (s, e, _) in zip(ents, spans, strict=True):
            frags = [(f.start, f.end) for f in ent.fragments]
            # (a span of line breaks only is shown as spaces: its text cannot be on the line)
            assert brat._one_line(" ".join(text[a:b] for a, b in frags)) == ent.content
            assert frags[0][0] >= s and frags[-1][1] <= e
        assert any(isinstance(a, NoteAnnotation) for a in collection.annotations)
        assert sum(isinstance(a, RelationAnnotation) for a in collection.annotations) == (len(spans) > 1)


def test_label_name_with_a_newline_stays_one_line_of_visual_conf(project: Project, tmp_path: Path) -> None:
    project.add_label(Label(name="EVIL\n[drawing]\nX | y", layer="entity", colour="#ff0000\n[labels]"))
    project.add_document(Document(id="d", text="some text"))
    brat.write(project, tmp_path / "out")
    conf = (tmp_path / "out" / "visual.conf").read_text(encoding="utf-8")
    assert [x for x in conf.splitlines() if x.startswith("[")] == ["[labels]", "[drawing]"]
    line = next(x for x in conf.splitlines() if x.startswith("EVIL_"))
    assert line.count("|") == 1
    assert "#ff0000\n" not in conf


@pytest.mark.parametrize("value", ["null", "5", "[1,2]", "\"text\"", "{not json"])
def test_attributes_note_that_is_not_an_object_is_refused(tmp_path: Path, value: str) -> None:
    (tmp_path / "a.txt").write_text("Ann said so", encoding="utf-8")
    (tmp_path / "a.ann").write_text(f"T1\tPERSON 0 3\tAnn\n#1\tAnnotatorNotes T1\tnewsmark-attributes: {value}\n",
                                    encoding="utf-8")
    (rec,) = brat.read(tmp_path / "a.ann")
    assert isinstance(rec.error, InputError)
    assert rec.error.file == str(tmp_path / "a.ann") and rec.error.line == 2
    assert "JSON object" in rec.error.problem


def test_every_standoff_form(project: Project, tmp_path: Path) -> None:
    text = "Ann Lee met Bob. She said no. He left."
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d.ann").write_text(
        "T1\tPERSON 0 7\tAnn Lee\nT2\tPERSON 12 15\tBob\nT3\tPERSON 17 20\tShe\nT4\tPERSON 30 32\tHe\n"
        "T5\tCue 21 25\tsaid\nE1\tCue:T5 Speaker:T3\nR1\tmet Arg1:T1 Arg2:T2\n"
        "*\tEquiv T1 T3\n*\tEquiv T2 T4\n"
        "M1\tNegation E1\nA1\tCertain T1 High\n"
        "N1\tReference T1 Wikidata:Q1\tAnn Lee\n"
        "#1\tAnnotatorNotes R1\tmet at the airport\n#2\tAnnotatorNotes T2\tBob's note\n",
        encoding="utf-8")
    summary = import_paths(project, [tmp_path / "d.txt"])
    assert summary.failed == []
    (doc_id,) = project.document_ids()
    anns = {a.id: a for a in project.annotations(doc_id)}
    rels = project.relations(doc_id)
    assert sorted(r.type for r in rels) == ["Equiv", "Equiv", "Speaker", "met"]
    met = next(r for r in rels if r.type == "met")
    assert met.attributes == {"note": "met at the airport"}  # the note on a relation is kept
    assert anns["T5"].attributes == {"Negation": True}  # M: on the event, i.e. its trigger
    assert anns["T1"].attributes["Certain"] == "High"
    assert anns["T2"].note == "Bob's note"
    # and out again: brat's attributes as A lines, declared in annotation.conf with their values
    out = tmp_path / "out"
    brat.write(project, out)
    conf = (out / "annotation.conf").read_text(encoding="utf-8").splitlines()
    assert "Certain\tArg:PERSON, Value:High" in conf and "Negation\tArg:Cue" in conf
    ann = (out / "d.ann").read_text(encoding="utf-8")
    assert "\tCertain T1 High\n" in ann and re.search(r"\tNegation T\d+\n", ann)


@unicode_file_names
def test_long_cjk_ids_fit_file_name_limits(project: Project, tmp_path: Path) -> None:
    for k in range(3):
        project.add_document(Document(id="新闻" * 40 + str(k) * 3, text=f"text {k}"))
    project.add_document(Document(id="新闻" * 40 + "0000", text="same stem after cutting"))
    out = tmp_path / "out"
    report = brat.write(project, out)
    names = sorted(p.name for p in out.iterdir())
    assert "annotation.conf" in names and "visual.conf" in names
    assert len(names) == 4 * 2 + 2
    assert all(len(n.encode("utf-8")) <= 150 for n in names)
    assert any("changed" in note for note in report.notes)
    back = _back(out, tmp_path)
    assert sorted(back.document(d).text for d in back.document_ids()) == \
        sorted(project.document(d).text for d in project.document_ids())
    back.close()


def test_a_failed_export_leaves_no_folder_and_an_existing_one_as_it_was(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for k in range(5):
        project.add_document(Document(id=f"d{k}", text=f"text {k}"))
    real = brat._Writer.lines
    calls = []

    def failing(self: Any, doc: Document) -> list[str]:
        calls.append(doc.id)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real(self, doc)

    monkeypatch.setattr(brat._Writer, "lines", failing)
    with pytest.raises(NewsmarkError, match="No space left"):
        brat.write(project, tmp_path / "new")
    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".newsmark")] == []

    old = tmp_path / "old"
    old.mkdir()
    (old / "d0.txt").write_text("an earlier export", encoding="utf-8")
    (old / "mine.md").write_text("the user's own file", encoding="utf-8")
    calls.clear()
    with pytest.raises(NewsmarkError, match="No space left"):
        brat.write(project, old)
    assert sorted(p.name for p in old.iterdir()) == ["d0.txt", "mine.md"]
    assert (old / "d0.txt").read_text(encoding="utf-8") == "an earlier export"

    monkeypatch.setattr(brat._Writer, "lines", real)
    brat.write(project, old)  # into a folder with files: the new ones replace their namesakes
    assert (old / "d0.txt").read_text(encoding="utf-8") == "text 0"
    assert (old / "mine.md").exists() and (old / "annotation.conf").exists()


def test_export_into_a_file_is_refused(project: Project, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(NewsmarkError, match="not a folder"):
        brat.write(project, target)


def test_brat_memory_does_not_hold_the_project(project: Project, tmp_path: Path) -> None:
    """The export asks the store for one document at a time (not a list of them all)."""
    for k in range(20):
        project.add_document(Document(id=f"d{k}", text=f"text {k}"))
    seen: list[int] = []
    real = project.document

    def counting(doc_id: str) -> Document:
        seen.append(len([p for p in (tmp_path / "out").rglob("*.txt")]) if (tmp_path / "out").exists() else -1)
        return real(doc_id)

    project.document = counting  # type: ignore[method-assign]
    staged: list[int] = []
    real_lines = brat._Writer.lines

    def lines(self: Any, doc: Document) -> list[str]:
        staged.append(len(seen))
        return real_lines(self, doc)

    brat._Writer.lines = lines  # type: ignore[method-assign]
    try:
        brat.write(project, tmp_path / "out")
    finally:
        brat._Writer.lines = real_lines  # type: ignore[method-assign]
    assert staged == list(range(1, 21))  # each document written before the next is read
    assert os.path.isdir(tmp_path / "out")


def test_discontinuous_spans_and_notes_like_ours_come_back_as_they_were(project: Project, tmp_path: Path) -> None:
    text = "Ann, he said, Lee was there."
    src = tmp_path / "src"
    src.mkdir()
    (src / "d.txt").write_text(text, encoding="utf-8")
    (src / "d.ann").write_text("T1\tPERSON 0 3;14 17\tAnn Lee\n", encoding="utf-8")
    import_paths(project, [src / "d.txt"])
    (doc_id,) = project.document_ids()
    (a,) = project.annotations(doc_id)
    assert a.attributes == {"brat_fragments": [[0, 3], [14, 17]]}
    project.update_annotation(doc_id, a.id, note="newsmark-attributes: typed by hand")
    out = tmp_path / "out"
    brat.write(project, out)
    lines = (out / "d.ann").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "T1\tPERSON 0 3;14 17\tAnn Lee"
    back = _back(out, tmp_path)
    (b,) = back.annotations(doc_id)
    assert (b.start, b.end, b.attributes, b.note) == (0, 17, a.attributes, "newsmark-attributes: typed by hand")
    back.close()


def test_an_exported_folder_has_the_usual_permissions(project: Project, tmp_path: Path) -> None:
    # the staging folder (mkdtemp: 0700) became the export: a brat server running as another
    # user could not read it, and an empty folder the user had shared (0775) lost its mode
    project.add_document(Document(id="d0", text="text"))
    umask = os.umask(0o022)
    try:
        brat.write(project, tmp_path / "new")
        assert (tmp_path / "new").stat().st_mode & 0o777 == 0o755
        shared = tmp_path / "shared"
        shared.mkdir()
        shared.chmod(0o775)
        brat.write(project, shared)
        assert shared.stat().st_mode & 0o777 == 0o775
        assert (shared / "d0.txt").read_text(encoding="utf-8") == "text"
    finally:
        os.umask(umask)


def test_a_relation_from_a_span_to_itself_is_refused(project: Project, tmp_path: Path) -> None:
    # imported as it was (an R line, a native relation): "said_by: PERSON T1 -> PERSON T1",
    # which no edit can make ("a relation needs two different annotations"), and check said ok
    folder = tmp_path / "self"
    folder.mkdir()
    (folder / "x.txt").write_text("Hello you", encoding="utf-8")
    (folder / "x.ann").write_text("T1\tPERSON 0 5\tHello\nR1\tsaid_by Arg1:T1 Arg2:T1\n", encoding="utf-8")
    [rec] = list(brat.read(folder))
    assert isinstance(rec.error, InputError)
    assert "x.ann" in str(rec.error) and "itself" in str(rec.error)
    native = tmp_path / "n.jsonl"
    native.write_text('{"id":"n","text":"Hello you","annotations":[{"id":"a","start":0,"end":5,"label":"PERSON"}],'
                      '"relations":[{"type":"said_by","from":"a","to":"a"}]}\n', encoding="utf-8")
    summary = import_paths(project, [native])
    assert not project.document_ids() and summary.failed


def test_reserved_windows_names_with_an_extension_are_made_safe(project: Project, tmp_path: Path) -> None:
    # Windows reserves "CON" whatever follows a dot: "con.txt" became con.txt.txt, which
    # Windows cannot create (nor a brat folder copied there)
    for doc_id in ("con.txt", "Aux.2024", "nul.", "console"):
        project.add_document(Document(id=doc_id, text=f"text of {doc_id}"))
    brat.write(project, tmp_path / "out")
    stems = {p.name.split(".")[0].lower() for p in (tmp_path / "out").iterdir()}
    assert not stems & {"con", "aux", "nul"}
    assert "console" in stems
