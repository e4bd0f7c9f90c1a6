"""The audit head is signed with a key the database never sees; signed checkpoints of the
chain are written outside the database; the key can be rotated."""

from __future__ import annotations

import base64
import datetime as dt
import json
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import TestCase

from onevisit import clock
from onevisit.audit import signing
from onevisit.audit.checkpoints import heads_root, storage
from onevisit.audit.models import AuditEvent, AuditHead
from onevisit.audit.services import (
    AuditLogBroken,
    audit_checkpoint_write,
    audit_record,
    audit_verify,
)
from onevisit.audit.tasks import audit_checkpoint_task
from tests.audit.tamper import triggers_lift

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def record(count: int = 1, *, action: str = "thing.done") -> None:
    """Changes committed one by one, each followed by its after-commit work (a checkpoint
    that became due) as in the application."""
    for number in range(count):
        with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
            audit_record(actor=None, action=action, entity="thing", entity_id=number)


def manifest() -> dict:
    return json.loads((settings.ONEVISIT["KEY_DIR"] / "audit-keys.json").read_text())


def checkpoint_files() -> list[dict]:
    """Each checkpoint's body, with the seq and hash it recorded for chain 1 (the only chain
    a log written one transaction at a time has)."""
    if not storage().exists(""):
        return []
    _dirs, names = storage().listdir("")
    bodies = [json.loads(storage().open(name).read()) for name in sorted(names)]
    for body in bodies:
        assert [head["chain"] for head in body["heads"]] == [1]
        body |= {"seq": body["heads"][0]["seq"], "hash": body["heads"][0]["hash"]}
    return bodies


def public_key(key_id: str) -> Ed25519PublicKey:
    entry = next(e for e in manifest()["keys"] if e["id"] == key_id)
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(entry["public_key"]))


def test_the_key_is_created_on_first_need_in_the_key_directory_only():
    keys = settings.ONEVISIT["KEY_DIR"]
    assert not (keys / "audit-keys.json").exists()

    record()

    active = manifest()["active"]
    private = keys / f"audit-{active}.key"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE((keys / "audit-keys.json").stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    head = AuditHead.objects.get(pk=1)
    assert (head.last_seq, head.key_id) == (1, active)
    # Nothing of the private key is in the database: the head holds an id and a signature.
    assert private.read_text() not in str(list(AuditHead.objects.values()))


def test_every_append_signs_the_head_with_the_active_key():
    record(3)

    head = AuditHead.objects.get(pk=1)
    last = AuditEvent.objects.get(seq=3)
    assert (head.last_seq, head.last_hash) == (3, last.hash)
    public_key(head.key_id).verify(base64.b64decode(head.signature),
                                   signing.head_message(seq=3, hash=last.hash))
    assert audit_verify() == []


def test_a_checkpoint_is_written_after_commit_at_the_first_event_then_every_n_events(
    settings,
):
    settings.ONEVISIT = {**settings.ONEVISIT, "AUDIT_CHECKPOINT_EVENTS": 3,
                         "AUDIT_CHECKPOINT_SECONDS": 3600}
    with clock.frozen_at(START):
        record(7)

    files = checkpoint_files()
    assert [c["seq"] for c in files] == [1, 4, 7]
    hashes = dict(AuditEvent.objects.values_list("seq", "hash"))
    assert [c["hash"] for c in files] == [hashes[1], hashes[4], hashes[7]]
    assert {c["time"] for c in files} == {"2026-11-20T09:00:00+00:00"}
    for body in files:
        public_key(body["key_id"]).verify(
            base64.b64decode(body["signature"]),
            signing.checkpoint_message(root=heads_root({1: (body["seq"], body["hash"])}),
                                       time=body["time"]))
    head = AuditHead.objects.get(pk=1)
    assert (head.checkpoint_seq, head.checkpoint_at) == (7, START)
    assert audit_verify() == []


def test_a_checkpoint_is_written_when_enough_seconds_have_passed(
    settings,
):
    settings.ONEVISIT = {**settings.ONEVISIT, "AUDIT_CHECKPOINT_EVENTS": 1000,
                         "AUDIT_CHECKPOINT_SECONDS": 300}
    with clock.frozen_at(START):
        record(2)
    with clock.frozen_at(START + dt.timedelta(seconds=299)):
        record()
    with clock.frozen_at(START + dt.timedelta(seconds=300)):
        record()

    assert [c["seq"] for c in checkpoint_files()] == [1, 4]


def test_a_clock_set_back_after_a_simulation_re_anchors_the_checkpoints(
    settings,
):
    settings.ONEVISIT = {**settings.ONEVISIT, "AUDIT_CHECKPOINT_EVENTS": 1000,
                         "AUDIT_CHECKPOINT_SECONDS": 300}
    with clock.frozen_at(START + dt.timedelta(days=2)):
        record()
    with clock.frozen_at(START):
        record(2)
    with clock.frozen_at(START + dt.timedelta(seconds=300)):
        record()

    assert [(c["seq"], c["time"]) for c in checkpoint_files()] == [
        (1, "2026-11-22T09:00:00+00:00"), (2, "2026-11-20T09:00:00+00:00"),
        (4, "2026-11-20T09:05:00+00:00"),
    ]


def _change_that_fails() -> None:
    with transaction.atomic():
        audit_record(actor=None, action="thing.done", entity="thing", entity_id=1)
        raise ZeroDivisionError


def test_a_rolled_back_change_leaves_no_checkpoint(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(ZeroDivisionError):
        _change_that_fails()

    assert callbacks == []
    assert checkpoint_files() == []
    assert AuditEvent.objects.count() == 0


def test_the_checkpoint_command_and_task_write_signed_checkpoints(settings, capsys):
    record(2)
    head = AuditHead.objects.get(pk=1)

    call_command("audit", "checkpoint")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert audit_checkpoint_task.enqueue().return_value == 2

    out = capsys.readouterr().out
    assert out.startswith(f"audit checkpoint written: 2 rows in 1 chain, key {head.key_id}, "
                          "checkpoint-")
    assert [(c["seq"], c["hash"], c["key_id"]) for c in checkpoint_files()][1:] == [
        (2, head.last_hash, head.key_id), (2, head.last_hash, head.key_id),
    ]
    assert audit_verify() == []


def test_rotating_the_key_keeps_what_the_old_key_signed_verifiable(capsys):
    record(2)
    audit_checkpoint_write()
    old = manifest()["active"]

    call_command("audit", "rotate-key")

    new = manifest()["active"]
    keys = settings.ONEVISIT["KEY_DIR"]
    assert new != old
    assert [(e["id"], e["retired_at"] is None) for e in manifest()["keys"]] == [
        (old, False), (new, True),
    ]
    assert not (keys / f"audit-{old}.key").exists()
    assert (keys / f"audit-{new}.key").exists()
    rotation = AuditEvent.objects.get(seq=3)
    assert (rotation.action, rotation.entity_id, rotation.data) == (
        "audit.key_rotated", new, {"retired_key_id": old})
    head = AuditHead.objects.get(pk=1)
    assert (head.last_seq, head.key_id) == (3, new)
    assert [(c["seq"], c["key_id"]) for c in checkpoint_files()] == [
        (1, old), (2, old), (3, new)]
    assert capsys.readouterr().out.startswith(f"audit signing key rotated: new key {new}; "
                                              "checkpoint written: 3 rows, checkpoint-")
    assert audit_verify() == []
    record()
    assert AuditHead.objects.get(pk=1).key_id == new
    assert audit_verify() == []


def test_without_the_private_key_nothing_is_appended():
    record()
    active = manifest()["active"]
    (settings.ONEVISIT["KEY_DIR"] / f"audit-{active}.key").unlink()

    with pytest.raises(Exception, match=f"audit signing key {active} is missing"):
        record()

    assert AuditEvent.objects.count() == 1


def test_appending_without_a_head_while_rows_exist_is_refused_clearly():
    record(2)
    with transaction.atomic():
        triggers_lift()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_audithead")

    with pytest.raises(AuditLogBroken, match="链头记录缺失"):
        record()
    with pytest.raises(AuditLogBroken, match="链头记录缺失"):
        audit_checkpoint_write()

    assert AuditEvent.objects.count() == 2
    assert not AuditHead.objects.exists()
    with pytest.raises(CommandError, match="链头记录缺失"):
        call_command("audit", "checkpoint")


def test_a_checkpoint_is_refused_for_a_head_that_does_not_verify():
    record(3)
    second = AuditEvent.objects.get(seq=2)
    with transaction.atomic():
        triggers_lift()
        AuditHead.objects.filter(pk=1).update(last_seq=2, last_hash=second.hash)

    written = checkpoint_files()

    with pytest.raises(AuditLogBroken, match="signature does not verify"):
        audit_checkpoint_write()

    assert checkpoint_files() == written


def test_an_empty_log_with_no_checkpoint_verifies(capsys):
    call_command("audit", "verify")

    assert capsys.readouterr().out == "audit log intact: 0 rows in 0 chains verified in 0.0 s\n"


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_commits_audit_rows_and_is_flushed_afterwards():
    """Django's flush after this test must get past the triggers (tests/conftest.py)."""
    record(2)

    assert AuditEvent.objects.count() == 2
    assert [c["seq"] for c in checkpoint_files()] == [1]
    assert audit_verify() == []


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_from_an_empty_log():
    assert AuditEvent.objects.count() == 0
    assert not AuditHead.objects.exists()
