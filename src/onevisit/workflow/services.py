"""Back-office work (后台审批): claims, decisions and corrections on department cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import transaction
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import (
    OPEN_CASE_STATUSES,
    RUNNING_CASE_STATUSES,
    CaseStatus,
    MaterialStatus,
)
from onevisit.applications.models import Application, Case, OneTimeNotice
from onevisit.applications.services import (
    application_finish,
    case_clock_pause,
    case_lock,
    case_material_keys,
    case_transition,
    cases_start_ready,
    subject_of,
)
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.models import EvidenceType
from onevisit.certificates.services import certificates_issue
from onevisit.delivery.services import delivery_prepare
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.exchange.models import FetchOutcome
from onevisit.exchange.services import (
    Fetched,
    FetchRequest,
    PurposeRefused,
    evidence_fetch_logged,
)
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.selectors import alert_open_for_case
from onevisit.supervision.services import alerts_raise_many, alerts_resolve
from onevisit.workflow.models import WorkItem, WorkItemOutcome

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
    """The reviewer's claim on the case; claiming it first if it is still in the queue."""
    if case.status == CaseStatus.PENDING:
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
    """Approve a department's case. Later stages start; when every case is approved the
    application completes, its results are issued and its one delivery prepared."""
    application, case = _locked_case(case_id, actor)
    work_item = _open_work_item(case, actor)
    _finish(work_item, WorkItemOutcome.APPROVED, note)
    case = case_transition(case_id=case.pk, to=CaseStatus.APPROVED, actor=actor, note=note)
    alerts_resolve(case_id=case.pk, kinds=[AlertKind.DEADLINE_NEAR, AlertKind.OVERDUE])
    audit_record(actor=actor, action="case.approved", entity="case", entity_id=case.pk,
                 data={"application": application.number})
    cases_start_ready(application=application, actor=actor)
    if not application.cases.exclude(status=CaseStatus.APPROVED).exists():
        application_finish(application=application, approved=True, actor=actor)
        certificates_issue(application=application, actor=actor)
        delivery_prepare(application=application, actor=actor)
    return case


@atomic_audited
def case_reject(*, case_id: int, actor: Any, reason: str, legal_basis: str) -> Case:
    """Refuse (不予许可) with the reason and its legal basis; the application is refused
    and the other departments' open cases end."""
    errors = {}
    if not reason.strip():
        errors["reason"] = _("不予许可必须说明理由")
    if not legal_basis.strip():
        errors["legal_basis"] = _("不予许可必须写明法律依据")
    if errors:
        raise InvalidInput(_("不予许可决定不完整"), errors)
    application, case = _locked_case(case_id, actor)
    work_item = _open_work_item(case, actor)
    _finish(work_item, WorkItemOutcome.REJECTED, reason)
    case = case_transition(case_id=case.pk, to=CaseStatus.REJECTED, actor=actor, note=reason,
                           legal_basis=legal_basis)
    for other in application.cases.filter(status__in=OPEN_CASE_STATUSES):
        WorkItem.objects.filter(case=other, finished_at__isnull=True).update(
            finished_at=clock.now(), outcome=WorkItemOutcome.CANCELLED
        )
        case_transition(case_id=other.pk, to=CaseStatus.CANCELLED, actor=actor,
                        note=_("其他部门不予许可"))
    alerts_resolve(case_id=case.pk, kinds=[AlertKind.DEADLINE_NEAR, AlertKind.OVERDUE])
    audit_record(actor=actor, action="case.rejected", entity="case", entity_id=case.pk,
                 data={"reason": reason, "legal_basis": legal_basis})
    application_finish(application=application, approved=False, actor=actor)
    return case


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
    work_item = _open_work_item(case, actor)
    named = []
    for entry in entries:
        material = materials[entry.key]
        material.status = MaterialStatus.INVALID
        material.problem = entry.problem.strip()
        material.save(update_fields=["status", "problem"])
        named.append(material)
    notice = case_clock_pause(case_id=case.pk, materials=named, actor=actor, note=note)
    _finish(work_item, WorkItemOutcome.CORRECTION, note)
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
    a yellow alert once 80% of the allowed time is used, a red one past the deadline. Each
    case gets each alert once; deciding the case closes them."""
    now = clock.now()
    running = Case.objects.filter(status__in=RUNNING_CASE_STATUSES)
    overdue = list(
        running.filter(due_at__lte=now).exclude(alert_open_for_case(kind=AlertKind.OVERDUE))
        .select_related("application", "item")
    )
    near = list(
        running.filter(warn_at__lte=now, due_at__gt=now)
        .exclude(alert_open_for_case(kind=AlertKind.DEADLINE_NEAR))
        .select_related("application", "item")
    )
    alerts_raise_many(alerts=[
        *[Alert(kind=AlertKind.OVERDUE, application_number=c.application.number, case_id=c.pk,
                message=_("“%(item)s”已超过办理时限") % {"item": c.item.name})
          for c in overdue],
        *[Alert(kind=AlertKind.DEADLINE_NEAR, application_number=c.application.number,
                case_id=c.pk,
                message=_("“%(item)s”已用去八成办理时限") % {"item": c.item.name})
          for c in near],
    ])
    return {"yellow": len(near), "red": len(overdue)}
