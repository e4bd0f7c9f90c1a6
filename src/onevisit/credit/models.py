"""A credit record: one fact about one subject (a company by its unified social credit
code, a person by ID number), in force over a validity period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Region, SubjectKind
from onevisit.credit.constants import AppealKind, AppealStatus, CreditSource, Severity


class CreditRecord(models.Model):
    subject_kind = models.CharField(_("主体类型"), max_length=16, choices=SubjectKind.choices)
    subject_code = models.CharField(_("统一社会信用代码或证件号码"), max_length=18,
                                    db_index=True)
    subject_name = models.CharField(_("名称或姓名"), max_length=128)
    source = models.CharField(_("来源"), max_length=32, choices=CreditSource.choices)
    # What the source calls it (an inspection result, an application number, the
    # registry's own number): the same fact arriving again is the same record.
    reference = models.CharField(_("来源编号"), max_length=64)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    fact = models.TextField(_("失信事实"))
    legal_basis = models.TextField(_("认定依据"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("认定地区"))
    valid_from = models.DateTimeField(_("有效期起"))
    valid_until = models.DateTimeField(_("有效期至"))
    recorded_at = models.DateTimeField(_("记录时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    # Set when the record stops counting before its end: repaired (信用修复) or withdrawn
    # after an objection was upheld. The record itself stays.
    ended_at = models.DateTimeField(_("提前终止时间"), null=True, blank=True)
    end_reason = models.TextField(_("终止原因"), blank=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference", "subject_code"],
                                    name="one_credit_record_per_fact"),
            models.CheckConstraint(condition=models.Q(valid_until__gt=models.F("valid_from")),
                                   name="credit_record_valid_period"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_severity_display()} {self.reference}"


class CreditPolicy(models.Model):
    """The tier rule (docs/credit.md): the points each severity weighs and the most points
    each tier allows. One active rule per region, or one for every region (no region); a
    subject's tier uses the rule of the nearest region up from where it is asked, then the
    global one, then the defaults in constants."""

    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("适用地区"),
                               help_text=_("留空表示适用于所有地区"))
    active = models.BooleanField(_("启用"), default=True)
    minor_points = models.PositiveSmallIntegerField(_("轻微失信记分"), default=1)
    general_points = models.PositiveSmallIntegerField(_("一般失信记分"), default=3)
    serious_points = models.PositiveSmallIntegerField(_("严重失信记分"), default=10)
    a_max = models.PositiveSmallIntegerField(_("A级最高分"), default=0)
    b_max = models.PositiveSmallIntegerField(_("B级最高分"), default=2)
    c_max = models.PositiveSmallIntegerField(_("C级最高分"), default=9,
                                             help_text=_("超过此分为D级"))
    note = models.CharField(_("说明"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用分级规则")
        verbose_name_plural = _("信用分级规则")
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=models.Q(active=True),
                name="one_active_credit_policy_per_region",
                violation_error_message=_("该地区已有启用的信用分级规则：请修改该规则，或先将其停用")),
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True, region__isnull=True),
                name="one_active_global_credit_policy",
                violation_error_message=_("已有适用于所有地区的启用规则：请修改该规则，或先将其停用")),
            models.CheckConstraint(
                condition=models.Q(a_max__lte=models.F("b_max"))
                & models.Q(b_max__lte=models.F("c_max")),
                name="credit_policy_thresholds_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.region or _('全部地区')}: A≤{self.a_max} B≤{self.b_max} C≤{self.c_max}"


class CreditAppeal(models.Model):
    """The subject's objection to a record (异议) or its application for repair (信用修复),
    and the decision on it. A granted one ends the record."""

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="appeals",
                               verbose_name=_("信用记录"))
    kind = models.CharField(_("类型"), max_length=16, choices=AppealKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=AppealStatus.choices,
                              default=AppealStatus.PENDING)
    statement = models.TextField(_("理由"))
    evidence = models.TextField(_("证明材料说明"), blank=True)
    evidence_file = models.CharField(_("证明材料文件"), max_length=255, blank=True)
    evidence_file_name = models.CharField(max_length=255, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("提出人"))
    filed_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理理由"), blank=True)

    class Meta:
        verbose_name = _("信用异议和修复申请")
        verbose_name_plural = _("信用异议和修复申请")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record"],
                                    condition=models.Q(status="pending"),
                                    name="one_pending_appeal_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_id} {self.get_status_display()}"
