from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsmark.core.errors import InputError, ValidationError
from newsmark.core.model import AttributeDef
from newsmark.core.schema import check_attributes, load_schema, schema_from_dict
from newsmark.resources import default_schema_path


def test_default_news_schema() -> None:
    schema = load_schema(default_schema_path())
    names = [lab.name for lab in schema.labels]
    for needed in ("PERSON", "ORG", "GPE", "LOCATION", "DATE", "QUOTE", "CUE", "DISPUTE"):
        assert needed in names
    quote = schema.label("QUOTE")
    assert quote is not None
    attrs = {a.name: a for a in quote.attributes}
    assert set(attrs) >= {"speaker", "cue", "type"}
    assert attrs["type"].values == ["direct", "indirect", "mixed"]
    stance = schema.relation_type("stance")
    assert stance is not None and stance.to_labels == ["DISPUTE"]
    assert stance.attributes[0].values == ["supports", "opposes", "neutral"]
    assert {rt.name for rt in schema.relation_types} == {"said_by", "cue", "stance"}
    shortcuts = [lab.shortcut for lab in schema.labels if lab.shortcut]
    assert len(shortcuts) == len(set(shortcuts))


def test_schema_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"labels": [\n{"name": "A"},\n]}', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_schema(bad)
    assert str(bad) in str(e.value) and "line 3" in str(e.value)
    bad.write_text(json.dumps({"labels": [{"name": "A", "colour": "red"}]}), encoding="utf-8")
    with pytest.raises(InputError, match="colour 'red'"):
        load_schema(bad)


def test_schema_rules() -> None:
    with pytest.raises(ValidationError, match="non-empty"):
        schema_from_dict({"labels": []})
    with pytest.raises(ValidationError, match="defined twice"):
        schema_from_dict({"labels": [{"name": "A"}, {"name": "A"}]})
    with pytest.raises(ValidationError, match="share the shortcut"):
        schema_from_dict({"labels": [{"name": "A", "shortcut": "a"}, {"name": "B", "shortcut": "a"}]})
    with pytest.raises(ValidationError, match="needs 'values'"):
        schema_from_dict({"labels": [{"name": "A", "attributes": [{"name": "x", "type": "choice"}]}]})


def test_check_attributes() -> None:
    defs = [AttributeDef("kind", "choice", ["a", "b"], required=True), AttributeDef("n", "number")]
    check_attributes(defs, {"kind": "a", "n": 2, "extra": {"any": ["json"]}}, "X")
    with pytest.raises(ValidationError, match="needs the attribute 'kind'"):
        check_attributes(defs, {}, "X")
    with pytest.raises(ValidationError, match="must be one of a, b"):
        check_attributes(defs, {"kind": "c"}, "X")
    with pytest.raises(ValidationError, match="must be a number"):
        check_attributes(defs, {"kind": "a", "n": "2"}, "X")
