"""A credit record: one fact about one subject (a company by its unified social credit
code, a person by ID number), in force over a validity period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.accounts.models import Region, SubjectKind
from onevisit.credit.constants import CreditSource, Severity


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
