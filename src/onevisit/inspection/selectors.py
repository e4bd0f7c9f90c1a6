"""Reads: which targets a plan may draw, the plans a person may see, the public view of
plans, draws and results (personal data masked), and the verification of a draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from onevisit.accounts.models import Role, SubjectKind
from onevisit.accounts.regions import covers, scope_of, within
from onevisit.audit.selectors import audit_events_about
from onevisit.credit.selectors import tiers_of
from onevisit.inspection import draw as algorithm
from onevisit.inspection.constants import PlanStatus
from onevisit.inspection.models import (
    Assignment,
    ConflictOfInterest,
    InspectionItem,
    Inspector,
    Plan,
    Result,
    Target,
)

PUBLISHED_ACTION = "inspection.plan_published"
PUBLIC_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.DRAWN, PlanStatus.REVEALED)


def name_mask(name: str) -> str:
    """A person's name as public pages show it: the first character, then ** whatever
    the name's length (a mask that does not tell a two-character name from a longer one,
    nor an account named after its post from a person)."""
    return name[:1] + "**" if name else ""


def target_shown(target: Target) -> str:
    """A target as the public sees it: a company by its name, a person masked."""
    return target.name if target.kind == SubjectKind.ENTERPRISE else name_mask(target.name)


def item_applies(item: InspectionItem, target: Target) -> bool:
    """An item with service items checks their holders; one without checks every
    company (persons only ever through a licence they hold)."""
    if item.service_item_codes:
        return bool(set(item.service_item_codes) & set(target.licences))
    return target.kind == SubjectKind.ENTERPRISE


def plan_definition(plan: Plan) -> dict[str, Any]:
    """What the plan itself says, as it enters the draw's parameters."""
    items = sorted(plan.items.select_related("department"), key=lambda i: i.code)
    return {
        "plan": plan.code, "name": plan.name, "region": plan.region_id,
        "lead_department": plan.lead_department.code,
        "departments": sorted(plan.departments.values_list("code", flat=True)),
        "items": [{"code": i.code, "department": i.department.code} for i in items],
        "industry": plan.industry,
        "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        "ratios": {tier: int(plan.ratios.get(tier, 0)) for tier in algorithm.TIERS},
    }


def plan_candidates(plan: Plan) -> list[tuple[Target, list[str]]]:
    """The targets the plan may draw, by ref, each with the plan's items that apply to it:
    in the plan's region, of its industry (if it names one), with an item to check."""
    items = [item for item in plan.items.order_by("code") if item.active]
    targets = Target.objects.filter(within("region", plan.region_id))
    if plan.industry:
        targets = targets.filter(industry=plan.industry)
    found = []
    for target in targets.order_by("ref"):
        if not target.sources:  # gone from every source
            continue
        applicable = [item.code for item in items if item_applies(item, target)]
        if applicable:
            found.append((target, applicable))
    return found


@dataclass(frozen=True)
class TierPreview:
    tier: str
    candidates: int
    ratio: int
    drawn: int


def plan_preview(plan: Plan) -> list[TierPreview]:
    """What the plan would draw now, per credit tier: candidates, ratio, targets drawn."""
    candidates = plan_candidates(plan)
    tiers = tiers_of([target.code for target, _items in candidates])
    preview = []
    for tier in algorithm.TIERS:
        count = sum(1 for target, _items in candidates if tiers[target.code] == tier)
        ratio = int(plan.ratios.get(tier, 0))
        preview.append(TierPreview(tier=tier, candidates=count, ratio=ratio,
                                   drawn=algorithm.sample_size(count, ratio)))
    return preview


def draw_tiers(parameters: dict[str, Any]) -> list[TierPreview]:
    """The published parameters per credit tier: candidates, ratio, targets to draw."""
    rows = []
    for tier in algorithm.TIERS:
        count = len(parameters.get("candidates", {}).get(tier, []))
        ratio = int(parameters.get("ratios", {}).get(tier, 0))
        rows.append(TierPreview(tier=tier, candidates=count, ratio=ratio,
                                drawn=algorithm.sample_size(count, ratio)))
    return rows


def plan_inspectors(plan: Plan) -> list[Inspector]:
    """The active inspectors of the plan's departments who work where it draws: in its
    region, or above it (a city's inspector in a county's plan)."""
    region = plan.region_id
    return [inspector for inspector in Inspector.objects.filter(
                active=True, department__in=plan.departments.all(), user__is_active=True,
            ).select_related("department").order_by("certificate_number")
            if covers(inspector.region_id, region) or covers(region, inspector.region_id)]


def conflicts_declared(*, inspectors: list[Inspector],
                       targets: list[Target]) -> set[tuple[int, int]]:
    return set(ConflictOfInterest.objects.filter(
        ended_at__isnull=True, inspector__in=inspectors, target__in=targets,
    ).values_list("inspector_id", "target_id"))


def last_inspectors(*, targets: list[Target]) -> set[tuple[int, int]]:
    """(inspector, target) of each target's latest drawn assignment: the same inspector
    does not check the same target twice running."""
    seen: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    for assignment in (Assignment.objects.filter(target__in=targets)
                       .order_by("-draw__drawn_at", "-id")
                       .values("target_id", "first_inspector_id", "second_inspector_id")):
        if assignment["target_id"] in seen:
            continue
        seen.add(assignment["target_id"])
        pairs |= {(assignment["first_inspector_id"], assignment["target_id"]),
                  (assignment["second_inspector_id"], assignment["target_id"])}
    return pairs


def inspectors_managed_by(user: Any) -> QuerySet[Inspector]:
    """The inspectors a lead (her department's) or a supervisor (her region's) keeps."""
    if getattr(user, "role", None) == Role.REVIEWER:
        if not getattr(user, "department_lead", False):
            return Inspector.objects.none()
        found = Inspector.objects.filter(department_id=user.department_id)
    else:
        found = Inspector.objects.filter(within("region", scope_of(user)))
    return found.select_related("user", "department", "region").order_by(
        "department__code", "certificate_number")


def conflicts_of(inspectors: QuerySet[Inspector]) -> QuerySet[ConflictOfInterest]:
    return (ConflictOfInterest.objects.filter(inspector__in=inspectors, ended_at__isnull=True)
            .select_related("inspector__user", "target").order_by("inspector", "target__ref"))


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    """Plans in the person's region, and those her department takes part in."""
    visible = within("region", scope_of(user))
    department_id = getattr(user, "department_id", None)
    if department_id:
        visible |= Q(departments__id=department_id)
    return Plan.objects.filter(visible).distinct().select_related(
        "region", "lead_department").order_by("-created_at", "-id")


def plan_get(*, code: str, user: Any) -> Plan | None:
    return plans_visible_to(user).filter(code=code).first()


def plans_public() -> QuerySet[Plan]:
    return (Plan.objects.filter(status__in=PUBLIC_STATUSES)
            .select_related("region", "lead_department", "draw")
            .prefetch_related("departments").order_by("-draw__published_at", "-id"))


def assignments_of(plan: Plan) -> QuerySet[Assignment]:
    return (Assignment.objects.filter(draw__plan=plan)
            .select_related("target", "first_inspector__user", "first_inspector__department",
                            "second_inspector__user", "second_inspector__department")
            .prefetch_related("results__item").order_by("position"))


def results_published(plan: Plan) -> QuerySet[Result]:
    return (Result.objects.filter(assignment__draw__plan=plan, published_at__isnull=False)
            .select_related("assignment__target", "item__department")
            .order_by("assignment__position", "item__code"))


def results_for_inspector(user: Any) -> QuerySet[Result]:
    """The checks waiting for this inspector: not yet recorded, or 责令整改 awaiting the
    re-check."""
    mine = (Q(assignment__first_inspector__user=user)
            | Q(assignment__second_inspector__user=user))
    waiting = Q(outcome="") | Q(outcome="rectify", recheck="")
    return (Result.objects.filter(mine, waiting)
            .select_related("assignment__target", "assignment__draw__plan", "item")
            .order_by("assignment__draw__plan__code", "assignment__position", "item__code"))


@dataclass
class Verification:
    """The redraw of a plan's draw and what differs from what was published."""

    plan: str
    checked: bool = False
    seed_matches: bool = False
    parameters_match: bool = False
    outcome_matches: bool = False
    problems: list[str] = field(default_factory=list)
    redrawn: list[algorithm.Drawn] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.checked and not self.problems


def _published_record(plan: Plan) -> dict[str, Any]:
    event = (audit_events_about(refs=[("inspection_plan", plan.code)])
             .filter(action=PUBLISHED_ACTION).first())
    return dict(event.data) if event is not None else {}


def stored_outcome(plan: Plan) -> list[algorithm.Drawn]:
    return [algorithm.Drawn(target=a.target.ref, tier=a.tier,
                            inspectors=(a.first_inspector.certificate_number,
                                        a.second_inspector.certificate_number))
            for a in assignments_of(plan)]


def draw_verify(plan: Plan) -> Verification:
    """Re-run the draw from the stored seed and parameters and compare: the seed with the
    commitment published, the parameters with the hash published (in the audit log) and
    with the plan as it stands, the outcome with the stored assignments."""
    result = Verification(plan=plan.code)
    draw = getattr(plan, "draw", None)
    if draw is None or draw.drawn_at is None:
        result.problems.append(_("计划尚未抽取"))
        return result
    result.checked = True
    published = _published_record(plan)
    digest = algorithm.parameters_digest(draw.parameters)
    definition = plan_definition(plan)
    changed = sorted(key for key, value in definition.items()
                     if draw.parameters.get(key) != value)
    if digest != draw.parameters_sha256 or digest != published.get("parameters_sha256"):
        result.problems.append(_("参数在公示后被改动：参数的 SHA-256 与公示值不符"))
    elif changed:
        result.problems.append(_("参数在公示后被改动：计划的%(fields)s与公示参数不符")
                               % {"fields": "、".join(changed)})
    else:
        result.parameters_match = True
    if (algorithm.commitment_of(draw.seed) != draw.commitment
            or draw.commitment != published.get("commitment")):
        result.problems.append(_("种子与公示的承诺值不符"))
    else:
        result.seed_matches = True
    try:
        result.redrawn = algorithm.run(seed=draw.seed, parameters=draw.parameters)
    except (KeyError, TypeError, ValueError) as exc:
        result.problems.append(_("无法按公示参数重新抽取：%(error)s") % {"error": exc})
        return result
    stored = stored_outcome(plan)
    if stored == result.redrawn:
        result.outcome_matches = True
    else:
        result.problems.append(_("抽取结果不一致：%(diff)s") % {
            "diff": "；".join(_outcome_diff(stored, result.redrawn))})
    return result


def _outcome_diff(stored: list[algorithm.Drawn], redrawn: list[algorithm.Drawn]) -> list[str]:
    lines = []
    if [d.target for d in stored] != [d.target for d in redrawn]:
        lines.append(_("检查对象不同（记录 %(stored)s，重算 %(redrawn)s）") % {
            "stored": ", ".join(d.target for d in stored) or "—",
            "redrawn": ", ".join(d.target for d in redrawn) or "—"})
    for position, (was, now) in enumerate(zip(stored, redrawn, strict=False), start=1):
        if was.target == now.target and was.inspectors != now.inspectors:
            lines.append(_("第 %(n)d 户 %(target)s 的检查人员不同（记录 %(stored)s，重算 "
                           "%(redrawn)s）") % {"n": position, "target": was.target,
                                                "stored": "+".join(was.inspectors),
                                                "redrawn": "+".join(now.inspectors)})
    return lines or [_("抽取结果的顺序或信用等级不同")]
