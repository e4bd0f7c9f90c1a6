"""The full-text index over the documents' jieba tokens, one per database.

SQLite: an FTS5 table reading the document table (external content), kept in step by
triggers, so every write to a document — in any transaction — updates it. The tokens are
already words separated by spaces; `unicode61` splits on the spaces only and folds case.

PostgreSQL: a generated `tsvector` column (`simple` configuration: no stemming, no stop
words — the tokens are jieba's) with the heading weighted A and the body B, and a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        heading_tokens, body_tokens,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(rowid, heading_tokens, body_tokens)
        VALUES (new.id, new.heading_tokens, new.body_tokens);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, heading_tokens, body_tokens)
        VALUES ('delete', old.id, old.heading_tokens, old.body_tokens);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, heading_tokens, body_tokens)
        VALUES ('delete', old.id, old.heading_tokens, old.body_tokens);
        INSERT INTO search_document_fts(rowid, heading_tokens, body_tokens)
        VALUES (new.id, new.heading_tokens, new.body_tokens);
    END
    """,
    # Rows written before the index existed (none on a new database).
    "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]

POSTGRESQL_FORWARD = [
    """
    ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, heading_tokens), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')
    ) STORED
    """,
    "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"onevisit search supports SQLite and PostgreSQL, not {vendor}")
    for statement in STATEMENTS[vendor][index]:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
