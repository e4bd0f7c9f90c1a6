"""Tampering with the audit log as someone with superuser rights over the database would:
raw SQL, the append-only triggers lifted where the attack needs it. Every scenario must be
reported by `audit verify` (the service, and the command's non-zero exit) with its reason;
the triggers alone must refuse what the application's own database role could try."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from onevisit import clock
from onevisit.audit import signing
from onevisit.audit.checkpoints import heads_root, storage
from onevisit.audit.models import AuditEvent, AuditHead
from onevisit.audit.services import audit_digest, audit_record, audit_verify
from tests.audit.tamper import triggers_lift

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
CHECKPOINT_1 = "checkpoint-000000000001-20261120T090000000000Z.json"
CHECKPOINT_5 = "checkpoint-000000000005-20261120T090000000000Z.json"
HEAD_FORGED = ("the head's signature does not verify: the head was moved or rewritten "
               "outside onevisit")


@pytest.fixture(autouse=True, params=["folder", "s3"])
def _checkpoint_storage(request: pytest.FixtureRequest) -> None:
    """Checkpoints in a local folder and in object storage (a real S3-compatible server)."""
    if request.param == "s3":
        request.getfixturevalue("on_s3")


@dataclass
class Log:
    head_at_4: dict[str, object]  # the signed head as it was after row 4, kept by the attacker


@pytest.fixture
def log(settings, django_capture_on_commit_callbacks) -> Log:
    """Six committed events; a checkpoint after the first and every four after it (rows 1
    and 5), as the application writes them after each commit."""
    settings.ONEVISIT = {**settings.ONEVISIT, "AUDIT_CHECKPOINT_EVENTS": 4,
                         "AUDIT_CHECKPOINT_SECONDS": 3600}
    head_at_4: dict[str, object] = {}
    with clock.frozen_at(START):
        for number in range(1, 7):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                audit_record(actor=None, action="application.accepted", entity="application",
                             entity_id=f"XH2026{number:04d}", data={"number": number})
            if number == 4:
                head_at_4.update(AuditHead.objects.values(
                    "last_seq", "last_hash", "key_id", "signature").get(pk=1))
    assert storage().listdir("")[1] == [CHECKPOINT_1, CHECKPOINT_5]
    assert audit_verify() == []
    return Log(head_at_4=head_at_4)


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def as_superuser(*statements: str) -> None:
    """Run statements with the append-only triggers lifted, as a superuser would."""
    with transaction.atomic():
        triggers_lift()
        for statement in statements:
            sql(statement)


def hashes() -> dict[int, str]:
    return dict(AuditEvent.objects.values_list("seq", "hash"))


def assert_reported(expected: list[tuple[int, str]]) -> None:
    assert [(p.seq, p.reason) for p in audit_verify()] == expected
    broken = r"audit log broken: \d+ problem\(s\) in \d+ rows \(checked in [\d.]+ s"
    with pytest.raises(CommandError, match=broken) as failure:
        call_command("audit", "verify")
    assert failure.value.returncode == 1  # `onevisit audit verify` exits 1


# --------------------------------------------------------------------------- detected


def test_an_updated_row_is_detected(log):
    as_superuser("UPDATE audit_auditevent SET data = '{\"number\": 99}' WHERE seq = 3")

    assert_reported([(3, "content does not match its hash")])


def test_a_deleted_middle_row_is_detected(log):
    as_superuser("DELETE FROM audit_auditevent WHERE seq = 3")

    assert_reported([(3, "rows 3–3 missing"), (4, "link to the previous row is broken")])


def test_a_cut_tail_with_the_head_moved_back_is_detected(log):
    row_4 = hashes()[4]
    with transaction.atomic():
        triggers_lift()
        sql("DELETE FROM audit_auditevent WHERE seq > 4")
        sql("UPDATE audit_audithead SET last_seq = 4, last_hash = %s", [row_4])

    assert_reported([
        (5, f"the chain ends at row 4, but checkpoint {CHECKPOINT_5} recorded row 5: "
            "rows 5–5 were cut"),
        (4, HEAD_FORGED),
        (4, f"the head (row 4) is behind checkpoint {CHECKPOINT_5} (row 5): "
            "the log was cut back"),
    ])


def test_a_cut_tail_is_detected_by_the_head_signature_alone(log):
    """Rows past the newest checkpoint: the signed head is what stands in the way."""
    row_5 = hashes()[5]
    with transaction.atomic():
        triggers_lift()
        sql("DELETE FROM audit_auditevent WHERE seq = 6")
        sql("UPDATE audit_audithead SET last_seq = 5, last_hash = %s", [row_5])

    assert_reported([(5, HEAD_FORGED)])


def test_a_deleted_head_is_detected(log):
    as_superuser("DELETE FROM audit_audithead")

    assert_reported([(6, "the head row is missing while 6 rows exist: it was deleted")])


@pytest.mark.parametrize("statement", ["TRUNCATE", "DELETE"])
def test_an_emptied_log_is_detected(log, statement):
    if statement == "TRUNCATE" and connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE is its equivalent")
    if statement == "TRUNCATE":
        as_superuser("TRUNCATE audit_auditevent, audit_audithead")
    else:
        as_superuser("DELETE FROM audit_auditevent", "DELETE FROM audit_audithead")

    assert AuditEvent.objects.count() == 0
    assert_reported([(1, f"the chain is empty, but checkpoint {CHECKPOINT_5} recorded rows up "
                         "to 5: the log was emptied")])


def test_an_emptied_log_with_a_fresh_head_is_detected(log):
    as_superuser("DELETE FROM audit_auditevent", "DELETE FROM audit_audithead")
    sql("INSERT INTO audit_audithead (id, last_seq, last_hash, key_id, signature, "
        "checkpoint_seq) VALUES (1, 0, %s, '', '', 0)", ["0" * 64])

    assert_reported([
        (1, f"the chain is empty, but checkpoint {CHECKPOINT_5} recorded rows up to 5: "
            "the log was emptied"),
        (0, f"the head (row 0) is behind checkpoint {CHECKPOINT_5} (row 5): "
            "the log was cut back"),
    ])


def test_a_rewritten_suffix_with_every_hash_recomputed_is_detected(log):
    """Row 3 changed, rows 3–6 and the head re-hashed with the application's own digest:
    the chain is consistent again, but the head cannot be re-signed and row 5 no longer
    matches its checkpoint."""
    rows = list(AuditEvent.objects.order_by("seq").values(
        "seq", "occurred_at", "actor_id", "action", "entity", "entity_id", "data",
        "prev_hash"))
    prev_hash = hashes()[2]
    with transaction.atomic():
        triggers_lift()
        for row in rows[2:]:
            data = {"number": 99} if row["seq"] == 3 else row["data"]
            digest = audit_digest(seq=row["seq"], occurred_at=row["occurred_at"].isoformat(),
                                  actor_id=row["actor_id"], action=row["action"],
                                  entity=row["entity"], entity_id=row["entity_id"], data=data,
                                  prev_hash=prev_hash)
            AuditEvent.objects.filter(seq=row["seq"]).update(data=data, prev_hash=prev_hash,
                                                             hash=digest)
            prev_hash = digest
        AuditHead.objects.filter(pk=1).update(last_hash=prev_hash)

    assert AuditEvent.objects.get(seq=3).data == {"number": 99}
    assert_reported([
        (5, f"differs from checkpoint {CHECKPOINT_5}: the log was rewritten from here or "
            "earlier"),
        (6, HEAD_FORGED),
    ])


def test_an_old_signed_head_replayed_after_cutting_the_tail_is_caught_by_a_later_checkpoint(
    log,
):
    old = log.head_at_4
    with transaction.atomic():
        triggers_lift()
        sql("DELETE FROM audit_auditevent WHERE seq > 4")
        sql("UPDATE audit_audithead SET last_seq = %s, last_hash = %s, key_id = %s, "
            "signature = %s", [old["last_seq"], old["last_hash"], old["key_id"],
                               old["signature"]])

    assert_reported([
        (5, f"the chain ends at row 4, but checkpoint {CHECKPOINT_5} recorded row 5: "
            "rows 5–5 were cut"),
        (4, f"the head (row 4) is behind checkpoint {CHECKPOINT_5} (row 5): "
            "the log was cut back"),
    ])


def test_a_head_signed_with_the_attackers_own_key_is_detected(log):
    row_4 = hashes()[4]
    key = Ed25519PrivateKey.generate()
    forged = base64.b64encode(key.sign(signing.head_message(seq=4, hash=row_4))).decode()
    attacker = signing.key_id_of(key.public_key())
    with transaction.atomic():
        triggers_lift()
        sql("DELETE FROM audit_auditevent WHERE seq > 4")
        sql("UPDATE audit_audithead SET last_seq = 4, last_hash = %s, key_id = %s, "
            "signature = %s", [row_4, attacker, forged])

    problems = [(p.seq, p.reason) for p in audit_verify()]
    assert (4, f"the head is signed by key {attacker}, which is not a trusted audit key") \
        in problems
    assert len(problems) == 3


@pytest.mark.parametrize(("root", "reason"), [
    ("recomputed", "its signature does not verify: the file was changed or not written by "
                   "onevisit"),
    ("kept", "its heads do not hash to its root: the file was changed"),
])
def test_a_changed_checkpoint_file_is_detected(log, root, reason):
    with storage().open(CHECKPOINT_5) as handle:
        body = json.loads(handle.read())
    body["heads"][0]["hash"] = "f" * 64
    if root == "recomputed":
        body["root"] = heads_root({1: (5, "f" * 64)})
    storage().delete(CHECKPOINT_5)
    assert storage().save(CHECKPOINT_5, ContentFile(json.dumps(body).encode())) == CHECKPOINT_5

    assert_reported([(0, f"checkpoint {CHECKPOINT_5}: {reason}")])


def test_a_checkpoint_signed_by_another_key_or_unreadable_is_detected(log):
    key = Ed25519PrivateKey.generate()
    time = START.isoformat()
    root = heads_root({1: (6, "e" * 64)})
    forged = {"format": "onevisit-audit-checkpoint/2", "heads": [
                  {"chain": 1, "seq": 6, "hash": "e" * 64}],
              "root": root, "time": time, "key_id": signing.key_id_of(key.public_key()),
              "signature": base64.b64encode(key.sign(
                  signing.checkpoint_message(root=root, time=time))).decode()}
    storage().save("checkpoint-forged.json", ContentFile(json.dumps(forged).encode()))
    storage().save("checkpoint-garbage.json", ContentFile(b"not json"))

    assert_reported([
        (0, f"checkpoint checkpoint-forged.json: signed by key {forged['key_id']}, which is "
            "not a trusted audit key"),
        (0, "checkpoint checkpoint-garbage.json: unreadable: not a checkpoint file"),
    ])


# --------------------------------------------------------------------------- refused


def snapshot() -> tuple[list[tuple[object, ...]], dict[str, object]]:
    return (list(AuditEvent.objects.order_by("seq").values_list("seq", "action", "data",
                                                                "hash")),
            AuditHead.objects.values().get(pk=1))


def refused(statement: str, params: list[object] | None = None) -> str:
    if connection.vendor == "postgresql":
        # This test's own inserts are not committed: their deferred foreign-key checks must
        # run before TRUNCATE may (in production the rows are long committed).
        sql("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        sql(statement, params)
    return str(error.value)


HEAD_INSERT = ("INSERT INTO audit_audithead (id, last_seq, last_hash, key_id, signature, "
               "checkpoint_seq) VALUES (%s, 0, %s, '', '', 0)")


@pytest.mark.parametrize(("statement", "params", "message"), [
    ("UPDATE audit_auditevent SET action = 'application.rejected' WHERE seq = 3", None,
     "audit events are append-only"),
    ("DELETE FROM audit_auditevent WHERE seq = 3", None, "audit events are append-only"),
    ("DELETE FROM audit_auditevent WHERE seq > 4", None, "audit events are append-only"),
    ("DELETE FROM audit_auditevent", None, "audit events are append-only"),
    ("TRUNCATE audit_auditevent", None, "audit events are append-only"),
    ("TRUNCATE audit_auditevent, audit_audithead", None, "audit events are append-only"),
    ("TRUNCATE audit_audithead", None, "audit events are append-only"),
    ("DELETE FROM audit_audithead", None, "the audit head may not be deleted"),
    ("UPDATE audit_audithead SET last_seq = 4", None, "the audit head may only move forward"),
    ("UPDATE audit_audithead SET last_hash = %s", ["a" * 64],
     "the audit head may only move forward"),
    ("UPDATE audit_audithead SET id = 2", None, "the audit head may only move forward"),
    (HEAD_INSERT, [0, "0" * 64], "a new audit head may only start an empty chain"),
    (HEAD_INSERT, [1, "0" * 64], "a new audit head may only start an empty chain"),
])
def test_the_database_refuses_to_cut_or_rewrite_the_log(log, statement, params, message):
    if statement.startswith("TRUNCATE") and connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE without WHERE is refused above)")
    before = snapshot()

    assert message in refused(statement, params)

    assert snapshot() == before
    assert audit_verify() == []


def test_the_head_still_moves_forward(log):
    """What the application does at each append stays allowed."""
    with transaction.atomic():
        audit_record(actor=None, action="application.accepted", entity="application",
                     entity_id="XH20260007")

    assert AuditHead.objects.get(pk=1).last_seq == 7
    assert audit_verify() == []
