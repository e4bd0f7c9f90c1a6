"""Department cases: acceptance into cases, stage order, and the case clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import (
    ApplicationStatus,
    CaseStatus,
    NoticeKind,
)
from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseStatusChange,
    OneTimeNotice,
)
from onevisit.applications.services.common import (
    actor_or_none,
    application_transition,
    case_transition,
    serial_number,
)
from onevisit.applications.services.notices import notice_issue
from onevisit.applications.services.subjects import Subject
from onevisit.applications.services.tolerated import tolerated_due_set
from onevisit.audit.services import audit_record
from onevisit.supervision.models import AlertKind
from onevisit.supervision.services import alert_raise
from onevisit.workflow.calendar import deadline_after, time_remaining


def application_accept(*, application: Application, subject: Subject, actor: Any) -> list[Case]:
    """Acceptance: one receipt, one case per item; cases whose stage depends on no other
    start at once, in parallel (DESIGN.md §3 rule 4)."""
    now = clock.now()
    application_transition(application, ApplicationStatus.ACCEPTED, actor)
    deadline = deadline_after(
        start=now, limit=application.committed_limit, unit=application.limit_unit
    )
    application.accepted_at = now
    application.due_at = deadline.due_at
    application.due_provisional = deadline.provisional
    application.receipt_number = serial_number("SL", application.pk)
    application.save(update_fields=[
        "status", "accepted_at", "due_at", "due_provisional", "receipt_number",
    ])
    cases = []
    for stage in subject.stages:
        case = Case(
            application=application, item=stage.item, department=stage.item.department,
            stage_key=stage.key, depends_on=stage.depends_on,
            status=CaseStatus.WAITING if stage.depends_on else CaseStatus.PENDING,
        )
        if not stage.depends_on:
            _clock_start(case, now)
        cases.append(case)
    Case.objects.bulk_create(cases)
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=case, status=case.status, at=now, actor=actor_or_none(actor))
        for case in cases
    )
    tolerated_due_set(application=application, subject=subject, now=now)
    if deadline.provisional:
        alert_raise(kind=AlertKind.CALENDAR_NOT_COVERED, application_number=application.number,
                    message=_("工作日历未覆盖办理期限所在年份，期限按周末规则暂计"))
    audit_record(actor=actor, action="application.accepted", entity="application",
                 entity_id=application.number,
                 data={"receipt": application.receipt_number, "cases": len(cases),
                       "due_at": application.due_at})
    return cases


# Yellow (黄牌) once this share of the allowed time is used; red (红牌) past the deadline.
WARN_SHARE = 0.8


def _clock_start(case: Case, now: dt.datetime) -> None:
    deadline = deadline_after(start=now, limit=case.item.committed_limit,
                              unit=case.item.limit_unit)
    case.started_at = now
    case.due_at = deadline.due_at
    case.due_provisional = deadline.provisional
    case.warn_at = now + (deadline.due_at - now) * WARN_SHARE


def case_clock_pause(*, case: Case, materials: list[ApplicationMaterial], actor: Any,
                     note: str) -> OneTimeNotice:
    """Correction request (补正): one notice naming everything; the case clock stops."""
    now = clock.now()
    notice = notice_issue(application=case.application, kind=NoticeKind.CORRECTION,
                           materials=materials, actor=actor, case=case)
    case_transition(case=case, to=CaseStatus.CORRECTION, actor=actor, note=note)
    case.remaining = time_remaining(now=now, due_at=case.due_at or now,
                                    unit=case.item.limit_unit)
    case.paused_at = now
    case.save(update_fields=["status", "remaining", "paused_at"])
    return notice


def case_clock_resume(*, case: Case, actor: Any) -> None:
    """The correction arrived: the case returns to the queue with the time it had left."""
    now = clock.now()
    case_transition(case=case, to=CaseStatus.PENDING, actor=actor, note=_("补正材料已提交"))
    deadline = deadline_after(start=now, limit=case.remaining or 0, unit=case.item.limit_unit)
    # The yellow mark keeps its distance from the deadline: the pause moved both.
    margin = (case.due_at - case.warn_at) if case.due_at and case.warn_at else dt.timedelta()
    case.due_at = deadline.due_at
    case.warn_at = max(now, deadline.due_at - margin)
    case.due_provisional = deadline.provisional
    case.paused_at = None
    case.remaining = None
    case.save(update_fields=["status", "due_at", "warn_at", "due_provisional", "paused_at",
                             "remaining"])
    audit_record(actor=actor, action="case.resumed", entity="case", entity_id=case.pk,
                 data={"due_at": case.due_at})


def cases_start_ready(*, application: Application, actor: Any) -> list[Case]:
    """Start every waiting case whose stages it depends on are all approved."""
    cases = list(application.cases.select_for_update().select_related("item"))
    approved = {c.stage_key for c in cases if c.status == CaseStatus.APPROVED}
    started = []
    now = clock.now()
    for case in cases:
        if case.status == CaseStatus.WAITING and set(case.depends_on) <= approved:
            case_transition(case=case, to=CaseStatus.PENDING, actor=actor)
            _clock_start(case, now)
            case.save(update_fields=["status", "started_at", "due_at", "warn_at",
                                     "due_provisional"])
            started.append(case)
    return started


def application_finish(*, application: Application, approved: bool, actor: Any) -> None:
    """Close the application once its cases are decided (completed or rejected)."""
    now = clock.now()
    target = ApplicationStatus.COMPLETED if approved else ApplicationStatus.REJECTED
    application_transition(application, target, actor)
    application.completed_at = now
    application.save(update_fields=["status", "completed_at"])
    audit_record(actor=actor, action=f"application.{target}", entity="application",
                 entity_id=application.number, data={})
