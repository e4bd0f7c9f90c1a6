"""Writing to and checking the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from onevisit.audit.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _digest(
    *, seq: int, occurred_at: str, actor_id: int | None, action: str, entity: str,
    entity_id: str, data: dict[str, Any], prev_hash: str,
) -> str:
    canonical = json.dumps(
        [seq, occurred_at, actor_id, action, entity, entity_id, data, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    *, actor: Any, action: str, entity: str, entity_id: object, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction, so the event and the
    change it records commit together or not at all."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    payload = json.loads(json.dumps(data or {}, default=str))
    now = timezone.now()
    seq = head.last_seq + 1
    actor_id = getattr(actor, "pk", None)
    digest = _digest(
        seq=seq, occurred_at=now.isoformat(), actor_id=actor_id, action=action, entity=entity,
        entity_id=str(entity_id), data=payload, prev_hash=head.last_hash,
    )
    event = AuditEvent.objects.create(
        seq=seq, occurred_at=now, actor_id=actor_id, action=action, entity=entity,
        entity_id=str(entity_id), data=payload, prev_hash=head.last_hash, hash=digest,
    )
    AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
    return event


@dataclass(frozen=True)
class VerifyProblem:
    seq: int
    reason: str


def audit_verify(*, batch_size: int = 5000) -> list[VerifyProblem]:
    """Walk the chain; report each row whose content, link or position is wrong."""
    problems: list[VerifyProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    rows = AuditEvent.objects.order_by("seq").values_list(
        "seq", "occurred_at", "actor_id", "action", "entity", "entity_id", "data",
        "prev_hash", "hash",
    )
    for seq, occurred_at, actor_id, action, entity, entity_id, data, stored_prev, stored in (
        rows.iterator(chunk_size=batch_size)
    ):
        if seq != expected_seq:
            problems.append(VerifyProblem(expected_seq, f"rows {expected_seq}–{seq - 1} missing"))
        if stored_prev != prev_hash:
            problems.append(VerifyProblem(seq, "link to the previous row is broken"))
        recomputed = _digest(
            seq=seq, occurred_at=occurred_at.isoformat(), actor_id=actor_id, action=action,
            entity=entity, entity_id=entity_id, data=data, prev_hash=stored_prev,
        )
        if recomputed != stored:
            problems.append(VerifyProblem(seq, "content does not match its hash"))
        prev_hash = stored
        expected_seq = seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != expected_seq - 1:
        problems.append(
            VerifyProblem(expected_seq, f"rows {expected_seq}–{head.last_seq} missing at the end")
        )
    if head is not None and head.last_seq == expected_seq - 1 and head.last_hash != prev_hash:
        problems.append(VerifyProblem(head.last_seq, "last row differs from the recorded tip"))
    return problems
