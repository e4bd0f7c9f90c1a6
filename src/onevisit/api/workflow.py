"""Back-office endpoints: the department queue and decisions; supervision KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from onevisit.accounts.models import Role
from onevisit.accounts.regions import scope_of
from onevisit.api.auth import AUTH
from onevisit.api.idempotency import run_idempotent
from onevisit.api.schemas import (
    NON_BLANK,
    CaseDecisionOut,
    CorrectionIn,
    DecisionIn,
    ErrorOut,
    NoticeOut,
    QueueEntryOut,
    ReassignIn,
    RejectIn,
    RowId,
    ToleratedExtensionIn,
)
from onevisit.applications.models import Case
from onevisit.errors import NotAllowed
from onevisit.metrics.selectors import kpis
from onevisit.workflow.models import CaseDemand
from onevisit.workflow.selectors import department_queue
from onevisit.workflow.services import (
    CorrectionEntry,
    case_approve,
    case_claim,
    case_fee_record,
    case_material_demand,
    case_reassign,
    case_reject,
    case_request_correction,
    tolerated_deadline_extend,
)

router = Router(tags=["workflow"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class FeeIn(Schema):
    amount_yuan: str = Field(max_length=20, description="yuan, at most two decimals")
    basis: str = Field(max_length=2000, pattern=NON_BLANK)


class MaterialDemandIn(Schema):
    name: str = Field(max_length=255, pattern=NON_BLANK)
    reason: str = Field(max_length=2000, pattern=NON_BLANK)


class DemandOut(Schema):
    id: int
    case_id: int
    kind: str
    name: str
    amount_yuan: str
    reason: str
    at: dt.datetime


def _demand_out(demand: CaseDemand) -> dict[str, Any]:
    return {"id": demand.pk, "case_id": demand.case_id, "kind": demand.kind,
            "name": demand.name, "amount_yuan": str(demand.amount_yuan),
            "reason": demand.reason, "at": demand.at}


def _reviewer(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if user.role != Role.REVIEWER or user.department_id is None:
        raise NotAllowed(_("只有部门审批人员能处理办件"))
    return user


def _decision_out(case: Case) -> dict[str, Any]:
    case.application.refresh_from_db(fields=["status"])
    return {"case_id": case.pk, "status": case.status,
            "application_status": case.application.status}


@router.get("/queue", auth=AUTH, response={200: list[QueueEntryOut], **ERRORS})
def queue(request: HttpRequest, limit: int = 100) -> list[dict[str, Any]]:
    """The reviewer's department queue, soonest deadline first."""
    user = _reviewer(request)
    return [
        {"case_id": c.pk, "application_number": c.application.number,
         "title": c.application.title, "item_name": c.item.name, "status": c.status,
         "due_at": c.due_at}
        for c in department_queue(actor=user)[: max(1, min(limit, 500))]
    ]


@router.post("/cases/{case_id}/claim", auth=AUTH, response={200: CaseDecisionOut, **ERRORS})
def claim(request: HttpRequest, case_id: RowId) -> Status[Any]:
    user = _reviewer(request)
    return run_idempotent(
        request, endpoint=f"cases.{case_id}.claim", payload={},
        handler=lambda: (200, _decision_out(case_claim(case_id=case_id, actor=user).case)),
    )


@router.post("/cases/{case_id}/approve", auth=AUTH, response={200: CaseDecisionOut, **ERRORS})
def approve(request: HttpRequest, case_id: RowId, payload: DecisionIn) -> Status[Any]:
    """Approve. When every case of the application is approved it completes: results are
    issued and its one delivery is prepared."""
    user = _reviewer(request)
    return run_idempotent(
        request, endpoint=f"cases.{case_id}.approve", payload=payload.dict(),
        handler=lambda: (200, _decision_out(
            case_approve(case_id=case_id, actor=user, note=payload.note))),
    )


@router.post("/cases/{case_id}/reject", auth=AUTH, response={200: CaseDecisionOut, **ERRORS})
def reject(request: HttpRequest, case_id: RowId, payload: RejectIn) -> Status[Any]:
    """Refuse (不予许可) with the reason and its legal basis."""
    user = _reviewer(request)
    return run_idempotent(
        request, endpoint=f"cases.{case_id}.reject", payload=payload.dict(),
        handler=lambda: (200, _decision_out(case_reject(
            case_id=case_id, actor=user, reason=payload.reason,
            legal_basis=payload.legal_basis, refusal=payload.refusal))),
    )


@router.post("/cases/{case_id}/reassign", auth=AUTH, response={200: CaseDecisionOut, **ERRORS})
def reassign(request: HttpRequest, case_id: RowId, payload: ReassignIn) -> Status[Any]:
    """The department's lead gives the case to one of its reviewers (herself included)."""
    user = _reviewer(request)
    return run_idempotent(
        request, endpoint=f"cases.{case_id}.reassign", payload=payload.dict(),
        handler=lambda: (200, _decision_out(case_reassign(
            case_id=case_id, actor=user, assignee_id=payload.assignee_id,
            reason=payload.reason).case)),
    )


@router.post("/cases/{case_id}/tolerated-extensions", auth=AUTH,
             response={200: CaseDecisionOut, **ERRORS})
def tolerated_extension(request: HttpRequest, case_id: RowId,
                        payload: ToleratedExtensionIn) -> Status[Any]:
    """Give the applicant more working days, from now, for a material accepted under 容缺
    that this case's item names."""
    user = _reviewer(request)

    def handler() -> tuple[int, Any]:
        tolerated_deadline_extend(case_id=case_id, actor=user, key=payload.key,
                                  working_days=payload.working_days, reason=payload.reason)
        return 200, _decision_out(Case.objects.get(pk=case_id))

    return run_idempotent(request, endpoint=f"cases.{case_id}.tolerated_extension",
                          payload=payload.dict(), handler=handler)


@router.post("/cases/{case_id}/corrections", auth=AUTH, response={201: NoticeOut, **ERRORS})
def correction(request: HttpRequest, case_id: RowId, payload: CorrectionIn) -> Status[Any]:
    """Request a correction (补正): all problems in one notice; the case clock pauses."""
    user = _reviewer(request)

    def handler() -> tuple[int, Any]:
        notice = case_request_correction(
            case_id=case_id, actor=user, note=payload.note,
            entries=[CorrectionEntry(key=e.key, problem=e.problem) for e in payload.entries],
        )
        return 201, NoticeOut.from_orm(notice).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"cases.{case_id}.correction",
                          payload=payload.dict(), handler=handler)


@router.post("/cases/{case_id}/fees", auth=AUTH, response={201: DemandOut, **ERRORS})
def fee(request: HttpRequest, case_id: RowId, payload: FeeIn) -> Status[Any]:
    """Record a fee the department charged on its case; electronic supervision holds it
    against the item's guide."""
    user = _reviewer(request)
    return run_idempotent(
        request, endpoint=f"cases.{case_id}.fee", payload=payload.dict(),
        handler=lambda: (201, DemandOut(**_demand_out(case_fee_record(
            case_id=case_id, actor=user, amount_yuan=payload.amount_yuan,
            basis=payload.basis))).model_dump(mode="json")),
    )


@router.post("/cases/{case_id}/material-demands", auth=AUTH,
             response={201: DemandOut, **ERRORS})
def material_demand(request: HttpRequest, case_id: RowId,
                    payload: MaterialDemandIn) -> Status[Any]:
    """Record a material the department asked for outside a correction notice; one the
    item's guide does not list raises an alert."""
    user = _reviewer(request)
    return run_idempotent(
        request, endpoint=f"cases.{case_id}.material_demand", payload=payload.dict(),
        handler=lambda: (201, DemandOut(**_demand_out(case_material_demand(
            case_id=case_id, actor=user, name=payload.name,
            reason=payload.reason))).model_dump(mode="json")),
    )


@router.get("/metrics/kpis", auth=AUTH, response={200: dict[str, float], **ERRORS})
def metrics(request: HttpRequest) -> dict[str, float]:
    """The reform's KPIs from recorded facts (supervisors and the reform office), for the
    supervisor's region and the regions below it."""
    user = request.auth  # type: ignore[attr-defined]
    if user.role != Role.SUPERVISOR and not user.is_superuser:
        raise NotAllowed(_("只有电子监察人员能查看指标"))
    return {k: float(v) for k, v in kpis(scope=scope_of(user)).as_dict().items()}
