"""brat standoff: a ``.txt``/``.ann`` pair per document, plus ``annotation.conf`` and
``visual.conf`` from the schema.

Offsets are code points.  On import, every standoff form brat writes: T (text-bound;
discontinuous spans become one annotation over the whole stretch, with the fragments kept in
the ``brat_fragments`` attribute, unless only line breaks or tabs part them: that is how brat
writes a span across lines), R (relations), E (events: the trigger becomes an annotation, each
argument a relation named after its role), ``*`` (equivalences, several per file: a chain of
relations), A and M (attributes; M is brat's older form), N (normalisations, kept as the
``normalizations`` attribute) and ``#`` notes on annotations and on relations.  An ``.ann``
file is read line by line as brat reads it: only ``\\n`` (and ``\\r\\n``) end a line.

On export: T, R, A (single-token values and flags, each attribute declared in
``annotation.conf`` with the values it took) and ``#`` notes; other attribute values go into a
note as JSON (``newsmark-attributes: {...}``, also on relations), counted in the report.  A span that crosses a line break or a tab is written as
fragments split there (brat's own form), and a note holding one is written as a JSON string
(``newsmark-note: "..."``), so every line is one line to every reader.  File names come from
document ids, made safe (no separators, no ``..``, limited in bytes, unique); the folder is
written whole or not at all.  Documents are written one at a time (memory stays flat).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from newsmark.core import jsonutil
from newsmark.core.atomicfile import atomic_folder
from newsmark.core.errors import InputError
from newsmark.core.folders import link_leaving
from newsmark.core.model import Annotation, Document
from newsmark.core.names import SafeNamer, posix_relative
from newsmark.core.record import Record
from newsmark.core.schema import Schema
from newsmark.formats.base import ExportReport, documents, read_without_bom, record
from newsmark.store.project import Project

NAME = "brat"
_BRAT_NAME = re.compile(r"[^A-Za-z0-9_\-]")
# Characters that end a line for some reader (str.splitlines, editors) or part fields (tab):
# none may appear inside a line of an .ann or .conf file.
BREAKS = frozenset("\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_BREAK_RUN = re.compile("[" + re.escape("".join(sorted(BREAKS))) + "]+")
ATTRIBUTES_NOTE = "newsmark-attributes: "
NOTE_NOTE = "newsmark-note: "
MAX_VALUE = 64  # longer single-token values are text, not one of a set: they go into a note
SPAN_NOTE = "newsmark-span: "


def brat_type(name: str) -> str:
    """brat types are single tokens: anything else becomes an underscore."""
    return _BRAT_NAME.sub("_", name) or "_"


def _one_line_json(value: Any) -> str:
    """JSON on one line for every reader: control characters are escaped by JSON itself;
    NEL and the Unicode line and paragraph separators are escaped here."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _one_line(text: str) -> str:
    """Free text for a .conf or informational field: line breaks and tabs become spaces."""
    return "".join(" " if c in BREAKS or (ord(c) < 32) else c for c in text)


# ------------------------------------------------------------------------------------ reading
def _lines(ann_path: Path) -> list[str]:
    data = read_without_bom(ann_path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError("the .ann file is not UTF-8", file=ann_path, line=line) from None
    return [line.removesuffix("\r") for line in text.split("\n")]


def _ref(refs: dict[str, Any], ident: str, what: str, ann_path: Path, number: int) -> Any:
    target = refs.get(ident)
    if target is None:
        raise InputError(f"{what} refers to {ident!r}, which is no span (T) or event (E) of this file",
                         file=ann_path, line=number)
    return target


def _parse_ann(ann_path: Path, text: str) -> dict[str, Any]:
    """The native record of one .ann file over ``text``; InputError naming the line."""
    anns: dict[str, dict[str, Any]] = {}
    rels: dict[str, dict[str, Any]] = {}
    events: dict[str, str] = {}  # E id -> trigger T id
    pending_events: list[tuple[int, str, str, list[tuple[str, str]]]] = []
    later: list[tuple[int, str]] = []
    n = len(text)

    def new_id(ident: str, number: int) -> None:
        if ident in anns or ident in events or ident in rels:
            raise InputError(f"the id {ident!r} is used twice", file=ann_path, line=number)

    for number, line in enumerate(_lines(ann_path), start=1):
        if not line.strip():
            continue
        kind = line[0]
        fields = line.split("\t")
        try:
            if kind == "T":
                ident, spec = fields[0], fields[1]
                new_id(ident, number)
                label, ranges = spec.split(" ", 1)
                frags: list[tuple[int, int]] = []
                for part in ranges.split(";"):
                    s0, e0 = part.split()
                    frags.append((int(s0), int(e0)))
                for s, e in frags:
                    if not 0 <= s <= e <= n:
                        raise InputError(f"{ident}: the span {s}-{e} is not within the text "
                                         f"({n} characters)", file=ann_path, line=number)
                start, end = min(s for s, _ in frags), max(e for _, e in frags)
                a: dict[str, Any] = {"id": ident, "start": start, "end": end, "label": label, "attributes": {}}
                gaps = [text[e1:s2] for (_, e1), (s2, _) in zip(frags, frags[1:], strict=False)]
                if len(frags) > 1 and not all(g and all(c in BREAKS for c in g) for g in gaps):
                    a["attributes"]["brat_fragments"] = [list(f) for f in frags]
                elif len(frags) == 1 and len(fields) > 2 and "\t".join(fields[2:]) not in (
                        text[start:end], _one_line(text[start:end])):  # line breaks shown as spaces
                    raise InputError(f"{ident}: its text {fields[2][:40]!r} does not match the .txt at "
                                     f"{start}-{end} ({text[start:end][:40]!r})", file=ann_path, line=number)
                anns[ident] = a
            elif kind == "E":
                ident, spec = fields[0], fields[1]
                new_id(ident, number)
                parts = spec.split()
                etype, trigger = parts[0].split(":", 1)
                args = [(p.split(":", 1)[0], p.split(":", 1)[1]) for p in parts[1:]]
                events[ident] = trigger
                pending_events.append((number, ident, trigger, args))
            elif kind == "R":
                ident, spec = fields[0], fields[1]
                new_id(ident, number)
                rtype, a1, a2 = spec.split()[:3]
                rels[ident] = {"id": ident, "type": rtype, "from": a1.split(":", 1)[1],
                               "to": a2.split(":", 1)[1], "attributes": {}}
                later.append((number, line))
            elif kind in "AMN#*":
                later.append((number, line))
            else:
                raise InputError(f"unknown annotation line {line[:30]!r} (brat's lines begin with "
                                 "T, R, E, A, M, N, # or *)", file=ann_path, line=number)
        except (ValueError, IndexError):
            raise InputError(f"malformed line {line[:60]!r}", file=ann_path, line=number) from None

    def resolve(ref: str) -> str:
        return events.get(ref, ref)

    for number, ident, trigger, args in pending_events:
        _ref(anns, trigger, f"event {ident}", ann_path, number)
        for role, arg in args:
            rid = f"{ident}-{role}-{arg}"
            rels[rid] = {"id": rid, "type": role.rstrip("0123456789") or role, "from": trigger,
                         "to": resolve(arg)}
    for rel in rels.values():
        rel["from"], rel["to"] = resolve(rel["from"]), resolve(rel["to"])
    for number, line in later:
        fields = line.split("\t")
        try:
            parts = fields[1].split()
            if line[0] == "*":  # equivalence: a chain of relations; "*" is not a unique id
                for k in range(1, len(parts) - 1):
                    rid = f"*{number}-{k}"
                    rels[rid] = {"id": rid, "type": parts[0], "from": resolve(parts[k]),
                                 "to": resolve(parts[k + 1])}
            elif line[0] in "AM":
                target = _ref(anns, resolve(parts[1]), f"attribute {fields[0]}", ann_path, number)
                target["attributes"][parts[0]] = parts[2] if len(parts) > 2 else True
            elif line[0] == "N":
                target = _ref(anns, resolve(parts[1]), f"normalisation {fields[0]}", ann_path, number)
                target["attributes"].setdefault("normalizations", []).append(
                    {"type": parts[0], "ref": parts[2] if len(parts) > 2 else None,
                     "text": "\t".join(fields[2:]) if len(fields) > 2 else None})
            elif line[0] == "#":
                if len(parts) < 2:
                    continue  # a free comment line, about nothing
                ref = resolve(parts[1])
                target = anns.get(ref) or rels.get(ref)
                if target is None:
                    raise InputError(f"note {fields[0]} refers to {parts[1]!r}, which is not in the file",
                                     file=ann_path, line=number)
                _note(target, "\t".join(fields[2:]), ref in anns, ann_path, number)
            elif line[0] == "R":
                pass
        except (ValueError, IndexError):
            raise InputError(f"malformed line {line[:60]!r}", file=ann_path, line=number) from None
    return {"annotations": list(anns.values()), "relations": list(rels.values())}


def _note(target: dict[str, Any], note: str, is_annotation: bool, ann_path: Path, number: int) -> None:
    """Apply one AnnotatorNotes line: Newsmark's own notes (attributes, a note as JSON, the
    exact span) or a free note."""
    attrs = target.setdefault("attributes", {})
    for prefix in (ATTRIBUTES_NOTE, NOTE_NOTE, SPAN_NOTE):
        if not note.startswith(prefix):
            continue
        body = note.removeprefix(prefix)
        try:
            value = jsonutil.loads(body) if prefix != SPAN_NOTE else [int(x) for x in body.split()]
        except ValueError:
            value = None
        if prefix == ATTRIBUTES_NOTE and isinstance(value, dict):
            attrs.update(value)
            return
        if prefix == NOTE_NOTE and isinstance(value, str):
            note = value
            break
        if prefix == SPAN_NOTE and is_annotation and isinstance(value, list) and len(value) == 2:
            target["start"], target["end"] = value
            return
        want = {ATTRIBUTES_NOTE: "a JSON object", NOTE_NOTE: "a JSON string", SPAN_NOTE: "two offsets"}[prefix]
        raise InputError(f"the note {prefix.strip()!r} must hold {want}, not {body[:40]!r}",
                         file=ann_path, line=number)
    if is_annotation:
        target["note"] = f"{target['note']}\n{note}" if target.get("note") else note
    else:
        old = attrs.get("note")
        attrs["note"] = f"{old}\n{note}" if isinstance(old, str) else note


def read(path: str | Path) -> Iterator[Record]:
    """Documents of a brat folder (every .txt with its .ann, recursively) or of one .ann/.txt."""
    path = Path(path)
    if path.is_dir():
        # links leading out of the folder are not followed (newsmark.core.folders)
        txts = sorted(p for p in path.rglob("*.txt") if not p.name.startswith(".")
                      and not link_leaving(path, p) and not link_leaving(path, p.with_suffix(".ann")))
    else:
        txts = [path.with_suffix(".txt")]
    for txt in txts:
        ann = txt.with_suffix(".ann")
        try:
            text = txt.read_bytes().decode("utf-8")  # as is: no newline translation (offsets)
        except FileNotFoundError:
            yield Record(1, error=InputError("no .txt file beside the .ann", file=txt))
            continue
        except OSError as e:
            yield Record(1, error=InputError(f"cannot read the file: {e.strerror or e}", file=txt))
            continue
        except UnicodeDecodeError:
            yield Record(1, error=InputError("the .txt file is not UTF-8", file=txt))
            continue
        try:
            native = _parse_ann(ann, text) if ann.exists() else {"annotations": [], "relations": []}
        except InputError as e:
            yield Record(e.line or 1, error=e)
            continue
        rel = txt.relative_to(path) if path.is_dir() else Path(txt.name)
        # POSIX separators and NFC: the same id from Windows, macOS and Linux (core/names.py)
        native.update({"id": posix_relative(rel.with_suffix("")), "text": text,
                       "meta": {"source_file": posix_relative(rel)}})
        yield record(native, ann, 1)


# ------------------------------------------------------------------------------------ writing
def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of ``text[start:end]`` between line breaks and tabs (brat's form of a span
    across lines)."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _BREAK_RUN.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def _given_fragments(a: Annotation) -> list[tuple[int, int]] | None:
    """The fragments of a discontinuous span read from brat (``brat_fragments``), when they
    still fit the span."""
    value = a.attributes.get("brat_fragments")
    if not isinstance(value, list) or not value:
        return None
    frags = []
    for f in value:
        if not (isinstance(f, list) and len(f) == 2 and all(type(x) is int for x in f) and f[0] < f[1]):
            return None
        frags.append((f[0], f[1]))
    frags.sort()
    if frags[0][0] != a.start or max(e for _, e in frags) != a.end:
        return None
    return frags


class _Writer:
    """The .ann lines of documents, with what brat's configuration must declare."""

    def __init__(self, schema: Schema, report: ExportReport) -> None:
        self.report = report
        # attribute -> (brat types it was written on, its values; none: a flag)
        self.declared: dict[str, tuple[set[str], dict[str, None]]] = {}
        for lab in schema.labels:  # the schema's choices, so that brat offers them
            for d in lab.attributes:
                values = [v for v in d.values if brat_type(v) == v]
                if d.type == "choice" and brat_type(d.name) == d.name and values:
                    for v in values:
                        self._declare(d.name, brat_type(lab.name), v)

    def _declare(self, name: str, label: str, value: str | None) -> None:
        owners, values = self.declared.setdefault(name, (set(), {}))
        owners.add(label)
        if value is not None:
            values[value] = None

    def lines(self, doc: Document) -> list[str]:
        report = self.report
        out: list[str] = []
        t_of: dict[str, str] = {}
        n_attr = n_note = 0

        def note(ref: str, text: str) -> None:
            nonlocal n_note
            n_note += 1
            out.append(f"#{n_note}\tAnnotatorNotes {ref}\t{text}")

        for i, a in enumerate(doc.annotations, start=1):
            t = f"T{i}"
            t_of[a.id] = t
            label = brat_type(a.label)
            if label != a.label:
                report.lose("label names changed to brat's characters (A-Z, 0-9, _ and -)")
            out.append(self._textbound(doc, a, t, label, note))
            report.annotations += 1
            leftover = {}
            for key, value in a.attributes.items():
                if key == "brat_fragments" and _given_fragments(a) is not None:
                    continue  # written as the T line's fragments
                name = brat_type(key)
                flag = self.declared.get(name, (None, {"": None}))[1] == {}
                if name == key and isinstance(value, str) and brat_type(value) == value \
                        and len(value) <= MAX_VALUE and not flag:  # a single token: brat's value
                    n_attr += 1
                    out.append(f"A{n_attr}\t{name} {t} {value}")
                    self._declare(name, label, value)
                elif name == key and value is True and (name not in self.declared or flag):
                    n_attr += 1
                    out.append(f"A{n_attr}\t{name} {t}")
                    self._declare(name, label, None)
                else:
                    leftover[key] = value
            if a.note:
                plain = not any(c in BREAKS for c in a.note) and not a.note.startswith("newsmark-")
                note(t, a.note if plain else NOTE_NOTE + _one_line_json(a.note))
            if leftover:
                report.lose("attribute values brat cannot hold (kept as JSON in an AnnotatorNotes line)",
                            len(leftover))
                note(t, ATTRIBUTES_NOTE + _one_line_json(leftover))
        for i, r in enumerate(doc.relations, start=1):
            ref = f"R{i}"
            out.append(f"{ref}\t{brat_type(r.type)} Arg1:{t_of[r.from_id]} Arg2:{t_of[r.to_id]}")
            report.relations += 1
            if brat_type(r.type) != r.type:
                report.lose("relation type names changed to brat's characters (A-Z, 0-9, _ and -)")
            if r.attributes:
                report.lose("relation attributes (kept as JSON in an AnnotatorNotes line)")
                note(ref, ATTRIBUTES_NOTE + _one_line_json(r.attributes))
        return out

    def _textbound(self, doc: Document, a: Annotation, t: str, label: str, note: Any) -> str:
        given = _given_fragments(a)  # a discontinuous span read from brat goes back as it came
        frags = [f for s, e in given or [(a.start, a.end)] for f in fragments(doc.text, s, e)]
        if not frags:  # only line breaks: one fragment, its text shown as spaces
            self.report.lose("spans of line breaks only (their text shown as spaces in the .ann)")
            frags = [(a.start, a.end)]
            shown = _one_line(a.text)
        else:
            shown = " ".join(doc.text[s:e] for s, e in frags)
            if (frags[0][0], frags[-1][1]) != (a.start, a.end):
                note(t, f"{SPAN_NOTE}{a.start} {a.end}")  # it begins or ends with a line break
        spans = ";".join(f"{s} {e}" for s, e in frags)
        return f"{t}\t{label} {spans}\t{shown}"


def write(project: Project, folder: str | Path, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    """Write one .txt/.ann pair per document and the .conf files into ``folder`` (whole or
    not at all), one document at a time."""
    report = ExportReport(NAME)
    schema = project.schema()
    writer = _Writer(schema, report)
    namer = SafeNamer()
    with atomic_folder(folder) as staging:
        for doc in documents(project, statuses=statuses, labels=labels, report=report):
            stem = namer(doc.id)
            (staging / f"{stem}.txt").write_bytes(doc.text.encode("utf-8"))
            (staging / f"{stem}.ann").write_bytes(("\n".join(writer.lines(doc)) + "\n").encode("utf-8"))
            report.documents += 1
            report.lose("document titles, metadata and statuses", bool(doc.meta) or doc.status != "new")
        (staging / "annotation.conf").write_bytes(annotation_conf(schema, writer.declared).encode("utf-8"))
        (staging / "visual.conf").write_bytes(visual_conf(schema).encode("utf-8"))
    if namer.changed:
        report.notes.append("some document ids were changed to make safe file names")
    return report


def annotation_conf(schema: Schema, declared: dict[str, tuple[set[str], dict[str, None]]] | None = None) -> str:
    """brat's types: the schema's labels and relation types, and every attribute written on
    an A line, with the values it took (a flag when it has none)."""
    lines = ["# Written by Newsmark from the project's schema", "", "[entities]", ""]
    lines += list(dict.fromkeys(brat_type(lab.name) for lab in schema.labels))
    lines += ["", "[relations]", ""]
    for rt in schema.relation_types:
        src = "|".join(_types(schema, rt.from_labels)) or "<ANY>"
        dst = "|".join(_types(schema, rt.to_labels)) or "<ANY>"
        lines.append(f"{brat_type(rt.name)}\tArg1:{src}, Arg2:{dst}")
    lines += ["<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]", ""]
    for name, (owners, values) in sorted((declared or {}).items()):
        arg = f"Arg:{'|'.join(sorted(owners))}"
        lines.append(f"{name}\t{arg}, Value:{'|'.join(values)}" if values else f"{name}\t{arg}")
    return "\n".join(lines) + "\n"


def _types(schema: Schema, allowed: list[str]) -> list[str]:
    return list(dict.fromkeys(brat_type(lab.name) for lab in schema.labels
                              if lab.name in allowed or lab.layer in allowed))


_COLOUR = re.compile(r"^#?[0-9A-Za-z]{1,20}$")


def visual_conf(schema: Schema) -> str:
    """brat's display names and colours.  A label name is free text: its line breaks and
    tabs become spaces and ``|`` (brat's separator of a label's short forms) a slash, so a
    name is one line, never another section."""
    lines = ["# Written by Newsmark from the project's schema", "", "[labels]", ""]
    lines += [f"{brat_type(lab.name)} | {_one_line(lab.name).replace('|', '/')}" for lab in schema.labels]
    lines += ["", "[drawing]", ""]
    lines += [f"{brat_type(lab.name)}\tbgColor:{lab.colour}" for lab in schema.labels
              if _COLOUR.match(lab.colour or "")]
    return "\n".join(lines) + "\n"
