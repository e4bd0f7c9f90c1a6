"""The award call's states, criteria, tiers and the rules' numbers (docs/awards.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    OPEN = "open", _("征集中")
    PRELIMINARY = "preliminary", _("专家初评")
    SITE_VISIT = "site_visit", _("实地考察")
    SELECTION = "selection", _("综合评选")
    PUBLISHED = "published", _("已通报")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    # Opening the call freezes its criteria, weights and quotas: units may now submit.
    CallStatus.DRAFT: {CallStatus.OPEN},
    # Closing submissions starts the expert preliminary review (专家初评); the experts are
    # drawn for the cases then submitted, so no case can join after the draw.
    CallStatus.OPEN: {CallStatus.PRELIMINARY},
    # Closing the preliminary review needs every drawn sheet scored; it fixes each case's
    # preliminary score and the site-visit shortlist (实地考察).
    CallStatus.PRELIMINARY: {CallStatus.SITE_VISIT},
    # Every shortlisted case has its visit report before the comprehensive selection.
    CallStatus.SITE_VISIT: {CallStatus.SELECTION},
    # Publication only through call_publish: the result is computed, stored and the
    # notice (通报) sealed in the same step. Nothing follows it.
    CallStatus.SELECTION: {CallStatus.PUBLISHED},
    CallStatus.PUBLISHED: set(),
}


class Criterion(models.TextChoices):
    """The four criteria of the notice (评审标准), in its order."""

    INNOVATION = "innovation", _("创新性")
    PERFORMANCE = "performance", _("绩效性")
    REPLICABILITY = "replicability", _("推广性")
    IMPORTANCE = "importance", _("重要性")


CRITERIA: tuple[str, ...] = tuple(c.value for c in Criterion)


class Tier(models.TextChoices):
    """The award tiers, best first; the organising award goes to organising units, not to
    cases."""

    SPECIAL = "special", _("特别贡献奖")
    TOP_TEN = "top_ten", _("十佳创新奖")
    EXCELLENCE = "excellence", _("优秀奖")
    ORGANISING = "organising", _("组织奖")


# The tiers a case can win, best first (a case not placed in its voted tier falls down
# this list: docs/awards.md).
CASE_TIERS: tuple[str, ...] = (Tier.SPECIAL.value, Tier.TOP_TEN.value, Tier.EXCELLENCE.value)


class Recommendation(models.TextChoices):
    """A site-visit group's recommendation to the selection panel."""

    RECOMMEND = "recommend", _("推荐")
    RESERVE = "reserve", _("保留意见")
    NOT_RECOMMEND = "not_recommend", _("不推荐")


class ConflictReason(models.TextChoices):
    # Found by onevisit, never stored (awards.conflicts).
    OWN_UNIT = "own_unit", _("本人所在单位申报")
    SAME_COUNTY = "same_county", _("本人任职的县（市、区）申报")
    # Declared by the expert or recorded by the organisers' staff.
    FORMER_UNIT = "former_unit", _("曾任职单位")
    ADVISER = "adviser", _("曾参与该案例的设计或咨询")
    RELATIVE = "relative", _("近亲属在申报单位任职")
    OTHER = "other", _("其他利害关系")


DECLARED_REASONS: tuple[str, ...] = (ConflictReason.FORMER_UNIT.value,
                                     ConflictReason.ADVISER.value,
                                     ConflictReason.RELATIVE.value,
                                     ConflictReason.OTHER.value)

# The notice's defaults; every call sets its own.
DEFAULT_WEIGHTS: dict[str, int] = {Criterion.INNOVATION: 30, Criterion.PERFORMANCE: 30,
                                   Criterion.REPLICABILITY: 20, Criterion.IMPORTANCE: 20}
DEFAULT_QUOTAS: dict[str, int] = {Tier.SPECIAL: 7, Tier.TOP_TEN: 10, Tier.EXCELLENCE: 16,
                                  Tier.ORGANISING: 6}
EXPERTS_PER_CASE_MIN = 3
SCORE_MIN = 0
SCORE_MAX = 100
TITLE_MAX = 200
TEXT_MAX = 20000
COMMENT_MAX = 2000
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_MAX = 10
# An expert's score is an outlier when it lies more than this many standard deviations
# from the mean of the other experts' scores of the same criterion (selectors.stats).
OUTLIER_Z = 2
