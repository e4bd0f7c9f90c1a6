"""The head is signed, and the database guards the whole log, head included.

Signature fields on the head (the key stays in the key directory), and triggers so that the
application's database role cannot cut, empty or rewrite the log:

- events: UPDATE and DELETE refused on both databases (SQLite now refuses deletes too),
  TRUNCATE refused on PostgreSQL unless the table is already empty;
- head: DELETE refused, UPDATE refused unless it moves forward (a higher seq, or the same
  seq and hash with a new signature), INSERT only of a fresh head (id 1, seq 0) for an
  empty log, TRUNCATE refused unless empty.

A superuser or the tables' owner can still lift the triggers; `audit verify` detects what
they could do then (signed head, checkpoints outside the database). Emptying the log for
Django's flush (tests) lifts them the same way: see tests/conftest.py.

SQLite drops a table's triggers when a migration rebuilds the table: a later migration
that alters these tables must create them again."""

from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
       BEGIN SELECT RAISE(ABORT, 'the audit head may not be deleted'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead
       WHEN NEW.id <> OLD.id OR NEW.last_seq < OLD.last_seq
            OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash <> OLD.last_hash)
       BEGIN SELECT RAISE(ABORT, 'the audit head may only move forward'); END""",
    """CREATE TRIGGER audit_head_fresh_only BEFORE INSERT ON audit_audithead
       WHEN NEW.id <> 1 OR NEW.last_seq <> 0 OR EXISTS (SELECT 1 FROM audit_auditevent)
       BEGIN SELECT RAISE(ABORT, 'a new audit head may only start an empty log'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_event_no_delete",
    "DROP TRIGGER audit_head_no_delete",
    "DROP TRIGGER audit_head_forward_only",
    "DROP TRIGGER audit_head_fresh_only",
]
POSTGRESQL = [
    """CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE nonempty boolean;
       BEGIN
         EXECUTE format('SELECT EXISTS (SELECT 1 FROM %%I.%%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
           INTO nonempty;
         IF nonempty THEN RAISE EXCEPTION 'audit events are append-only'; END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead
       FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()""",
    """CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'the audit head may not be deleted';
         ELSIF TG_OP = 'INSERT' THEN
           IF NEW.id <> 1 OR NEW.last_seq <> 0
              OR EXISTS (SELECT 1 FROM audit_auditevent) THEN
             RAISE EXCEPTION 'a new audit head may only start an empty log';
           END IF;
         ELSIF NEW.id <> OLD.id OR NEW.last_seq < OLD.last_seq
               OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash <> OLD.last_hash) THEN
           RAISE EXCEPTION 'the audit head may only move forward';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_audithead
       FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER audit_head_guard ON audit_audithead",
    "DROP FUNCTION audit_head_guard()",
    "DROP TRIGGER audit_head_no_truncate ON audit_audithead",
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    "DROP FUNCTION audit_refuse_truncate()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="audithead", name="checkpoint_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="audithead", name="checkpoint_seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="audithead", name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="audithead", name="signature",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
