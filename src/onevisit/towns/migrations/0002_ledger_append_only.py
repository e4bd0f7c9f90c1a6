"""The database refuses to change (and on PostgreSQL to delete) incentive-ledger rows: a
correction is a new row, never an edit. Emptying the table (Django's flush) is left to the
schema owner, as for the audit log (audit/migrations/0002_append_only.py)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER towns_ledger_no_update BEFORE UPDATE ON towns_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'the incentive ledger is append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER towns_ledger_no_update",
]
POSTGRESQL = [
    """CREATE FUNCTION towns_ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the incentive ledger is append-only'; END $$""",
    """CREATE TRIGGER towns_ledger_append_only BEFORE UPDATE OR DELETE
       ON towns_ledgerentry FOR EACH STATEMENT EXECUTE FUNCTION towns_ledger_refuse()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER towns_ledger_append_only ON towns_ledgerentry",
    "DROP FUNCTION towns_ledger_refuse()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("towns", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
