"""Supervision endpoints: the alert inbox (list, detail with evidence, acknowledge, 督办,
close) for supervisors, and a department's 督办 (list, answer) for its reviewers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.api.auth import AUTH
from onevisit.api.idempotency import run_idempotent
from onevisit.api.schemas import MAX_ID, NON_BLANK, ErrorOut, RowId
from onevisit.errors import NotAllowed, NotFound
from onevisit.metrics.evidence import application_evidence
from onevisit.supervision.constants import FOLLOW_UP_DAYS_DEFAULT, FOLLOW_UP_DAYS_MAX
from onevisit.supervision.models import Alert, FollowUpOrder
from onevisit.supervision.selectors import (
    InboxFilter,
    alert_close_reason,
    alert_get,
    alerts_inbox,
    follow_ups_for_department,
    follow_ups_of_alert,
    rules_overview,
)
from onevisit.supervision.services import (
    alert_acknowledge,
    alert_close,
    follow_up_answer,
    follow_up_order_send,
)

router = Router(tags=["supervision"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}
AlertStatusIn = Literal["open", "acknowledged", "closed"]
AlertKindIn = Literal["visits_exceeded", "deadline_near", "overdue", "calendar_not_covered",
                      "bad_rating", "follow_up_overdue", "tolerated_overdue",
                      "second_correction", "material_beyond_guide", "fee_not_in_guide",
                      "pause_too_long", "decided_too_fast", "case_idle",
                      "data_read_without_case", "rectification_overdue", "experience_report",
                      "credit_objection"]


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    application_number: str
    case_id: int | None
    message: str
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    closed_at: dt.datetime | None
    closed_by: str = Field(description="empty when the alert's own rule closed it")
    close_reason: str


class FollowUpOut(Schema):
    id: int
    alert_id: int
    application_number: str
    department: str
    question: str
    requested_at: dt.datetime
    due_at: dt.datetime
    status: str
    escalated_at: dt.datetime | None
    answer: str
    answered_at: dt.datetime | None


class CaseEvidenceOut(Schema):
    id: int
    department: str
    item: str
    status: str
    due_at: dt.datetime | None
    decided_at: dt.datetime | None


class EventEvidenceOut(Schema):
    at: dt.datetime
    action: str
    entity: str
    entity_id: str
    cause: bool = Field(description="one of the facts the alert's rule counts")


class AlertDetailOut(AlertOut):
    rule: str
    application_status: str
    cases: list[CaseEvidenceOut]
    visits: list[dt.datetime]
    rating_score: int | None
    tickets: list[str] = Field(description="numbers of 12345 tickets naming the application")
    events: list[EventEvidenceOut]
    follow_ups: list[FollowUpOut]
    subject: str = Field(description="what the alert is about when not an application")
    evidence: dict[str, Any] = Field(
        description="the facts the alert's rule recorded (keys and numbers, as stored)")


class RuleOut(Schema):
    kind: str
    name: str
    text: str
    when: str
    enabled: bool
    threshold: str = Field(description="empty for a rule without a threshold")
    threshold_label: str
    fired: int


class FollowUpIn(Schema):
    department: str = Field(max_length=32, description="the department's code")
    question: str = Field(max_length=2000, pattern=NON_BLANK)
    days: int = Field(default=FOLLOW_UP_DAYS_DEFAULT, ge=1, le=FOLLOW_UP_DAYS_MAX,
                      description="working days to answer")


class CloseIn(Schema):
    reason: str = Field(max_length=2000, pattern=NON_BLANK)


class AnswerIn(Schema):
    answer: str = Field(max_length=2000, pattern=NON_BLANK)


def _supervisor(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if user.role != Role.SUPERVISOR and not user.is_superuser:
        raise NotAllowed(_("只有电子监察人员能处理预警"))
    return user


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _alert_out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk, "kind": alert.kind, "kind_label": alert.get_kind_display(),
        "status": alert.status, "application_number": alert.application_number,
        "case_id": alert.case_id or None, "message": alert.message,
        "raised_at": alert.raised_at, "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": _name(alert.acknowledged_by), "closed_at": alert.resolved_at,
        "closed_by": _name(alert.closed_by), "close_reason": alert_close_reason(alert),
    }


def _follow_up_out(order: FollowUpOrder) -> dict[str, Any]:
    return {
        "id": order.pk, "alert_id": order.alert_id,
        "application_number": order.alert.application_number,
        "department": order.department.code, "question": order.question,
        "requested_at": order.requested_at, "due_at": order.due_at, "status": order.status,
        "escalated_at": order.escalated_at, "answer": order.answer,
        "answered_at": order.answered_at,
    }


@router.get("/supervision/alerts", auth=AUTH, response={200: list[AlertOut], **ERRORS})
def alerts(request: HttpRequest, status: AlertStatusIn | None = None,
           kind: AlertKindIn | None = None, department: str = "",
           older_than_days: Annotated[int, Field(ge=0, le=3650)] = 0,
           before: Annotated[int, Field(ge=0, le=MAX_ID)] = 0,
           limit: Annotated[int, Field(ge=1, le=200)] = 50) -> list[dict[str, Any]]:
    """The inbox, newest first; the next page: `before` = the last id received."""
    user = _supervisor(request)
    where = InboxFilter(status=status or "", kind=kind or "", department=department,
                        older_than_days=older_than_days)
    rows = alerts_inbox(actor=user, now=clock.now(), where=where, before_id=before or None)
    return [_alert_out(a) for a in rows.select_related("acknowledged_by", "closed_by")[:limit]]


@router.get("/supervision/alerts/{alert_id}", auth=AUTH,
            response={200: AlertDetailOut, **ERRORS})
def alert(request: HttpRequest, alert_id: RowId) -> dict[str, Any]:
    """One alert with its evidence: the rule, the cases, trips, rating, tickets, the
    recorded events, and its 督办."""
    user = _supervisor(request)
    found = alert_get(alert_id=alert_id, actor=user)
    if found is None:
        raise NotFound(_("预警不存在"))
    evidence = application_evidence(number=found.application_number, alert=found)
    return {
        **_alert_out(found), "rule": evidence.rule,
        "application_status": evidence.application.status if evidence.application else "",
        "cases": [{"id": c.pk, "department": c.department.code, "item": c.item.code,
                   "status": c.status, "due_at": c.due_at, "decided_at": c.decided_at}
                  for c in evidence.cases],
        "visits": [v.occurred_at for v in evidence.visits],
        "rating_score": evidence.rating.score if evidence.rating else None,
        "tickets": [t.number for t in evidence.tickets],
        "events": [{"at": e.at, "action": e.action, "entity": e.entity,
                    "entity_id": e.entity_id, "cause": e.cause} for e in evidence.events],
        "follow_ups": [_follow_up_out(o) for o in follow_ups_of_alert(alert=found)],
        "subject": found.subject, "evidence": found.evidence,
    }


@router.get("/supervision/rules", auth=AUTH, response={200: list[RuleOut], **ERRORS})
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    """The rules of electronic supervision as set (on/off, threshold) and how often each
    fired; administrators change them in the admin site."""
    _supervisor(request)
    return [vars(row) for row in rules_overview()]


def _alert_changed(alert: Alert) -> tuple[int, Any]:
    return 200, AlertOut(**_alert_out(alert)).model_dump(mode="json")


@router.post("/supervision/alerts/{alert_id}/acknowledge", auth=AUTH,
             response={200: AlertOut, **ERRORS})
def acknowledge(request: HttpRequest, alert_id: RowId) -> Status[Any]:
    user = _supervisor(request)

    def handler() -> tuple[int, Any]:
        return _alert_changed(alert_acknowledge(alert_id=alert_id, actor=user))

    return run_idempotent(request, endpoint=f"alerts.{alert_id}.acknowledge", payload={},
                          handler=handler)


@router.post("/supervision/alerts/{alert_id}/follow-ups", auth=AUTH,
             response={201: FollowUpOut, **ERRORS})
def follow_up(request: HttpRequest, alert_id: RowId, payload: FollowUpIn) -> Status[Any]:
    """督办: ask a department to explain, within `days` working days."""
    user = _supervisor(request)

    def handler() -> tuple[int, Any]:
        order = follow_up_order_send(alert_id=alert_id, actor=user,
                                     department_code=payload.department,
                                     question=payload.question, days=payload.days)
        return 201, FollowUpOut(**_follow_up_out(order)).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"alerts.{alert_id}.follow_up",
                          payload=payload.dict(), handler=handler)


@router.post("/supervision/alerts/{alert_id}/close", auth=AUTH,
             response={200: AlertOut, **ERRORS})
def close(request: HttpRequest, alert_id: RowId, payload: CloseIn) -> Status[Any]:
    user = _supervisor(request)

    def handler() -> tuple[int, Any]:
        return _alert_changed(alert_close(alert_id=alert_id, actor=user, reason=payload.reason))

    return run_idempotent(request, endpoint=f"alerts.{alert_id}.close",
                          payload=payload.dict(), handler=handler)


def _department_staff(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if user.role != Role.REVIEWER or user.department_id is None:
        raise NotAllowed(_("只有部门人员能答复督办"))
    return user


@router.get("/supervision/follow-ups", auth=AUTH, response={200: list[FollowUpOut], **ERRORS})
def follow_ups(request: HttpRequest,
               limit: Annotated[int, Field(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    """The caller's department's 督办, unanswered first."""
    user = _department_staff(request)
    return [_follow_up_out(o) for o in
            follow_ups_for_department(department_id=user.department_id)
            .select_related("department")[:limit]]


@router.post("/supervision/follow-ups/{follow_up_id}/answer", auth=AUTH,
             response={200: FollowUpOut, **ERRORS})
def answer(request: HttpRequest, follow_up_id: RowId, payload: AnswerIn) -> Status[Any]:
    user = _department_staff(request)

    def handler() -> tuple[int, Any]:
        order = follow_up_answer(follow_up_id=follow_up_id, actor=user, answer=payload.answer)
        return 200, FollowUpOut(**_follow_up_out(order)).model_dump(mode="json")

    return run_idempotent(request, endpoint=f"follow_ups.{follow_up_id}.answer",
                          payload=payload.dict(), handler=handler)
