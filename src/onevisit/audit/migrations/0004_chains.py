"""The log becomes several chains, each with its own head (the head's id is the chain's
number), so concurrent transactions append without waiting on one row.

The rows and the head there were become chain 1, unchanged: chain 1 starts from the same
genesis hash, so every hash and every signature made before still verifies. Seq is unique
per chain. The database guards change only in what a new head may be: a fresh head (seq 0)
for a chain with no rows, any chain number from 1.

SQLite rebuilds the events table to add the column, which drops its triggers (and a head
trigger naming the table would stop the rebuild): all of them are dropped first and made
again after, as migration 0003 asks."""

from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGERS = [
    "audit_event_no_update", "audit_event_no_delete", "audit_head_no_delete",
    "audit_head_forward_only", "audit_head_fresh_only",
]
SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
       BEGIN SELECT RAISE(ABORT, 'the audit head may not be deleted'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead
       WHEN NEW.id <> OLD.id OR NEW.last_seq < OLD.last_seq
            OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash <> OLD.last_hash)
       BEGIN SELECT RAISE(ABORT, 'the audit head may only move forward'); END""",
]
SQLITE_HEAD_FRESH = {
    "chains": """CREATE TRIGGER audit_head_fresh_only BEFORE INSERT ON audit_audithead
       WHEN NEW.id < 1 OR NEW.last_seq <> 0
            OR EXISTS (SELECT 1 FROM audit_auditevent WHERE chain = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'a new audit head may only start an empty chain'); END""",
    "one chain": """CREATE TRIGGER audit_head_fresh_only BEFORE INSERT ON audit_audithead
       WHEN NEW.id <> 1 OR NEW.last_seq <> 0 OR EXISTS (SELECT 1 FROM audit_auditevent)
       BEGIN SELECT RAISE(ABORT, 'a new audit head may only start an empty log'); END""",
}
POSTGRESQL_HEAD_GUARD = """CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger
   LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' THEN
       RAISE EXCEPTION 'the audit head may not be deleted';
     ELSIF TG_OP = 'INSERT' THEN
       IF {fresh} THEN
         RAISE EXCEPTION '{refusal}';
       END IF;
     ELSIF NEW.id <> OLD.id OR NEW.last_seq < OLD.last_seq
           OR (NEW.last_seq = OLD.last_seq AND NEW.last_hash <> OLD.last_hash) THEN
       RAISE EXCEPTION 'the audit head may only move forward';
     END IF;
     RETURN NEW;
   END $$"""
POSTGRESQL_FRESH = {
    "chains": ("NEW.id < 1 OR NEW.last_seq <> 0 OR EXISTS "
               "(SELECT 1 FROM audit_auditevent WHERE chain = NEW.id)",
               "a new audit head may only start an empty chain"),
    "one chain": ("NEW.id <> 1 OR NEW.last_seq <> 0 OR EXISTS (SELECT 1 FROM audit_auditevent)",
                  "a new audit head may only start an empty log"),
}


def _triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _guards(kind):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for statement in [*SQLITE, SQLITE_HEAD_FRESH[kind]]:
                schema_editor.execute(statement)
        elif vendor == "postgresql":
            fresh, refusal = POSTGRESQL_FRESH[kind]
            schema_editor.execute(POSTGRESQL_HEAD_GUARD.format(fresh=fresh, refusal=refusal))

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_signed_head_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_triggers_drop, _guards("one chain")),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["occurred_at", "chain", "seq"]},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"),
                                               name="audit_event_chain_seq"),
        ),
        migrations.RunPython(_guards("chains"), _triggers_drop),
    ]
