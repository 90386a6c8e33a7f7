"""Entities across articles: each distinct entity (label and name) with its mentions and
documents, and canonical entities that merge names ("Leon Panetta", "Mr Panetta", "Panetta"),
with a name and an identifier the user types (a Wikidata id, say; nothing is fetched).

A mention belongs to the canonical entity its label and folded text (``text.fold_name``) are
merged into; mentions whose names fold alike are one entity even unmerged.

A pronoun (or another function word) tagged as an entity names nobody by itself: it is no
entity "it".  Where a quote is linked to it as its speaker mention (``said_by``), it is a mention
of the speaker the quote names (its ``speaker`` attribute: "it" -> "Swedish Prosecution
Authority"), counted with that entity's mentions and documents but not as one of its spellings;
otherwise it is left out of the view."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec

from newsmark.attribution.names import FUNCTION_WORDS, is_function_word
from newsmark.core.errors import NotFoundError, ValidationError
from newsmark.core.model import new_id, now
from newsmark.corpus.text import fold_name
from newsmark.store.packed import IN_PARTS, joined, whole
from newsmark.store.project import Project


class _Mention(msgspec.Struct, gc=False):
    label: str
    text: str | None = None  # the other fields of a packed annotation are skipped unread


_decode_mentions = msgspec.json.Decoder(list[_Mention]).decode


class _Item(msgspec.Struct, gc=False):
    id: str
    label: str
    text: str | None = None
    attributes: dict[str, Any] | None = None


class _Link(msgspec.Struct, gc=False):
    type: str
    from_: str = msgspec.field(name="from")
    to: str = ""


_decode_items = msgspec.json.Decoder(list[_Item]).decode
_decode_links = msgspec.json.Decoder(list[_Link]).decode


def _mentions(project: Project) -> Iterator[tuple[str, str, str, int]]:
    """(label, text, doc, count) of every entity-layer annotation, from rows and from packed
    documents (decoded here: SQLite's json_each was 5x slower)."""
    conn = project.conn
    entity_labels = {n for n, lay in project.label_layers().items() if lay == "entity"}
    yield from conn.execute(
        "SELECT a.label, a.text, a.doc, count(*) FROM annotations a JOIN labels l ON l.name = a.label"
        " WHERE l.layer = 'entity' GROUP BY a.label, a.text, a.doc")
    for doc, anns in conn.execute("SELECT doc, annotations FROM packed WHERE annotation_count > 0"):
        if anns == IN_PARTS:  # a merged document's parts joined (docs/adr/0015)
            anns = joined(conn, doc)[0]
        counts: dict[tuple[str, str], int] = {}
        for m in _decode_mentions(anns):
            if m.label in entity_labels and m.text is not None:
                key = (m.label, m.text)
                counts[key] = counts.get(key, 0) + 1
        for (label, text), n in counts.items():
            yield label, text, doc, n


def _referred(project: Project, docs: set[str]) -> Iterator[tuple[str, str, str]]:
    """(label, speaker name, doc) of each pronoun mention of ``docs`` that a quote with a
    speaker's name is linked to (``said_by``): the pronoun's label, the quote's name."""
    conn = project.conn
    entity_labels = {n for n, lay in project.label_layers().items() if lay == "entity"}
    packed = {r[0] for r in conn.execute("SELECT doc FROM packed")} & docs
    words = sorted(FUNCTION_WORDS)
    # the rows' documents in one query (lower(): SQLite's ASCII folding; is_function_word decides)
    rows = conn.execute(
        "SELECT a.doc, a.id, a.label, a.text, q.attributes ->> '$.speaker' FROM relations r"
        " JOIN annotations a ON a.doc = r.doc AND a.id = r.to_id"
        " JOIN annotations q ON q.doc = r.doc AND q.id = r.from_id"
        f" WHERE r.type = 'said_by' AND lower(a.text) IN ({','.join('?' * len(words))})"
        " ORDER BY r.doc, r.rowid", words)
    seen: set[tuple[str, str]] = set()
    for doc, ann_id, label, text, speaker in rows:
        if doc in docs and doc not in packed and label in entity_labels and (doc, ann_id) not in seen:
            name = _speaker_name(text, speaker)
            if name is not None:
                seen.add((doc, ann_id))
                yield label, name, doc
    if not packed:
        return
    for doc, anns, rels in conn.execute("SELECT doc, annotations, relations FROM packed WHERE annotation_count > 0"):
        if doc not in packed:
            continue
        anns, rels = whole(conn, doc, anns, rels)  # a merged document's parts joined
        by_id = {a.id: a for a in _decode_items(anns)}
        for r in _decode_links(rels):
            quote, mention = by_id.get(r.from_), by_id.get(r.to)
            if r.type != "said_by" or quote is None or mention is None or (doc, mention.id) in seen \
                    or mention.label not in entity_labels or mention.text is None:
                continue
            name = _speaker_name(mention.text, (quote.attributes or {}).get("speaker"))
            if name is not None:
                seen.add((doc, mention.id))
                yield mention.label, name, doc


def _speaker_name(mention: str, speaker: object) -> str | None:
    """The name a pronoun mention stands for: its quote's speaker, when that is a name."""
    if not is_function_word(mention) or not isinstance(speaker, str):
        return None
    name = " ".join(speaker.split())
    return name if name and not is_function_word(name) else None


@dataclass(slots=True)
class Entity:
    """A row of the Entities view: a canonical entity, or a name no entity has merged."""

    label: str
    name: str  # the canonical name, or the most frequent spelling
    id: str | None = None  # the canonical entity's id, if it is one
    identifier: str = ""
    mentions: int = 0
    documents: int = 0
    names: dict[str, int] = field(default_factory=dict)  # each spelling and its mentions
    pronouns: int = 0  # mentions by a pronoun a quote names this entity for ("it" said), not spellings

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "name": self.name, "id": self.id, "identifier": self.identifier,
                "mentions": self.mentions, "documents": self.documents, "names": self.names,
                "pronouns": self.pronouns}


class Canon:
    """The canonical entities of a project, to name mentions with."""

    def __init__(self, project: Project) -> None:
        conn = project.conn
        self.entities: dict[str, tuple[str, str, str]] = {
            r[0]: (r[1], r[2], r[3]) for r in conn.execute("SELECT id, label, name, identifier FROM entities")}
        self.by_key: dict[tuple[str, str], str] = {
            (r[0], r[1]): r[2] for r in conn.execute("SELECT label, key, entity FROM entity_names")}
        self.keys_of: dict[str, list[str]] = defaultdict(list)
        self._any_label: dict[str, str] = {}  # a folded name -> an entity merging it (any label)
        for (_label, key), ent in sorted(self.by_key.items()):
            self.keys_of[ent].append(key)
            self._any_label.setdefault(key, ent)

    def entity_of(self, label: str, name: str) -> str | None:
        return self.by_key.get((label, fold_name(name)))

    def canonical(self, label: str | None, name: str) -> str:
        """The canonical name of a mention (its own name when no entity merges it).  A speaker
        whose label is unknown (a name as written) is looked up under every label."""
        key = fold_name(name)
        if label is not None:
            ent = self.by_key.get((label, key))
        else:
            ent = self._any_label.get(key)
        return self.entities[ent][1] if ent else name

    def aliases(self, name: str) -> set[str]:
        """The folded names of every entity that ``name`` names (canonically or as a merged
        spelling), and ``name`` itself."""
        key = fold_name(name)
        out = {key}
        for ent, (_label, cname, _ident) in self.entities.items():
            if fold_name(cname) == key or key in self.keys_of.get(ent, ()):
                out.update(self.keys_of.get(ent, ()))
                out.add(fold_name(cname))
        return out


def canon_stamp(project: Project) -> tuple[Any, ...]:
    """A cheap mark of the canonical entities' state, which changes with every merge, rename and
    split (to know when names read before are stale, without reading them all)."""
    row = project.conn.execute(
        "SELECT (SELECT count(*) FROM entities), (SELECT max(updated) FROM entities),"
        " (SELECT count(*) FROM entity_names)").fetchone()
    return tuple(row)


def list_entities(project: Project, label: str | None = None) -> list[Entity]:
    """Each distinct entity with its number of mentions and documents, most mentioned first."""
    canon = Canon(project)
    counts: dict[tuple[str, str], int] = defaultdict(int)  # (label, text) -> mentions
    docs_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    with_pronouns: set[str] = set()  # the documents where a pronoun is tagged as an entity
    for lab, text, doc, n in _mentions(project):
        if label is not None and lab != label:
            continue
        if is_function_word(text):
            with_pronouns.add(doc)
            continue
        counts[(lab, text)] += n
        docs_of[(lab, text)].add(doc)
    referred: dict[tuple[str, str], int] = defaultdict(int)  # (label, speaker's name) -> pronouns
    for lab, name, doc in _referred(project, with_pronouns) if with_pronouns else ():
        if label is None or lab == label:
            referred[(lab, name)] += 1
            docs_of[(lab, name)].add(doc)
    groups: dict[tuple[str, str], Entity] = {}
    group_docs: dict[tuple[str, str], set[str]] = defaultdict(set)

    def group(lab: str, text: str) -> tuple[tuple[str, str], Entity]:
        key = fold_name(text)
        ent = canon.by_key.get((lab, key))
        gkey = (lab, "#" + ent) if ent else (lab, key)
        e = groups.get(gkey)
        if e is None:
            if ent:
                _l, cname, ident = canon.entities[ent]
                e = Entity(lab, cname, ent, ident)
            else:
                e = Entity(lab, text)
            groups[gkey] = e
        group_docs[gkey] |= docs_of[(lab, text)]
        return gkey, e

    for (lab, text), n in counts.items():
        _gkey, e = group(lab, text)
        e.mentions += n
        e.names[text] = e.names.get(text, 0) + n
    for (lab, name), n in referred.items():
        _gkey, e = group(lab, name)
        e.mentions += n
        e.pronouns += n
    for gkey, e in groups.items():
        e.documents = len(group_docs[gkey])
        if e.id is None and e.names:  # else named by the quotes alone: the speaker's name
            e.name = max(e.names.items(), key=lambda kv: (kv[1], kv[0]))[0]
    # canonical entities without mentions (yet) are listed too
    seen = {e.id for e in groups.values() if e.id}
    for ent, (lab, cname, ident) in canon.entities.items():
        if ent not in seen and (label is None or lab == label):
            groups[(lab, "#" + ent)] = Entity(lab, cname, ent, ident)
    return sorted(groups.values(), key=lambda e: (-e.mentions, e.label, e.name.casefold()))


def merge(project: Project, label: str, names: list[str], name: str | None = None,
          identifier: str | None = None) -> str:
    """Merge the mentions named ``names`` (label ``label``) into one canonical entity, named
    ``name`` (default: the first name); entities already holding any of the names are merged
    into it.  Returns the entity's id."""
    names = [n for n in names if n.strip()]
    if not names:
        raise ValidationError("name at least one mention to merge")
    project.label(label)
    canonical = (name or names[0]).strip()
    if not canonical:
        raise ValidationError("a canonical entity needs a name")
    keys = {fold_name(n) for n in names} | {fold_name(canonical)}
    keys.discard("")
    with project.write():
        conn = project.conn
        existing = [r[0] for r in conn.execute(
            f"SELECT DISTINCT entity FROM entity_names WHERE label = ? AND key IN ({','.join('?' * len(keys))})"
            " ORDER BY entity", (label, *sorted(keys)))]
        stamp = now()
        if existing:
            ent = existing[0]
            for other in existing[1:]:
                conn.execute("UPDATE entity_names SET entity = ? WHERE entity = ?", (ent, other))
                ident = conn.execute("SELECT identifier FROM entities WHERE id = ?", (other,)).fetchone()[0]
                if ident and identifier is None:
                    conn.execute("UPDATE entities SET identifier = ? WHERE id = ? AND identifier = ''", (ident, ent))
                conn.execute("DELETE FROM entities WHERE id = ?", (other,))
            conn.execute("UPDATE entities SET name = ?, updated = ? WHERE id = ?", (canonical, stamp, ent))
        else:
            ent = new_id()
            conn.execute("INSERT INTO entities(id, label, name, identifier, created, updated)"
                         " VALUES (?, ?, ?, '', ?, ?)", (ent, label, canonical, stamp, stamp))
        conn.executemany("INSERT OR REPLACE INTO entity_names(label, key, entity) VALUES (?, ?, ?)",
                         [(label, k, ent) for k in sorted(keys)])
        if identifier is not None:
            conn.execute("UPDATE entities SET identifier = ? WHERE id = ?", (identifier.strip(), ent))
    return str(ent)


Snapshot = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def snapshot(project: Project) -> Snapshot:
    """Every canonical entity and merged spelling as they are (small tables: an undo keeps
    the state before and after an edit of them)."""
    conn = project.conn
    return (conn.execute("SELECT id, label, name, identifier, created, updated FROM entities ORDER BY id").fetchall(),
            conn.execute("SELECT label, key, entity FROM entity_names ORDER BY label, key").fetchall())


def restore(project: Project, state: Snapshot) -> None:
    """Put the canonical entities back as a ``snapshot`` took them (one transaction)."""
    with project.write():
        conn = project.conn
        conn.execute("DELETE FROM entity_names")
        conn.execute("DELETE FROM entities")
        conn.executemany("INSERT INTO entities(id, label, name, identifier, created, updated)"
                         " VALUES (?, ?, ?, ?, ?, ?)", state[0])
        conn.executemany("INSERT INTO entity_names(label, key, entity) VALUES (?, ?, ?)", state[1])


def _entity(project: Project, entity: str) -> str:
    row = project.conn.execute("SELECT id FROM entities WHERE id = ?", (entity,)).fetchone()
    if row is None:
        raise NotFoundError(f"no canonical entity {entity!r} in this project")
    return str(row[0])


def find_entity(project: Project, label: str, name: str) -> str:
    """The id of the canonical entity named ``name`` (canonically or as a merged spelling)."""
    key = fold_name(name)
    row = project.conn.execute("SELECT entity FROM entity_names WHERE label = ? AND key = ?", (label, key)).fetchone()
    if row is None:
        row = project.conn.execute("SELECT id FROM entities WHERE label = ? AND name = ?", (label, name)).fetchone()
    if row is None:
        raise NotFoundError(f"no canonical {label} entity named {name!r} (merge names into one first)")
    found: str = row[0]
    return found


def rename(project: Project, entity: str, name: str) -> None:
    if not name.strip():
        raise ValidationError("a canonical entity needs a name")
    with project.write():
        ent = _entity(project, entity)
        label = project.conn.execute("SELECT label FROM entities WHERE id = ?", (ent,)).fetchone()[0]
        project.conn.execute("UPDATE entities SET name = ?, updated = ? WHERE id = ?", (name.strip(), now(), ent))
        project.conn.execute("INSERT OR REPLACE INTO entity_names(label, key, entity) VALUES (?, ?, ?)",
                             (label, fold_name(name), ent))


def set_identifier(project: Project, entity: str, identifier: str) -> None:
    with project.write():
        ent = _entity(project, entity)
        project.conn.execute("UPDATE entities SET identifier = ?, updated = ? WHERE id = ?",
                             (identifier.strip(), now(), ent))


def split(project: Project, label: str, name: str) -> None:
    """Take a spelling out of its canonical entity (the entity goes when it has none left)."""
    with project.write():
        key = fold_name(name)
        row = project.conn.execute("SELECT entity FROM entity_names WHERE label = ? AND key = ?", (label, key)).fetchone()
        if row is None:
            raise NotFoundError(f"{name!r} ({label}) is not merged into any entity")
        project.conn.execute("DELETE FROM entity_names WHERE label = ? AND key = ?", (label, key))
        project.conn.execute("DELETE FROM entities WHERE id = ? AND NOT EXISTS"
                             " (SELECT 1 FROM entity_names WHERE entity = ?)", (row[0], row[0]))
