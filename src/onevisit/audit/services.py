"""Writing to and checking the audit chain.

Each row's hash covers its content and the previous row's hash; the head row holds the
tip, signed with the audit key (`audit.signing`) at every append; signed checkpoints of
the tip are written outside the database (`audit.checkpoints`) after commit, every
ONEVISIT["AUDIT_CHECKPOINT_EVENTS"] events or ONEVISIT["AUDIT_CHECKPOINT_SECONDS"]
seconds. `audit_verify` checks all three against each other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, cast

import structlog
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.audit import signing
from onevisit.audit.checkpoints import (
    Checkpoint,
    CheckpointProblem,
    checkpoint_store,
    checkpoints_read,
)
from onevisit.audit.models import AuditEvent, AuditHead
from onevisit.errors import DomainError

log = structlog.get_logger(__name__)

GENESIS_HASH = "0" * 64


class AuditLogBroken(DomainError):
    """The audit log cannot be appended to safely (its head is missing or does not verify).
    Nothing is written until an operator has run `onevisit audit verify` and acted."""

    status = 503


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


def _head_locked() -> AuditHead:
    """The head row, locked. A log with rows but no head is broken: appending would fork
    the chain, so it is refused (the database refuses a new head for a non-empty log)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if AuditEvent.objects.exists():
        raise AuditLogBroken(_("审计日志的链头记录缺失，日志可能已被篡改；在运维人员运行 "
                               "onevisit audit verify 并处理之前，不能写入新的记录。"))
    AuditHead.objects.get_or_create(pk=1)
    return AuditHead.objects.select_for_update().get(pk=1)


def _checkpoint_due(head: AuditHead, *, seq: int, now: dt.datetime) -> bool:
    if head.checkpoint_at is None:
        return True
    every = cast(int, settings.ONEVISIT["AUDIT_CHECKPOINT_EVENTS"])
    seconds = cast(int, settings.ONEVISIT["AUDIT_CHECKPOINT_SECONDS"])
    elapsed = (now - head.checkpoint_at).total_seconds()
    # A clock set back (after a simulation ran ahead) counts as due, and re-anchors it.
    return bool(seq - head.checkpoint_seq >= every or elapsed >= seconds or elapsed < 0)


def _checkpoint_after_commit(*, seq: int, hash: str, at: dt.datetime) -> None:
    """Runs after the commit that made (seq, hash) the tip. A failure costs one checkpoint,
    never the committed change; it is logged for the operator."""
    try:
        checkpoint = checkpoint_store(seq=seq, hash=hash, at=at)
    except Exception:
        log.exception("audit_checkpoint_failed", seq=seq)
    else:
        log.info("audit_checkpoint_written", seq=seq, name=checkpoint.name)


def _append(events: list[_Pending]) -> None:
    head = _head_locked()
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
    signed = signing.sign(signing.head_message(seq=seq, hash=prev_hash))
    update: dict[str, Any] = {"last_seq": seq, "last_hash": prev_hash,
                              "key_id": signed.key_id, "signature": signed.signature}
    now = clock.now()
    if _checkpoint_due(head, seq=seq, now=now):
        update |= {"checkpoint_seq": seq, "checkpoint_at": now}
        transaction.on_commit(functools.partial(_checkpoint_after_commit, seq=seq,
                                                hash=prev_hash, at=now))
    AuditHead.objects.filter(pk=1).update(**update)


def _head_signature_problem(head: AuditHead, keyring: signing.Keyring) -> str | None:
    if not head.signature:
        return None if head.last_seq == 0 else (
            "the head is not signed: it was not written by onevisit's append")
    valid = keyring.verify(key_id=head.key_id, signature=head.signature,
                           message=signing.head_message(seq=head.last_seq,
                                                        hash=head.last_hash))
    if valid is None:
        return f"the head is signed by key {head.key_id}, which is not a trusted audit key"
    if not valid:
        return ("the head's signature does not verify: the head was moved or rewritten "
                "outside onevisit")
    return None


def audit_checkpoint_write() -> Checkpoint:
    """Write a signed checkpoint of the chain's tip now (`onevisit audit checkpoint`, and
    the scheduled task). The tip is checked first — its signature, and that its row holds
    its hash — so a checkpoint never vouches for a head that was tampered with. A head
    left unsigned by a version before signing is signed here, once its row matches."""
    with transaction.atomic():
        head = _head_locked()
        problem = _head_signature_problem(head, signing.keyring())
        row_hash = (AuditEvent.objects.filter(seq=head.last_seq)
                    .values_list("hash", flat=True).first())
        if problem is None and head.last_seq and row_hash != head.last_hash:
            problem = f"row {head.last_seq} does not hold the head's hash"
        if problem is not None:
            raise AuditLogBroken(_("审计日志链头校验失败（%(problem)s），未写入检查点；"
                                   "请运行 onevisit audit verify。") % {"problem": problem})
        now = clock.now()
        update: dict[str, Any] = {"checkpoint_seq": head.last_seq, "checkpoint_at": now}
        if not head.signature:
            signed = signing.sign(signing.head_message(seq=head.last_seq, hash=head.last_hash))
            update |= {"key_id": signed.key_id, "signature": signed.signature}
        AuditHead.objects.filter(pk=1).update(**update)
        return checkpoint_store(seq=head.last_seq, hash=head.last_hash, at=now)


def audit_key_rotate(*, actor: Any) -> Checkpoint:
    """Replace the audit signing key: the new key signs from now on, the retired public
    key stays trusted (what it signed still verifies), its private key is deleted. The
    rotation is itself an audit event, and a checkpoint signed by the new key is written
    at once."""
    retired, new = signing.key_rotate()
    with transaction.atomic():
        audit_record(actor=actor, action="audit.key_rotated", entity="audit_key",
                     entity_id=new, data={"retired_key_id": retired})
    log.info("audit_key_rotated", key_id=new, retired_key_id=retired)
    return audit_checkpoint_write()


@dataclass(frozen=True)
class VerifyProblem:
    seq: int  # the row concerned; 0 when the problem is not one row's
    reason: str


def audit_verify(*, batch_size: int = 5000) -> list[VerifyProblem]:
    """Check the log: every row's content and link (streaming, any number of rows), the
    head's signature and its agreement with the last row, and the signed checkpoints
    outside the database — each must verify, and the row it recorded must still exist
    with the recorded hash. A cut tail, a missing head, an emptied log and a rewritten
    suffix are each reported, with the reason."""
    problems: list[VerifyProblem] = []
    keyring = signing.keyring()
    recorded: dict[int, list[Checkpoint]] = defaultdict(list)
    for item in checkpoints_read(keyring=keyring):
        if isinstance(item, CheckpointProblem):
            problems.append(VerifyProblem(0, f"checkpoint {item.name}: {item.reason}"))
        elif item.seq > 0:
            recorded[item.seq].append(item)

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
        problems.extend(
            VerifyProblem(seq, f"differs from checkpoint {checkpoint.name}: the log was "
                               "rewritten from here or earlier")
            for checkpoint in recorded.get(seq, ()) if checkpoint.hash != stored
        )
        prev_hash = stored
        expected_seq = seq + 1
    last_seq = expected_seq - 1

    newest = max((c for group in recorded.values() for c in group),
                 key=lambda c: c.seq, default=None)
    if newest is not None and newest.seq > last_seq:
        if last_seq == 0:
            reason = (f"the log is empty, but checkpoint {newest.name} recorded rows up to "
                      f"{newest.seq}: the log was emptied")
        else:
            reason = (f"the log ends at row {last_seq}, but checkpoint {newest.name} recorded "
                      f"row {newest.seq}: rows {last_seq + 1}–{newest.seq} were cut")
        problems.append(VerifyProblem(last_seq + 1, reason))

    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if last_seq > 0:
            problems.append(VerifyProblem(last_seq, f"the head row is missing while {last_seq} "
                                                    "rows exist: it was deleted"))
        return problems
    signature_problem = _head_signature_problem(head, keyring)
    if signature_problem is not None:
        problems.append(VerifyProblem(head.last_seq, signature_problem))
    if head.last_seq > last_seq:
        problems.append(
            VerifyProblem(expected_seq, f"rows {expected_seq}–{head.last_seq} missing at the end")
        )
    elif head.last_seq < last_seq:
        problems.append(VerifyProblem(head.last_seq + 1, f"rows {head.last_seq + 1}–{last_seq} "
                                                         "are past the head"))
    elif head.last_hash != prev_hash:
        problems.append(VerifyProblem(head.last_seq, "last row differs from the recorded tip"))
    if newest is not None and head.last_seq < newest.seq:
        problems.append(VerifyProblem(
            head.last_seq, f"the head (row {head.last_seq}) is behind checkpoint {newest.name} "
                           f"(row {newest.seq}): the log was cut back"))
    return problems
