"""The schema's rules for annotations and relations, checked the way the window's edits check
them (store.project), but fast enough to run on every imported record: attribute values (a
choice among its values, a number, true/false, a list, a required one), a relation's type
between the labels it allows, a relation from an annotation to itself.  Qt-free and store-free,
so that the worker processes that read a large file can check its records."""

from __future__ import annotations

import operator
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress
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
    checked: frozenset[str] = frozenset()  # the attributes whose values can be wrong, of any label

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
        return cls(by_label, by_type, frozenset(layers), any(r.required for r in by_label.values()),
                   frozenset().union(*(r.checked for r in by_label.values())))

    def problems(self, annotations: Iterable[_Annotated], relations: Sequence[_Related],
                 every: Iterable[_Annotated] | None = None, *, label_of: dict[str, str] | None = None,
                 attribute_names: Collection[str] | None = None) -> list[str]:
        """What breaks the rules among ``annotations`` and ``relations`` (whose ends are among
        ``every``, by default ``annotations``); labels and types the rules do not know have none.
        Run on every record of an import: whether anything may be wrong is found in C over
        columns (attribute names, the ends' labels by relation type); the annotations and
        relations are looked at one by one, and the messages worded, only then.  A caller that
        has them gives each annotation's label by id (``label_of``) and the attribute names
        the annotations use (``attribute_names``)."""
        out: list[str] = []
        by_label = self.labels
        if by_label:
            items: Iterable[_Annotated] = annotations
            if not self.required:  # only annotations with attributes, and only those it checks
                if attribute_names is not None:
                    items = [] if self.checked.isdisjoint(attribute_names) else filter(_ATTRIBUTES, annotations)
                else:
                    items = list(filter(_ATTRIBUTES, annotations))
                    if items and self.checked.isdisjoint(chain.from_iterable(map(dict.keys, map(_ATTRIBUTES,
                                                                                                items)))):
                        items = []
            for a in items:
                rules = by_label.get(a.label)
                if rules is not None:
                    problem = _attribute_problem(rules, a.attributes, f"annotation {a.id!r} ({a.label})")
                    if problem:
                        out.append(problem)
        if not relations:
            return out
        froms, tos = list(map(_FROM, relations)), list(map(_TO, relations))
        if not any(map(operator.eq, froms, tos)):  # no relation to itself: by type, in C
            kinds = list(map(_TYPE, relations))
            fine = True
            for kind in dict.fromkeys(kinds):
                tr = self.types.get(kind)
                if tr is None or (tr.from_labels is None and tr.to_labels is None and tr.attributes is None):
                    continue
                if tr.attributes is not None:
                    fine = False
                    break
                if label_of is None:
                    label_of = dict(map(_ID_LABEL, annotations if every is None else every))
                mask = None if kinds.count(kind) == len(kinds) else list(map(kind.__eq__, kinds))
                for ends, allowed in ((froms, tr.from_labels), (tos, tr.to_labels)):
                    if allowed is not None:
                        labels = set(map(label_of.get, ends if mask is None else compress(ends, mask)))
                        if not self.known.intersection(labels) <= allowed:  # (one it lacks: no rules)
                            fine = False
                if not fine:
                    break
            if fine:
                return out
        for r in relations:
            where = f"relation {r.id!r} ({r.type})"
            wrong = []
            if r.from_ == r.to:
                wrong.append(f"goes from annotation {r.from_!r} to itself")
            tr = self.types.get(r.type)
            if tr is not None:
                if tr.from_labels is not None or tr.to_labels is not None:
                    if label_of is None:
                        label_of = {a.id: a.label for a in (annotations if every is None else every)}
                    for end, allowed, shown, side in ((r.from_, tr.from_labels, tr.allowed_from, "start"),
                                                      (r.to, tr.to_labels, tr.allowed_to, "end")):
                        label = label_of.get(end)
                        if allowed is not None and label in self.known and label not in allowed:
                            wrong.append(f"cannot {side} at a {label} annotation (allowed: {shown})")
                if tr.attributes is not None:
                    problem = _attribute_problem(tr.attributes, r.attributes, where)
                    if problem:
                        wrong.append(problem.removeprefix(where).lstrip(": "))
            if wrong:
                out.append(f"{where} " + "; ".join(wrong))
        return out


_ATTRIBUTES = operator.attrgetter("attributes")
_ID_LABEL = operator.attrgetter("id", "label")
_FROM, _TO, _TYPE = operator.attrgetter("from_"), operator.attrgetter("to"), operator.attrgetter("type")


def _attribute_problem(rules: _AttributeRules, attributes: dict[str, Any] | None, owner: str) -> str | None:
    if not rules.required and (not attributes or rules.checked.isdisjoint(attributes)):
        return None
    try:
        check_attributes(rules.defs, attributes or {}, owner)
    except ValidationError as e:
        return str(e)
    return None
