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
    # Rules of electronic supervision evaluated on case events and on the schedule.
    SECOND_CORRECTION = "second_correction", _("二次补正：首次本可一次告知")
    MATERIAL_BEYOND_GUIDE = "material_beyond_guide", _("索要办事指南以外的材料")
    FEE_NOT_IN_GUIDE = "fee_not_in_guide", _("收取指南未列明的费用")
    PAUSE_TOO_LONG = "pause_too_long", _("时限暂停超过法定上限")
    DECIDED_TOO_FAST = "decided_too_fast", _("办理用时异常短")
    CASE_IDLE = "case_idle", _("办件长时间无人处理")
    DATA_READ_WITHOUT_CASE = "data_read_without_case", _("无办件查阅个人信息")
    # The citizens' verdict and the credit system.
    RECTIFICATION_OVERDUE = "rectification_overdue", _("差评整改逾期")
    EXPERIENCE_REPORT = "experience_report", _("体验办事报告")
    CREDIT_OBJECTION = "credit_objection", _("信用异议待处理")
    # The unified public payment platform (统一公共支付): a notification refused for its
    # signature or amount; the daily reconciliation finding a difference.
    PAYMENT_NOTIFICATION_REFUSED = "payment_refused", _("支付通知验签或金额不符")
    RECONCILIATION_MISMATCH = "reconciliation_mismatch", _("支付对账不符")


class Alert(models.Model):
    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    # Blank when the alert is about no application (a clerk's reads, a credit objection):
    # then `subject` names what it is about.
    application_number = models.CharField(max_length=32, db_index=True, blank=True)
    subject = models.CharField(max_length=64, blank=True, default="",
                               help_text=_("what the alert is about when not an application"))
    # The facts the rule saw, as the rule recorded them (shown on the alert's page).
    evidence = models.JSONField(default=dict, blank=True)
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
                fields=["kind", "application_number", "case_id", "subject"],
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


class SupervisionRule(models.Model):
    """One rule of electronic supervision as the administrator set it: on or off, and its
    threshold (what the number means is the rule's: `constants.RULE_DEFAULTS`). A rule
    without a row runs with its default (the migration creates the rows)."""

    kind = models.CharField(_("规则"), max_length=32, choices=AlertKind.choices, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    threshold = models.DecimalField(_("阈值"), max_digits=10, decimal_places=2, default=0)
    note = models.CharField(_("调整说明"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("监察规则")
        verbose_name_plural = _("监察规则")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class RuleFiring(models.Model):
    """That a rule fired for a subject (a case, a notice, a staff member's day…), once:
    re-evaluating the same facts never raises its alert again, even after a supervisor
    closed it."""

    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    key = models.CharField(max_length=128)
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="firings")
    fired_at = models.DateTimeField()

    class Meta:
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="rule_fires_once_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
