"""Writes of 双随机一公开: the target register, inspectors and conflicts, plans, the
publish → draw → reveal sequence, and results with their credit consequences."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from onevisit import clock
from onevisit.accounts.models import Department, Region, Role, SubjectKind
from onevisit.accounts.regions import covers, scope_of
from onevisit.applications.services.common import number_placeholder, serial_number
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.constants import ItemKind
from onevisit.certificates.constants import CertificateKind
from onevisit.certificates.models import Certificate, CertificateHolder
from onevisit.credit.constants import CreditSource, CreditTier
from onevisit.credit.selectors import tiers_of
from onevisit.credit.services import credit_record_add
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.exchange.models import RegistryRecord
from onevisit.exchange.services import subject_digest
from onevisit.inspection import draw as algorithm
from onevisit.inspection.constants import (
    ALLOWED_PLAN_TRANSITIONS,
    CREDIT_NOT_RECTIFIED,
    CREDIT_OF_OUTCOME,
    DEFAULT_RATIOS,
    RECTIFY_DAYS_DEFAULT,
    RECTIFY_DAYS_MAX,
    TEXT_MAX,
    ConflictReason,
    Outcome,
    PlanStatus,
    RecheckOutcome,
)
from onevisit.inspection.models import (
    Assignment,
    ConflictOfInterest,
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
from onevisit.workdays.calendar import deadline_after
from onevisit.workdays.constants import LimitUnit

log = structlog.get_logger(__name__)


# ------------------------------------------------------------------ the register


def _target_ref(kind: str, code: str) -> str:
    """The public reference: a company's credit code; a keyed digest for a person."""
    return code if kind == SubjectKind.ENTERPRISE else "P" + subject_digest(code)[:15].upper()


def _kind_of(code: str) -> str:
    return SubjectKind.ENTERPRISE if uscc.is_valid(code) else SubjectKind.PERSON


def targets_refresh() -> int:
    """Bring the target register up to date from the enterprise registry and the result
    certificates issued (not revoked): every company they name, and every person holding
    a licence (行政许可); name, industry, region and the service items whose results each
    holds. Returns how many targets there are."""
    now = clock.now()
    regions = set(Region.objects.values_list("code", flat=True))
    found: dict[str, dict[str, Any]] = {}

    def entry(code: str, name: str, source: str) -> dict[str, Any]:
        code = code.strip().upper()
        row = found.setdefault(code, {"name": name, "industry": "", "region": None,
                                      "licences": set(), "sources": set(),
                                      "kind": _kind_of(code)})
        row["name"] = row["name"] or name
        row["sources"].add(source)
        if row["kind"] == SubjectKind.ENTERPRISE and code[2:8] in regions:
            row["region"] = code[2:8]
        return row

    evidence = settings.ONEVISIT["ENTERPRISE_EVIDENCE"]
    for record in RegistryRecord.objects.filter(evidence_type=evidence).iterator():
        row = entry(record.subject, str(record.data.get("name", "")), "registry")
        row["industry"] = str(record.data.get("industry", ""))[:32]
    holders: dict[int, list[tuple[str, str]]] = {}
    for holder in CertificateHolder.objects.values("certificate_id", "subject", "name"):
        holders.setdefault(holder["certificate_id"], []).append(
            (holder["subject"], holder["name"]))
    certificates = (Certificate.objects.filter(kind=CertificateKind.RESULT,
                                               revoked_at__isnull=True)
                    .select_related("case__item", "department"))
    for certificate in certificates.iterator():
        if certificate.subject and uscc.is_valid(certificate.subject):
            named = [(certificate.subject, str(certificate.data.get("company_name")
                                               or certificate.holder_name))]
        else:
            named = holders.get(certificate.pk) or [(certificate.holder_id,
                                                     certificate.holder_name)]
        licensing = certificate.case.item.kind == ItemKind.LICENSING
        for code, name in named:
            # A person is a target only as a licence holder (行政许可), never for holding
            # a certificate of her marriage, her child's birth or her home.
            if not code or (_kind_of(code) == SubjectKind.PERSON and not licensing):
                continue
            row = entry(code, name, "certificate")
            row["licences"].add(certificate.case.item.code)
            if row["region"] is None:
                row["region"] = certificate.department.region_id
    existing = {target.code: target for target in Target.objects.all()}
    new, changed = [], []
    for code, row in found.items():
        values = {"name": row["name"][:128], "industry": row["industry"],
                  "region_id": row["region"], "licences": sorted(row["licences"]),
                  "sources": sorted(row["sources"]), "kind": row["kind"]}
        target = existing.get(code)
        if target is None:
            new.append(Target(code=code, ref=_target_ref(row["kind"], code),
                              refreshed_at=now, **values))
        elif any(getattr(target, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(target, key, value)
            target.refreshed_at = now
            changed.append(target)
    for code, target in existing.items():
        # No longer in any source (deregistered, its certificates revoked): kept for the
        # draws that name it, but never a candidate again.
        if code not in found and (target.sources or target.licences):
            target.sources, target.licences, target.refreshed_at = [], [], now
            changed.append(target)
    with transaction.atomic():
        Target.objects.bulk_create(new, batch_size=500)
        Target.objects.bulk_update(changed, ["name", "industry", "region_id", "licences",
                                             "sources", "kind", "refreshed_at"],
                                   batch_size=500)
    log.info("inspection_targets_refreshed", added=len(new), changed=len(changed))
    return len(existing) + len(new)


@atomic_audited
def inspection_item_define(
    *, code: str, name: str, department_code: str, legal_basis: str, actor: Any,
    method: str = "", service_item_codes: Iterable[str] = (),
    responsibility_id: int | None = None,
) -> InspectionItem:
    """Add or rewrite an entry of a department's 检查事项清单."""
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise InvalidInput(_("部门不存在"), {"department": _("没有编码为 %(code)s 的部门")
                                             % {"code": department_code}})
    if not legal_basis.strip():
        raise InvalidInput(_("检查事项须写明检查依据"), {"legal_basis": _("不能为空")})
    item, _created = InspectionItem.objects.update_or_create(code=code, defaults={
        "name": name, "department": department, "legal_basis": legal_basis,
        "method": method, "service_item_codes": sorted(set(service_item_codes)),
        "responsibility_id": responsibility_id, "active": True,
    })
    audit_record(actor=actor, action="inspection.item_defined", entity="inspection_item",
                 entity_id=code, data={"department": department_code})
    return item


@atomic_audited
def inspector_register(*, user: Any, department_code: str, certificate_number: str,
                       region_code: str, actor: Any) -> Inspector:
    """Enter a member of a department's staff in its list of inspectors (执法检查人员)."""
    department = Department.objects.filter(code=department_code).first()
    if department is None or getattr(user, "department_id", None) != department.pk:
        raise InvalidInput(_("执法检查人员须为本部门工作人员"),
                           {"user": _("该账户不属于部门 %(code)s") % {"code": department_code}})
    inspector, _created = Inspector.objects.update_or_create(
        user=user, department=department,
        defaults={"certificate_number": certificate_number, "region_id": region_code,
                  "active": True})
    audit_record(actor=actor, action="inspection.inspector_registered", entity="inspector",
                 entity_id=inspector.pk, data={"certificate": certificate_number})
    return inspector


@atomic_audited
def conflict_declare(*, inspector: Inspector, target: Target, reason: str, actor: Any,
                     note: str = "") -> ConflictOfInterest:
    """Record that an inspector must never be drawn for a target (回避)."""
    if reason not in ConflictReason.values or reason == ConflictReason.LAST_TIME:
        raise InvalidInput(_("回避原因无效"), {"reason": _("请选择回避原因")})
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        inspector=inspector, target=target, ended_at=None,
        defaults={"reason": reason, "note": note[:255], "recorded_at": clock.now()})
    audit_record(actor=actor, action="inspection.conflict_declared", entity="inspector",
                 entity_id=inspector.pk, data={"target": target.ref, "reason": reason})
    return conflict


def _inspector_managed(inspector_id: int, actor: Any) -> Inspector:
    """The inspector, if the actor leads its department or supervises its region."""
    inspector = (Inspector.objects.select_related("department")
                 .filter(pk=inspector_id).first())
    if inspector is None or not (
            _is_lead_of(actor, inspector.department)
            or (_is_supervisor(actor) and covers(scope_of(actor), inspector.region_id))):
        raise NotFound(_("执法检查人员不存在"))
    return inspector


@atomic_audited
def conflict_record(*, actor: Any, inspector_id: int, target_ref: str, reason: str,
                    note: str = "") -> ConflictOfInterest:
    """A department lead (or a supervisor of the region) records an inspector's declared
    conflict of interest with a target, named by its public reference or credit code."""
    inspector = _inspector_managed(inspector_id, actor)
    ref = (target_ref or "").strip().upper()
    target = Target.objects.filter(ref=ref).first() or Target.objects.filter(
        code=ref, kind=SubjectKind.ENTERPRISE).first()
    if target is None:
        raise InvalidInput(_("回避关系未保存"), {"target": _("检查对象名录中没有 %(ref)s")
                                                  % {"ref": ref or "—"}})
    if len(note) > 255:
        raise InvalidInput(_("回避关系未保存"), {"note": _("最多 255 个字")})
    return conflict_declare(inspector=inspector, target=target, reason=reason, actor=actor,
                            note=note.strip())


@atomic_audited
def conflict_end(*, actor: Any, conflict_id: int) -> ConflictOfInterest:
    """The conflict no longer holds (解除回避): later plans may draw the pair again."""
    conflict = (ConflictOfInterest.objects.select_for_update()
                .filter(pk=conflict_id).first())
    if conflict is None:
        raise NotFound(_("回避关系不存在"))
    _inspector_managed(conflict.inspector_id, actor)
    if conflict.ended_at is not None:
        raise Conflict(_("该回避关系已解除"))
    conflict.ended_at = clock.now()
    conflict.save(update_fields=["ended_at"])
    audit_record(actor=actor, action="inspection.conflict_ended", entity="inspector",
                 entity_id=conflict.inspector_id, data={"target": conflict.target_id})
    return conflict


# ------------------------------------------------------------------ who may act


def _is_supervisor(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False)
                or getattr(actor, "role", None) == Role.SUPERVISOR)


def _is_lead_of(actor: Any, department: Department) -> bool:
    return bool(getattr(actor, "role", None) == Role.REVIEWER
                and getattr(actor, "department_lead", False)
                and getattr(actor, "department_id", None) == department.pk)


def plan_manageable(*, plan: Plan, actor: Any) -> bool:
    """Supervisors of the plan's region and the lead of its lead department manage it."""
    if _is_supervisor(actor):
        return covers(scope_of(actor), plan.region_id)
    return _is_lead_of(actor, plan.lead_department)


def _plan_locked(code: str, actor: Any) -> Plan:
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


def _plan_move(plan: Plan, to: PlanStatus) -> None:
    """The one place a plan changes state: checks ALLOWED_PLAN_TRANSITIONS."""
    if to not in ALLOWED_PLAN_TRANSITIONS[plan.status]:
        raise Conflict(_("计划当前为“%(status)s”，不能改为“%(to)s”") % {
            "status": PlanStatus(plan.status).label, "to": to.label})
    plan.status = to
    plan.save(update_fields=["status"])


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
    if not (_is_supervisor(actor) or (getattr(actor, "role", None) == Role.REVIEWER
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
    if not (_is_supervisor(actor) or _is_lead_of(actor, lead)):
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
    plan = _plan_locked(plan_code, actor)
    _plan_move(plan, PlanStatus.PUBLISHED)
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
    plan = _plan_locked(plan_code, actor)
    _plan_move(plan, PlanStatus.DRAWN)
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
    plan = _plan_locked(plan_code, actor)
    _plan_move(plan, PlanStatus.REVEALED)
    draw = Draw.objects.select_for_update().get(plan=plan)
    draw.revealed_at = clock.now()
    draw.revealed_by = actor if getattr(actor, "pk", None) else None
    draw.save(update_fields=["revealed_at", "revealed_by"])
    audit_record(actor=actor, action="inspection.seed_revealed", entity="inspection_plan",
                 entity_id=plan.code, data={"seed": draw.seed})
    return draw


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
    if not (inspector or _is_lead_of(actor, result.item.department)):
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
    plan = _plan_locked(plan_code, actor)
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
