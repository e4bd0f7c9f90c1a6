"""Site visits (实地考察) and the comprehensive selection's votes (综合评选)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.awards.constants import CASE_TIERS, CallStatus, Recommendation, Tier
from onevisit.awards.models import AwardCall, AwardCase, PanelVote, SiteVisit
from onevisit.awards.services.access import (
    actor_or_none,
    call_locked,
    organiser_check,
    status_check,
)
from onevisit.errors import InvalidInput


@atomic_audited
def visit_record(*, actor: Any, case: AwardCase, visited_on: dt.date, members: str,
                 findings: str, recommendation: str) -> SiteVisit:
    """The site-visit report of a shortlisted case; recorded again, it replaces the
    report until the comprehensive selection starts."""
    call = call_locked(case.call)
    organiser_check(actor, call)
    status_check(call, CallStatus.SITE_VISIT)
    case = AwardCase.objects.get(pk=case.pk)
    errors: dict[str, str] = {}
    if not case.shortlisted:
        errors["case"] = _("该案例未入围实地考察")
    if not isinstance(visited_on, dt.date) or visited_on > timezone.localdate(clock.now()):
        errors["visited_on"] = _("请填写不晚于今天的考察日期")
    members = "\n".join(m.strip() for m in (members or "").splitlines() if m.strip())
    if not members:
        errors["members"] = _("请填写考察组成员（每行一个）")
    findings = (findings or "").strip()
    if not findings or len(findings) > 5000:
        errors["findings"] = _("请填写考察情况（最多 5000 字）")
    if recommendation not in Recommendation.values:
        errors["recommendation"] = _("请选择考察意见")
    if errors:
        raise InvalidInput(_("考察报告未保存"), errors)
    visit, created = SiteVisit.objects.update_or_create(
        case=case, defaults={"visited_on": visited_on, "members": members,
                             "findings": findings, "recommendation": recommendation,
                             "recorded_at": clock.now(), "recorded_by": actor_or_none(actor)})
    audit_record(actor=actor, action="awards.visit_recorded", entity="award_case",
                 entity_id=case.number, data={"recommendation": recommendation,
                                              "replaced": not created})
    return visit


def panel_size(call: AwardCall) -> int:
    """How many members the recorded panel has (0 before it is recorded)."""
    return len([m for m in call.panel_members.splitlines() if m.strip()])


def vote_kinds() -> dict[str, str]:
    """The three counts of a vote, by their field names."""
    return {"votes_for": _("赞成"), "votes_against": _("反对"), "votes_abstain": _("弃权")}


def _count(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and int(text) <= 1000 else None


@atomic_audited
def vote_record(*, actor: Any, call: AwardCall, tier: str, votes_for: int,
                votes_against: int, votes_abstain: int, case: AwardCase | None = None,
                unit_name: str = "") -> PanelVote:
    """The panel's vote on a proposal: a shortlisted case for a case tier, or an
    organising unit for the organising award (组织奖). Recorded again, it replaces the
    earlier record of the same case or unit."""
    call = call_locked(call)
    organiser_check(actor, call)
    status_check(call, CallStatus.SELECTION)
    errors: dict[str, str] = {}
    unit_name = (unit_name or "").strip()
    if tier == Tier.ORGANISING:
        if case is not None:
            errors["case"] = _("组织奖授予组织单位，不授予案例")
        if not unit_name or len(unit_name) > 200:
            errors["unit_name"] = _("请填写组织单位名称（最多 200 字）")
    elif tier in CASE_TIERS:
        if unit_name:
            errors["unit_name"] = _("案例奖项不填写组织单位")
        if case is None or case.call_id != call.pk or not AwardCase.objects.filter(
                pk=case.pk, shortlisted=True).exists():
            errors["case"] = _("请选择本次评选入围实地考察的案例")
    else:
        errors["tier"] = _("请选择奖项")
    counts = {"votes_for": _count(votes_for), "votes_against": _count(votes_against),
              "votes_abstain": _count(votes_abstain)}
    kinds = vote_kinds()
    for key, value in counts.items():
        if value is None:
            errors[key] = _("%(kind)s票数须为 0 至 1000 的整数") % {"kind": kinds[key]}
    members = panel_size(call)
    if not members:
        errors["panel"] = _("请先登记综合评选委员会，再登记表决结果")
    elif (all(v is not None for v in counts.values())
            and sum(v or 0 for v in counts.values()) > members):
        errors["votes_total"] = _("票数之和 %(sum)d 超过评选委员会人数 %(n)d") % {
            "sum": sum(v or 0 for v in counts.values()), "n": members}
    if errors:
        raise InvalidInput(_("表决结果未保存"), errors)
    now = clock.now()
    values = {"call": call, "tier": tier, "recorded_at": now,
              "recorded_by": actor_or_none(actor), **counts}
    if case is not None:
        vote, created = PanelVote.objects.update_or_create(case=case, defaults=values)
    else:
        vote, created = PanelVote.objects.update_or_create(call=call, unit_name=unit_name,
                                                           defaults=values)
    audit_record(actor=actor, action="awards.vote_recorded", entity="award_call",
                 entity_id=call.pk, data={"case": getattr(case, "number", ""),
                                          "unit": unit_name, "tier": tier, **counts,
                                          "replaced": not created})
    return vote
