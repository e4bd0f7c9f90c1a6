"""Credit tiers, record sources and severities, and the default tier rule."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditTier(models.TextChoices):
    """A subject's tier, best first. The letters order the tiers: "A" < "D"."""

    A = "A", _("A级（守信）")
    B = "B", _("B级（基本守信）")
    C = "C", _("C级（失信风险）")
    D = "D", _("D级（严重失信）")


class CreditSource(models.TextChoices):
    INSPECTION = "inspection", _("双随机检查结果")
    TOLERATED_OVERDUE = "tolerated_overdue", _("容缺材料逾期未补交")
    FALSE_MATERIAL = "false_material", _("提交虚假材料")
    REGISTRY_IMPORT = "registry_import", _("法院及其他部门推送")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微失信")
    GENERAL = "general", _("一般失信")
    SERIOUS = "serious", _("严重失信")


# The default rule (docs/credit.md): each record in force weighs its severity's points;
# a subject's tier is the first whose threshold its total does not exceed.
DEFAULT_POINTS = {Severity.MINOR: 1, Severity.GENERAL: 3, Severity.SERIOUS: 10}
DEFAULT_TIER_MAX_POINTS = ((CreditTier.A, 0), (CreditTier.B, 2), (CreditTier.C, 9))
# Anything above the last threshold.
WORST_TIER = CreditTier.D

# The tiers whose subjects may be accepted with a minor material missing (容缺受理).
TOLERATED_TIERS = frozenset({CreditTier.A, CreditTier.B})
# The tiers whose subjects may replace materials with a written commitment (告知承诺).
COMMITMENT_TIERS = frozenset({CreditTier.A})
# The tiers whose cases need a second reviewer's sign-off (复核) before approval.
SECOND_REVIEW_TIERS = frozenset({CreditTier.C, CreditTier.D})

# How long a record from each source counts, in calendar days, unless the source says.
VALID_DAYS = {
    CreditSource.TOLERATED_OVERDUE: 365,
    CreditSource.FALSE_MATERIAL: 3 * 365,
}
LEGAL_BASIS = {
    CreditSource.TOLERATED_OVERDUE: _("《浙江省公共信用信息管理条例》第二十一条；容缺受理承诺书"),
    CreditSource.FALSE_MATERIAL: _("《中华人民共和国行政许可法》第七十八条、第七十九条"),
}


class AppealKind(models.TextChoices):
    """What the subject asks of a record: it is wrong (异议), or it has put things right
    and asks for the record to stop counting early (信用修复)."""

    OBJECTION = "objection", _("信用异议")
    REPAIR = "repair", _("信用修复")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    GRANTED = "granted", _("成立，记录已终止")
    DISMISSED = "dismissed", _("不成立，记录继续有效")


ALLOWED_APPEAL_TRANSITIONS: dict[str, set[str]] = {
    # Credit staff decide a pending appeal once, with a reason.
    AppealStatus.PENDING: {AppealStatus.GRANTED, AppealStatus.DISMISSED},
    AppealStatus.GRANTED: set(),
    AppealStatus.DISMISSED: set(),
}
