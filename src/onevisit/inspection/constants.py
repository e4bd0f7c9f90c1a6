"""States of an inspection plan and of a check result, the outcomes of a check, and the
credit consequences of each (docs/inspection.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.credit.constants import CreditTier, Severity


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    PUBLISHED = "published", _("已公示，待抽取")
    DRAWN = "drawn", _("已抽取，待公开种子")
    REVEALED = "revealed", _("已公开")


ALLOWED_PLAN_TRANSITIONS: dict[str, set[str]] = {
    # Publication freezes the parameters and commits to the seed (its hash) in public.
    PlanStatus.DRAFT: {PlanStatus.PUBLISHED},
    # The draw runs once, from the committed seed and the frozen parameters.
    PlanStatus.PUBLISHED: {PlanStatus.DRAWN},
    # Revealing the seed lets anyone re-run the draw; nothing follows it.
    PlanStatus.DRAWN: {PlanStatus.REVEALED},
    PlanStatus.REVEALED: set(),
}


class Outcome(models.TextChoices):
    PASSED = "passed", _("合格")
    RECTIFY = "rectify", _("责令整改")
    CASE_OPENED = "case_opened", _("立案查处")


class RecheckOutcome(models.TextChoices):
    RECTIFIED = "rectified", _("已整改")
    NOT_RECTIFIED = "not_rectified", _("逾期未整改")


class ConflictReason(models.TextChoices):
    RELATIVE = "relative", _("近亲属的企业")
    FORMER_EMPLOYER = "former_employer", _("曾任职单位")
    OTHER = "other", _("其他利害关系")
    # Not declared: derived from the previous draw when a plan is published.
    LAST_TIME = "last_time", _("上次检查过该对象")


# The sampling ratio (percent of the candidates) per credit tier unless the plan says
# otherwise: better credit, fewer checks.
DEFAULT_RATIOS: dict[str, int] = {CreditTier.A: 5, CreditTier.B: 10, CreditTier.C: 30,
                                  CreditTier.D: 100}
INSPECTORS_PER_TARGET = 2
# Working days to rectify a 责令整改 finding unless the inspector sets another limit.
RECTIFY_DAYS_DEFAULT = 10
RECTIFY_DAYS_MAX = 60

# What each finding records in the credit system, and for how many calendar days.
CREDIT_OF_OUTCOME: dict[str, tuple[Severity, int]] = {
    Outcome.RECTIFY: (Severity.MINOR, 365),
    Outcome.CASE_OPENED: (Severity.SERIOUS, 3 * 365),
}
# A 责令整改 not rectified by its deadline (re-check or deadline scan) adds this.
CREDIT_NOT_RECTIFIED: tuple[Severity, int] = (Severity.GENERAL, 2 * 365)

TEXT_MAX = 2000
