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
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, cast

import structlog
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
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


def audit_digest(
    *, seq: int, occurred_at: str, actor_id: int | None, action: str, entity: str,
    entity_id: str, data: dict[str, Any], prev_hash: str,
) -> str:
    """An event's hash as the log stores it and `audit_verify` checks it."""
    canonical = json.dumps(
        [seq, occurred_at, actor_id, action, entity, entity_id, data, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """An event to append: what `audit_record` makes, or an import's, at its own time."""

    occurred_at: dt.datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: str
    data: dict[str, Any]


_batch: ContextVar[list[AuditEntry] | None] = ContextVar("onevisit_audit_batch", default=None)


def audit_record(
    *, actor: Any, action: str, entity: str, entity_id: object, data: dict[str, Any] | None = None
) -> None:
    """Record one state change. Must run inside the transaction of the change, so the event
    and the change commit together or not at all. Inside `audit_batch()` the event is
    appended when the batch ends; otherwise at once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    pending = AuditEntry(
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


def audit_record_at(entries: list[AuditEntry]) -> None:
    """Append events that happened at their own times (records brought over from another
    system keep theirs), in the order given, hashed and linked as `audit_record`'s are.
    Must run inside the transaction that writes the records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_at must run inside the transaction of the change")
    if entries:
        _append(entries)


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


def chain_genesis(chain: int) -> str:
    """The hash a chain's first row links to. Chain 1 keeps the zeros of the single chain it
    was, so what was written and signed before chains still verifies; every other chain's
    names its number, so no row or head can pass for another chain's."""
    if chain == 1:
        return GENESIS_HASH
    return hashlib.sha256(f"onevisit audit chain {chain}".encode()).hexdigest()


def _chain_count() -> int:
    return cast(int, settings.ONEVISIT["AUDIT_CHAINS"])


def _head_missing(chain: int) -> AuditLogBroken:
    return AuditLogBroken(_("审计日志第 %(chain)d 条链的链头记录缺失，日志可能已被篡改；在运维人员"
                            "运行 onevisit audit verify 并处理之前，不能写入新的记录。")
                          % {"chain": chain})


def _head_locked() -> AuditHead:
    """The head of the first chain no other transaction holds, locked; every head held, one
    of them waited for. A chain below the one taken that has rows but no head is broken:
    appending is refused (the database refuses a new head for a chain with rows)."""
    chains = _chain_count()
    free = AuditHead.objects.select_for_update(skip_locked=True).filter(pk__lte=chains)
    head = free.order_by("pk").first()
    if head is not None and head.pk == 1:
        return head
    existing = set(AuditHead.objects.filter(pk__lte=chains).values_list("pk", flat=True))
    for chain in range(1, chains + 1 if head is None else head.pk):
        if chain in existing:
            continue
        # Rows and no head: broken, unless another transaction has just made both.
        if (AuditEvent.objects.filter(chain=chain).exists()
                and not AuditHead.objects.filter(pk=chain).exists()):
            raise _head_missing(chain)
        try:
            with transaction.atomic():
                AuditHead.objects.bulk_create(
                    [AuditHead(pk=chain, last_hash=chain_genesis(chain))], ignore_conflicts=True)
        except DatabaseError:  # another transaction made it and wrote its first rows
            continue
        made = free.filter(pk=chain).first()
        if made is not None:
            return made
    if head is not None:
        return head
    return AuditHead.objects.select_for_update().get(pk=random.randint(1, chains))  # noqa: S311


def _checkpoint_due(head: AuditHead, *, seq: int, now: dt.datetime) -> bool:
    if head.checkpoint_at is None:
        return True
    every = cast(int, settings.ONEVISIT["AUDIT_CHECKPOINT_EVENTS"])
    seconds = cast(int, settings.ONEVISIT["AUDIT_CHECKPOINT_SECONDS"])
    elapsed = (now - head.checkpoint_at).total_seconds()
    # A clock set back (after a simulation ran ahead) counts as due, and re-anchors it.
    return bool(seq - head.checkpoint_seq >= every or elapsed >= seconds or elapsed < 0)


def _checkpoint_after_commit() -> None:
    """Runs after the commit that made a chain's checkpoint due. A failure costs one
    checkpoint, never the committed change; it is logged for the operator."""
    try:
        checkpoint = audit_checkpoint_write()
    except Exception:
        log.exception("audit_checkpoint_failed")
    else:
        log.info("audit_checkpoint_written", rows=checkpoint.rows, name=checkpoint.name)


def _append(events: list[AuditEntry]) -> None:
    head = _head_locked()
    chain, seq, prev_hash = head.pk, head.last_seq, head.last_hash
    rows = []
    for event in events:
        seq += 1
        digest = audit_digest(
            seq=seq, occurred_at=event.occurred_at.isoformat(), actor_id=event.actor_id,
            action=event.action, entity=event.entity, entity_id=event.entity_id,
            data=event.data, prev_hash=prev_hash,
        )
        rows.append(AuditEvent(
            chain=chain, seq=seq, occurred_at=event.occurred_at, actor_id=event.actor_id,
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
        transaction.on_commit(_checkpoint_after_commit)
    AuditHead.objects.filter(pk=chain).update(**update)


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


def _heads_checked() -> list[AuditHead]:
    """Every chain's head as committed, each checked — its signature, that its row holds
    its hash — and no chain with rows but no head, so that a checkpoint never vouches for
    a log that was tampered with. Reads only: appends go on meanwhile."""
    heads = list(AuditHead.objects.order_by("pk"))
    headless = set(range(1, _chain_count() + 1)) - {head.pk for head in heads}
    broken = (AuditEvent.objects.filter(chain__in=headless).order_by("chain")
              .values_list("chain", flat=True).first()) if headless else None
    if broken is not None:
        raise _head_missing(broken)
    tips = Q(pk__in=[])
    for head in heads:
        tips |= Q(chain=head.pk, seq=head.last_seq)
    stored = {(chain, seq): hash for chain, seq, hash in
              AuditEvent.objects.filter(tips).values_list("chain", "seq", "hash")}
    keyring = signing.keyring()
    for head in heads:
        problem = _head_signature_problem(head, keyring)
        if problem is None and head.last_seq and stored.get((head.pk, head.last_seq)) != (
                head.last_hash):
            problem = f"row {head.last_seq} does not hold the head's hash"
        if problem is not None:
            raise AuditLogBroken(_("审计日志第 %(chain)d 条链的链头校验失败（%(problem)s），未写入"
                                   "检查点；请运行 onevisit audit verify。")
                                 % {"chain": head.pk, "problem": problem})
    return heads


def audit_checkpoint_write() -> Checkpoint:
    """Write a signed checkpoint of every chain's head now (`onevisit audit checkpoint`,
    the scheduled task, and after the commit that made a chain's due): the anchor that
    ties all heads into one signed root, outside the database. The heads are checked
    first (`_heads_checked`)."""
    heads = _heads_checked()
    return checkpoint_store(heads={head.pk: (head.last_seq, head.last_hash) for head in heads},
                            at=clock.now())


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
    chain: int  # 0 when the problem is not one chain's

    def __str__(self) -> str:
        where = f"chain {self.chain} row {self.seq}: " if self.seq else (
            f"chain {self.chain}: " if self.chain else "")
        return where + self.reason


@dataclass(frozen=True)
class AuditReport:
    rows: int
    chains: int
    problems: list[VerifyProblem]


def audit_verify(*, batch_size: int = 5000) -> list[VerifyProblem]:
    """The problems `audit_verify_report` finds; none when the log is intact."""
    return audit_verify_report(batch_size=batch_size).problems


class _ChainCheck:
    """One chain's rows in order: content, links and seqs, against the checkpoints."""

    def __init__(self, chain: int, recorded: dict[int, list[Checkpoint]]) -> None:
        self.chain = chain
        self.recorded = recorded
        self.expected_seq = 1
        self.prev_hash = chain_genesis(chain)
        self.problems: list[VerifyProblem] = []

    def _problem(self, seq: int, reason: str) -> None:
        self.problems.append(VerifyProblem(seq, reason, self.chain))

    def row(self, seq: int, occurred_at: dt.datetime, actor_id: int | None, action: str,
            entity: str, entity_id: str, data: dict[str, Any], stored_prev: str,
            stored: str) -> None:
        if seq != self.expected_seq:
            self._problem(self.expected_seq, f"rows {self.expected_seq}–{seq - 1} missing")
        if stored_prev != self.prev_hash:
            self._problem(seq, "link to the previous row is broken")
        recomputed = audit_digest(
            seq=seq, occurred_at=occurred_at.isoformat(), actor_id=actor_id, action=action,
            entity=entity, entity_id=entity_id, data=data, prev_hash=stored_prev,
        )
        if recomputed != stored:
            self._problem(seq, "content does not match its hash")
        for checkpoint in self.recorded.get(seq, ()):
            if checkpoint.heads[self.chain][1] != stored:
                self._problem(seq, f"differs from checkpoint {checkpoint.name}: the log was "
                                   "rewritten from here or earlier")
        self.prev_hash = stored
        self.expected_seq = seq + 1

    def end(self, head: AuditHead | None, keyring: signing.Keyring) -> None:
        """The chain's rows are all read: its end against the newest checkpoint and the
        head."""
        last_seq = self.expected_seq - 1
        newest = max(self.recorded.items(), key=lambda item: item[0], default=None)
        if newest is not None and newest[0] > last_seq:
            name = newest[1][0].name
            if last_seq == 0:
                reason = (f"the chain is empty, but checkpoint {name} recorded rows up to "
                          f"{newest[0]}: the log was emptied")
            else:
                reason = (f"the chain ends at row {last_seq}, but checkpoint {name} recorded "
                          f"row {newest[0]}: rows {last_seq + 1}–{newest[0]} were cut")
            self._problem(last_seq + 1, reason)
        if head is None:
            if last_seq > 0:
                self._problem(last_seq, f"the head row is missing while {last_seq} rows "
                                        "exist: it was deleted")
            return
        signature_problem = _head_signature_problem(head, keyring)
        if signature_problem is not None:
            self._problem(head.last_seq, signature_problem)
        if head.last_seq > last_seq:
            self._problem(self.expected_seq,
                          f"rows {self.expected_seq}–{head.last_seq} missing at the end")
        elif head.last_seq < last_seq:
            self._problem(head.last_seq + 1,
                          f"rows {head.last_seq + 1}–{last_seq} are past the head")
        elif head.last_hash != self.prev_hash:
            self._problem(head.last_seq, "last row differs from the recorded tip")
        if newest is not None and head.last_seq < newest[0]:
            self._problem(head.last_seq, f"the head (row {head.last_seq}) is behind checkpoint "
                                         f"{newest[1][0].name} (row {newest[0]}): the log was "
                                         "cut back")


def audit_verify_report(*, batch_size: int = 5000) -> AuditReport:
    """Check the log: every chain's rows — content and links, streamed, any number — each
    head's signature and its agreement with its chain's last row, and the signed
    checkpoints outside the database: each must verify, and every row one recorded must
    still exist with the recorded hash. A cut tail, a missing head, an emptied log or chain
    and a rewritten suffix are each reported, with the reason."""
    problems: list[VerifyProblem] = []
    keyring = signing.keyring()
    recorded: dict[int, dict[int, list[Checkpoint]]] = defaultdict(lambda: defaultdict(list))
    for item in checkpoints_read(keyring=keyring):
        if isinstance(item, CheckpointProblem):
            problems.append(VerifyProblem(0, f"checkpoint {item.name}: {item.reason}", 0))
            continue
        for chain, (seq, _hash) in item.heads.items():
            if seq > 0:
                recorded[chain][seq].append(item)

    heads = {head.pk: head for head in AuditHead.objects.all()}
    rows = AuditEvent.objects.order_by("chain", "seq").values_list(
        "chain", "seq", "occurred_at", "actor_id", "action", "entity", "entity_id", "data",
        "prev_hash", "hash",
    )
    checks: dict[int, _ChainCheck] = {}
    check: _ChainCheck | None = None
    count = 0
    for chain, *row in rows.iterator(chunk_size=batch_size):
        if check is None or check.chain != chain:
            check = checks[chain] = _ChainCheck(chain, recorded[chain])
        check.row(*row)
        count += 1
    for chain in sorted(set(heads) | set(recorded)):
        if chain not in checks:
            checks[chain] = _ChainCheck(chain, recorded[chain])
    for chain, check in sorted(checks.items()):
        check.end(heads.get(chain), keyring)
        problems.extend(check.problems)
    return AuditReport(rows=count, chains=len(checks), problems=problems)
