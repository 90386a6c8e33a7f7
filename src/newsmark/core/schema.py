"""Annotation schemas: the labels (grouped in layers) and relation types of a project.

A schema file is JSON: ``{"name", "description", "labels": [...], "relations": [...]}``;
see ``resources/schemas/news.json`` for the default news schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsmark.core.errors import InputError, ValidationError
from newsmark.core.model import AttributeDef, Label, RelationType

ATTRIBUTE_TYPES = ("text", "choice", "number", "boolean", "list", "entity")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Colours for labels that arrive without one (imports of unknown labels): Tableau 10, then more.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#8cd17d", "#d4a6c8", "#86bcb6", "#f1ce63", "#a0cbe8", "#ffbe7d",
)


@dataclass(slots=True)
class Schema:
    name: str = "custom"
    description: str = ""
    labels: list[Label] = field(default_factory=list)
    relation_types: list[RelationType] = field(default_factory=list)

    def label(self, name: str) -> Label | None:
        return next((lab for lab in self.labels if lab.name == name), None)

    def relation_type(self, name: str) -> RelationType | None:
        return next((rt for rt in self.relation_types if rt.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "labels": [label_to_dict(lab) for lab in self.labels],
            "relations": [relation_type_to_dict(rt) for rt in self.relation_types],
        }


def label_to_dict(lab: Label) -> dict[str, Any]:
    d: dict[str, Any] = {"name": lab.name, "layer": lab.layer, "colour": lab.colour}
    if lab.shortcut:
        d["shortcut"] = lab.shortcut
    if lab.description:
        d["description"] = lab.description
    if lab.attributes:
        d["attributes"] = [a.to_dict() for a in lab.attributes]
    return d


def relation_type_to_dict(rt: RelationType) -> dict[str, Any]:
    d: dict[str, Any] = {"name": rt.name, "from": list(rt.from_labels), "to": list(rt.to_labels)}
    if rt.description:
        d["description"] = rt.description
    if rt.attributes:
        d["attributes"] = [a.to_dict() for a in rt.attributes]
    return d


def _str(d: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = d.get(key, default)
    if not isinstance(value, str):
        raise ValidationError(f"{where}: {key!r} must be a string")
    return value


def _str_list(d: dict[str, Any], key: str, where: str) -> list[str]:
    value = d.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{where}: {key!r} must be a list of strings")
    return list(value)


def parse_attribute_defs(raw: object, where: str) -> list[AttributeDef]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError(f"{where}: 'attributes' must be a list")
    defs: list[AttributeDef] = []
    for i, item in enumerate(raw):
        w = f"{where}, attribute {i + 1}"
        if not isinstance(item, dict):
            raise ValidationError(f"{w}: must be an object")
        name = _str(item, "name", w)
        if not name:
            raise ValidationError(f"{w}: 'name' is empty")
        kind = _str(item, "type", w, "text")
        if kind not in ATTRIBUTE_TYPES:
            raise ValidationError(f"{w}: type {kind!r} is not one of {', '.join(ATTRIBUTE_TYPES)}")
        values = _str_list(item, "values", w)
        if kind == "choice" and not values:
            raise ValidationError(f"{w}: a choice attribute needs 'values'")
        defs.append(
            AttributeDef(
                name=name,
                type=kind,
                values=values,
                required=bool(item.get("required", False)),
                description=_str(item, "description", w, ""),
            )
        )
    return defs


def parse_label(d: object, where: str) -> Label:
    if not isinstance(d, dict):
        raise ValidationError(f"{where}: must be an object")
    name = _str(d, "name", where)
    if not name.strip():
        raise ValidationError(f"{where}: label name is empty")
    colour = _str(d, "colour", where, d.get("color", "#9e9e9e"))
    if not _COLOUR.match(colour):
        raise ValidationError(f"{where}: colour {colour!r} is not of the form #rrggbb")
    shortcut = _str(d, "shortcut", where, "")
    if len(shortcut) > 1:
        raise ValidationError(f"{where}: shortcut {shortcut!r} must be a single key")
    return Label(
        name=name,
        layer=_str(d, "layer", where, "entity") or "entity",
        colour=colour.lower(),
        shortcut=shortcut.lower(),
        description=_str(d, "description", where, ""),
        attributes=parse_attribute_defs(d.get("attributes"), where),
    )


def parse_relation_type(d: object, where: str) -> RelationType:
    if not isinstance(d, dict):
        raise ValidationError(f"{where}: must be an object")
    name = _str(d, "name", where)
    if not name.strip():
        raise ValidationError(f"{where}: relation type name is empty")
    return RelationType(
        name=name,
        from_labels=_str_list(d, "from", where),
        to_labels=_str_list(d, "to", where),
        description=_str(d, "description", where, ""),
        attributes=parse_attribute_defs(d.get("attributes"), where),
    )


def schema_from_dict(d: object) -> Schema:
    if not isinstance(d, dict):
        raise ValidationError("a schema must be a JSON object")
    labels_raw = d.get("labels")
    if not isinstance(labels_raw, list) or not labels_raw:
        raise ValidationError("'labels' must be a non-empty list")
    labels = [parse_label(item, f"label {i + 1}") for i, item in enumerate(labels_raw)]
    rels_raw = d.get("relations", [])
    if not isinstance(rels_raw, list):
        raise ValidationError("'relations' must be a list")
    rels = [parse_relation_type(item, f"relation type {i + 1}") for i, item in enumerate(rels_raw)]
    schema = Schema(
        name=_str(d, "name", "schema", "custom"),
        description=_str(d, "description", "schema", ""),
        labels=labels,
        relation_types=rels,
    )
    _check_unique(schema)
    return schema


def _check_unique(schema: Schema) -> None:
    seen: dict[str, str] = {}
    keys: dict[str, str] = {}
    for lab in schema.labels:
        if lab.name in seen:
            raise ValidationError(f"label {lab.name!r} is defined twice")
        seen[lab.name] = lab.name
        if lab.shortcut:
            if lab.shortcut in keys:
                raise ValidationError(
                    f"labels {keys[lab.shortcut]!r} and {lab.name!r} share the shortcut {lab.shortcut!r}"
                )
            keys[lab.shortcut] = lab.name
    names = [rt.name for rt in schema.relation_types]
    for n in names:
        if names.count(n) > 1:
            raise ValidationError(f"relation type {n!r} is defined twice")


def load_schema(path: str | Path) -> Schema:
    """Read a schema file; errors name the file and the problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the schema: {e.strerror or e}", file=path) from None
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise InputError("the schema is not UTF-8 text", file=path) from None
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg} (column {e.colno})", file=path, line=e.lineno) from None
    except RecursionError:
        raise InputError("the schema nests lists and objects too deeply to be a schema", file=path) from None
    try:
        return schema_from_dict(data)
    except ValidationError as e:
        raise InputError(str(e), file=path) from None
    except RecursionError:
        raise InputError("the schema nests lists and objects too deeply to be a schema", file=path) from None


def check_attributes(defs: list[AttributeDef], attributes: dict[str, Any], owner: str) -> None:
    """Check attribute values against their definitions; keys without a definition are kept."""
    from newsmark.core.jsonutil import MAX_DEPTH, depth

    if depth(attributes) > MAX_DEPTH:
        raise ValidationError(f"{owner}: attributes nest more than {MAX_DEPTH} levels deep")
    by_name = {d.name: d for d in defs}
    for required in defs:
        if required.required and attributes.get(required.name) in (None, ""):
            raise ValidationError(f"{owner} needs the attribute {required.name!r}")
    for key, value in attributes.items():
        d = by_name.get(key)
        if d is None or value is None:
            continue
        if d.type == "choice" and value not in d.values:
            raise ValidationError(
                f"{owner}: {key} must be one of {', '.join(d.values)}, not {value!r}"
            )
        if d.type == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValidationError(f"{owner}: {key} must be a number, not {value!r}")
        if d.type == "boolean" and not isinstance(value, bool):
            raise ValidationError(f"{owner}: {key} must be true or false, not {value!r}")
        if d.type == "list" and not isinstance(value, list):
            raise ValidationError(f"{owner}: {key} must be a list, not {value!r}")


def label_matches(label: Label, allowed: list[str]) -> bool:
    """Whether ``label`` is among ``allowed`` label or layer names (empty allows any)."""
    return not allowed or label.name in allowed or label.layer in allowed
