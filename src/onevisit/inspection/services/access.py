"""Who may act on a plan, and the one place a plan changes state."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onevisit.accounts.models import Department, Role
from onevisit.accounts.regions import covers, scope_of
from onevisit.errors import Conflict, NotAllowed, NotFound
from onevisit.inspection.constants import ALLOWED_PLAN_TRANSITIONS, PlanStatus
from onevisit.inspection.models import Plan

# ------------------------------------------------------------------ who may act


def actor_supervises(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False)
                or getattr(actor, "role", None) == Role.SUPERVISOR)


def actor_leads(actor: Any, department: Department) -> bool:
    return bool(getattr(actor, "role", None) == Role.REVIEWER
                and getattr(actor, "department_lead", False)
                and getattr(actor, "department_id", None) == department.pk)


def plan_manageable(*, plan: Plan, actor: Any) -> bool:
    """Supervisors of the plan's region and the lead of its lead department manage it."""
    if actor_supervises(actor):
        return covers(scope_of(actor), plan.region_id)
    return actor_leads(actor, plan.lead_department)


def plan_locked(code: str, actor: Any) -> Plan:
    plan = (Plan.objects.select_for_update(of=("self",))
            .select_related("lead_department", "region")
            .filter(code=code).first())
    if plan is None or not (covers(scope_of(actor), plan.region_id)
                            or plan.departments.filter(pk=getattr(actor, "department_id",
                                                                  None) or 0).exists()):
        raise NotFound(_("抽查计划不存在"))
    if not plan_manageable(plan=plan, actor=actor):
        raise NotAllowed(_("只有牵头部门负责人或本地区电子监察人员能管理这项抽查计划"))
    return plan


def plan_move(plan: Plan, to: PlanStatus) -> None:
    """The one place a plan changes state: checks ALLOWED_PLAN_TRANSITIONS."""
    if to not in ALLOWED_PLAN_TRANSITIONS[plan.status]:
        raise Conflict(_("计划当前为“%(status)s”，不能改为“%(to)s”") % {
            "status": PlanStatus(plan.status).label, "to": to.label})
    plan.status = to
    plan.save(update_fields=["status"])
