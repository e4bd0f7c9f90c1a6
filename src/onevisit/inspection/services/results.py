"""Results of each check item, the re-check of a 责令整改, their credit facts, and
their publication (公开)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import SubjectKind
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.credit.constants import CreditSource
from onevisit.credit.services import credit_record_add
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.inspection.constants import (
    CREDIT_NOT_RECTIFIED,
    CREDIT_OF_OUTCOME,
    RECTIFY_DAYS_DEFAULT,
    RECTIFY_DAYS_MAX,
    TEXT_MAX,
    Outcome,
    PlanStatus,
    RecheckOutcome,
)
from onevisit.inspection.models import Result
from onevisit.inspection.services.access import actor_leads, plan_locked
from onevisit.workdays.calendar import deadline_after
from onevisit.workdays.constants import LimitUnit

# ------------------------------------------------------------------ results


def _result_locked(result_id: int, actor: Any) -> Result:
    """The result, locked, if the actor is one of its two inspectors or a lead of the
    item's department (another's result is answered as if it did not exist)."""
    result = (Result.objects.select_for_update(of=("self",))
              .select_related("assignment__draw__plan", "assignment__target",
                              "assignment__first_inspector", "assignment__second_inspector",
                              "item__department")
              .filter(pk=result_id).first())
    if result is None:
        raise NotFound(_("检查记录不存在"))
    assignment = result.assignment
    inspector = getattr(actor, "pk", None) in (assignment.first_inspector.user_id,
                                               assignment.second_inspector.user_id)
    if not (inspector or actor_leads(actor, result.item.department)):
        raise NotAllowed(_("只有该户的两名执法检查人员或检查事项所属部门负责人能登记结果"))
    if assignment.draw.plan.status not in (PlanStatus.DRAWN, PlanStatus.REVEALED):
        raise Conflict(_("计划尚未抽取"))
    return result


def _text(value: str, *, field: str, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("请填写检查情况"), {field: _("不能为空")})
    if len(text) > TEXT_MAX:
        raise InvalidInput(_("检查情况过长"), {field: _("最多 %(max)d 个字") % {"max": TEXT_MAX}})
    return text


def _credit(result: Result, *, reference: str, severity_days: tuple[Any, int], fact: str,
            actor: Any) -> None:
    target = result.assignment.target
    severity, days = severity_days
    credit_record_add(
        subject_kind=SubjectKind(target.kind), subject_code=target.code,
        subject_name=target.name, source=CreditSource.INSPECTION, reference=reference,
        severity=severity, fact=fact, legal_basis=result.item.legal_basis,
        region_id=target.region_id or result.assignment.draw.plan.region_id,
        valid_days=days, actor=actor)


@atomic_audited
def result_record(*, result_id: int, actor: Any, outcome: str, finding: str = "",
                  rectify_days: int = RECTIFY_DAYS_DEFAULT) -> Result:
    """The outcome of one check item. 责令整改 sets a deadline in working days and records a
    minor credit fact; 立案 records a serious one (docs/inspection.md)."""
    result = _result_locked(result_id, actor)
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择检查结果"), {"outcome": _("合格、责令整改或立案查处")})
    if result.outcome:
        raise Conflict(_("该检查事项的结果已登记"))
    finding = _text(finding, field="finding", required=outcome != Outcome.PASSED)
    if outcome == Outcome.RECTIFY and not 1 <= rectify_days <= RECTIFY_DAYS_MAX:
        raise InvalidInput(_("整改期限无效"), {"rectify_days": _("1 至 %(max)d 个工作日") % {
            "max": RECTIFY_DAYS_MAX}})
    now = clock.now()
    result.outcome, result.finding = outcome, finding
    result.recorded_at, result.recorded_by = now, actor
    if outcome == Outcome.RECTIFY:
        result.rectify_due_at = deadline_after(start=now, limit=rectify_days,
                                               unit=LimitUnit.WORKING_DAYS).due_at
    result.save()
    if outcome in CREDIT_OF_OUTCOME:
        _credit(result, reference=f"JC-{result.pk}", severity_days=CREDIT_OF_OUTCOME[outcome],
                fact=f"{result.assignment.draw.plan.name}：{result.item.name}——"
                     f"{Outcome(outcome).label}。{finding}", actor=actor)
    audit_record(actor=actor, action="inspection.result_recorded", entity="inspection_result",
                 entity_id=result.pk, data={"outcome": outcome,
                                            "target": result.assignment.target.ref})
    return result


def _not_rectified(result: Result, *, actor: Any, note: str) -> None:
    result.recheck = RecheckOutcome.NOT_RECTIFIED
    result.recheck_note = note
    result.rechecked_at, result.rechecked_by = clock.now(), actor
    result.save(update_fields=["recheck", "recheck_note", "rechecked_at", "rechecked_by"])
    _credit(result, reference=f"JC-{result.pk}-overdue", severity_days=CREDIT_NOT_RECTIFIED,
            fact=f"{result.item.name}：责令整改逾期未整改。{note}", actor=actor)


@atomic_audited
def result_recheck(*, result_id: int, actor: Any, rectified: bool, note: str = "") -> Result:
    """The re-check of a 责令整改: rectified, or not (a general credit fact)."""
    result = _result_locked(result_id, actor)
    if result.outcome != Outcome.RECTIFY:
        raise Conflict(_("只有责令整改的检查事项需要复查"))
    if result.recheck:
        raise Conflict(_("该检查事项已复查"))
    note = _text(note, field="recheck_note", required=not rectified)
    if rectified:
        result.recheck, result.recheck_note = RecheckOutcome.RECTIFIED, note
        result.rechecked_at, result.rechecked_by = clock.now(), actor
        result.save(update_fields=["recheck", "recheck_note", "rechecked_at", "rechecked_by"])
    else:
        _not_rectified(result, actor=actor, note=note)
    audit_record(actor=actor, action="inspection.result_rechecked",
                 entity="inspection_result", entity_id=result.pk,
                 data={"recheck": result.recheck})
    return result


@atomic_audited
def results_publish(*, plan_code: str, actor: Any) -> int:
    """公开: publish the plan's recorded results on the portal (after its seed)."""
    plan = plan_locked(plan_code, actor)
    if plan.status != PlanStatus.REVEALED:
        raise Conflict(_("公开抽取种子后才能公开检查结果"))
    count = Result.objects.filter(assignment__draw__plan=plan, published_at__isnull=True,
                                  recorded_at__isnull=False).update(published_at=clock.now())
    if not count:
        raise Conflict(_("没有待公开的检查结果"))
    audit_record(actor=actor, action="inspection.results_published", entity="inspection_plan",
                 entity_id=plan.code, data={"results": count})
    return count


@atomic_audited
def rectification_overdue_scan() -> int:
    """责令整改 past its deadline with no re-check: recorded as not rectified, with its
    credit fact (the scheduler runs this)."""
    overdue = list(Result.objects.select_for_update(of=("self",)).filter(
        outcome=Outcome.RECTIFY, recheck="", rectify_due_at__lt=clock.now(),
    ).select_related("assignment__target", "assignment__draw__plan", "item"))
    for result in overdue:
        _not_rectified(result, actor=None, note=_("整改期限届满未复查合格"))
        audit_record(actor=None, action="inspection.result_rechecked",
                     entity="inspection_result", entity_id=result.pk,
                     data={"recheck": result.recheck, "by": "deadline"})
    return len(overdue)
