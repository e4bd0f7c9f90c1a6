"""What only the database's superuser or the audit tables' owner can do: lift the triggers
that keep the log append-only, then change the log behind the application's back. The
adversarial tests tamper this way; the test suite empties the log this way before Django's
flush. Lifting lasts until the end of the current transaction."""

from __future__ import annotations

from django.db import connection, transaction

AUDIT_TABLES = ("audit_auditevent", "audit_audithead")


def _sqlite_triggers() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s) "
            "ORDER BY name", list(AUDIT_TABLES))
        return list(cursor.fetchall())


def triggers_lift() -> list[tuple[str, str]]:
    """Lift the audit triggers for the rest of the transaction. PostgreSQL: replica mode
    (superuser only), in which ordinary triggers do not fire; SQLite: drop them (the
    schema owner). Returns what SQLite dropped, so it can be put back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            # Deferred foreign-key checks of this transaction must run before TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            return []
        triggers = _sqlite_triggers()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        return triggers


def audit_log_empty() -> None:
    """Empty the audit log with its triggers lifted, then restore them: what Django's flush
    needs between transactional tests, done as the schema owner would."""
    with transaction.atomic(), connection.cursor() as cursor:
        dropped = triggers_lift()
        for table in AUDIT_TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for _name, sql in dropped:
            cursor.execute(sql)
