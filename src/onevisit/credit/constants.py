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
