"""A subject's records in force and its tier; the tier rule in force; appeals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from onevisit import clock
from onevisit.accounts.models import Authorisation, SubjectKind
from onevisit.accounts.regions import scope_of, within
from onevisit.credit.constants import (
    DEFAULT_POINTS,
    DEFAULT_TIER_MAX_POINTS,
    WORST_TIER,
    AppealStatus,
    CreditTier,
    Severity,
)
from onevisit.credit.models import CreditAppeal, CreditPolicy, CreditRecord


def records_in_force(*, at: dt.datetime | None = None) -> QuerySet[CreditRecord]:
    """Records that count at `at` (now by default): within their validity, not ended."""
    moment = at or clock.now()
    return CreditRecord.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=moment),
        valid_from__lte=moment, valid_until__gt=moment,
    )


@dataclass(frozen=True)
class TierRule:
    """Points per severity and the most points each tier allows, best tier first; more
    than the last threshold is the worst tier."""

    points: dict[str, int]
    thresholds: tuple[tuple[CreditTier, int], ...]
    policy_id: int | None = None

    def tier_for(self, points: int) -> CreditTier:
        for tier, most in self.thresholds:
            if points <= most:
                return tier
        return WORST_TIER


DEFAULT_RULE = TierRule(points={str(k): v for k, v in DEFAULT_POINTS.items()},
                        thresholds=DEFAULT_TIER_MAX_POINTS)


def _rule_of(policy: CreditPolicy) -> TierRule:
    return TierRule(
        points={Severity.MINOR: policy.minor_points, Severity.GENERAL: policy.general_points,
                Severity.SERIOUS: policy.serious_points},
        thresholds=((CreditTier.A, policy.a_max), (CreditTier.B, policy.b_max),
                    (CreditTier.C, policy.c_max)),
        policy_id=policy.pk,
    )


def _region_chain(region_id: str) -> list[str]:
    """The region and those above it, nearest first (GB/T 2260 codes are prefixes)."""
    return [region_id[:n] for n in (12, 9, 6, 4, 2) if n <= len(region_id)]


def tier_rule(*, region_id: str | None = None) -> TierRule:
    """The rule in force where the tier is asked: the active rule of the nearest region
    up from `region_id`, else the active global rule, else the defaults."""
    chain = _region_chain(region_id or "")
    policies = {p.region_id: p for p in CreditPolicy.objects.filter(
        Q(region__isnull=True) | Q(region_id__in=chain), active=True)}
    for code in [*chain, None]:
        if code in policies:
            return _rule_of(policies[code])
    return DEFAULT_RULE


def tier_for_points(points: int, *, region_id: str | None = None) -> CreditTier:
    return tier_rule(region_id=region_id).tier_for(points)


def _points_under(rule: TierRule, codes: Iterable[str],
                  at: dt.datetime | None) -> dict[str, int]:
    wanted = set(codes)
    points: dict[str, int] = defaultdict(int)
    for code, severity in (records_in_force(at=at).filter(subject_code__in=wanted)
                           .values_list("subject_code", "severity")):
        points[code] += rule.points[str(severity)]
    return {code: points[code] for code in wanted}


def points_of(codes: Iterable[str], *, at: dt.datetime | None = None,
              region_id: str | None = None) -> dict[str, int]:
    """Each subject's points under the rule in force."""
    return _points_under(tier_rule(region_id=region_id), codes, at)


def tiers_of(codes: Iterable[str], *, at: dt.datetime | None = None,
             region_id: str | None = None) -> dict[str, CreditTier]:
    """The tier of each subject (by unified social credit code or ID number) under the
    rule in force in `region_id` (docs/credit.md); a subject with no record in force is
    in the best tier."""
    rule = tier_rule(region_id=region_id)
    return {code: rule.tier_for(points)
            for code, points in _points_under(rule, codes, at).items()}


def tier_of(code: str, *, at: dt.datetime | None = None,
            region_id: str | None = None) -> CreditTier:
    return tiers_of([code], at=at, region_id=region_id)[code]


def records_of(*, codes: Iterable[str]) -> QuerySet[CreditRecord]:
    """Every record about these subjects, in force or not, newest first, with appeals."""
    return (CreditRecord.objects.filter(subject_code__in=set(codes))
            .prefetch_related("appeals").order_by("-recorded_at", "-id"))


def appeals_pending(*, actor: Any) -> QuerySet[CreditAppeal]:
    """The appeals awaiting a decision in the staff member's region (ADR 0012)."""
    return (CreditAppeal.objects.filter(within("record__region", scope_of(actor)),
                                        status=AppealStatus.PENDING)
            .select_related("record", "filed_by").order_by("filed_at", "id"))


def appeal_visible(*, actor: Any, appeal_id: int) -> CreditAppeal | None:
    """One appeal, if it lies in the staff member's region (ADR 0012)."""
    return (CreditAppeal.objects.filter(within("record__region", scope_of(actor)),
                                        pk=appeal_id).first())


def appeals_decided(*, actor: Any, limit: int = 50) -> QuerySet[CreditAppeal]:
    return (CreditAppeal.objects.filter(within("record__region", scope_of(actor)))
            .exclude(status=AppealStatus.PENDING)
            .select_related("record", "decided_by").order_by("-decided_at", "-id")[:limit])


@dataclass(frozen=True)
class CreditSubject:
    kind: str
    code: str
    name: str


def subjects_of(*, user: Any) -> list[CreditSubject]:
    """The persons and companies whose credit records the user may see and appeal: her
    own person (a verified ID number), and those she acts for by a valid authorisation
    covering every matter (the legal representative, or a general mandate)."""
    now = clock.now()
    subjects = []
    if getattr(user, "id_number", ""):
        subjects.append(CreditSubject(kind=SubjectKind.PERSON, code=user.id_number,
                                      name=user.get_full_name() or user.username))
    seen = {s.code for s in subjects}
    for authorisation in Authorisation.objects.filter(
            user_id=getattr(user, "pk", 0) or 0, revoked_at__isnull=True,
            valid_from__lte=now).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)).order_by("subject_name"):
        if authorisation.scope or authorisation.subject_id in seen:
            continue
        seen.add(authorisation.subject_id)
        subjects.append(CreditSubject(kind=authorisation.subject_kind,
                                      code=authorisation.subject_id,
                                      name=authorisation.subject_name))
    return subjects
