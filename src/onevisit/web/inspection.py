"""双随机一公开 pages. Staff (department leads and reviewers, supervisors): plans, a new
plan, publish → draw → reveal, results and re-checks. The public (公开): plans, their
draws with the live verification, and published results with persons masked. Every
write goes through the inspection services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onevisit.accounts.models import Department, Role, SubjectKind
from onevisit.accounts.regions import scope_of, within
from onevisit.accounts.selectors import regions_below
from onevisit.credit.constants import CreditTier
from onevisit.errors import DomainError, InvalidInput
from onevisit.inspection import draw as algorithm
from onevisit.inspection.constants import (
    DEFAULT_RATIOS,
    RECTIFY_DAYS_DEFAULT,
    RECTIFY_DAYS_MAX,
    ConflictReason,
    Outcome,
    PlanStatus,
)
from onevisit.inspection.models import InspectionItem, Plan
from onevisit.inspection.selectors import (
    assignments_of,
    conflicts_of,
    draw_tiers,
    draw_verify,
    inspectors_managed_by,
    name_mask,
    plan_get,
    plan_preview,
    plans_public,
    plans_visible_to,
    results_for_inspector,
    results_published,
    target_shown,
)
from onevisit.inspection.services import (
    conflict_end,
    conflict_record,
    plan_create,
    plan_draw,
    plan_manageable,
    plan_publish,
    plan_reveal,
    result_recheck,
    result_record,
    results_publish,
)
from onevisit.web.outcomes import action_report, error_text

STAFF = (Role.REVIEWER, Role.SUPERVISOR)


def _staff(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) not in STAFF and not user.is_superuser:
        raise PermissionDenied(_("只有部门工作人员和电子监察人员能办理双随机抽查"))
    return user


def _may_plan(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.SUPERVISOR
                or (user.role == Role.REVIEWER and user.department_lead))


def _items_offered(user: Any) -> QuerySet[InspectionItem]:
    """The items a plan of this person may check: those of her region's departments (a
    lead's region is her department's, so a joint plan can include its neighbours)."""
    return (InspectionItem.objects.filter(within("department__region", scope_of(user)),
                                          active=True)
            .select_related("department").order_by("department__code", "code"))


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    return _plans_page(request, _staff(request))


def _plans_page(request: HttpRequest, user: Any, *, typed: Any = None,
                status: int = 200) -> HttpResponse:
    """The plans and the new-plan form; `typed` (a refused post) fills the form again so
    the planner corrects it instead of typing the whole plan anew."""
    may_plan = _may_plan(user)
    typed = typed if typed is not None else {}
    ratios = {tier: typed.get(f"ratio_{tier}", DEFAULT_RATIOS[tier])
              for tier in CreditTier.values}
    lead_departments: Any = (
        Department.objects.filter(within("region", scope_of(user))).order_by("code")
        if user.is_superuser or user.role == Role.SUPERVISOR
        else Department.objects.filter(pk=user.department_id))
    return render(request, "web/inspection/plans.html", {
        "plans": list(plans_visible_to(user)[:200]), "may_plan": may_plan,
        "checks": list(results_for_inspector(user)[:200]),
        "items": _items_offered(user) if may_plan else [],
        "lead_departments": lead_departments if may_plan else [],
        "regions": regions_below(scope_of(user)) if may_plan else [],
        "tiers": [(tier, ratios[tier]) for tier in CreditTier.values],
        "typed": typed, "typed_items": typed.getlist("items") if typed else [],
    }, status=status)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@require_POST
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    post = request.POST
    codes = post.getlist("items")
    departments = set(InspectionItem.objects.filter(code__in=codes)
                      .values_list("department__code", flat=True))
    start, end = _date(post.get("period_start", "")), _date(post.get("period_end", ""))
    try:
        if start is None or end is None:
            raise InvalidInput(_("抽查计划未保存"), {"period": _("请填写检查期间")})
        plan = plan_create(
            actor=user, name=post.get("name", ""), region_code=post.get("region", ""),
            lead_department_code=post.get("lead_department", ""), department_codes=departments,
            item_codes=codes, period_start=start, period_end=end,
            ratios={tier: post.get(f"ratio_{tier}", "") for tier in CreditTier.values},
            industry=post.get("industry", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return _plans_page(request, user, typed=post, status=400)
    messages.success(request, _("已制定抽查计划 %(code)s") % {"code": plan.code})
    return redirect("web:inspection_plan", code=plan.code)


def _plan(request: HttpRequest, code: str) -> Plan:
    plan = plan_get(code=code, user=request.user)
    if plan is None:
        raise Http404(_("抽查计划不存在"))
    return plan


@login_required
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    plan = _plan(request, code)
    draw = getattr(plan, "draw", None)
    assignments = list(assignments_of(plan))
    mine = {a.pk for a in assignments if user.pk in (a.first_inspector.user_id,
                                                      a.second_inspector.user_id)}
    leads_of = user.department_id if user.role == Role.REVIEWER and user.department_lead else 0
    return render(request, "web/inspection/plan.html", {
        "plan": plan, "draw": draw, "assignments": assignments, "mine": mine,
        "lead_of": leads_of, "manage": plan_manageable(plan=plan, actor=user),
        "departments": plan.departments.order_by("code"),
        "items": plan.items.select_related("department").order_by("code"),
        "outcomes": Outcome.choices, "days_default": RECTIFY_DAYS_DEFAULT,
        "days_max": RECTIFY_DAYS_MAX,
        "verification": draw_verify(plan) if draw is not None and draw.drawn_at else None,
        "preview": plan_preview(plan) if plan.status == PlanStatus.DRAFT else [],
        "unpublished": any(r.recorded_at and not r.published_at
                           for a in assignments for r in a.results.all()),
    })


ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "publish": (plan_publish, gettext_lazy("已公示计划参数和种子承诺值")),
    "draw": (plan_draw, gettext_lazy("已完成抽取")),
    "reveal": (plan_reveal, gettext_lazy("已公开种子，任何人可复核抽取结果")),
    "publish-results": (results_publish, gettext_lazy("已公开检查结果")),
}


@require_POST
@login_required
def plan_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    user = _staff(request)
    if action not in ACTIONS:
        raise Http404(_("未知的操作"))
    service, done = ACTIONS[action]
    action_report(request, lambda: service(plan_code=code, actor=user), str(done))
    return redirect("web:inspection_plan", code=code)


def _days(value: str) -> int:
    return int(value) if value.strip().isdigit() else 0


@require_POST
@login_required
def result_action(request: HttpRequest, result_id: int, action: str) -> HttpResponse:
    user = _staff(request)
    post = request.POST
    if action == "record":
        action_report(request, lambda: result_record(
            result_id=result_id, actor=user, outcome=post.get("outcome", ""),
            finding=post.get("finding", ""),
            rectify_days=_days(post.get("rectify_days", str(RECTIFY_DAYS_DEFAULT)))),
            _("已登记检查结果"))
    elif action == "recheck":
        action_report(request, lambda: result_recheck(
            result_id=result_id, actor=user, rectified=post.get("rectified") == "1",
            note=post.get("note", "")), _("已登记复查结果"))
    else:
        raise Http404(_("未知的操作"))
    back = post.get("plan", "")
    return redirect("web:inspection_plan", code=back) if back else redirect(
        "web:inspection_plans")


@login_required
def inspectors(request: HttpRequest) -> HttpResponse:
    """The inspectors a lead or supervisor keeps, and their conflicts of interest (回避)."""
    user = _staff(request)
    if not _may_plan(user):
        raise PermissionDenied(_("只有部门负责人和电子监察人员能管理执法检查人员的回避关系"))
    kept = inspectors_managed_by(user)
    return render(request, "web/inspection/inspectors.html", {
        "inspectors": list(kept), "conflicts": list(conflicts_of(kept)),
        "reasons": [(v, label) for v, label in ConflictReason.choices
                    if v != ConflictReason.LAST_TIME],
    })


@require_POST
@login_required
def conflict_action(request: HttpRequest, action: str) -> HttpResponse:
    user = _staff(request)
    post = request.POST
    if action == "declare":
        action_report(request, lambda: conflict_record(
            actor=user, inspector_id=_days(post.get("inspector", "")),
            target_ref=post.get("target", ""), reason=post.get("reason", ""),
            note=post.get("note", "")), _("已登记回避关系"))
    elif action == "end":
        action_report(request, lambda: conflict_end(
            actor=user, conflict_id=_days(post.get("conflict", ""))), _("已解除回避关系"))
    else:
        raise Http404(_("未知的操作"))
    return redirect("web:inspection_inspectors")


# ------------------------------------------------------------------ public pages


def public_plans(request: HttpRequest) -> HttpResponse:
    return render(request, "web/inspection/public_plans.html",
                  {"plans": list(plans_public()[:200])})


def _public_plan(code: str) -> Plan:
    plan = plans_public().filter(code=code).first()
    if plan is None:
        raise Http404(_("抽查计划不存在"))
    return plan


def public_plan(request: HttpRequest, code: str) -> HttpResponse:
    """A plan as the public sees it: its parameters' hash and the seed's commitment from
    publication; once the seed is revealed, the seed, the drawn targets and inspectors
    (persons masked) and the redraw's verdict; the results published."""
    plan = _public_plan(code)
    draw = plan.draw
    revealed = plan.status == PlanStatus.REVEALED
    assignments = [{
        "position": a.position, "target": target_shown(a.target), "ref": a.target.ref,
        "tier": a.tier,
        "inspectors": [(i.certificate_number, name_mask(i.user.first_name), i.department.name)
                       for i in (a.first_inspector, a.second_inspector)],
    } for a in assignments_of(plan)] if revealed else []
    results = [{
        "target": target_shown(r.assignment.target), "item": r.item, "outcome": r.outcome,
        "outcome_label": r.get_outcome_display(), "recheck": r.get_recheck_display(),
        "due": r.rectify_due_at,
        # Free text about a person stays inside: only a company's finding is public.
        "finding": r.finding if r.assignment.target.kind == SubjectKind.ENTERPRISE else "",
    } for r in results_published(plan)] if revealed else []
    return render(request, "web/inspection/public_plan.html", {
        "plan": plan, "draw": draw, "revealed": revealed, "assignments": assignments,
        "results": results, "departments": plan.departments.order_by("code"),
        "verification": draw_verify(plan) if revealed else None,
        "algorithm": algorithm.ALGORITHM, "tiers": draw_tiers(draw.parameters),
        "inspector_count": len(draw.parameters.get("inspectors", [])),
    })


def public_parameters(request: HttpRequest, code: str) -> HttpResponse:
    """The parameters exactly as hashed: `sha256sum` of this file is the published hash."""
    plan = _public_plan(code)
    response = HttpResponse(algorithm.canonical(plan.draw.parameters),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-parameters.json"'
    return response


urlpatterns = [
    path("inspections/", public_plans, name="inspections"),
    path("inspections/<str:code>/", public_plan, name="inspection_public"),
    path("inspections/<str:code>/parameters.json", public_parameters,
         name="inspection_parameters"),
    path("workbench/inspections/", plans, name="inspection_plans"),
    path("workbench/inspections/new/", plan_new, name="inspection_plan_new"),
    path("workbench/inspections/inspectors/", inspectors, name="inspection_inspectors"),
    path("workbench/inspections/conflicts/<slug:action>/", conflict_action,
         name="inspection_conflict"),
    path("workbench/inspections/results/<int:result_id>/<slug:action>/", result_action,
         name="inspection_result"),
    path("workbench/inspections/<str:code>/", plan_detail, name="inspection_plan"),
    path("workbench/inspections/<str:code>/<slug:action>/", plan_action,
         name="inspection_action"),
]
