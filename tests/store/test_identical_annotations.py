"""An annotation identical to one already there (document, span, label, annotator) is not
stored again: not by an add, not by an import, not by a round trip through any format."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.errors import DuplicateAnnotationError
from newsmark.store import Project
from tests.conftest import SEED_JSONL

DOC = "000_b24136a7fc6a8277"


def run(*args: object, ok: bool = True) -> object:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


def _counts(path: Path) -> tuple[int, int, dict[str, int]]:
    with Project.open(path, readonly=True) as p:
        figures = p.stats()
    return figures["annotations"], figures["relations"], figures["by_label"]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "p.newsmark"
    run("init", path)
    run("import", path, SEED_JSONL)
    return path


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "rows"])
def test_the_same_add_twice_is_refused_with_the_existing_id(sample: Path, packed: bool) -> None:
    with Project.open(sample) as p:
        assert p.is_packed(DOC)
        if not packed:
            p.add_annotation(DOC, 0, 4, "DATE", annotator="me")  # the first edit moves it to rows
        existing = next(a for a in p.annotations(DOC) if a.label == "PERSON")
        before = len(p.annotations(DOC))
        with pytest.raises(DuplicateAnnotationError) as e:
            p.add_annotation(DOC, existing.start, existing.end, "PERSON", annotator=existing.annotator)
        assert e.value.existing_id == existing.id and existing.id in str(e.value)
        assert len(p.annotations(DOC)) == before
        # another annotator's, or another label on the same span, is another annotation
        p.add_annotation(DOC, existing.start, existing.end, "PERSON", annotator="someone else")
        p.add_annotation(DOC, existing.start, existing.end, "ORG", annotator=existing.annotator)
        assert len(p.annotations(DOC)) == before + 2


def test_annotate_twice_from_the_command_line_says_so(sample: Path) -> None:
    args = ("annotate", sample, "--doc", DOC, "--label", "EVENT", "--match", "pull-out")
    first = run(*args)
    assert '"label": "EVENT"' in first.output
    again = run(*args, ok=False)
    assert again.exit_code == 1 and "Traceback" not in again.output
    assert "already has this annotation" in again.stderr and "EVENT" in again.stderr
    assert _counts(sample)[2]["EVENT"] == 1


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "doccano", "doccano-rel", "label-studio", "w3c",
                                 "prodigy", "citron"])
@pytest.mark.parametrize("packed", [True, False], ids=["packed", "rows"])
def test_a_round_trip_into_the_same_project_adds_nothing(sample: Path, tmp_path: Path, fmt: str,
                                                        packed: bool) -> None:
    if not packed:
        run("annotate", sample, "--doc", DOC, "--label", "EVENT", "--match", "pull-out")
    before = _counts(sample)
    target = tmp_path / ("out" if fmt == "brat" else f"out-{fmt}.json")
    run("export", sample, "--format", fmt, "-o", target)
    result = run("import", sample, target, "--format", "doccano" if fmt == "doccano-rel" else fmt)
    assert result.output.splitlines()[0] == "imported 0 new documents: 0 annotations, 0 relations", result.output
    assert _counts(sample) == before
    assert "ok" in run("check", sample).output
    # and again: still nothing
    run("import", sample, target)  # recognised by content
    assert _counts(sample) == before


def test_brat_round_trip_counts_the_identical_ones(sample: Path, tmp_path: Path) -> None:
    # the case: exporting to brat and importing the folder doubled every annotation
    run("export", sample, "--format", "brat", "-o", tmp_path / "brat")
    out = run("import", sample, tmp_path / "brat").output
    assert "imported 0 new documents: 0 annotations, 0 relations" in out
    assert "1 document was already in the project unchanged" in out
    assert "skipped 20 duplicate annotations and 16 duplicate relations already in their documents" in out
    assert _counts(sample)[:2] == (20, 16)


def test_a_merge_adds_only_what_is_new_and_links_to_what_is_there(sample: Path, tmp_path: Path) -> None:
    """A brat file with the document's annotations plus one new quote linked to an existing
    speaker: the quote is added, its relation points at the annotation already there."""
    run("export", sample, "--format", "brat", "-o", tmp_path / "brat")
    ann = tmp_path / "brat" / f"{DOC}.ann"
    text = (tmp_path / "brat" / f"{DOC}.txt").read_text(encoding="utf-8")
    lines = ann.read_text(encoding="utf-8").splitlines()
    person = next(line for line in lines if "\tPERSON " in line and line.endswith("Leon Panetta"))
    start = text.index("pull-out")
    lines += [f"T99\tQUOTE {start} {start + 8}\tpull-out", f"R99\tsaid_by Arg1:T99 Arg2:{person.split()[0]}"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run("import", sample, tmp_path / "brat").output
    assert "added to 1 existing one: 1 annotation, 1 relation" in out
    with Project.open(sample, readonly=True) as p:
        anns = {a.id: a for a in p.annotations(DOC)}
        quote = next(a for a in anns.values() if a.text == "pull-out")
        (rel,) = [r for r in p.relations(DOC) if r.from_id == quote.id]
        assert rel.type == "said_by" and anns[rel.to_id].text == "Leon Panetta"
        assert sum(a.text == "Leon Panetta" for a in anns.values()) == 1  # not tagged again


def test_conll_comes_back_once(sample: Path, tmp_path: Path) -> None:
    """CoNLL carries tokens, not the text: it comes back as a document of its own, once."""
    run("export", sample, "--format", "conll", "-o", tmp_path / "out.conll")
    first = run("import", sample, tmp_path / "out.conll").output
    assert first.startswith("imported 1 new document: 9 annotations"), first
    after = _counts(sample)
    run("import", sample, tmp_path / "out.conll")
    assert _counts(sample) == after


def test_the_check_sees_other_connections_and_rollbacks(sample: Path) -> None:
    """The spans kept between adds follow another program's commits and this one's rollbacks."""
    with Project.open(sample) as window, Project.open(sample) as other:
        window.add_annotation(DOC, 0, 2, "GPE", annotator="me")  # unpacked; spans now kept
        window.annotations(DOC)
        other.add_annotation(DOC, 3, 11, "EVENT", annotator="me")
        with pytest.raises(DuplicateAnnotationError):  # the other program's add is seen
            window.add_annotation(DOC, 3, 11, "EVENT", annotator="me")
        with pytest.raises(RuntimeError), window.write():  # an add taken back with its transaction
            window.add_annotation(DOC, 12, 20, "EVENT", annotator="me")
            window.annotations(DOC)  # read (and kept) before the rollback
            raise RuntimeError("cancelled")
        assert window.add_annotation(DOC, 12, 20, "EVENT", annotator="me").text == "n immuni"
        with pytest.raises(DuplicateAnnotationError):
            other.add_annotation(DOC, 12, 20, "EVENT", annotator="me")
        window.delete_annotation(DOC, next(a.id for a in window.annotations(DOC) if a.start == 0))
        window.add_annotation(DOC, 0, 2, "GPE", annotator="me")  # deleted, so it may come again


@pytest.mark.parametrize("big", [False, True], ids=["one-transaction", "batched-in-workers"])
def test_a_relation_between_two_identical_annotations_is_not_made_a_link_to_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: bool) -> None:
    """A record whose relation joins two identical annotations (kept once), or an annotation
    and one identical to it in the document already: the relation would link the one kept to
    itself, which no relation may (the project's own export could not be imported again).
    It is left out, counted with the identical ones; the rest of the record is imported."""
    import json

    from newsmark.ingest import batch

    if big:  # a large file: batched, checked and packed in worker processes
        monkeypatch.setattr(batch, "BATCHED_IMPORT_BYTES", 1)
    text = "Acme said 😀 that 𠀋 Acme\r\nagreed\u2028."
    acme, said = [0, 4], [5, 9]
    ann = lambda i, span, label="ORG": {"id": i, "start": span[0], "end": span[1], "label": label}  # noqa: E731
    records = [
        {"id": "new", "text": text, "annotations": [ann("a1", acme), ann("a2", acme), ann("c", said, "CUE")],
         "relations": [{"id": "r", "type": "rel", "from": "a1", "to": "a2"},
                       {"id": "ok", "type": "rel", "from": "c", "to": "a2"}]},
        {"id": "old", "text": text, "annotations": [ann("a1", acme)]},
        {"id": "old", "text": text, "annotations": [ann("a1", acme), ann("b1", acme), ann("c", said, "CUE")],  # b1: a1
         "relations": [{"id": "r2", "type": "rel", "from": "b1", "to": "a1"},
                       {"id": "r3", "type": "rel", "from": "c", "to": "b1"}]},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / "p.newsmark"
    run("init", path)
    result = run("import", path, src)
    assert "skipped 2 duplicate annotations and 2 duplicate relations" in result.output, result.output  # type: ignore[attr-defined]
    with Project.open(path, readonly=True) as p:
        for doc in ("new", "old"):
            rels = p.relations(doc)
            assert all(r.from_id != r.to_id for r in rels), rels
            assert sorted((r.from_id, r.to_id) for r in rels) == [("c", "a1")], rels  # r3's 'b1' is a1
            for a in p.annotations(doc):
                assert a.text == text[a.start:a.end]
    out = tmp_path / "out.jsonl"
    run("export", path, "-o", out)
    again = tmp_path / "again.newsmark"
    run("init", again)
    result = run("import", again, out)
    assert "not imported" not in result.output, result.output  # type: ignore[attr-defined]
    assert _counts(again) == _counts(path)
