"""Plans of one or several departments, and the publish → draw → reveal sequence that
makes the draw committed and reproducible (docs/inspection.md)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Region, Role
from onevisit.accounts.regions import covers, scope_of
from onevisit.applications.services.common import number_placeholder, serial_number
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.credit.constants import CreditTier
from onevisit.credit.selectors import tiers_of
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.inspection import draw as algorithm
from onevisit.inspection.constants import DEFAULT_RATIOS, PlanStatus
from onevisit.inspection.models import (
    Assignment,
    Draw,
    InspectionItem,
    Inspector,
    Plan,
    Result,
    Target,
)
from onevisit.inspection.selectors import (
    PUBLISHED_ACTION,
    conflicts_declared,
    last_inspectors,
    plan_candidates,
    plan_definition,
    plan_inspectors,
)
from onevisit.inspection.services.access import (
    actor_leads,
    actor_supervises,
    plan_locked,
    plan_move,
)

# ------------------------------------------------------------------ plans


def _ratios(ratios: dict[str, Any] | None) -> dict[str, int]:
    given = {**DEFAULT_RATIOS, **(ratios or {})}
    out, errors = {}, {}
    for tier in CreditTier.values:
        value = str(given.get(tier, "")).strip()
        if not value.isdigit() or not 0 <= int(value) <= 100:
            errors[f"ratio_{tier}"] = _("%(tier)s级抽查比例须为 0 至 100 的整数") % {"tier": tier}
        else:
            out[tier] = int(value)
    if errors:
        raise InvalidInput(_("抽查比例无效"), errors)
    if any(out[better] > out[worse] for better, worse in zip(
            CreditTier.values, CreditTier.values[1:], strict=False)):
        raise InvalidInput(_("抽查比例无效"), {"ratio_A": _("信用越好，抽查比例应越低")})
    return out


@atomic_audited
def plan_create(
    *, actor: Any, name: str, region_code: str, lead_department_code: str,
    department_codes: Iterable[str], item_codes: Iterable[str], period_start: dt.date,
    period_end: dt.date, ratios: dict[str, Any] | None = None, industry: str = "",
) -> Plan:
    """A plan of one department, or a joint plan of several (进一次门、查多项事)."""
    if not (actor_supervises(actor) or (getattr(actor, "role", None) == Role.REVIEWER
                                      and getattr(actor, "department_lead", False))):
        raise NotAllowed(_("只有部门负责人或电子监察人员能制定抽查计划"))
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 255:
        errors["name"] = _("请填写计划名称（最多 255 字）")
    scope = scope_of(actor)
    region = Region.objects.filter(code=region_code).first()
    if region is None or not covers(scope, region_code):
        errors["region"] = _("抽查范围须在您的行政区划内")
    codes = {*department_codes, lead_department_code}
    departments = list(Department.objects.filter(code__in=codes))
    lead = next((d for d in departments if d.code == lead_department_code), None)
    if len(departments) != len(codes) or lead is None:
        errors["departments"] = _("参与部门不存在")
    elif any(not covers(scope, d.region_id) for d in departments):
        errors["departments"] = _("参与部门须在您的行政区划内")
    items = list(InspectionItem.objects.filter(code__in=set(item_codes), active=True)
                 .select_related("department"))
    if not items or len(items) != len(set(item_codes)):
        errors["items"] = _("请选择有效的检查事项")
    elif any(item.department not in departments for item in items):
        errors["items"] = _("检查事项须属于参与部门")
    elif {d.pk for d in departments} != {item.department_id for item in items}:
        errors["items"] = _("每个参与部门至少选择一项检查事项")
    if period_end < period_start:
        errors["period_end"] = _("检查期间止不能早于起")
    if errors:
        raise InvalidInput(_("抽查计划未保存"), errors)
    assert lead is not None  # noqa: S101 - errors above otherwise
    if not (actor_supervises(actor) or actor_leads(actor, lead)):
        raise NotAllowed(_("只有部门负责人或电子监察人员能制定抽查计划"))
    plan = Plan.objects.create(
        code=number_placeholder()[:40], name=name, region_id=region_code, lead_department=lead,
        industry=industry.strip()[:32], period_start=period_start, period_end=period_end,
        ratios=_ratios(ratios), created_by=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now())
    plan.code = serial_number("JC", plan.pk, region=region_code)
    plan.save(update_fields=["code"])
    plan.departments.set(departments)
    plan.items.set(items)
    audit_record(actor=actor, action="inspection.plan_created", entity="inspection_plan",
                 entity_id=plan.code, data={"departments": sorted(codes),
                                            "items": sorted(i.code for i in items)})
    return plan


def _parameters(plan: Plan) -> dict[str, Any]:
    """The draw's parameters: the plan, the ordered candidates per credit tier (tiers as
    they stand now), the ordered inspectors and every pair that must not be drawn."""
    candidates = plan_candidates(plan)
    if not candidates:
        raise InvalidInput(_("没有符合条件的检查对象，不能公示"),
                           {"items": _("检查范围内没有持有相关许可的对象")})
    inspectors = plan_inspectors(plan)
    targets = [target for target, _items in candidates]
    blocked = conflicts_declared(inspectors=inspectors, targets=targets) | last_inspectors(
        targets=targets)
    by_id = {inspector.pk: inspector for inspector in inspectors}
    refs = {target.pk: target.ref for target in targets}
    conflicts = sorted([by_id[i].certificate_number, refs[t]] for i, t in blocked
                       if i in by_id and t in refs)
    pairs = {tuple(pair) for pair in conflicts}
    short = [target.ref for target in targets
             if sum((i.certificate_number, target.ref) not in pairs for i in inspectors) < 2]
    if short:
        raise InvalidInput(_("执法检查人员不足，不能公示"), {
            "inspectors": _("每个检查对象须有两名无须回避的执法检查人员，以下对象不足："
                            "%(refs)s") % {"refs": "、".join(short[:10])}})
    now = clock.now()
    tiers = tiers_of([target.code for target in targets], at=now)
    by_tier: dict[str, list[dict[str, Any]]] = {tier: [] for tier in algorithm.TIERS}
    for target, applicable in candidates:
        by_tier[tiers[target.code]].append({"target": target.ref, "items": applicable})
    return {
        **plan_definition(plan), "algorithm": algorithm.ALGORITHM,
        "tiers_at": now.isoformat(), "candidates": by_tier,
        "inspectors": [{"id": i.certificate_number, "department": i.department.code}
                       for i in inspectors],
        "conflicts": conflicts,
    }


@atomic_audited
def plan_publish(*, plan_code: str, actor: Any) -> Draw:
    """Freeze the parameters and commit to a fresh secret seed: both hashes are public
    from now on, before anything is drawn (tamper evidence)."""
    plan = plan_locked(plan_code, actor)
    plan_move(plan, PlanStatus.PUBLISHED)
    parameters = _parameters(plan)
    seed = secrets.token_hex(32)
    draw = Draw.objects.create(
        plan=plan, algorithm=algorithm.ALGORITHM, parameters=parameters,
        parameters_sha256=algorithm.parameters_digest(parameters),
        commitment=algorithm.commitment_of(seed), seed=seed, published_at=clock.now(),
        published_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action=PUBLISHED_ACTION, entity="inspection_plan",
                 entity_id=plan.code, data={"parameters_sha256": draw.parameters_sha256,
                                            "commitment": draw.commitment})
    return draw


@atomic_audited
def plan_draw(*, plan_code: str, actor: Any) -> list[Assignment]:
    """Draw the targets and their inspector pairs from the committed seed and the frozen
    parameters; each target gets a result row per plan item that applies to it."""
    plan = plan_locked(plan_code, actor)
    plan_move(plan, PlanStatus.DRAWN)
    draw = Draw.objects.select_for_update().get(plan=plan)
    try:
        drawn = algorithm.run(seed=draw.seed, parameters=draw.parameters)
    except algorithm.DrawImpossible as exc:  # refused at publication; kept as a guard
        raise Conflict(_("检查对象 %(ref)s 的执法检查人员不足") % {"ref": exc.target}) from exc
    targets = {t.ref: t for t in Target.objects.filter(ref__in=[d.target for d in drawn])}
    inspectors = {i.certificate_number: i for i in Inspector.objects.filter(
        certificate_number__in={n for d in drawn for n in d.inspectors})}
    items = {entry["target"]: entry["items"]
             for tier in draw.parameters["candidates"].values() for entry in tier}
    by_code = {item.code: item for item in plan.items.all()}
    assignments, results = [], []
    for position, entry in enumerate(drawn, start=1):
        assignment = Assignment(draw=draw, position=position, target=targets[entry.target],
                                tier=entry.tier,
                                first_inspector=inspectors[entry.inspectors[0]],
                                second_inspector=inspectors[entry.inspectors[1]])
        assignments.append(assignment)
    Assignment.objects.bulk_create(assignments)
    for assignment in Assignment.objects.filter(draw=draw).select_related("target"):
        # The items the parameters froze for the target, not its licences of today.
        results += [Result(assignment=assignment, item=by_code[code])
                    for code in items[assignment.target.ref] if code in by_code]
    Result.objects.bulk_create(results)
    draw.drawn_at = clock.now()
    draw.drawn_by = actor if getattr(actor, "pk", None) else None
    draw.save(update_fields=["drawn_at", "drawn_by"])
    audit_record(actor=actor, action="inspection.plan_drawn", entity="inspection_plan",
                 entity_id=plan.code, data={"outcome_sha256": algorithm.sha256_hex(
                     algorithm.canonical([[d.target, d.tier, list(d.inspectors)]
                                          for d in drawn])), "targets": len(drawn)})
    return assignments


@atomic_audited
def plan_reveal(*, plan_code: str, actor: Any) -> Draw:
    """Publish the seed: from now on anyone can re-run the draw."""
    plan = plan_locked(plan_code, actor)
    plan_move(plan, PlanStatus.REVEALED)
    draw = Draw.objects.select_for_update().get(plan=plan)
    draw.revealed_at = clock.now()
    draw.revealed_by = actor if getattr(actor, "pk", None) else None
    draw.save(update_fields=["revealed_at", "revealed_by"])
    audit_record(actor=actor, action="inspection.seed_revealed", entity="inspection_plan",
                 entity_id=plan.code, data={"seed": draw.seed})
    return draw
