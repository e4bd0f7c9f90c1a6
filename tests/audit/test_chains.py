"""The log's chains: a transaction appends to the first chain no other holds, so concurrent
filings do not wait on one row; the checkpoint signs every chain's head as one root; and
what verify finds in one chain it reports with the chain's number."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.test import TestCase

from onevisit.audit import signing
from onevisit.audit.checkpoints import checkpoints_read, storage
from onevisit.audit.models import AuditEvent, AuditHead
from onevisit.audit.services import (
    AuditLogBroken,
    audit_batch,
    audit_checkpoint_write,
    audit_record,
    audit_verify,
    chain_genesis,
)
from tests.audit.tamper import triggers_lift
from tests.concurrency import race

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks that others skip: SQLite writes one transaction at a time")


def record(entity_id: object, events: int = 1) -> None:
    """One committed transaction of `events` events about one entity."""
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic(), audit_batch():
        for _ in range(events):
            audit_record(actor=None, action="thing.done", entity="thing", entity_id=entity_id)


def chains_of() -> dict[str, set[int]]:
    """Which chains each entity's events went to."""
    found: dict[str, set[int]] = {}
    for entity_id, chain in AuditEvent.objects.values_list("entity_id", "chain"):
        found.setdefault(entity_id, set()).add(chain)
    return found


class Holder:
    """A transaction in another thread that has appended and holds its chain's head until
    released."""

    def __init__(self, entity_id: str) -> None:
        self.appended = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(entity_id,))
        self.thread.start()
        assert self.appended.wait(30)

    def _run(self, entity_id: str) -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="thing.done", entity="thing",
                             entity_id=entity_id)
                self.appended.set()
                self.release.wait(30)
        finally:
            connections.close_all()

    def done(self) -> None:
        self.release.set()
        self.thread.join(30)


def while_held(entity_id: str, call: Callable[[], object]) -> object:
    """What `call` returns or raises, run on its own connection while another transaction
    holds chain 1."""
    holder = Holder(entity_id)
    try:
        return race(call)[0]
    finally:
        holder.done()


@pytest.mark.django_db
def test_a_log_written_one_transaction_at_a_time_is_one_chain():
    for number in range(5):
        record(number, events=2)

    assert set(AuditEvent.objects.values_list("chain", flat=True)) == {1}
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 11))
    assert list(AuditHead.objects.values_list("pk", "last_seq")) == [(1, 10)]
    assert audit_verify() == []


def test_each_chain_starts_from_its_own_genesis():
    assert chain_genesis(1) == "0" * 64  # the single chain's, so older logs still verify
    assert len({chain_genesis(chain) for chain in range(1, 9)}) == 8


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_transaction_holding_a_chain_does_not_hold_up_another():
    record("before")
    started = time.monotonic()
    result = while_held("held", lambda: record("meanwhile", events=3))
    waited = time.monotonic() - started

    assert result is None
    assert waited < 10  # it did not wait for the holder's release (30 s)
    assert chains_of() == {"before": {1}, "held": {1}, "meanwhile": {2}}
    assert list(AuditEvent.objects.filter(chain=2).values_list("seq", "prev_hash")) == [
        (1, chain_genesis(2)), *[(seq, AuditEvent.objects.get(chain=2, seq=seq - 1).hash)
                                 for seq in (2, 3)]]
    assert audit_verify() == []
    checkpoint = audit_checkpoint_write()
    assert checkpoint.heads == {
        1: (2, AuditEvent.objects.get(chain=1, seq=2).hash),
        2: (3, AuditEvent.objects.get(chain=2, seq=3).hash),
    }


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_each_append_whole_to_one_chain(settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "AUDIT_CHAINS": 3}
    results = race(*[lambda n=n: [record(f"t{n}-{i}", events=4) for i in range(5)]
                     for n in range(6)])

    assert all(not isinstance(result, Exception) for result in results), results
    assert AuditEvent.objects.count() == 6 * 5 * 4
    assert all(len(chains) == 1 for chains in chains_of().values())
    for chain in set(AuditEvent.objects.values_list("chain", flat=True)):
        seqs = list(AuditEvent.objects.filter(chain=chain).order_by("seq")
                    .values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
        # A transaction's four events are consecutive rows.
        entities = list(AuditEvent.objects.filter(chain=chain).order_by("seq")
                        .values_list("entity_id", flat=True))
        assert all(len(set(entities[i:i + 4])) == 1 for i in range(0, len(entities), 4))
    assert AuditHead.objects.filter(pk__gt=3).count() == 0
    assert audit_verify() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_with_every_chain_held_a_transaction_waits_for_one(settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "AUDIT_CHAINS": 1}
    holder = Holder("held")
    waiting = threading.Thread(target=lambda: race(lambda: record("waiting")))
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive()
    holder.done()
    waiting.join(30)

    assert chains_of() == {"held": {1}, "waiting": {1}}
    assert audit_verify() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_cut_chain_is_reported_with_its_number_and_its_head_refused_to_append():
    record("first")
    while_held("held", lambda: record("second", events=3))
    audit_checkpoint_write()
    with transaction.atomic():
        triggers_lift()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE chain = 2 AND seq = 3")
            cursor.execute("DELETE FROM audit_audithead WHERE id = 2")

    problems = [(p.chain, p.seq, p.reason) for p in audit_verify()]
    assert problems[0][:2] == (2, 3)
    assert "were cut" in problems[0][2]
    assert (2, 2, "the head row is missing while 2 rows exist: it was deleted") in problems
    with pytest.raises(AuditLogBroken, match="第 2 条链的链头记录缺失"):
        audit_checkpoint_write()
    # Chain 1 is free: appending goes on there; with chain 1 held, chain 2 is refused.
    record("third")
    assert isinstance(while_held("held again", lambda: record("fourth")), AuditLogBroken)
    assert not AuditEvent.objects.filter(entity_id="fourth").exists()
    assert not AuditHead.objects.filter(pk=2).exists()


@pytest.mark.django_db
def test_a_checkpoint_of_the_single_chain_format_still_verifies():
    """Checkpoints written before the log had chains recorded one tip: chain 1's."""
    record("a", events=3)
    last = AuditEvent.objects.get(seq=3)
    time_ = "2026-11-20T09:00:00+00:00"
    signed = signing.sign(signing.one_chain_checkpoint_message(seq=3, hash=last.hash,
                                                               time=time_))
    body = {"format": "onevisit-audit-checkpoint/1", "seq": 3, "hash": last.hash,
            "time": time_, "key_id": signed.key_id, "signature": signed.signature}
    storage().save("checkpoint-000000000003-old.json", ContentFile(json.dumps(body).encode()))

    old = [c for c in checkpoints_read(keyring=signing.keyring())
           if getattr(c, "name", "") == "checkpoint-000000000003-old.json"]
    assert [(c.heads, c.key_id) for c in old] == [({1: (3, last.hash)}, signed.key_id)]
    assert audit_verify() == []

    body["hash"] = "f" * 64
    storage().delete("checkpoint-000000000003-old.json")
    storage().save("checkpoint-000000000003-old.json", ContentFile(json.dumps(body).encode()))
    assert [p.reason for p in audit_verify()] == [
        "checkpoint checkpoint-000000000003-old.json: its signature does not verify: the file "
        "was changed or not written by onevisit"]
