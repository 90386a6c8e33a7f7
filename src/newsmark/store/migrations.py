"""The project file's schema, as a list of migrations; ``PRAGMA user_version`` is the version.

Never edit a migration that has shipped: add a new one.  Each runs in the caller's
transaction, so a failed upgrade leaves the file as it was.  Tests build a project at every
earlier version and upgrade it (tests/store/test_migrations.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

# "NMRK": marks the file as a Newsmark project for `file(1)` and for our own checks.
APPLICATION_ID = 0x4E4D524B


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run SQL statements one by one: ``executescript`` would commit the open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


def _v1(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            layer TEXT NOT NULL,
            colour TEXT NOT NULL,
            shortcut TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            attributes TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL
        );
        CREATE TABLE relation_types (
            name TEXT PRIMARY KEY,
            from_labels TEXT NOT NULL DEFAULT '[]',
            to_labels TEXT NOT NULL DEFAULT '[]',
            description TEXT NOT NULL DEFAULT '',
            attributes TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL
        );
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'in progress', 'done', 'review')),
            text_sha256 TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX documents_status ON documents(status);
        CREATE INDEX documents_sha ON documents(text_sha256);
        CREATE TABLE annotations (
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            text TEXT NOT NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            annotator TEXT,
            note TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (doc, id),
            CHECK ("end" > start)
        );
        -- No other index on annotations: the primary key (doc, id) serves every per-document
        -- query, and each extra index made bulk imports ~20% slower (benchmarks/bench_jsonl.py).
        CREATE TABLE relations (
            doc TEXT NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL REFERENCES relation_types(name) ON UPDATE CASCADE,
            from_id TEXT NOT NULL,
            to_id TEXT NOT NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (doc, id),
            FOREIGN KEY (doc, from_id) REFERENCES annotations(doc, id) ON DELETE CASCADE,
            FOREIGN KEY (doc, to_id) REFERENCES annotations(doc, id) ON DELETE CASCADE
        );
        CREATE INDEX relations_from ON relations(doc, from_id);
        CREATE INDEX relations_to ON relations(doc, to_id);
        -- docs/adr/0002: a document's text never changes once it has annotations.
        CREATE TRIGGER documents_text_immutable
        BEFORE UPDATE OF text ON documents
        WHEN NEW.text IS NOT OLD.text
             AND EXISTS (SELECT 1 FROM annotations WHERE doc = OLD.id)
        BEGIN
            SELECT RAISE(ABORT, 'the text of a document with annotations cannot change');
        END;
        """
    )


def _v2(db: sqlite_utils.Database) -> None:
    # The original file a document came from (a web page's HTML), zlib-compressed, so that
    # the text can be re-extracted or the page shown (issue: real articles in).
    run_script(
        db,
        """
        CREATE TABLE sources (
            doc TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            data BLOB NOT NULL
        );
        """
    )


def _v3(db: sqlite_utils.Database) -> None:
    # The document list reads id, title and status of every document: from this covering
    # index it never reads the texts (status comes after the text in the table's rows).
    run_script(db, "CREATE INDEX documents_list ON documents(id, title, status);")


def _v4(db: sqlite_utils.Database) -> None:
    # Imported documents keep their annotations and relations packed as native JSON, one row
    # per document, until the first edit moves them into the annotations and relations tables
    # (docs/adr/0008): a row per annotation made a 10,000-document import ~10x slower than
    # reading the file.  A document is packed or has rows, never both.
    run_script(
        db,
        """
        CREATE TABLE packed (
            doc TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            labels TEXT NOT NULL,          -- JSON list of [label, annotator, count], for statistics
            types TEXT NOT NULL,           -- JSON list of [relation type, count]
            annotations TEXT NOT NULL,     -- JSON list of native annotations, in export order
            relations TEXT NOT NULL,       -- JSON list of native relations
            annotation_count INTEGER NOT NULL,
            relation_count INTEGER NOT NULL
        );
        DROP TRIGGER documents_text_immutable;
        CREATE TRIGGER documents_text_immutable
        BEFORE UPDATE OF text ON documents
        WHEN NEW.text IS NOT OLD.text
             AND (EXISTS (SELECT 1 FROM annotations WHERE doc = OLD.id)
                  OR EXISTS (SELECT 1 FROM packed WHERE doc = OLD.id AND annotation_count > 0))
        BEGIN
            SELECT RAISE(ABORT, 'the text of a document with annotations cannot change');
        END;
        """
    )


def _v5(db: sqlite_utils.Database) -> None:
    # Suggestions (issue #16) live apart from annotations until accepted: one row per group
    # (a quote with its cue and speaker), keyed by its head span.  Rejected and accepted rows
    # stay, so that recomputing never brings a rejected suggestion back.
    run_script(
        db,
        """
        CREATE TABLE suggestions (
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            recommender TEXT NOT NULL,
            score REAL NOT NULL,
            label TEXT NOT NULL,           -- the head span's (a quote group's QUOTE)
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            grp TEXT NOT NULL,             -- JSON: {"spans": [...], "relations": [...]}
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
            created TEXT NOT NULL,
            PRIMARY KEY (doc, id)
        );
        CREATE INDEX suggestions_head ON suggestions(doc, label, start, "end");
        """
    )




def _v6_corpus(db: sqlite_utils.Database) -> None:
    # Issue #18, across articles.  Version 6.
    # - search_text: an FTS5 index of the documents' texts (external content: the texts are not
    #   stored twice), case and accents folded; triggers keep it in every write's transaction.
    # - search_marks: per document, how many annotations carry each label (l:), annotator
    #   (a:), speaker as written (s:, lower-cased; s? for a quote without one) and relation type
    #   (t:), kept by triggers on rows and on packed documents (docs/adr/0008), so that
    #   annotation conditions find their documents without reading every document.
    # - entities / entity_names: canonical entities and the mention names merged into them.
    # - disputes / dispute_links: disputed points shared across articles, and the DISPUTE
    #   annotations linked to them.
    run_script(
        db,
        """
        CREATE VIRTUAL TABLE search_text USING fts5(
            text, content='documents', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2');
        -- An import indexes its new documents in one statement at the end of its transaction
        -- (store/search_index.py: a row in search_defer while it runs, the documents' rowids
        -- in search_pending): a trigger's insert per document made imports 2-3x slower.
        CREATE TABLE search_defer (n INTEGER PRIMARY KEY);
        CREATE TABLE search_pending (rowid INTEGER PRIMARY KEY);
        CREATE TRIGGER search_text_insert AFTER INSERT ON documents
        WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN
            INSERT INTO search_text(rowid, text) VALUES (NEW.rowid, NEW.text);
        END;
        CREATE TRIGGER search_text_defer AFTER INSERT ON documents
        WHEN EXISTS (SELECT 1 FROM search_defer) BEGIN
            INSERT INTO search_pending(rowid) VALUES (NEW.rowid);
        END;
        CREATE TRIGGER search_text_delete AFTER DELETE ON documents BEGIN
            INSERT INTO search_text(search_text, rowid, text) SELECT 'delete', OLD.rowid, OLD.text
                WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid = OLD.rowid);
            DELETE FROM search_pending WHERE rowid = OLD.rowid;
        END;
        CREATE TRIGGER search_text_update AFTER UPDATE OF text ON documents
        WHEN NEW.text IS NOT OLD.text
             AND NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid = OLD.rowid) BEGIN
            INSERT INTO search_text(search_text, rowid, text) VALUES ('delete', OLD.rowid, OLD.text);
            INSERT INTO search_text(rowid, text) VALUES (NEW.rowid, NEW.text);
        END;

        CREATE TABLE search_marks (
            mark TEXT NOT NULL,
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            PRIMARY KEY (mark, doc)
        ) WITHOUT ROWID;
        CREATE INDEX search_marks_doc ON search_marks(doc);

        CREATE TRIGGER search_marks_ann_insert AFTER INSERT ON annotations BEGIN
            INSERT INTO search_marks(mark, doc, n)
            SELECT m, NEW.doc, 1 FROM (
                SELECT 'l:' || NEW.label AS m
                UNION ALL SELECT 'a:' || NEW.annotator WHERE NEW.annotator IS NOT NULL
                UNION ALL SELECT CASE WHEN NEW.attributes ->> 'speaker' IS NOT NULL
                                      THEN 's:' || lower(NEW.attributes ->> 'speaker') ELSE 's?' END
                    WHERE NEW.attributes ->> 'speaker' IS NOT NULL
                       OR instr((SELECT attributes FROM labels WHERE name = NEW.label), '"speaker"') > 0
            ) WHERE true
            ON CONFLICT (mark, doc) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER search_marks_ann_delete AFTER DELETE ON annotations BEGIN
            UPDATE search_marks SET n = n - 1 WHERE doc = OLD.doc AND mark IN (
                SELECT 'l:' || OLD.label
                UNION ALL SELECT 'a:' || OLD.annotator WHERE OLD.annotator IS NOT NULL
                UNION ALL SELECT CASE WHEN OLD.attributes ->> 'speaker' IS NOT NULL
                                      THEN 's:' || lower(OLD.attributes ->> 'speaker') ELSE 's?' END
                    WHERE OLD.attributes ->> 'speaker' IS NOT NULL
                       OR instr((SELECT attributes FROM labels WHERE name = OLD.label), '"speaker"') > 0);
            DELETE FROM search_marks WHERE doc = OLD.doc AND n <= 0;
        END;
        CREATE TRIGGER search_marks_ann_update
        AFTER UPDATE OF label, annotator, attributes ON annotations BEGIN
            UPDATE search_marks SET n = n - 1 WHERE doc = OLD.doc AND mark IN (
                SELECT 'l:' || OLD.label
                UNION ALL SELECT 'a:' || OLD.annotator WHERE OLD.annotator IS NOT NULL
                UNION ALL SELECT CASE WHEN OLD.attributes ->> 'speaker' IS NOT NULL
                                      THEN 's:' || lower(OLD.attributes ->> 'speaker') ELSE 's?' END
                    WHERE OLD.attributes ->> 'speaker' IS NOT NULL
                       OR instr((SELECT attributes FROM labels WHERE name = OLD.label), '"speaker"') > 0);
            DELETE FROM search_marks WHERE doc = OLD.doc AND n <= 0;
            INSERT INTO search_marks(mark, doc, n)
            SELECT m, NEW.doc, 1 FROM (
                SELECT 'l:' || NEW.label AS m
                UNION ALL SELECT 'a:' || NEW.annotator WHERE NEW.annotator IS NOT NULL
                UNION ALL SELECT CASE WHEN NEW.attributes ->> 'speaker' IS NOT NULL
                                      THEN 's:' || lower(NEW.attributes ->> 'speaker') ELSE 's?' END
                    WHERE NEW.attributes ->> 'speaker' IS NOT NULL
                       OR instr((SELECT attributes FROM labels WHERE name = NEW.label), '"speaker"') > 0
            ) WHERE true
            ON CONFLICT (mark, doc) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER search_marks_rel_insert AFTER INSERT ON relations BEGIN
            INSERT INTO search_marks(mark, doc, n) VALUES ('t:' || NEW.type, NEW.doc, 1)
            ON CONFLICT (mark, doc) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER search_marks_rel_delete AFTER DELETE ON relations BEGIN
            UPDATE search_marks SET n = n - 1 WHERE doc = OLD.doc AND mark = 't:' || OLD.type;
            DELETE FROM search_marks WHERE doc = OLD.doc AND mark = 't:' || OLD.type AND n <= 0;
        END;
        -- the marks of a packed document are written with it (Project.insert_packed,
        -- store/search_index.py): this trigger's JSON walk made imports 3x slower
        CREATE TRIGGER search_marks_packed_delete AFTER DELETE ON packed BEGIN
            DELETE FROM search_marks WHERE doc = OLD.doc;
        END;

        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            name TEXT NOT NULL,
            identifier TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE entity_names (
            label TEXT NOT NULL,
            key TEXT NOT NULL,            -- the mention's text, folded (corpus.fold_name)
            entity TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            PRIMARY KEY (label, key)
        ) WITHOUT ROWID;
        CREATE INDEX entity_names_entity ON entity_names(entity);
        CREATE TABLE disputes (
            id TEXT PRIMARY KEY,
            proposition TEXT NOT NULL,
            parties TEXT NOT NULL DEFAULT '[]',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE dispute_links (
            doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ann TEXT NOT NULL,            -- a DISPUTE annotation (rows or packed)
            dispute TEXT NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
            PRIMARY KEY (doc, ann)
        ) WITHOUT ROWID;
        CREATE INDEX dispute_links_dispute ON dispute_links(dispute);
        """
    )
    rebuild_search(db)


def rebuild_search(db: sqlite_utils.Database) -> None:
    """Build the search index and marks of every document again from the stored data (the
    migration's first build, and a repair; the caller holds the write transaction)."""
    by_document = _exists(db, "search_doc_marks")  # version 7 on: the marks counted here first
    if by_document:
        for name in _V7_MARKS_TRIGGERS:
            db.execute(f"DROP TRIGGER {name}")
    db.execute("DELETE FROM search_pending")
    db.execute("DELETE FROM search_defer")
    db.execute("INSERT INTO search_text(search_text) VALUES ('rebuild')")
    db.execute("DELETE FROM search_marks")
    db.execute("INSERT INTO search_marks(mark, doc, n) SELECT m, doc, count(*) FROM ("
               " SELECT 'l:' || label AS m, doc FROM annotations"
               " UNION ALL SELECT 'a:' || annotator, doc FROM annotations WHERE annotator IS NOT NULL"
               " UNION ALL SELECT CASE WHEN a.attributes ->> 'speaker' IS NOT NULL"
               "   THEN 's:' || lower(a.attributes ->> 'speaker') ELSE 's?' END, a.doc"
               "   FROM annotations a WHERE a.attributes ->> 'speaker' IS NOT NULL OR instr("
               "   (SELECT attributes FROM labels WHERE name = a.label), '\"speaker\"') > 0"
               " UNION ALL SELECT 't:' || type, doc FROM relations) GROUP BY m, doc")
    # a merged document's annotations are in its parts (migration 8); the speakers' marks
    # need no ids or annotators, so each part's JSON serves as it is
    has_parts = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'packed_parts'").fetchone()
    packed_json = ("(SELECT doc, annotations FROM packed WHERE annotations <> ''"
                   " UNION ALL SELECT doc, annotations FROM packed_parts) p") if has_parts else "packed p"
    db.execute("INSERT INTO search_marks(mark, doc, n) SELECT m, doc, sum(k) FROM ("
               " SELECT 'l:' || (j.value ->> 0) AS m, p.doc, j.value ->> 2 AS k"
               "   FROM packed p, json_each(p.labels) j"
               " UNION ALL SELECT 'a:' || (j.value ->> 1), p.doc, j.value ->> 2"
               "   FROM packed p, json_each(p.labels) j WHERE j.value ->> 1 IS NOT NULL"
               " UNION ALL SELECT 't:' || (j.value ->> 0), p.doc, j.value ->> 1"
               "   FROM packed p, json_each(p.types) j"
               " UNION ALL SELECT CASE WHEN j.value -> 'attributes' ->> 'speaker' IS NOT NULL"
               "   THEN 's:' || lower(j.value -> 'attributes' ->> 'speaker') ELSE 's?' END, p.doc, 1"
               f"   FROM {packed_json}, json_each(p.annotations) j"
               "   WHERE j.value -> 'attributes' ->> 'speaker' IS NOT NULL"
               "   OR (instr((SELECT attributes FROM labels"
               "       WHERE name = j.value ->> 'label'), '\"speaker\"') > 0)"
               ") GROUP BY m, doc")
    if by_document:
        _marks_by_document(db)


def _exists(db: sqlite_utils.Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def _v7_marks(db: sqlite_utils.Database) -> None:
    # Issue #18: the index may add at most 25% to an import, and the marks' rows (~11 a
    # document, each in the table and in its doc index) were most of what it added (+40-60%).
    # Version 7: one row per document, its marks as tokens (an id each, in search_mark_names)
    # indexed by FTS5 (detail=none: which documents, no positions), so that the annotation
    # conditions of a search are one MATCH.  search_marks keeps its counts for documents with
    # rows only (the triggers on annotations and relations, unchanged), and its own triggers
    # rewrite the document's row when a mark comes or goes; a packed document's row is written
    # with it (store/search_index.py).  The v6 marks are converted, not computed again.
    run_script(
        db,
        """
        CREATE TABLE search_mark_names (
            id INTEGER PRIMARY KEY,
            mark TEXT NOT NULL UNIQUE
        );
        CREATE TABLE search_doc_marks (
            doc_rowid INTEGER PRIMARY KEY,  -- the document's rowid, as in search_text
            marks TEXT NOT NULL             -- "m3 m12 m40": the ids of its marks
        );
        CREATE VIRTUAL TABLE search_marks_fts USING fts5(
            marks, content='search_doc_marks', content_rowid='doc_rowid',
            detail=none, columnsize=0, tokenize='ascii');
        DROP TRIGGER search_marks_packed_delete;
        CREATE TRIGGER search_marks_packed_delete AFTER DELETE ON packed BEGIN
            DELETE FROM search_doc_marks WHERE doc_rowid = (SELECT rowid FROM documents WHERE id = OLD.doc);
        END;
        -- An import's new documents: no row each in search_pending any more (that insert was
        -- ~5 us of a document's ~160 us import), but one row while the import runs: the last
        -- rowid before it.  The documents after it wait to be indexed at its end
        -- (store/search_index.py); one at or below it deleted meanwhile lowers it to the
        -- documents left, so that a rowid used again is still after it.
        DROP TRIGGER search_text_defer;
        DROP TRIGGER search_text_update;
        CREATE TRIGGER search_text_update AFTER UPDATE OF text ON documents
        WHEN NEW.text IS NOT OLD.text
             AND NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid < OLD.rowid) BEGIN
            INSERT INTO search_text(search_text, rowid, text) VALUES ('delete', OLD.rowid, OLD.text);
            INSERT INTO search_text(rowid, text) VALUES (NEW.rowid, NEW.text);
        END;
        DROP TRIGGER search_text_delete;
        CREATE TRIGGER search_text_delete AFTER DELETE ON documents BEGIN
            DELETE FROM search_doc_marks WHERE doc_rowid = OLD.rowid;
            INSERT INTO search_text(search_text, rowid, text) SELECT 'delete', OLD.rowid, OLD.text
                WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid < OLD.rowid);
            UPDATE search_pending SET rowid = coalesce(
                (SELECT max(rowid) FROM documents WHERE rowid <= search_pending.rowid), 0)
                WHERE rowid >= OLD.rowid;
        END;
        """
    )
    _marks_by_document(db)


# search_marks -> search_doc_marks -> search_marks_fts; dropped while everything is rebuilt
_V7_MARKS_TRIGGERS = ("search_marks_added", "search_marks_removed", "search_doc_marks_insert",
                      "search_doc_marks_delete", "search_doc_marks_update")


def _marks_by_document(db: sqlite_utils.Database) -> None:
    """From marks counted in search_marks for every document (version 6's form) to version
    7's: one row per document, the counts kept for documents with rows only; then the
    triggers."""
    run_script(
        db,
        """
        DELETE FROM search_doc_marks;
        DELETE FROM search_mark_names;
        INSERT INTO search_mark_names(mark) SELECT DISTINCT mark FROM search_marks ORDER BY mark;
        INSERT INTO search_doc_marks(doc_rowid, marks)
            SELECT d.rowid, group_concat('m' || n.id, ' ') FROM search_marks m
            JOIN search_mark_names n ON n.mark = m.mark JOIN documents d ON d.id = m.doc
            GROUP BY d.rowid;
        DELETE FROM search_marks WHERE doc IN (SELECT doc FROM packed);
        INSERT INTO search_marks_fts(search_marks_fts) VALUES ('rebuild');
        CREATE TRIGGER search_marks_added AFTER INSERT ON search_marks BEGIN
            -- not OR IGNORE: a cascade from a label renamed would override it with ABORT
            INSERT INTO search_mark_names(mark) SELECT NEW.mark
                WHERE NOT EXISTS (SELECT 1 FROM search_mark_names WHERE mark = NEW.mark);
            INSERT INTO search_doc_marks(doc_rowid, marks)
            SELECT d.rowid, (SELECT group_concat('m' || n.id, ' ') FROM search_marks m
                             JOIN search_mark_names n ON n.mark = m.mark WHERE m.doc = NEW.doc)
            FROM documents d WHERE d.id = NEW.doc
            ON CONFLICT (doc_rowid) DO UPDATE SET marks = excluded.marks;
        END;
        CREATE TRIGGER search_marks_removed AFTER DELETE ON search_marks BEGIN
            UPDATE search_doc_marks SET marks = (SELECT group_concat('m' || n.id, ' ') FROM search_marks m
                                                 JOIN search_mark_names n ON n.mark = m.mark WHERE m.doc = OLD.doc)
            WHERE doc_rowid = (SELECT rowid FROM documents WHERE id = OLD.doc)
              AND EXISTS (SELECT 1 FROM search_marks WHERE doc = OLD.doc);
            DELETE FROM search_doc_marks WHERE doc_rowid = (SELECT rowid FROM documents WHERE id = OLD.doc)
              AND NOT EXISTS (SELECT 1 FROM search_marks WHERE doc = OLD.doc);
        END;
        -- a document an import added (after search_pending's rowid) is indexed at its end
        CREATE TRIGGER search_doc_marks_insert AFTER INSERT ON search_doc_marks
        WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid < NEW.doc_rowid) BEGIN
            INSERT INTO search_marks_fts(rowid, marks) VALUES (NEW.doc_rowid, NEW.marks);
        END;
        CREATE TRIGGER search_doc_marks_delete AFTER DELETE ON search_doc_marks
        WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid < OLD.doc_rowid) BEGIN
            INSERT INTO search_marks_fts(search_marks_fts, rowid, marks) VALUES ('delete', OLD.doc_rowid, OLD.marks);
        END;
        CREATE TRIGGER search_doc_marks_update AFTER UPDATE ON search_doc_marks
        WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid < OLD.doc_rowid) BEGIN
            INSERT INTO search_marks_fts(search_marks_fts, rowid, marks) VALUES ('delete', OLD.doc_rowid, OLD.marks);
            INSERT INTO search_marks_fts(rowid, marks) VALUES (NEW.doc_rowid, NEW.marks);
        END;
        """
    )


def _v8_packed_parts(db: sqlite_utils.Database) -> None:
    # A merged document keeps each source's packed JSON as it was there, one row per source
    # (docs/adr/0015): the reads put the source's name before its ids and give it to annotations
    # without an annotator, so a merge neither decodes nor re-encodes a million annotations.
    # Its row in ``packed`` keeps the counts (statistics, the text's immutability) with '' for
    # annotations and relations.  (Migration 8, after the search marks' 7.)
    run_script(
        db,
        """
        CREATE TABLE packed_parts (
            doc TEXT NOT NULL REFERENCES packed(doc) ON DELETE CASCADE,
            part INTEGER NOT NULL,         -- the parts' order, which the reads keep
            source TEXT NOT NULL,          -- ids become 'source:id'; annotators default to it
            stamp TEXT,                    -- for items without created/updated (NULL: none lacks them)
            annotations TEXT NOT NULL,     -- the source's packed JSON, as it was there
            relations TEXT NOT NULL,
            PRIMARY KEY (doc, part)
        );
        """
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1, _v2, _v3, _v4, _v5, _v6_corpus, _v7_marks, _v8_packed_parts,
]
LATEST = len(MIGRATIONS)


def version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int = LATEST) -> list[int]:
    """Bring the file up to ``target``; returns the versions applied.  The caller holds the
    write transaction."""
    applied = []
    current = version(db)
    for v in range(current + 1, target + 1):
        MIGRATIONS[v - 1](db)
        db.execute(f"PRAGMA user_version = {v}")
        applied.append(v)
    return applied
