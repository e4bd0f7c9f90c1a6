"""Writing to and checking the audit chain."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.db import transaction

from onevisit import clock
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


@dataclass(frozen=True)
class _Pending:
    occurred_at: dt.datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: str
    data: dict[str, Any]


_batch: ContextVar[list[_Pending] | None] = ContextVar("onevisit_audit_batch", default=None)


def audit_record(
    *, actor: Any, action: str, entity: str, entity_id: object, data: dict[str, Any] | None = None
) -> None:
    """Record one state change. Must run inside the transaction of the change, so the event
    and the change commit together or not at all. Inside `audit_batch()` the event is
    appended when the batch ends; otherwise at once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    pending = _Pending(
        occurred_at=clock.now().astimezone(dt.UTC), actor_id=getattr(actor, "pk", None),
        action=action,
        entity=entity, entity_id=str(entity_id),
        data=json.loads(json.dumps(data or {}, default=str)),
    )
    batch = _batch.get()
    if batch is None:
        _append([pending])
    else:
        batch.append(pending)


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Append the block's events together as it ends (still inside its transaction).

    The chain's single lock is then taken once, at the end of the transaction, instead
    of at its first event: concurrent filings wait on each other for milliseconds, not
    for each other's whole intake. Nested batches join the outermost one."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        pending = _batch.get() or []
    finally:
        _batch.reset(token)
    if pending:
        _append(pending)


P = ParamSpec("P")
R = TypeVar("R")


def atomic_audited(func: Callable[P, R]) -> Callable[P, R]:
    """A service's transaction with its audit events appended in one batch at its end."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(), audit_batch():
            return func(*args, **kwargs)

    return wrapper


def _append(events: list[_Pending]) -> None:
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    seq, prev_hash = head.last_seq, head.last_hash
    rows = []
    for event in events:
        seq += 1
        digest = _digest(
            seq=seq, occurred_at=event.occurred_at.isoformat(), actor_id=event.actor_id,
            action=event.action, entity=event.entity, entity_id=event.entity_id,
            data=event.data, prev_hash=prev_hash,
        )
        rows.append(AuditEvent(
            seq=seq, occurred_at=event.occurred_at, actor_id=event.actor_id,
            action=event.action, entity=event.entity, entity_id=event.entity_id,
            data=event.data, prev_hash=prev_hash, hash=digest,
        ))
        prev_hash = digest
    AuditEvent.objects.bulk_create(rows)
    AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev_hash)


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
