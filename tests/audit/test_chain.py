"""The audit log is hash-chained: a changed or deleted row is detected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from onevisit.audit.models import AuditEvent
from onevisit.audit.services import AuditEntry, audit_record_at, audit_verify
from tests.audit.tamper import triggers_lift

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(world, api):
    response = api["citizen"].post("/applications", world.house_payload())
    assert response.status_code == 201
    assert AuditEvent.objects.count() >= 3
    return response.json()


def test_an_untouched_chain_verifies(filed, capsys):
    call_command("audit", "verify")

    assert "audit log intact" in capsys.readouterr().out
    assert audit_verify() == []


def test_every_state_change_is_in_the_log(filed):
    actions = list(AuditEvent.objects.filter(entity_id=filed["number"])
                   .values_list("action", flat=True))

    assert actions == ["application.submitted", "application.accepted"]


def test_the_database_refuses_to_change_or_delete_audit_rows(filed):
    statements = ["UPDATE audit_auditevent SET action = 'x' WHERE seq = 1",
                  "DELETE FROM audit_auditevent WHERE seq = 1"]
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(statement)

    assert audit_verify() == []


def test_a_modified_row_is_detected(filed):
    triggers_lift()
    event = AuditEvent.objects.get(seq=2)
    AuditEvent.objects.filter(pk=event.pk).update(data={"forged": True})

    problems = audit_verify()

    assert [(p.seq, p.reason) for p in problems] == [(2, "content does not match its hash")]
    with pytest.raises(CommandError, match="audit log broken"):
        call_command("audit", "verify")


def test_a_deleted_row_is_detected(filed):
    triggers_lift()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 2")

    problems = audit_verify()

    assert problems[0].seq == 2
    assert "missing" in problems[0].reason
    assert any(p.reason == "link to the previous row is broken" for p in problems)


def test_the_last_row_deleted_is_detected(filed):
    last = AuditEvent.objects.order_by("-seq").first()
    triggers_lift()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])

    assert [p.reason for p in audit_verify()] == [
        f"rows {last.seq}–{last.seq} missing at the end"
    ]


def test_the_model_refuses_updates_and_deletes(filed):
    event = AuditEvent.objects.first()
    event.action = "x"

    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()


def test_events_recorded_at_their_own_times_are_chained_and_verify(filed):
    before = AuditEvent.objects.count()
    at = dt.datetime(2019, 3, 1, 9, 30, tzinfo=dt.UTC)
    entries = [AuditEntry(occurred_at=at + dt.timedelta(minutes=n), actor_id=None,
                          action="application.imported", entity="application",
                          entity_id=f"legacy-{n}", data={"n": n}) for n in range(3)]

    with transaction.atomic():
        audit_record_at(entries)

    imported = AuditEvent.objects.filter(action="application.imported").order_by("seq")
    assert [event.occurred_at for event in imported] == [e.occurred_at for e in entries]
    assert AuditEvent.objects.count() == before + 3
    assert audit_verify() == []


@pytest.mark.django_db(transaction=True)
def test_events_at_their_own_times_are_refused_outside_a_transaction():
    before = AuditEvent.objects.count()
    entry = AuditEntry(occurred_at=dt.datetime(2019, 3, 1, tzinfo=dt.UTC), actor_id=None,
                       action="application.imported", entity="application",
                       entity_id="legacy", data={})

    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record_at([entry])

    assert AuditEvent.objects.count() == before
