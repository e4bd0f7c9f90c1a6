"""Once-only data exchange: the reference registries and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryRecord(models.Model):
    """A record held by one of the government's own registries (population, property,
    enterprise, …), keyed by the evidence type it proves and the subject it is about."""

    source = models.CharField(max_length=64)
    evidence_type = models.CharField(max_length=64)
    subject = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evidence_type", "subject"], name="registry_record_unique"
            ),
        ]
        indexes = [models.Index(fields=["source", "evidence_type"])]

    def __str__(self) -> str:
        return f"{self.evidence_type}:{self.subject[:4]}…"


class FetchOutcome(models.TextChoices):
    FOUND = "found", _("已获取")
    NOT_FOUND = "not_found", _("未查到")
    EXPIRED = "expired", _("已过期")
    ERROR = "error", _("来源不可用")
    REFUSED = "refused", _("超出用途，已拒绝")


class AccessLog(models.Model):
    """Who read whose data, when, for which application and case, on which legal basis."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application_number = models.CharField(max_length=32)
    case_id = models.BigIntegerField(null=True, blank=True)
    evidence_type = models.CharField(max_length=64)
    source = models.CharField(max_length=64)
    subject_digest = models.CharField(max_length=64, db_index=True)
    subject_masked = models.CharField(max_length=64)
    purpose = models.TextField()
    outcome = models.CharField(max_length=16, choices=FetchOutcome.choices)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.evidence_type} {self.subject_masked}"
