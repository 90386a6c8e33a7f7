"""The import's workers (``records.pack_lines``, docs/adr/0008): each line is packed by the fast
path as the full path (``check_record``, then ``core.packing.pack``) packs it, or left to the
full path, which words the error.  The fast path checks annotations over lists in C after one
lean loop; these cases hold each line where it went before that (fast, full, or the error)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.core import jsonutil
from newsmark.core.errors import ValidationError
from newsmark.core.record import Record
from newsmark.core.rules import Rules
from newsmark.core.schema import load_schema
from newsmark.formats import jsonl, records
from newsmark.formats.records import check_record, pack_lines, unpack_line
from newsmark.resources import default_schema_path
from tests.formats.test_jsonl import _records

STAMP = "2026-01-01T00:00:00.000Z"
T = "Ĳssel café 😀 石油 e\u0301 a\r\nb\u00a0c\u2028d\u2029 said the minister"


def _ann(i: int, start: Any, end: Any, label: Any = "PERSON", **kw: Any) -> dict[str, Any]:
    return {"id": f"a{i}", "start": start, "end": end, "label": label, **kw}


def _line(anns: list[dict[str, Any]], rels: list[dict[str, Any]] | None = None, **kw: Any) -> bytes:
    rec = {"id": "e", "title": "Edge", "text": T, "meta": {"n": 1}, "status": "new", "annotations": anns,
           "relations": rels or [], **kw}
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _deep(n: int) -> Any:
    value: Any = 1
    for _ in range(n):
        value = [value]
    return value


def _far_too_deep(line: bytes, n: int = 950) -> bytes:
    """``line`` with its value "DEEP" nested ``n`` lists deep: deeper than a check that recurses
    can go (Python's recursion limit), within what the JSON parsers read (1,024 levels)."""
    return line.replace(b'"DEEP"', b"[" * n + b"1" + b"]" * n)


OK = [_ann(0, 0, 5), _ann(1, 6, 10, "ORG", text=T[6:10]), _ann(2, 11, 12, "QUOTE", attributes={"speaker": "Al"}),
      _ann(3, 13, 15, "CUE")]
SAID = [{"id": "r0", "type": "said_by", "from": "a2", "to": "a0", "attributes": {}}]

# (name, line, where it goes: "fast", "full" (read by the full path, no error) or the full path's error)
CASES: list[tuple[str, bytes, str]] = [
    ("plain", _line(OK, SAID), "fast"),
    ("text null among others", _line([*OK[:1], _ann(1, 6, 10, "ORG", text=None), _ann(2, 1, 3, text=T[1:3])]),
     "fast"),
    ("end beyond the text", _line([*OK, _ann(4, 3, len(T) + 1)]),
     "annotation 'a4': end offset 47 is past the end of the text (46 characters)"),
    ("end at the text's end", _line([*OK, _ann(4, len(T) - 2, len(T))]), "fast"),
    ("start == end", _line([*OK, _ann(4, 3, 3)]), "annotation 'a4': span 3-3 is empty: end must be greater than start"),
    ("start > end", _line([*OK, _ann(4, 5, 3)]), "annotation 'a4': span 5-3 is reversed: end must be greater than start"),
    ("start < 0", _line([*OK, _ann(4, -1, 3)]), "annotation 'a4': start offset -1 is negative"),
    ("start a float", _line([*OK, _ann(4, 1.0, 3)]), "annotation 'a4': start offset 1.0 is not an integer"),
    ("start true", _line([*OK, _ann(4, True, 3)]), "annotation 'a4': start offset True is not an integer"),
    ("an int beyond 64 bits", _line([*OK, _ann(4, 1, 3, attributes={"n": 2**64})]), "full"),
    ("a negative one, nested", _line([*OK, _ann(4, 1, 3, attributes={"n": [1, {"m": -(2**63) - 1}]})]), "full"),
    ("ints just within", _line([*OK, _ann(4, 1, 3, attributes={"n": 2**64 - 1, "m": -(2**63)})]), "fast"),
    ("a label of spaces", _line([*OK, _ann(4, 1, 3, label="  ")]), "annotation 'a4': 'label' must be a non-empty string"),
    ("a label of U+2028", _line([*OK, _ann(4, 1, 3, label="\u2028")]),
     "annotation 'a4': 'label' must be a non-empty string"),
    ("an empty label", _line([*OK, _ann(4, 1, 3, label="")]), "annotation 'a4': 'label' must be a non-empty string"),
    ("an id given twice", _line([*OK, _ann(0, 1, 3)]), "annotation id 'a0' appears twice in the record"),
    ("an empty id", _line([*OK, _ann(4, 1, 3, id="")]), "annotation 5 id is empty"),
    ("no id", _line([*OK, {"start": 1, "end": 3, "label": "GPE"}]), "full"),
    ("an integer id", _line([*OK, _ann(4, 1, 3, id=7)]), "full"),
    ("a relation to itself", _line(OK, [{"id": "r0", "type": "said_by", "from": "a2", "to": "a2"}]),
     "relation 'r0' links annotation 'a2' to itself (a relation needs two)"),
    ("a relation to an annotation elsewhere", _line(OK, [{"id": "r0", "type": "said_by", "from": "a2", "to": "zz"}]),
     "relation 'r0': its 'to' annotation 'zz' is not in this document"),
    ("a relation id twice", _line(OK, [*SAID, {"id": "r0", "type": "cue", "from": "a2", "to": "a3"}]),
     "relation id 'r0' appears twice in the record"),
    ("a relation type of spaces", _line(OK, [{"id": "r0", "type": " ", "from": "a2", "to": "a3"}]),
     "relation 'r0': 'type' must be a non-empty string"),
    ("a long int in a relation", _line(OK, [{"id": "r0", "type": "cue", "from": "a2", "to": "a3",
                                             "attributes": {"w": 2**70}}]), "full"),
    ("identical annotations", _line([*OK, _ann(4, 0, 5)]), "full"),
    ("the same span by another annotator", _line([*OK, _ann(4, 0, 5, annotator="bob")]), "fast"),
    ("the same span, another label", _line([*OK, _ann(4, 0, 5, "GPE")]), "fast"),
    ("a text that is not the span's", _line([*OK, _ann(4, 0, 5, text="wrong")]),
     "annotation 'a4': its text 'wrong' does not match the document's text at 0-5, which is 'Ĳssel'"),
    ("a text that is a number", _line([*OK, _ann(4, 0, 5, text=5)]),
     "annotation 'a4': its text 5 does not match the document's text at 0-5, which is 'Ĳssel'"),
    ("labels the schema lacks", _line([*OK, _ann(4, 0, 5, "BRAND NEW", layer="place"),
                                       _ann(5, 1, 5, "BRAND NEW", layer="other"), _ann(6, 1, 2, "NEWER")]), "fast"),
    ("a known label, another layer given", _line([*OK, _ann(4, 1, 5, "PERSON", layer="quote")]), "fast"),
    ("a layer that is a number", _line([*OK, _ann(4, 2, 5, layer=7)]), "fast"),
    ("an empty layer", _line([*OK, _ann(4, 3, 5, layer="")]), "fast"),
    ("a choice not among its values", _line([*OK, _ann(4, 1, 3, "QUOTE", attributes={"type": "shouted"})]), "fast"),
    ("speakers of every kind", _line([*OK, _ann(4, 1, 3, "QUOTE", attributes={"speaker": 1e100}),
                                      _ann(5, 2, 3, "QUOTE", attributes={"speaker": True}),
                                      _ann(6, 3, 4, "QUOTE", attributes={"speaker": [1, 0.3, "X"]}),
                                      _ann(7, 4, 5, "QUOTE", attributes={"speaker": "ÉMILE Zola"}),
                                      _ann(8, 5, 6, "QUOTE", attributes={"speaker": 1}),
                                      _ann(9, 6, 7, "QUOTE", attributes={"speaker": "Émile ZOLA"}),
                                      _ann(10, 7, 8, "QUOTE")]), "fast"),
    ("a quote without a speaker", _line([*OK, _ann(4, 5, 6, "QUOTE", attributes={"cue": "said"})]), "fast"),
    ("a list that must be a list", _line([*OK, _ann(4, 1, 3, "DISPUTE", attributes={"parties": "not a list"})]),
     "fast"),
    ("a stance without its value", _line(OK, [*SAID, {"id": "r1", "type": "stance", "from": "a2", "to": "a3"}]),
     "fast"),
    ("a relation the schema does not allow", _line(OK, [{"id": "r1", "type": "said_by", "from": "a0", "to": "a1",
                                                         "attributes": {"x": [1]}}]), "fast"),
    ("nesting deep", _line([*OK, _ann(4, 1, 3, attributes={"deep": _deep(40)}), _ann(5, 1, 4, attributes={"k": [1]})]),
     "fast"),
    ("nesting too deep", _line([*OK, _ann(4, 1, 3, attributes={"deep": _deep(100)})]),
     "annotation 'a4': its attributes put the record more than 100 levels deep (lists and objects nest too deeply)"),
    ("meta nesting far too deep", _far_too_deep(_line(OK, meta={"m": "DEEP"})),
     "the record's meta nests lists and objects more than 100 levels deep"),
    ("attributes nesting far too deep", _far_too_deep(_line([*OK, _ann(4, 1, 3, attributes={"m": "DEEP"})])),
     "annotation 'a4': its attributes put the record more than 100 levels deep (lists and objects nest too deeply)"),
    ("a relation's attributes nesting far too deep",
     _far_too_deep(_line(OK, [{"id": "r0", "type": "cue", "from": "a2", "to": "a3", "attributes": {"w": "DEEP"}}])),
     "relation 'r0': its attributes put the record more than 100 levels deep (lists and objects nest too deeply)"),
    ("times given and not", _line([*OK, _ann(4, 1, 3, created="c", updated="u"),
                                   _ann(5, 1, 4, created="", updated=None)]), "fast"),
    ("attributes null", _line([*OK, _ann(4, 1, 3, note="n", annotator="z", attributes=None)]), "fast"),
    ("attributes a list", _line([*OK, _ann(4, 1, 3, attributes=[])]),
     "annotation 'a4': 'attributes' must be an object, not list"),
    ("an unknown field", _line([*OK, _ann(4, 1, 3, unknown=1)]), "fast"),  # left out by both paths
    ("a status to normalise", _line(OK, status="in_progress"), "fast"),
    ("a status unknown", _line(OK, status="finished"), "status 'finished' is not one of new, in progress, done, review"),
    ("an empty document id", _line(OK, id=""), "document id is empty"),
    ("an integer document id", _line(OK, id=5), "full"),
    ("a long int in meta", _line(OK, meta={"big": 2**65}), "full"),
    ("nulls", _line(OK, meta=None, title=None, status=None, created="c", updated="u"), "fast"),
    ("a field that is not native", _line(OK, source="elsewhere"), "full"),
    ("no annotations", _line([]), "fast"),
    ("annotations null", _line([], annotations=None, relations=None), "fast"),
    ("a lone surrogate", b'{"text": "\\ud800 lone"}\n',
     "invalid JSON: no low surrogate in string at character 11 of the line"),
    ("escapes in the text", b'{"text": "a\\nb \\u00e9\\"\\\\ \\ud83d\\ude00", "annotations": [{"id": "a", "start": 2,'
                            b' "end": 5, "label": "X", "text": "b \\u00e9"}]}\n', "fast"),
    ("a text that is a number", b'{"text": 5}\n', "'text' must be a string, not int"),
    ("a text that is null", b'{"text": null}\n', "the record has no 'text'"),
    ("bytes that are not UTF-8", b'{"text": "ab\xffc"}\n',
     "bytes that are not UTF-8 at byte 13 of the line (b'\\xffc\"}'); save the file as UTF-8"),
    ("not an object", b"[1, 2]\n", "a record must be a JSON object, not list"),
    ("not JSON", b"{not json\n", "invalid JSON: unexpected character, expected a string key at character 2 of the line"),
    ("out of order, ties", _line([_ann(i, i % 20, i % 20 + 1 + i % 7, ("PERSON", "ORG", "QUOTE")[i % 3],
                                       annotator=("x", None)[i % 2]) for i in range(60)][::-1]), "fast"),
]
EDGE_LINES = [line for _, line, _ in CASES]


def _news() -> tuple[dict[str, str], Rules, frozenset[str]]:
    schema = load_schema(default_schema_path())
    speakers = frozenset(lab.name for lab in schema.labels if any(a.name == "speaker" for a in lab.attributes))
    return {lab.name: lab.layer for lab in schema.labels}, Rules.of(schema.labels, schema.relation_types), speakers


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "now", lambda: STAMP)
    monkeypatch.setattr(jsonl, "now", lambda: STAMP)


def _fields(rec: Record) -> tuple[Any, ...]:
    pk, doc = rec.packed, rec.document
    assert pk is not None and doc is not None
    return (doc, rec.label_layers, list(rec.label_layers), rec.id_given, rec.sha256, rec.rule_problems,
            pk.annotations, pk.relations, pk.label_counts, pk.type_counts, pk.annotation_count, pk.relation_count,
            list(pk.layers.items()), pk.speakers, pk.speaker_labels)


def _by_the_full_path(raw: bytes, layers: dict[str, str], rules: Rules, speakers: frozenset[str]) -> Record | str:
    """The line read by the full path alone (check_record on the parsed JSON), then packed as
    the reader packs it: the Record, or the error's message."""
    try:
        checked = check_record(jsonutil.loads(raw))
    except (ValidationError, ValueError) as e:
        return str(e)
    rec = Record(1, document=checked.document, label_layers=checked.layers, id_given=checked.id_given,
                 native=(checked.annotations, checked.relations))
    return jsonl._packed(rec, layers, rules, speakers)


@pytest.mark.parametrize(("line", "where"), [(line, where) for _, line, where in CASES],
                         ids=[name for name, _, _ in CASES])
def test_each_line_goes_where_it_went_and_packs_as_the_full_path(tmp_path: Path, line: bytes, where: str) -> None:
    layers, rules, speakers = _news()
    (packed,) = pack_lines([line], dict(layers), rules, speakers)
    assert ("fast" if packed is not None else "full") == ("fast" if where == "fast" else "full")
    read = jsonl._packed(jsonl.parse_line(line, tmp_path / "in.jsonl", 7), dict(layers), rules, speakers)
    if where not in ("fast", "full"):  # the full path's message, with the file and the line
        assert read.error is not None and str(read.error) == f"{tmp_path / 'in.jsonl'}, line 7: {where}"
        return
    assert read.error is None
    if packed is not None:  # the same as the full path alone, and as the reader without workers
        fast = unpack_line(1, packed, speakers)
        full = _by_the_full_path(line, dict(layers), rules, speakers)
        assert isinstance(full, Record)
        assert _fields(fast) == _fields(full) == _fields(read)


def test_the_cases_reach_every_outcome() -> None:
    wheres = {where for _, _, where in CASES}
    assert {"fast", "full"} < wheres and len(wheres) > 20


_mutations = st.sampled_from([None, "text null", "layer", "times", "attributes null", "speaker", "reverse",
                              "identical", "ids twice", "end past", "empty span", "self link", "long int",
                              "blank label", "nested", "escape"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recs=st.lists(st.tuples(_records(), st.lists(_mutations, max_size=3)), min_size=1, max_size=4))
def test_pack_lines_packs_as_the_full_path(recs: list[tuple[dict[str, Any], list[str | None]]]) -> None:
    """Several records in one call (a new label's layer, guessed by the first packed, holds for
    the next): each line packed by the fast path is what the full path packs; the others are
    left to it (an error, identical annotations, long integers...)."""
    layers, rules, speakers = _news()
    lines = []
    for rec, mutations in recs:
        anns, rels = rec["annotations"], rec["relations"]
        for mutation in mutations:
            if not anns:
                break
            a = anns[-1]
            if mutation == "text null":
                a["text"] = None
            elif mutation == "layer":
                a["layer"] = "place"
            elif mutation == "times":
                a["created"], a["updated"] = "", "2020-01-01T00:00:00.000Z"
            elif mutation == "attributes null":
                a["attributes"] = None
            elif mutation == "speaker":
                a["attributes"] = {"speaker": (a["attributes"] or {}).get("x", "Someone")}
            elif mutation == "reverse":
                anns.reverse()
            elif mutation == "identical":
                anns.append({**a, "id": "copy"})
            elif mutation == "ids twice":
                anns.append({**anns[0], "start": 0, "end": 1})
            elif mutation == "end past":
                a["end"] = len(rec["text"]) + 1
            elif mutation == "empty span":
                a["end"] = a["start"]
            elif mutation == "self link":
                rels.append({"id": "self", "type": "cue", "from": a["id"], "to": a["id"]})
            elif mutation == "long int":
                a["attributes"] = {"n": [2**64]}
            elif mutation == "blank label":
                a["label"] = " \t"
            elif mutation == "nested":
                a["attributes"] = {"deep": _deep(33)}
            elif mutation == "escape":
                rec["text"] += "\\"
        lines.append(json.dumps(rec, ensure_ascii=False).encode())
    packed = pack_lines(lines, dict(layers), rules, speakers)
    learnt = dict(layers)  # new labels' layers, learnt from each line packed in turn (not from
    # lines left to the full path: the importer reads those)
    for line, p in zip(lines, packed, strict=True):
        full = _by_the_full_path(line, learnt if p is not None else dict(learnt), rules, speakers)
        if p is not None:
            assert isinstance(full, Record) and full.packed is not None
            assert _fields(unpack_line(1, p, speakers)) == _fields(full)


def test_a_line_left_to_the_full_path_guesses_no_layer_for_the_next() -> None:
    """A new label's layer is guessed from the first line packed that uses it: a line before it
    that the full path reads (here, a relation from an annotation to itself) gives none (it gave
    "entity", and the importer re-packed the next line with the layer it names)."""
    layers, rules, speakers = _news()
    bad = _line([_ann(0, 0, 5, "BRAND NEW")], [{"id": "r", "type": "cue", "from": "a0", "to": "a0"}])
    good = _line([_ann(0, 0, 5, "BRAND NEW", layer="place")])
    first, second = pack_lines([bad, good], dict(layers), rules, speakers)
    assert first is None and second is not None
    assert unpack_line(2, second, speakers).packed.layers == {"BRAND NEW": "place"}  # type: ignore[union-attr]
    assert b'"layer":"place"' in second[9]
