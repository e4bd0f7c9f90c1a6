"""The append-only, hash-chained audit log (DESIGN.md §3 rule 6)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One state change. Each row's hash covers its content and the previous row's hash,
    so changing or deleting any row breaks the chain from that row on."""

    seq = models.PositiveBigIntegerField(unique=True)
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
        ordering = ["seq"]
        indexes = [models.Index(fields=["entity", "entity_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.entity}:{self.entity_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """A single row holding the chain's tip; locking it serialises appends.

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
        return f"audit head #{self.last_seq}"
