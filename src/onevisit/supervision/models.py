"""Electronic supervision (电子监察): alerts raised from recorded facts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    VISITS_EXCEEDED = "visits_exceeded", _("跑动次数超过承诺")
    DEADLINE_NEAR = "deadline_near", _("临近办理时限（黄牌）")
    OVERDUE = "overdue", _("超过办理时限（红牌）")
    CALENDAR_NOT_COVERED = "calendar_not_covered", _("工作日历未覆盖")
    BAD_RATING = "bad_rating", _("差评待回访整改")
    TOLERATED_OVERDUE = "tolerated_overdue", _("容缺材料逾期未补交")


class Alert(models.Model):
    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    application_number = models.CharField(max_length=32, db_index=True)
    case_id = models.BigIntegerField(default=0, help_text=_("0: about the application as a whole"))
    message = models.TextField()
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "application_number", "case_id"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_alert_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.application_number}"
