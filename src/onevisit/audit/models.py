"""The append-only, hash-chained audit log (DESIGN.md §3 rule 6)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One state change, in one of the log's chains. Each row's hash covers its content
    and the previous row's hash in its chain, so changing or deleting any row breaks its
    chain from that row on. A transaction's events are consecutive rows of one chain."""

    chain = models.PositiveSmallIntegerField(default=1)
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    entity = models.CharField(max_length=64)
    entity_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        # What happened in order; events of one transaction share their time.
        ordering = ["occurred_at", "chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"],
                                               name="audit_event_chain_seq")]
        indexes = [models.Index(fields=["entity", "entity_id"])]

    def __str__(self) -> str:
        return f"#{self.chain}.{self.seq} {self.action} {self.entity}:{self.entity_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """One chain's tip; its id is the chain's number. Locking it serialises appends to
    that chain, and a transaction appends to the first chain no other holds
    (`audit.services`), so filings do not wait on one row.

    The tip is signed with the audit key (`audit.signing`), which the database never
    sees: a head moved back or rewritten by someone with rights over the database no
    longer verifies. The database refuses to delete the head or move it back (migration
    0003). `checkpoint_seq`/`checkpoint_at` only schedule the next checkpoint."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True, default="")
    signature = models.CharField(max_length=100, blank=True, default="")
    checkpoint_seq = models.PositiveBigIntegerField(default=0)
    checkpoint_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"audit head of chain {self.pk}: #{self.last_seq}"
