"""A subject's records in force and its tier."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from onevisit import clock
from onevisit.credit.constants import (
    DEFAULT_POINTS,
    DEFAULT_TIER_MAX_POINTS,
    WORST_TIER,
    CreditTier,
    Severity,
)
from onevisit.credit.models import CreditRecord


def records_in_force(*, at: dt.datetime | None = None) -> QuerySet[CreditRecord]:
    """Records that count at `at` (now by default): within their validity, not ended."""
    moment = at or clock.now()
    return CreditRecord.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=moment),
        valid_from__lte=moment, valid_until__gt=moment,
    )


def tier_for_points(points: int) -> CreditTier:
    for tier, most in DEFAULT_TIER_MAX_POINTS:
        if points <= most:
            return tier
    return WORST_TIER


def tiers_of(codes: Iterable[str], *, at: dt.datetime | None = None) -> dict[str, CreditTier]:
    """The tier of each subject (by unified social credit code or ID number); a subject
    with no record in force is in the best tier."""
    wanted = set(codes)
    points: dict[str, int] = defaultdict(int)
    for code, severity in (records_in_force(at=at).filter(subject_code__in=wanted)
                           .values_list("subject_code", "severity")):
        points[code] += DEFAULT_POINTS[Severity(severity)]
    return {code: tier_for_points(points[code]) for code in wanted}


def tier_of(code: str, *, at: dt.datetime | None = None) -> CreditTier:
    return tiers_of([code], at=at)[code]
