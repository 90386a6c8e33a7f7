"""The schema's rules for annotations and relations, checked the way the window's edits check
them (store.project), but fast enough to run on every imported record: attribute values (a
choice among its values, a number, true/false, a list, a required one), a relation's type
between the labels it allows, a relation from an annotation to itself.  Qt-free and store-free,
so that the worker processes that read a large file can check its records."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from newsmark.core.errors import ValidationError
from newsmark.core.model import AttributeDef, Label, RelationType
from newsmark.core.schema import check_attributes

_CHECKED_TYPES = ("choice", "number", "boolean", "list")


class _Annotated(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def attributes(self) -> dict[str, Any] | None: ...


class _Related(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def from_(self) -> str: ...
    @property
    def to(self) -> str: ...
    @property
    def attributes(self) -> dict[str, Any] | None: ...


@dataclass(slots=True)
class _AttributeRules:
    defs: list[AttributeDef]
    checked: frozenset[str]  # attributes whose values can be wrong
    required: bool


@dataclass(slots=True)
class _TypeRules:
    name: str
    from_labels: frozenset[str] | None  # None: any label
    to_labels: frozenset[str] | None
    allowed_from: str
    allowed_to: str
    attributes: _AttributeRules | None


def _attribute_rules(defs: list[AttributeDef]) -> _AttributeRules | None:
    checked = frozenset(d.name for d in defs if d.type in _CHECKED_TYPES)
    required = any(d.required for d in defs)
    return _AttributeRules(defs, checked, required) if checked or required else None


@dataclass(slots=True)
class Rules:
    """A schema's rules, precomputed for checking many records (picklable, for workers)."""

    labels: dict[str, _AttributeRules]
    types: dict[str, _TypeRules]
    known: frozenset[str]  # the schema's labels (one it lacks, added by an import, has no rules yet)
    required: bool  # whether any label has a required attribute

    @classmethod
    def of(cls, labels: Sequence[Label], relation_types: Sequence[RelationType]) -> Rules:
        layers = {lab.name: lab.layer for lab in labels}

        def names(allowed: list[str]) -> frozenset[str] | None:
            if not allowed:
                return None
            return frozenset(n for n, layer in layers.items() if n in allowed or layer in allowed)

        by_label = {lab.name: r for lab in labels if (r := _attribute_rules(lab.attributes)) is not None}
        by_type = {rt.name: _TypeRules(rt.name, names(rt.from_labels), names(rt.to_labels),
                                       ", ".join(rt.from_labels), ", ".join(rt.to_labels),
                                       _attribute_rules(rt.attributes))
                   for rt in relation_types}
        return cls(by_label, by_type, frozenset(layers), any(r.required for r in by_label.values()))

    def problems(self, annotations: Iterable[_Annotated], relations: Sequence[_Related],
                 every: Iterable[_Annotated] | None = None) -> list[str]:
        """What breaks the rules among ``annotations`` and ``relations`` (whose ends are among
        ``every``, by default ``annotations``); labels and types the rules do not know have none.
        Run on every record of an import: only what may be wrong is looked at closely (a
        message is worded only for what is)."""
        out: list[str] = []
        by_label = self.labels
        if by_label:
            # most annotations have nothing to check: no attributes (and none is required)
            for a in annotations if self.required else filter(_ATTRIBUTES, annotations):
                rules = by_label.get(a.label)
                if rules is not None and (rules.required or (a.attributes and not rules.checked.isdisjoint(
                        a.attributes))):
                    problem = _attribute_problem(rules, a.attributes, f"annotation {a.id!r} ({a.label})")
                    if problem:
                        out.append(problem)
        if not relations:
            return out
        types, known = self.types, self.known
        label_of: dict[str, str] | None = None
        for r in relations:
            tr = types.get(r.type)
            if r.from_ != r.to:  # most relations: the ends' labels are all there is to check
                if tr is None:
                    continue
                if tr.attributes is None:
                    if tr.from_labels is None and tr.to_labels is None:
                        continue
                    if label_of is None:
                        label_of = dict(map(_ID_LABEL, annotations if every is None else every))
                    start, end = label_of.get(r.from_), label_of.get(r.to)
                    if (tr.from_labels is None or start not in known or start in tr.from_labels) and (
                            tr.to_labels is None or end not in known or end in tr.to_labels):
                        continue
            if label_of is None and tr is not None and (tr.from_labels is not None or tr.to_labels is not None):
                label_of = dict(map(_ID_LABEL, annotations if every is None else every))
            problem = self._relation_problem(r, tr, label_of)
            if problem:
                out.append(problem)
        return out

    def _relation_problem(self, r: _Related, tr: _TypeRules | None, label_of: dict[str, str] | None) -> str | None:
        where = f"relation {r.id!r} ({r.type})"
        wrong = []
        if r.from_ == r.to:
            wrong.append(f"goes from annotation {r.from_!r} to itself")
        if tr is not None:
            if label_of is not None:
                for end, allowed, shown, side in ((r.from_, tr.from_labels, tr.allowed_from, "start"),
                                                  (r.to, tr.to_labels, tr.allowed_to, "end")):
                    label = label_of.get(end)
                    if allowed is not None and label in self.known and label not in allowed:
                        wrong.append(f"cannot {side} at a {label} annotation (allowed: {shown})")
            if tr.attributes is not None:
                problem = _attribute_problem(tr.attributes, r.attributes, where)
                if problem:
                    wrong.append(problem.removeprefix(where).lstrip(": "))
        return f"{where} " + "; ".join(wrong) if wrong else None


_ATTRIBUTES = operator.attrgetter("attributes")
_ID_LABEL = operator.attrgetter("id", "label")


def _attribute_problem(rules: _AttributeRules, attributes: dict[str, Any] | None, owner: str) -> str | None:
    if not rules.required and (not attributes or rules.checked.isdisjoint(attributes)):
        return None
    try:
        check_attributes(rules.defs, attributes or {}, owner)
    except ValidationError as e:
        return str(e)
    return None
