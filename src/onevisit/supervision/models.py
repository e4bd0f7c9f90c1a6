"""Electronic supervision (电子监察): alerts raised from recorded facts, and the follow-up
orders (督办) supervisors send departments about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Department, Region
from onevisit.supervision.constants import AlertStatus, FollowUpStatus


class AlertKind(models.TextChoices):
    VISITS_EXCEEDED = "visits_exceeded", _("跑动次数超过承诺")
    DEADLINE_NEAR = "deadline_near", _("临近办理时限（黄牌）")
    OVERDUE = "overdue", _("超过办理时限（红牌）")
    CALENDAR_NOT_COVERED = "calendar_not_covered", _("工作日历未覆盖")
    BAD_RATING = "bad_rating", _("差评待回访整改")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("督办逾期未答复")
    TOLERATED_OVERDUE = "tolerated_overdue", _("容缺材料逾期未补交")


class Alert(models.Model):
    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    application_number = models.CharField(max_length=32, db_index=True)
    case_id = models.BigIntegerField(default=0, help_text=_("0: about the application as a whole"))
    message = models.TextField()
    # The region of the application it is about: supervisors see their region's subtree.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=AlertStatus.choices,
                              default=AlertStatus.OPEN)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    # When and why it closed; no closer: its rule closed it (the case was decided).
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "application_number", "case_id"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_alert_per_subject",
            ),
            models.CheckConstraint(
                condition=(models.Q(status=AlertStatus.CLOSED, resolved_at__isnull=False)
                           | (~models.Q(status=AlertStatus.CLOSED)
                              & models.Q(resolved_at__isnull=True))),
                name="alert_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.application_number}"


class FollowUpOrder(models.Model):
    """督办: a supervisor asks a department to explain an alert, by a deadline counted in
    working days. The department's lead or reviewers answer it from their workbench."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="follow_ups")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # Set once by the due scan when the deadline passed unanswered.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["department", "status"]),
                   models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["alert"],
                                    condition=models.Q(status=FollowUpStatus.OPEN),
                                    name="one_open_follow_up_per_alert"),
        ]

    def __str__(self) -> str:
        return f"督办 {self.pk} → {self.department_id}"
