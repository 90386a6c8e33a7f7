"""Every exported W3C annotation validates against the W3C Web Annotation test suite's schemas."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from newsmark.formats import w3c
from tests.formats.test_interchange import filled  # noqa: F401  (the fixture)

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")


def _suite(corpus: Path) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    root = corpus / "w3c" / "web-annotation-tests"
    resources = []
    for folder in ("definitions", "annotations"):
        for f in sorted((root / folder).glob("*.json")):
            schema = json.loads(f.read_text(encoding="utf-8"))
            resources.append((f.name, Resource.from_contents(schema, default_specification=DRAFT4)))
    registry = Registry().with_resources(resources)
    musts = []
    for f in sorted((root / "annotations").glob("*.json")):
        schema = json.loads(f.read_text(encoding="utf-8"))
        if schema.get("assertionType") == "must" and schema.get("expectedResult", "valid") == "valid":
            musts.append((f.name, schema))
    return registry, musts


def test_exported_annotations_validate(filled: Any, corpus: Path) -> None:  # noqa: F811
    registry, musts = _suite(corpus)
    assert len(musts) >= 5
    buf = io.BytesIO()
    w3c.write(filled, buf)
    collection = json.loads(buf.getvalue())
    pages = [collection["first"], *collection.get("newsmark:pages", [])]
    items = [a for page in pages for a in page["items"]]
    assert len(items) == len(filled.annotations("doc/1 ✓")) + len(filled.relations("doc/1 ✓"))
    checker = jsonschema.FormatChecker()
    failures = []
    for name, schema in musts:
        validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
        for a in items:
            for err in validator.iter_errors(a):
                failures.append(f"{name}: {a['id']}: {err.message[:200]}")
    assert failures == []
    # and the suite's own incorrect samples fail it, so the check has teeth
    bad_dir = corpus / "w3c" / "web-annotation-tests" / "tools" / "samples" / "incorrect"
    caught = 0
    for f in sorted(bad_dir.glob("*.json")):
        try:
            sample = json.loads(f.read_text(encoding="utf-8"))
        except ValueError:
            continue  # some incorrect samples are not even JSON
        for _name, schema in musts:
            validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
            if not validator.is_valid(sample):
                caught += 1
                break
    assert caught >= 1


def test_selectors_are_code_points(filled: Any) -> None:  # noqa: F811
    buf = io.BytesIO()
    w3c.write(filled, buf)
    collection = json.loads(buf.getvalue())
    (doc,) = collection["newsmark:documents"]
    for a in collection["first"]["items"]:
        if a["motivation"] != "tagging":
            continue
        quote, pos = a["target"]["selector"]
        assert doc["text"][pos["start"]:pos["end"]] == quote["exact"]
        assert doc["text"][:pos["start"]].endswith(quote["prefix"])
        assert doc["text"][pos["end"]:].startswith(quote["suffix"])
