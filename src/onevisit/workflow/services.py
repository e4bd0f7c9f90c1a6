"""Back-office work (后台审批): claims, decisions and corrections on department cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Region, Role, SubjectKind
from onevisit.accounts.selectors import department_reviewers
from onevisit.applications.constants import (
    OPEN_CASE_STATUSES,
    RUNNING_CASE_STATUSES,
    ApplicationStatus,
    CaseStatus,
    MaterialStatus,
)
from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    Case,
    OneTimeNotice,
)
from onevisit.applications.services import (
    Upload,
    application_credit_code,
    application_finish,
    application_lock,
    case_clock_pause,
    case_credit_code_set,
    case_lock,
    case_material_keys,
    case_record,
    case_transition,
    cases_charges_paid,
    cases_start_ready,
    subject_of,
    tolerated_due_extend,
    tolerated_outstanding,
    tolerated_supply,
)
from onevisit.applications.services.cases import WARN_SHARE
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.constants import SubjectKind as EvidenceSubjectKind
from onevisit.catalogue.models import EvidenceType
from onevisit.certificates.services import (
    certificates_issue,
    refusal_decision_issue,
    uscc_assign,
)
from onevisit.credit.constants import (
    LEGAL_BASIS,
    VALID_DAYS,
    CreditSource,
    Severity,
)
from onevisit.credit.models import CreditRecord
from onevisit.credit.services import credit_record_add
from onevisit.delivery.services import delivery_prepare
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.exchange.models import FetchOutcome
from onevisit.exchange.services import (
    Fetched,
    FetchRequest,
    PurposeRefused,
    evidence_fetch_logged,
)
from onevisit.files.services import files_guard
from onevisit.lifeevents.models import RefusalScope, StageMode
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.registry import rule_setting
from onevisit.supervision.rules import (
    correction_second_check,
    decision_speed_check,
    fee_not_in_guide_check,
    material_beyond_guide_check,
)
from onevisit.supervision.selectors import alert_raised_for_case, alerts_open_numbers
from onevisit.supervision.services import (
    alerts_raise_many,
    alerts_resolve,
    alerts_resolve_for_application,
)
from onevisit.workflow.constants import (
    DECISION_TITLES,
    LITIGATION_MONTHS,
    REVIEW_DAYS,
    RefusalKind,
)
from onevisit.workflow.joint import joint_decision_check
from onevisit.workflow.models import (
    CaseDemand,
    DemandKind,
    RemedyBodies,
    WorkItem,
    WorkItemOutcome,
)
from onevisit.workflow.selectors import remedies_for

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CorrectionEntry:
    key: str
    problem: str


def _locked_case(case_id: int, actor: Any) -> tuple[Application, Case]:
    """Lock the application, then the case (`case_lock`: the one order every writer uses)."""
    application, case = case_lock(case_id=case_id)
    if getattr(actor, "department_id", None) != case.department_id:
        raise NotAllowed(_("只能处理本部门的办件"))
    return application, case


def _open_work_item(case: Case, actor: Any) -> WorkItem:
    """The reviewer's claim on the case; claiming it first if it is still in the queue.
    A case waiting for its second review (复核) is not claimed by its first reviewer."""
    if case.status == CaseStatus.PENDING:
        if WorkItem.objects.filter(case=case, outcome=WorkItemOutcome.FIRST_APPROVED,
                                   assignee=actor).exists():
            raise NotAllowed(_("复核须由初审以外的另一名审批人员进行"))
        case_transition(case_id=case.pk, to=CaseStatus.IN_REVIEW, actor=actor)
        return WorkItem.objects.create(case=case, department_id=case.department_id,
                                       assignee=actor, claimed_at=clock.now())
    if case.status != CaseStatus.IN_REVIEW:
        raise Conflict(
            _("该办件已是“%(status)s”状态，可能已被他人处理")
            % {"status": case.get_status_display()}
        )
    work_item = WorkItem.objects.get(case=case, finished_at__isnull=True)
    if work_item.assignee_id != actor.pk:
        raise Conflict(
            _("该办件已由 %(name)s 认领") % {"name": work_item.assignee.get_full_name()
                                              or work_item.assignee.username}
        )
    return work_item


def _claimed_work_item(case: Case, actor: Any) -> WorkItem:
    """The actor's own claim on the case: a case is decided only by the reviewer who
    claimed it (or to whom the department's lead reassigned it)."""
    if case.status == CaseStatus.PENDING:
        raise Conflict(_("请先认领该办件，再作出决定"))
    return _open_work_item(case, actor)


def _finish(work_item: WorkItem, outcome: str, note: str) -> None:
    work_item.finished_at = clock.now()
    work_item.outcome = outcome
    work_item.note = note
    work_item.save(update_fields=["finished_at", "outcome", "note"])


@atomic_audited
def case_claim(*, case_id: int, actor: Any) -> WorkItem:
    """Take a case from the department queue. Of two reviewers claiming at once, one wins."""
    _application, case = _locked_case(case_id, actor)
    if case.status != CaseStatus.PENDING:
        raise Conflict(
            _("该办件已是“%(status)s”状态，不能认领") % {"status": case.get_status_display()}
        )
    work_item = _open_work_item(case, actor)
    audit_record(actor=actor, action="case.claimed", entity="case", entity_id=case.pk, data={})
    return work_item


@atomic_audited
def case_approve(*, case_id: int, actor: Any, note: str = "") -> Case:
    """Approve a department's case (its claimer only). Later stages start; when every case
    is approved the application completes, its results are issued and its one delivery
    prepared — once no material accepted under 容缺 is still to come."""
    application, case = _locked_case(case_id, actor)
    work_item = _claimed_work_item(case, actor)
    note = _joint_note(note, joint_decision_check(case=case, approving=True))
    if second_review_needed(application=application, case=case):
        return _first_approve(application=application, case=case, work_item=work_item,
                              actor=actor, note=note)
    _finish(work_item, WorkItemOutcome.APPROVED, note)
    case = case_transition(case_id=case.pk, to=CaseStatus.APPROVED, actor=actor, note=note)
    alerts_resolve(case_id=case.pk, kinds=[AlertKind.DEADLINE_NEAR, AlertKind.OVERDUE])
    decision_speed_check(case=case)
    _credit_code_assign(application=application, case=case, actor=actor)
    audit_record(actor=actor, action="case.approved", entity="case", entity_id=case.pk,
                 data={"application": application.number})
    _stages_advance(application=application, actor=actor)
    return case


def _credit_code_assign(*, application: Application, case: Case, actor: Any) -> None:
    """A registration approved (企业设立登记: its result proves a company, and the form
    names no credit code because the company is new): the company's unified social credit
    code is assigned now, so the records made from the licence and the permits filed
    with it carry it before the licence is printed (一照一码)."""
    evidence_type = case.item.result_evidence_type
    if (evidence_type is None or evidence_type.subject_kind != EvidenceSubjectKind.ENTERPRISE
            or str(application.data.get(evidence_type.subject_field, "")).strip()
            or application_credit_code(application)):
        return
    case_credit_code_set(case=case, code=uscc_assign(region=case.item.region_id,
                                                     serial=case.pk), actor=actor)


def _joint_note(note: str, opinions: str) -> str:
    """A jointly reviewed case's decision (多审合一) carries every participant's opinion."""
    if not opinions:
        return note
    return "\n".join(part for part in (
        note.strip(), _("联合审查各部门意见：\n%(opinions)s") % {"opinions": opinions}) if part)


def _stages_advance(*, application: Application, actor: Any) -> None:
    """After an approval: start the stages now ready, make the records of the record
    stages among them (多证合一), settle at once those that complete on a payment already
    made (a tax paid ahead), and so on down the stages; when no case is open any more,
    the results (`_application_settle`)."""
    modes = {stage.key: stage.mode for stage in subject_of(application).stages}
    while True:
        started = cases_start_ready(application=application, actor=actor)
        recorded = _records_make(application=application, actor=actor, cases=[
            case for case in started
            if modes.get(case.stage_key) == StageMode.RECORD and case.status == CaseStatus.PENDING])
        settled = list(application.cases.filter(
            status=CaseStatus.AWAITING_PAYMENT, paid_at__isnull=False,
            item__completes_on_payment=True))
        if not settled and not recorded:
            break
        for case in settled:
            case_transition(case_id=case.pk, to=CaseStatus.APPROVED, actor=None,
                            note=_("税费已缴清，办结"))
            audit_record(actor=actor, action="case.approved", entity="case",
                         entity_id=case.pk, data={"application": application.number,
                                                  "on_payment": True})
    _application_settle(application=application, actor=actor)


def _records_make(*, application: Application, cases: list[Case], actor: Any) -> int:
    """Record stages that just started: each department's record is made from the one
    filing with the company's credit code and the case approved by the system. With no
    credit code to key it on (a bundle whose earlier stage registers no company), the
    case stays in its department's queue for a reviewer. How many were recorded."""
    code = application_credit_code(application)
    if not code:
        return 0
    for case in cases:
        case_record(application=application, case=case, credit_code=code, actor=actor)
    return len(cases)


def _application_settle(*, application: Application, actor: Any) -> None:
    """Once no case is open: if any was approved, the results are issued and delivered
    (with the decision of a stage refused on its own, 证照联办) — the application is
    completed, in part when a stage was refused; if none was, it is refused."""
    statuses = set(application.cases.values_list("status", flat=True))
    if statuses & set(OPEN_CASE_STATUSES):
        return
    if CaseStatus.APPROVED in statuses:
        _result_release_or_withhold(application=application, actor=actor)
        return
    application_finish(application=application, approved=False, actor=actor)
    delivery_prepare(application=application, actor=actor)


@atomic_audited
def case_charges_settle(*, number: str, case_ids: list[int], reference: str,
                        actor: Any = None) -> list[Case]:
    """The payment platform confirmed the applicant paid these cases' charges (order
    `reference`): each is marked paid, a case waiting in 待缴费 goes to its department's
    queue, and one that completes on payment (a tax declaration) is approved, its later
    stages starting. Paying again changes nothing."""
    application = application_lock(number=number)
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict(_("办件 %(number)s 已是“%(status)s”状态，不能再缴费")
                       % {"number": application.number,
                          "status": application.get_status_display()})
    paid = cases_charges_paid(application=application, case_ids=case_ids, actor=actor,
                              note=_("已缴费（%(reference)s）") % {"reference": reference})
    if paid:
        _stages_advance(application=application, actor=actor)
    return paid


def second_review_needed(*, application: Application, case: Case) -> bool:
    """A case of an applicant in a bad credit tier when filed (C, D: docs/credit.md) is
    approved by two reviewers: the first approval sends it back to the department queue
    for another reviewer's sign-off (复核)."""
    return (application.second_review_required and not WorkItem.objects.filter(
        case=case, outcome=WorkItemOutcome.FIRST_APPROVED).exists())


def _first_approve(*, application: Application, case: Case, work_item: WorkItem, actor: Any,
                   note: str) -> Case:
    _finish(work_item, WorkItemOutcome.FIRST_APPROVED, note)
    case = case_transition(case_id=case.pk, to=CaseStatus.PENDING, actor=actor,
                           note=_("初审同意，待复核（申请人信用等级%(tier)s）")
                           % {"tier": application.credit_tier})
    audit_record(actor=actor, action="case.first_approved", entity="case", entity_id=case.pk,
                 data={"application": application.number, "tier": application.credit_tier})
    return case


@atomic_audited
def case_false_material_find(*, case_id: int, fact: str, actor: Any) -> CreditRecord:
    """A reviewer of the case's department finds that the applicant submitted false
    material (认定提交虚假材料): a serious credit record about the applicant (the company
    or person filed for), one per application. The case itself is decided as usual (a
    refusal names the same fact)."""
    if not fact.strip():
        raise InvalidInput(_("认定有误"), {"fact": _("请写明虚假材料的事实")})
    application, case = _locked_case(case_id, actor)
    record = credit_record_add(
        subject_kind=SubjectKind(application.applicant_kind),
        subject_code=application.applicant_id_number,
        subject_name=application.applicant_name, source=CreditSource.FALSE_MATERIAL,
        reference=application.number, severity=Severity.SERIOUS,
        fact=_("办件 %(number)s（%(item)s）：%(fact)s") % {
            "number": application.number, "item": case.item.name, "fact": fact.strip()},
        legal_basis=str(LEGAL_BASIS[CreditSource.FALSE_MATERIAL]),
        region_id=application.region_id,
        valid_days=VALID_DAYS[CreditSource.FALSE_MATERIAL], actor=actor)
    audit_record(actor=actor, action="case.false_material_found", entity="case",
                 entity_id=case.pk, data={"application": application.number,
                                          "credit_record": record.pk})
    return record


@atomic_audited
def case_reject(*, case_id: int, actor: Any, reason: str, legal_basis: str,
                refusal: str = RefusalKind.NOT_PERMITTED) -> Case:
    """Refuse (不予许可, or 不予受理 when the application is not one the department can
    take up) with the reason and its legal basis, and issue the written decision (sealed,
    naming the applicant's rights to 行政复议 and 行政诉讼), delivered like a result.

    What else ends is the stage's refusal scope (docs/bundles.md): by default the
    application is refused and the other departments' open cases end; a stage whose
    refusal ends only itself (证照联办's sector permit) ends with the stages depending on
    it, the others go on, and the decision is delivered with their results."""
    errors = {}
    if refusal not in RefusalKind.values:
        errors["refusal"] = _("未知的决定类型")
    if not reason.strip():
        errors["reason"] = _("不予许可必须说明理由")
    if not legal_basis.strip():
        errors["legal_basis"] = _("不予许可必须写明法律依据")
    if errors:
        raise InvalidInput(_("不予许可决定不完整"), errors)
    application, case = _locked_case(case_id, actor)
    work_item = _claimed_work_item(case, actor)
    reason = _joint_note(reason, joint_decision_check(case=case, approving=False))
    _finish(work_item, WorkItemOutcome.REJECTED, reason)
    case = case_transition(case_id=case.pk, to=CaseStatus.REJECTED, actor=actor, note=reason,
                           legal_basis=legal_basis)
    decision_speed_check(case=case)
    stages = {stage.key: stage for stage in subject_of(application).stages}
    alone = stages[case.stage_key].refusal_scope == RefusalScope.STAGE
    ending = (_dependents_of(case.stage_key, {k: s.depends_on for k, s in stages.items()})
              if alone else None)
    for other in application.cases.filter(status__in=OPEN_CASE_STATUSES):
        if ending is not None and other.stage_key not in ending:
            continue
        WorkItem.objects.filter(case=other, finished_at__isnull=True).update(
            finished_at=clock.now(), outcome=WorkItemOutcome.CANCELLED
        )
        case_transition(case_id=other.pk, to=CaseStatus.CANCELLED, actor=actor,
                        note=_("其他部门不予许可") if ending is None
                        else _("所依赖的环节不予许可"))
    alerts_resolve(case_id=case.pk, kinds=[AlertKind.DEADLINE_NEAR, AlertKind.OVERDUE])
    audit_record(actor=actor, action="case.rejected", entity="case", entity_id=case.pk,
                 data={"reason": reason, "legal_basis": legal_basis,
                       "scope": RefusalScope.STAGE if alone else RefusalScope.APPLICATION})
    _refusal_decision(case=case, refusal=RefusalKind(refusal), actor=actor)
    if alone:
        _application_settle(application=application, actor=actor)
    else:
        application_finish(application=application, approved=False, actor=actor)
        delivery_prepare(application=application, actor=actor)
    return case


def _dependents_of(key: str, depends_on: dict[str, list[str]]) -> set[str]:
    """The stages that depend on `key`, directly or through others."""
    found: set[str] = set()
    frontier = {key}
    while frontier:
        frontier = {k for k, deps in depends_on.items()
                    if k not in found and frontier & set(deps)}
        found |= frontier
    return found


@atomic_audited
def case_request_correction(
    *, case_id: int, actor: Any, entries: Sequence[CorrectionEntry], note: str = ""
) -> OneTimeNotice:
    """Ask for a correction (补正): every problem in one notice; the case clock pauses."""
    if not entries:
        raise InvalidInput(_("补正告知至少列明一项材料"), {"entries": _("不能为空")})
    application, case = _locked_case(case_id, actor)
    materials = {m.key: m for m in application.materials.all()}
    own_keys = case_material_keys(subject=subject_of(application), item_code=case.item.code)
    errors = {}
    for entry in entries:
        if entry.key not in materials:
            errors[entry.key] = _("材料清单中没有该材料")
        elif entry.key not in own_keys:
            errors[entry.key] = _("该材料不属于本部门办理的事项")
        elif not entry.problem.strip():
            errors[entry.key] = _("请说明需要补正的内容")
    if errors:
        raise InvalidInput(_("补正告知有误"), errors)
    work_item = _claimed_work_item(case, actor)
    named = []
    for entry in entries:
        material = materials[entry.key]
        material.status = MaterialStatus.INVALID
        material.problem = entry.problem.strip()
        material.save(update_fields=["status", "problem"])
        named.append(material)
    notice = case_clock_pause(case_id=case.pk, materials=named, actor=actor, note=note)
    _finish(work_item, WorkItemOutcome.CORRECTION, note)
    correction_second_check(notice=notice)
    audit_record(actor=actor, action="case.correction_requested", entity="case",
                 entity_id=case.pk, data={"notice": notice.number})
    return notice


def case_evidence_fetch(*, case_id: int, evidence_type: str, actor: Any) -> Fetched:
    """A reviewer fetches evidence for her department's case (again, or for the first
    time after an outage). Only the evidence types the case's item names may be fetched
    (purpose limitation); any other request is refused, and the refusal is logged and
    kept. Found evidence replaces the material's upload gap."""
    case = Case.objects.select_related("application", "item").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("部门办件 %(id)s 不存在") % {"id": case_id})
    if getattr(actor, "department_id", None) != case.department_id:
        raise NotAllowed(_("只能处理本部门的办件"))
    application = case.application
    if application.consent_at is None:
        raise NotAllowed(_("申请人未同意共享获取，不能调取其数据"))
    subject = subject_of(application)
    own = [m for m in subject.materials
           if case.item.code in m.item_codes and m.evidence_type_code == evidence_type]
    source = own[0].evidence_source if own else EvidenceType.objects.filter(
        code=evidence_type).values_list("source", flat=True).first()
    subject_field = own[0].subject_field if own else None
    request = FetchRequest(
        evidence_type=evidence_type, source=str(source or ""),
        subject=str(application.data.get(subject_field or "", application.applicant_id_number)),
        purpose=_("%(item)s审查（%(basis)s）") % {
            "item": case.item.name, "basis": case.item.legal_basis.splitlines()[0]},
    )
    allowed = {str(m.evidence_type_code) for m in subject.materials
               if case.item.code in m.item_codes and m.evidence_type_code}
    [answer] = evidence_fetch_logged(requests=[request], allowed=allowed,
                                     application_number=application.number, actor=actor,
                                     case_id=case.pk)
    if answer.outcome == FetchOutcome.REFUSED:
        log.warning("evidence_fetch_refused", case=case.pk, evidence_type=evidence_type,
                    actor=getattr(actor, "pk", None))
        raise PurposeRefused(
            _("“%(item)s”的申请材料不包含该证明，不能调取（已记录）") % {"item": case.item.name}
        )
    if answer.evidence is not None:
        _material_fetched(case=case, keys=[m.key for m in own], answer=answer, actor=actor)
    return answer


@atomic_audited
def _material_fetched(*, case: Case, keys: list[str], answer: Fetched, actor: Any) -> None:
    assert answer.evidence is not None  # noqa: S101 - the caller checked
    application = Application.objects.select_for_update().get(pk=case.application_id)
    for material in application.materials.filter(key__in=keys).exclude(
        status=MaterialStatus.FETCHED
    ):
        material.status = MaterialStatus.FETCHED
        material.source = answer.evidence.source
        material.evidence = answer.evidence.data
        material.problem = ""
        material.supplied_at = clock.now()
        material.save(update_fields=["status", "source", "evidence", "problem", "supplied_at"])
    audit_record(actor=actor, action="case.evidence_fetched", entity="case", entity_id=case.pk,
                 data={"evidence_type": answer.request.evidence_type})


@transaction.atomic
def deadline_scan() -> dict[str, int]:
    """Electronic supervision (电子监察) of running cases against their stored deadlines:
    a yellow alert once the rule's share of the allowed time is used (80% unless the
    administrator set another), a red one past the deadline. Each case gets each alert
    once; deciding the case closes them. A rule turned off raises nothing."""
    now = clock.now()
    running = Case.objects.filter(status__in=RUNNING_CASE_STATUSES)
    red, yellow = rule_setting(AlertKind.OVERDUE), rule_setting(AlertKind.DEADLINE_NEAR)
    overdue = list(
        running.filter(due_at__lte=now).exclude(alert_raised_for_case(kind=AlertKind.OVERDUE))
        .select_related("application", "item", "department")
    ) if red.enabled else []
    near: list[tuple[Case, float]] = []
    if yellow.enabled:
        share = float(yellow.threshold)
        candidates = (running.filter(due_at__gt=now)
                      .exclude(alert_raised_for_case(kind=AlertKind.DEADLINE_NEAR))
                      .select_related("application", "item", "department"))
        if share >= WARN_SHARE:  # the stored yellow mark bounds the search (indexed)
            candidates = candidates.filter(warn_at__lte=now)
        near = [(c, used) for c in candidates if (used := _share_used(c, now)) >= share]
    alerts_raise_many(alerts=[
        *[Alert(kind=AlertKind.OVERDUE, application_number=c.application.number, case_id=c.pk,
                message=_("“%(item)s”已超过办理时限") % {"item": c.item.name},
                evidence=_deadline_evidence(c)) for c in overdue],
        *[Alert(kind=AlertKind.DEADLINE_NEAR, application_number=c.application.number,
                case_id=c.pk,
                message=_("“%(item)s”已用去%(percent)d%%办理时限") % {
                    "item": c.item.name, "percent": int(used * 100)},
                evidence={**_deadline_evidence(c), "share_used": round(used, 2),
                          "rule_threshold": str(yellow.threshold)})
          for c, used in near],
    ])
    return {"yellow": len(near), "red": len(overdue)}


def _share_used(case: Case, now: dt.datetime) -> float:
    """The share of the case's allowed time used at `now`. The stored yellow mark lies at
    WARN_SHARE of the span (a pause moves it with the deadline), which gives the span."""
    if case.due_at is None or case.warn_at is None:
        return 0.0
    span = (case.due_at - case.warn_at) / (1 - WARN_SHARE)
    if span <= dt.timedelta():
        return 1.0
    return max(0.0, 1 - (case.due_at - now) / span)


def _deadline_evidence(case: Case) -> dict[str, Any]:
    return {"application": case.application.number, "item": case.item.name,
            "department": case.department.name, "case": case.pk,
            "started_at": timezone.localtime(case.started_at).strftime("%Y-%m-%d %H:%M")
            if case.started_at else "",
            "due_at": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")
            if case.due_at else ""}


@atomic_audited
def case_reassign(*, case_id: int, assignee_id: int, actor: Any, reason: str = "") -> WorkItem:
    """The department's lead gives a case to one of its reviewers (herself included):
    the current claim, if any, ends as reassigned and the new reviewer's begins. Only a
    lead of the case's department may; only to an active reviewer of that department."""
    _application, case = _locked_case(case_id, actor)
    if not getattr(actor, "department_lead", False):
        raise NotAllowed(_("只有部门负责人可以改派办件"))
    assignee = department_reviewers(department_id=case.department_id).filter(
        pk=assignee_id).first()
    if assignee is None:
        raise InvalidInput(_("改派对象有误"), {"assignee": _("只能改派给本部门的审批人员")})
    if case.status == CaseStatus.PENDING:
        work_item = _open_work_item(case, assignee)
    elif case.status == CaseStatus.IN_REVIEW:
        current = WorkItem.objects.get(case=case, finished_at__isnull=True)
        if current.assignee_id == assignee.pk:
            raise Conflict(_("该办件已由 %(name)s 办理") % {
                "name": assignee.get_full_name() or assignee.username})
        _finish(current, WorkItemOutcome.REASSIGNED, reason.strip())
        work_item = WorkItem.objects.create(case=case, department_id=case.department_id,
                                            assignee=assignee, claimed_at=clock.now())
    else:
        raise Conflict(
            _("该办件已是“%(status)s”状态，不能改派") % {"status": case.get_status_display()}
        )
    audit_record(actor=actor, action="case.reassigned", entity="case", entity_id=case.pk,
                 data={"to": assignee.pk, "reason": reason.strip()})
    return work_item


def _refusal_decision(*, case: Case, refusal: RefusalKind, actor: Any) -> None:
    """Issue the written decision of a refusal, naming where the applicant may turn."""
    application = case.application
    applied = timezone.localdate(application.submitted_at)
    remedies = remedies_for(department=case.department)
    refusal_decision_issue(case=case, title=str(DECISION_TITLES[refusal]), actor=actor, data={
        "refusal": refusal.value, "decision": str(refusal.label),
        "item": case.item.name, "item_code": case.item.code,
        "application": application.number,
        "applied_on": _("%(y)d年%(m)d月%(d)d日") % {"y": applied.year, "m": applied.month,
                                                    "d": applied.day},
        "reason": case.decision_reason, "legal_basis": case.decision_legal_basis,
        "review_body": remedies.review_body, "review_days": REVIEW_DAYS,
        "court": remedies.court, "litigation_months": LITIGATION_MONTHS,
    })


def _result_release_or_withhold(*, application: Application, actor: Any) -> None:
    """No case is open and one at least was approved. The results are issued and
    delivered — unless a material accepted under 容缺 is still to come: then they wait
    for it (`tolerated_material_supply`) and the application stays accepted."""
    waiting = tolerated_outstanding(application)
    if waiting:
        audit_record(actor=actor, action="application.result_withheld", entity="application",
                     entity_id=application.number,
                     data={"tolerated": [m.key for m in waiting]})
        return
    application_finish(application=application, approved=True, actor=actor)
    certificates_issue(application=application, actor=actor)
    delivery_prepare(application=application, actor=actor)


@files_guard()
@atomic_audited
def tolerated_material_supply(*, number: str, uploads: Sequence[Upload],
                              actor: Any) -> Application:
    """The applicant supplies materials accepted under 容缺 (online, or the window for
    her). Once none is outstanding and no case is open any more, the withheld result is
    issued and delivered. Past a material's due date the supply is refused and nothing
    changes (`tolerated_supply`); the overdue scan has told supervision."""
    application = application_lock(number=number)
    own = application.applicant_id == actor.pk or (
        bool(actor.id_number) and actor.id_number == application.applicant_id_number)
    if not (actor.role == Role.CLERK or (actor.role == Role.CITIZEN and own)):
        raise NotAllowed(_("只有申请人本人或综合受理窗口可以补交材料"))
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict(_("办件当前状态为“%(status)s”，不能补交容缺材料")
                       % {"status": application.get_status_display()})
    tolerated_supply(application=application, uploads=uploads, actor=actor)
    alerts_resolve_for_application(application_number=number,
                                   kinds=[AlertKind.TOLERATED_OVERDUE])
    _application_settle(application=application, actor=actor)
    return application


@atomic_audited
def tolerated_deadline_extend(*, case_id: int, key: str, working_days: int, reason: str,
                              actor: Any) -> Application:
    """A reviewer of a department whose case names the material gives the applicant more
    time for it (after the deadline, or before it): the new due date runs from now."""
    application, case = _locked_case(case_id, actor)
    if key not in case_material_keys(subject=subject_of(application), item_code=case.item.code):
        raise InvalidInput(_("延期补交有误"), {"key": _("该材料不属于本部门办理的事项")})
    tolerated_due_extend(application=application, key=key, working_days=working_days,
                         reason=reason, actor=actor)
    alerts_resolve_for_application(application_number=application.number,
                                   kinds=[AlertKind.TOLERATED_OVERDUE])
    return application


@transaction.atomic
def tolerated_overdue_scan() -> int:
    """Electronic supervision of 容缺: an accepted application with a tolerated material
    past its due date gets one alert (until the material arrives or the date is moved);
    its result stays withheld. Returns how many alerts were raised."""
    now = clock.now()
    overdue = (ApplicationMaterial.objects
               .filter(status=MaterialStatus.TOLERATED, due_at__lte=now,
                       application__status=ApplicationStatus.ACCEPTED)
               .select_related("application").order_by("application_id", "due_at"))
    by_application: dict[str, list[ApplicationMaterial]] = {}
    for material in overdue:
        by_application.setdefault(material.application.number, []).append(material)
    open_already = alerts_open_numbers(kind=AlertKind.TOLERATED_OVERDUE,
                                       numbers=list(by_application))
    alerts = [
        Alert(kind=AlertKind.TOLERATED_OVERDUE, application_number=number,
              message=_("容缺受理的材料逾期未补交：%(names)s；结果暂缓出具，请审批部门联系申请人")
              % {"names": "、".join(m.name for m in materials)})
        for number, materials in by_application.items() if number not in open_already
    ]
    alerts_raise_many(alerts=alerts)
    for alert in alerts:
        _tolerated_overdue_record(by_application[alert.application_number])
    return len(alerts)


def _tolerated_overdue_record(materials: list[ApplicationMaterial]) -> None:
    """The applicant promised a 容缺 material and let its date pass: a minor credit record
    (one per application; moving the date or supplying it later does not erase it — an
    objection or repair does, docs/credit.md)."""
    application = materials[0].application
    credit_record_add(
        subject_kind=SubjectKind(application.applicant_kind),
        subject_code=application.applicant_id_number,
        subject_name=application.applicant_name, source=CreditSource.TOLERATED_OVERDUE,
        reference=application.number, severity=Severity.MINOR,
        fact=_("办件 %(number)s 容缺受理承诺补交的材料逾期未补交：%(names)s") % {
            "number": application.number, "names": "、".join(m.name for m in materials)},
        legal_basis=str(LEGAL_BASIS[CreditSource.TOLERATED_OVERDUE]),
        region_id=application.region_id,
        valid_days=VALID_DAYS[CreditSource.TOLERATED_OVERDUE])


@atomic_audited
def remedy_bodies_set(*, review_body: str, court: str, actor: Any,
                      region_code: str = "", department_code: str = "") -> RemedyBodies:
    """Name the review body and the court that refusals of a department, or of every
    department in a region's subtree, tell the applicant about (exactly one of the two)."""
    errors = {}
    if not review_body.strip():
        errors["review_body"] = _("请填写行政复议机关")
    if not court.strip():
        errors["court"] = _("请填写管辖人民法院")
    if bool(region_code) == bool(department_code):
        errors["scope"] = _("请指定一个行政区划或一个部门")
    if errors:
        raise InvalidInput(_("复议和诉讼机关设置有误"), errors)
    target: dict[str, Any] = (
        {"region": Region.objects.filter(code=region_code).first()} if region_code
        else {"department": Department.objects.filter(code=department_code).first()})
    if None in target.values():
        raise NotFound(_("行政区划或部门 %(code)s 不存在")
                       % {"code": region_code or department_code})
    bodies, _created = RemedyBodies.objects.update_or_create(
        **target, defaults={"review_body": review_body.strip(), "court": court.strip()})
    audit_record(actor=actor, action="remedy_bodies.set", entity="remedy_bodies",
                 entity_id=bodies.pk, data={"scope": region_code or department_code,
                                            "review_body": bodies.review_body,
                                            "court": bodies.court})
    return bodies


FEE_MAX = Decimal("100000000")


@atomic_audited
def case_fee_record(*, case_id: int, actor: Any, amount_yuan: str, basis: str) -> CaseDemand:
    """Record a fee the department charged on its case, with its basis. Electronic
    supervision holds it against the guide (收费: an item the guide says is free)."""
    errors = {}
    try:
        amount = Decimal(str(amount_yuan).strip())
    except InvalidOperation:
        amount = Decimal(-1)
    if not (Decimal(0) < amount < FEE_MAX) or amount != amount.quantize(Decimal("0.01")):
        errors["amount_yuan"] = _("请填写大于 0 的金额，最多两位小数")
    if not basis.strip():
        errors["basis"] = _("请写明收费依据")
    if errors:
        raise InvalidInput(_("收费记录有误"), errors)
    amount = amount.quantize(Decimal("0.01"))
    _application, case = _locked_case(case_id, actor)
    demand = CaseDemand.objects.create(case=case, kind=DemandKind.FEE, amount_yuan=amount,
                                       reason=basis.strip(), actor=actor, at=clock.now())
    audit_record(actor=actor, action="case.fee_recorded", entity="case", entity_id=case.pk,
                 data={"amount_yuan": str(amount), "basis": demand.reason})
    fee_not_in_guide_check(case=case, demand_id=demand.pk, amount=amount, basis=demand.reason)
    return demand


@atomic_audited
def case_material_demand(*, case_id: int, actor: Any, name: str, reason: str) -> CaseDemand:
    """Record a material the department asked for outside a correction notice (one the
    notice cannot name: not on the application's material list). Electronic supervision
    holds it against the item's guide (材料: a material the guide does not list)."""
    errors = {}
    if not name.strip() or len(name.strip()) > 255:
        errors["name"] = _("请填写材料名称（最多 255 个字）")
    if not reason.strip():
        errors["reason"] = _("请说明要求该材料的理由")
    if errors:
        raise InvalidInput(_("材料要求记录有误"), errors)
    _application, case = _locked_case(case_id, actor)
    demand = CaseDemand.objects.create(case=case, kind=DemandKind.MATERIAL, name=name.strip(),
                                       reason=reason.strip(), actor=actor, at=clock.now())
    audit_record(actor=actor, action="case.material_demanded", entity="case",
                 entity_id=case.pk, data={"name": demand.name, "reason": demand.reason})
    material_beyond_guide_check(case=case, demand_id=demand.pk, name=demand.name,
                                reason=demand.reason)
    return demand
