"""brat standoff: a ``.txt``/``.ann`` pair per document, plus ``annotation.conf`` and
``visual.conf`` from the schema.

Offsets are code points.  On import: T (text-bound; discontinuous spans become one annotation
over the whole stretch, with the fragments kept in the ``brat_fragments`` attribute), R
(relations), E (events: the trigger becomes an annotation, each argument a relation named
after its role), A (attributes), N (normalisations, kept as the ``normalizations``
attribute) and ``#`` notes.  On export: T, R, A (string and true values of attributes), and
``#`` notes; other attribute values go into the note as JSON, counted in the report.
File names come from document ids, made safe (no separators, no ``..``, unique).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from newsmark.core import jsonutil
from newsmark.core.atomicfile import atomic_write
from newsmark.core.errors import InputError, NewsmarkError
from newsmark.core.folders import link_leaving
from newsmark.core.schema import Schema
from newsmark.formats.base import ExportReport, documents, record, safe_names
from newsmark.formats.records import Record
from newsmark.store.project import Project

NAME = "brat"
_BRAT_NAME = re.compile(r"[^A-Za-z0-9_\-]")


def brat_type(name: str) -> str:
    """brat types are single tokens: anything else becomes an underscore."""
    return _BRAT_NAME.sub("_", name) or "_"


def _parse_ann(ann_path: Path, text: str) -> dict[str, Any]:
    """The native record of one .ann file over ``text``; InputError naming the line."""
    anns: dict[str, dict[str, Any]] = {}
    rels: list[dict[str, Any]] = []
    events: dict[str, str] = {}  # E id -> trigger T id
    pending_events: list[tuple[int, str, str, list[tuple[str, str]]]] = []
    later: list[tuple[int, str]] = []
    try:
        lines = ann_path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError("the .ann file is not UTF-8", file=ann_path) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        kind = line[0]
        fields = line.split("\t")
        try:
            if kind == "T":
                ident, spec = fields[0], fields[1]
                label, ranges = spec.split(" ", 1)
                frags = []
                for part in ranges.split(";"):
                    s, e = part.split()
                    frags.append((int(s), int(e)))
                start, end = min(s for s, _ in frags), max(e for _, e in frags)
                a: dict[str, Any] = {"id": ident, "start": start, "end": end, "label": label, "attributes": {}}
                if len(frags) > 1:
                    a["attributes"]["brat_fragments"] = [list(f) for f in frags]
                elif len(fields) > 2 and fields[2] != text[start:end] and 0 <= start < end <= len(text):
                    raise InputError(f"T {ident}: its text {fields[2][:40]!r} does not match the .txt at "
                                     f"{start}-{end} ({text[start:end][:40]!r})", file=ann_path, line=number)
                anns[ident] = a
            elif kind == "E":
                ident, spec = fields[0], fields[1]
                parts = spec.split()
                etype, trigger = parts[0].split(":", 1)
                args = [(p.split(":", 1)[0], p.split(":", 1)[1]) for p in parts[1:]]
                events[ident] = trigger
                pending_events.append((number, ident, trigger, args))
            elif kind in "RAN#":
                later.append((number, line))
            elif kind == "*":
                later.append((number, line))
            else:
                raise InputError(f"unknown annotation line {line[:30]!r}", file=ann_path, line=number)
        except (ValueError, IndexError):
            raise InputError(f"malformed line {line[:60]!r}", file=ann_path, line=number) from None

    def resolve(ref: str) -> str:
        return events.get(ref, ref)

    for _number, ident, trigger, args in pending_events:
        for role, arg in args:
            rels.append({"id": f"{ident}-{role}-{arg}", "type": role.rstrip("0123456789") or role,
                         "from": trigger, "to": resolve(arg)})
    for number, line in later:
        fields = line.split("\t")
        try:
            if line[0] == "R":
                rtype, a1, a2 = fields[1].split()[:3]
                rels.append({"id": fields[0], "type": rtype, "from": resolve(a1.split(":", 1)[1]),
                             "to": resolve(a2.split(":", 1)[1])})
            elif line[0] == "*":  # equivalence: a chain of relations
                parts = fields[1].split()
                for k in range(1, len(parts) - 1):
                    rels.append({"id": f"{fields[0]}-{k}", "type": parts[0], "from": parts[k], "to": parts[k + 1]})
            elif line[0] == "A" or line[0] == "M":
                parts = fields[1].split()
                target = anns.get(resolve(parts[1]))
                if target is None:
                    raise InputError(f"attribute {fields[0]} refers to {parts[1]!r}, which is not here",
                                     file=ann_path, line=number)
                target["attributes"][parts[0]] = parts[2] if len(parts) > 2 else True
            elif line[0] == "N":
                parts = fields[1].split()
                target = anns.get(resolve(parts[1]))
                if target is not None:
                    target["attributes"].setdefault("normalizations", []).append(
                        {"type": parts[0], "ref": parts[2] if len(parts) > 2 else None,
                         "text": fields[2] if len(fields) > 2 else None})
            elif line[0] == "#":
                parts = fields[1].split()
                target = anns.get(resolve(parts[1])) if len(parts) > 1 else None
                if target is not None:
                    note = fields[2] if len(fields) > 2 else ""
                    if note.startswith("newsmark-attributes: "):
                        target["attributes"].update(jsonutil.loads(note.removeprefix("newsmark-attributes: ")))
                    else:
                        target["note"] = f"{target['note']}\n{note}" if target.get("note") else note
        except (ValueError, IndexError):
            raise InputError(f"malformed line {line[:60]!r}", file=ann_path, line=number) from None
    return {"annotations": list(anns.values()), "relations": rels}


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
        except UnicodeDecodeError:
            yield Record(1, error=InputError("the .txt file is not UTF-8", file=txt))
            continue
        try:
            native = _parse_ann(ann, text) if ann.exists() else {"annotations": [], "relations": []}
        except InputError as e:
            yield Record(e.line or 1, error=e)
            continue
        rel = txt.relative_to(path) if path.is_dir() else Path(txt.name)
        native.update({"id": str(rel.with_suffix("")), "text": text, "meta": {"source_file": str(rel)}})
        rec = record(native, ann, 1)
        yield rec


def _ann_lines(doc: Any, report: ExportReport) -> list[str]:
    out: list[str] = []
    t_of: dict[str, str] = {}
    n_attr = n_note = 0
    for i, a in enumerate(doc.annotations, start=1):
        t = f"T{i}"
        t_of[a.id] = t
        label = brat_type(a.label)
        if label != a.label:
            report.lose("label names changed to brat's characters (A-Z, 0-9, _ and -)")
        # a span's text on the line is informational in brat; newlines cannot appear there
        out.append(f"{t}\t{label} {a.start} {a.end}\t{a.text.replace(chr(10), ' ').replace(chr(13), ' ')}")
        report.annotations += 1
        leftover = {}
        for key, value in a.attributes.items():
            if isinstance(value, str) and value and " " not in value and "\t" not in value:
                n_attr += 1
                out.append(f"A{n_attr}\t{brat_type(key)} {t} {value}")
            elif value is True:
                n_attr += 1
                out.append(f"A{n_attr}\t{brat_type(key)} {t}")
            else:
                leftover[key] = value
        notes = [a.note] if a.note else []
        if leftover:
            report.lose("attribute values brat cannot hold (kept as JSON in an AnnotatorNotes line)",
                        len(leftover))
            notes.append("newsmark-attributes: " + jsonutil.dumps(leftover))
        for note in notes:
            n_note += 1
            out.append(f"#{n_note}\tAnnotatorNotes {t}\t{note.replace(chr(10), ' ').replace(chr(9), ' ')}")
    for i, r in enumerate(doc.relations, start=1):
        out.append(f"R{i}\t{brat_type(r.type)} Arg1:{t_of[r.from_id]} Arg2:{t_of[r.to_id]}")
        report.relations += 1
        report.lose("relation attributes", bool(r.attributes))
    return out


def write(project: Project, folder: str | Path, *, statuses: Sequence[str] = (),
          labels: Sequence[str] = ()) -> ExportReport:
    """Write one .txt/.ann pair per document and the .conf files into ``folder``."""
    folder = Path(folder)
    report = ExportReport(NAME)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise NewsmarkError(f"cannot create {folder}: {e.strerror or e}") from None
    docs = list(documents(project, statuses=statuses, labels=labels, report=report))
    names = safe_names(docs)
    for doc in docs:
        stem = names[doc.id]
        with atomic_write(folder / f"{stem}.txt") as f:
            f.write(doc.text.encode("utf-8"))
        with atomic_write(folder / f"{stem}.ann") as f:
            f.write(("\n".join(_ann_lines(doc, report)) + "\n").encode("utf-8"))
        report.documents += 1
        report.lose("document titles, metadata and statuses", bool(doc.meta) or doc.status != "new")
    schema = project.schema()
    with atomic_write(folder / "annotation.conf") as f:
        f.write(annotation_conf(schema).encode("utf-8"))
    with atomic_write(folder / "visual.conf") as f:
        f.write(visual_conf(schema).encode("utf-8"))
    if any(names[d.id] != d.id for d in docs):
        report.notes.append("some document ids were changed to make safe file names")
    return report


def annotation_conf(schema: Schema) -> str:
    lines = ["# Written by Newsmark from the project's schema", "", "[entities]", ""]
    lines += [brat_type(lab.name) for lab in schema.labels]
    lines += ["", "[relations]", ""]
    for rt in schema.relation_types:
        src = "|".join(_types(schema, rt.from_labels)) or "<ANY>"
        dst = "|".join(_types(schema, rt.to_labels)) or "<ANY>"
        lines.append(f"{brat_type(rt.name)}\tArg1:{src}, Arg2:{dst}")
    lines += ["<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]", ""]
    seen: set[str] = set()
    for lab in schema.labels:
        for d in lab.attributes:
            if d.type == "choice" and d.name not in seen:
                seen.add(d.name)
                owners = "|".join(brat_type(x.name) for x in schema.labels
                                  if any(a.name == d.name for a in x.attributes))
                lines.append(f"{brat_type(d.name)}\tArg:{owners}, Value:{'|'.join(d.values)}")
    return "\n".join(lines) + "\n"


def _types(schema: Schema, allowed: list[str]) -> list[str]:
    return [brat_type(lab.name) for lab in schema.labels if lab.name in allowed or lab.layer in allowed]


def visual_conf(schema: Schema) -> str:
    lines = ["# Written by Newsmark from the project's schema", "", "[labels]", ""]
    lines += [f"{brat_type(lab.name)} | {lab.name}" for lab in schema.labels]
    lines += ["", "[drawing]", ""]
    lines += [f"{brat_type(lab.name)}\tbgColor:{lab.colour}" for lab in schema.labels]
    return "\n".join(lines) + "\n"
