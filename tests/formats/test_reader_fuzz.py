"""Every reader of another tool's format, fuzzed as the native JSONL importer is
(tests/durability/test_hostile_input.py): any input gives documents whose spans hold their
text, or a NewsmarkError naming the file (and the line where there is one); never another
exception (issue #13, point 18)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsmark.core.errors import NewsmarkError
from newsmark.core.record import Record
from newsmark.formats import brat, citron, conll, w3c

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 60), st.integers(), st.text(max_size=12),
                     st.floats(allow_nan=False, allow_infinity=False))
_json = st.recursive(_scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids,
                                                                                          max_size=3), max_leaves=8)


def _mutate(value: Any, draw: Callable[[Any], Any]) -> Any:
    """``value`` with some of its parts (any depth) replaced by arbitrary JSON."""
    if draw(st.integers(0, 7)) == 0:
        return draw(_json)
    if isinstance(value, dict):
        return {k: _mutate(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        return [_mutate(v, draw) for v in value]
    return value


def _check(records: Iterator[Record], path: Path, *, lines: bool) -> None:
    try:
        got = list(records)
    except NewsmarkError as e:  # raised whole: still must name the file
        assert str(path) in str(e)
        return
    for rec in got:
        if rec.error is not None:
            assert isinstance(rec.error, NewsmarkError)
            assert str(rec.error).startswith(str(path)), rec.error
            if lines:
                assert rec.error.line is not None and rec.error.line >= 1  # type: ignore[attr-defined]
            continue
        doc = rec.document
        assert doc is not None
        for a in doc.annotations:
            assert doc.text[a.start:a.end] == a.text


CITRON = {"newsmark_id": "d", "title": "t", "text": "“We won,” Ann Lee said.",
          "quotes": [{"id": "q", "cue": {"start": 18, "end": 22, "text": "said"},
                      "sources": [{"start": 10, "end": 17, "text": "Ann Lee"}],
                      "contents": [{"start": 0, "end": 9, "text": "“We won,”"}]}],
          "coreference_groups": [[{"start": 10, "end": 17, "text": "Ann Lee"}, {"start": 10, "end": 13}]]}


@FUZZ
@given(data=st.data())
def test_citron_reader(tmp_path: Path, data: st.DataObject) -> None:
    docs = [_mutate(CITRON, data.draw) for _ in range(data.draw(st.integers(1, 3)))]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    _check(citron.read(path), path, lines=True)
    one = tmp_path / "one.json"
    one.write_text(json.dumps(docs[0], indent=1), encoding="utf-8")
    _check(citron.read(one), one, lines=False)


def _w3c_sample() -> dict[str, Any]:
    ann = {"@context": w3c.CONTEXT, "id": w3c.ann_iri("d", "a1"), "type": "Annotation", "motivation": "tagging",
           "body": [{"type": "TextualBody", "purpose": "tagging", "value": "PERSON"},
                    {"type": "TextualBody", "purpose": "describing", "format": "application/json", "value": "{}"},
                    {"type": "TextualBody", "purpose": "commenting", "value": "n"}],
           "creator": {"type": "Person", "name": "x"},
           "target": {"source": w3c.doc_iri("d"), "selector": [
               {"type": "TextQuoteSelector", "exact": "Ann", "prefix": "", "suffix": " said"},
               {"type": "TextPositionSelector", "start": 0, "end": 3}]}}
    cue = json.loads(json.dumps(ann).replace("a1", "a2").replace("PERSON", "CUE"))
    cue["target"]["selector"][1].update(start=4, end=8)
    link = {"id": w3c.ann_iri("d", "relation:r1"), "type": "Annotation", "motivation": "linking",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "cue"},
                     {"type": "SpecificResource", "purpose": "linking", "source": w3c.ann_iri("d", "a2")}],
            "target": w3c.ann_iri("d", "a1")}
    return {"@context": w3c.CONTEXT, "id": "urn:x", "type": "AnnotationCollection",
            "first": {"id": "urn:x:page:1", "type": "AnnotationPage", "items": [ann, cue, link]},
            "last": "urn:x:page:1", "total": 3,
            w3c.DOCS_KEY: [{"source": w3c.doc_iri("d"), "id": "d", "text": "Ann said hi", "meta": {},
                            "status": "new"}]}


@FUZZ
@given(data=st.data())
def test_w3c_reader(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps(_mutate(_w3c_sample(), data.draw)), encoding="utf-8")
    _check(w3c.read(path), path, lines=False)


_ids = st.sampled_from(["T1", "T2", "E1", "R1", "T3", "X9", "", "T1 T2"])
_num = st.one_of(st.integers(-2, 30).map(str), st.sampled_from(["", "x", "1.5", "99999999999999999999"]))
_brat_line = st.one_of(
    st.builds(lambda i, lab, s, e, t: f"{i}\t{lab} {s} {e}\t{t}", _ids, st.sampled_from(["PERSON", "Q", ""]),
              _num, _num, st.text(max_size=6)),
    st.builds(lambda i, s1, e1, s2, e2: f"{i}\tPERSON {s1} {e1};{s2} {e2}\tx", _ids, _num, _num, _num, _num),
    st.builds(lambda a, b: f"R1\tsaid_by Arg1:{a} Arg2:{b}", _ids, _ids),
    st.builds(lambda a, b: f"E1\tCue:{a} Speaker:{b}", _ids, _ids),
    st.builds(lambda k, a, v: f"{k}1\tNeg {a}{v}", st.sampled_from("AM"), _ids, st.sampled_from(["", " High", " "])),
    st.builds(lambda a, b: f"*\tEquiv {a} {b}", _ids, _ids),
    st.builds(lambda a, t: f"N1\tReference {a} Wikidata:Q1\t{t}", _ids, st.text(max_size=5)),
    st.builds(lambda a, t: f"#1\tAnnotatorNotes {a}\t{t}", _ids,
              st.one_of(st.text(max_size=10), _json.map(lambda v: "newsmark-attributes: " + json.dumps(v)),
                        _json.map(lambda v: "newsmark-note: " + json.dumps(v)),
                        st.builds(lambda s, e: f"newsmark-span: {s} {e}", _num, _num))),
    st.text(max_size=20),
)


@FUZZ
@given(text=st.text(max_size=30), lines=st.lists(_brat_line, max_size=8), raw=st.binary(max_size=20))
@example(text="", lines=["#1\tAnnotatorNotes T1\tnewsmark-attributes: null"], raw=b"")
@example(text="", lines=["#1\tAnnotatorNotes T1\tnewsmark-attributes: [1,2]"], raw=b"")
@example(text="", lines=["A1\tNeg X9"], raw=b"")
@example(text="", lines=["*\tEquiv T1 T2", "*\tEquiv T2 T1"], raw=b"")
def test_brat_reader(tmp_path: Path, text: str, lines: list[str], raw: bytes) -> None:
    # a valid start, so that the random lines have something to refer to
    (tmp_path / "d.txt").write_bytes(("Ann Lee said so. " + text).encode("utf-8", "surrogatepass"))
    lines = ["T1\tPERSON 0 3\tAnn", "T2\tCue 8 12\tsaid", "E1\tCue:T2 Speaker:T1", *lines]
    (tmp_path / "d.ann").write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + raw)
    _check(brat.read(tmp_path / "d.ann"), tmp_path / "d.ann", lines=False)


_conll_line = st.one_of(
    st.sampled_from(["EU NNP B-NP B-ORG", "rejects VBZ B-VP O", "tok O", "tok\tB-X", "tok I-X", "1 tok B-PER",
                     "2 tok I-PER O", "-DOCSTART- -X- O O", "", "# comment", "a b c", "x E-X", "y S-Y", "z B_Q"]),
    st.builds(lambda t, g: f"{t} {g}", st.text(max_size=5), st.text(max_size=5)),
    st.text(max_size=12),
)


@FUZZ
@given(lines=st.lists(_conll_line, max_size=12), raw=st.binary(max_size=10))
def test_conll_reader(tmp_path: Path, lines: list[str], raw: bytes) -> None:
    path = tmp_path / "f.conll"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + raw)
    _check(conll.read(path), path, lines=False)
