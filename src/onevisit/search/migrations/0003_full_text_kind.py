"""For searches of some kinds among many documents (the portal's guides beside the
hotline's knowledge base) and for words too common to look for in every body.

SQLite: the full-text index also holds each document's kind (a column no score counts),
so a search of some kinds reads the documents of those kinds only. Rebuilt from the
documents.

PostgreSQL: the heading's own `tsvector` (a generated column with a GIN index), so a word
looked for in the headings only is found by an index, not by reading every row that has
it in its body. (The kind is filtered by the table's own index.)
"""

from django.db import migrations

FTS_TABLE = """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        {columns},
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
"""
TRIGGERS = [
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(rowid, {columns}) VALUES ({new});
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, {columns})
        VALUES ('delete', {old});
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, {columns})
        VALUES ('delete', {old});
        INSERT INTO search_document_fts(rowid, {columns}) VALUES ({new});
    END
    """,
]
DROP = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]


def _statements(columns):
    names = ", ".join(columns)
    new = ", ".join(["new.id", *(f"new.{column}" for column in columns)])
    old = ", ".join(["old.id", *(f"old.{column}" for column in columns)])
    return [
        *DROP,
        FTS_TABLE.format(columns=names),
        *(trigger.format(columns=names, new=new, old=old) for trigger in TRIGGERS),
        "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
    ]


POSTGRESQL_FORWARD = [
    """
    ALTER TABLE search_searchdocument ADD COLUMN heading_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, heading_tokens)) STORED
    """,
    "CREATE INDEX search_document_heading_vector ON search_searchdocument "
    "USING GIN (heading_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_heading_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS heading_vector",
]


def _run(schema_editor, *, sqlite_columns, postgresql):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _statements(sqlite_columns)
    elif vendor == "postgresql":
        statements = postgresql
    else:
        raise RuntimeError(f"onevisit search supports SQLite and PostgreSQL, not {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, sqlite_columns=["heading_tokens", "body_tokens", "kind"],
         postgresql=POSTGRESQL_FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, sqlite_columns=["heading_tokens", "body_tokens"],
         postgresql=POSTGRESQL_BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_full_text"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
