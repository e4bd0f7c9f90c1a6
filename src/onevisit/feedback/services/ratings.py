"""Rating a finished application (好差评) and the rectification (整改) a bad rating opens:
each department of the application calls the citizen back and records what it changed by
a working-day deadline; the citizen gives a second verdict; a scan raises an alert once
when a deadline passes unanswered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from onevisit import clock
from onevisit.accounts.models import Department, Role
from onevisit.applications.constants import ApplicationStatus
from onevisit.applications.models import Application
from onevisit.applications.services import application_lock
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.feedback.constants import (
    ALLOWED_RECTIFICATION_TRANSITIONS,
    RECTIFICATION_DAYS,
    RectificationStatus,
)
from onevisit.feedback.models import BAD_SCORE_MAX, Rating, Reason, Rectification, Score
from onevisit.feedback.services.common import own_application, text_clean
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send
from onevisit.supervision.constants import AlertStatus
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.services import alert_raise
from onevisit.workdays.calendar import deadline_after
from onevisit.workdays.constants import LimitUnit

RATABLE_STATUSES = (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED)
ANSWERED_CLOSED_REASON = gettext_noop("部门已回访整改")
TEXT_MAX = 2000


def _clean(score: int, reasons: Iterable[str], comment: str) -> tuple[int, list[str], str]:
    errors: dict[str, Any] = {}
    if score not in Score.values:
        errors["score"] = _("评价应为1至5")
    chosen = sorted(set(reasons))
    unknown = [code for code in chosen if code not in Reason.values]
    if unknown:
        errors["reasons"] = _("未知的原因：%(codes)s") % {"codes": ", ".join(unknown)}
    elif score in Score.values and score <= BAD_SCORE_MAX and not chosen:
        errors["reasons"] = _("差评请至少选择一项原因")
    comment = comment.strip()
    if len(comment) > 500:
        errors["comment"] = _("意见不能超过500字")
    if errors:
        raise InvalidInput(_("评价有误"), errors)
    if score > BAD_SCORE_MAX:
        chosen = []  # reasons explain a bad rating only
    return score, chosen, comment


def _window_of(application: Application) -> str:
    """The hall window that accepted the application ("" : filed online): the window of
    the last queue number it was served at."""
    row = (application.queue_tickets.filter(window__isnull=False)
           .order_by("-serving_at", "-id")
           .values_list("window__hall__name", "window__number", "window__name").first())
    if row is None:
        return ""
    hall, number, name = row
    return _("%(hall)s %(number)s号窗口（%(name)s）") % {"hall": hall, "number": number,
                                                     "name": name}


@atomic_audited
def rating_submit(*, number: str, score: int, reasons: Iterable[str] = (), comment: str = "",
                  actor: Any) -> Rating:
    """The applicant rates a finished application, once. Sending the same rating again
    returns it; a different one is refused. The rating records who served: the
    departments of the application's cases and the window that accepted it. A bad rating
    raises an alert and opens a rectification for each of those departments."""
    score, chosen, comment = _clean(score, reasons, comment)
    application = application_lock(number=number)
    if not own_application(application, actor):
        raise NotAllowed(_("只有申请人本人可以评价"))
    if application.status not in RATABLE_STATUSES:
        raise Conflict(_("办结后才能评价"))
    existing = Rating.objects.filter(application=application).first()
    if existing is not None:
        if (existing.score, existing.reasons, existing.comment) == (score, chosen, comment):
            return existing
        raise Conflict(_("该办件已经评价过"))
    now = clock.now()
    rating = Rating.objects.create(application=application, score=score, reasons=chosen,
                                   comment=comment, rated_by=actor, rated_at=now,
                                   window=_window_of(application))
    departments = list(Department.objects.filter(cases__application=application)
                       .distinct().order_by("code"))
    rating.departments.set(departments)
    audit_record(actor=actor, action="rating.submitted", entity="application",
                 entity_id=number, data={"score": score, "reasons": chosen,
                                         "departments": [d.code for d in departments],
                                         "window": rating.window})
    if rating.bad:
        alert_raise(
            kind=AlertKind.BAD_RATING, application_number=number,
            message=_("差评：%(reasons)s %(comment)s") % {
                "reasons": "、".join(rating.reason_labels()), "comment": comment},
        )
        deadline = deadline_after(start=now, limit=RECTIFICATION_DAYS,
                                  unit=LimitUnit.WORKING_DAYS)
        for department in departments:
            rectification = Rectification.objects.create(
                rating=rating, department=department, opened_at=now,
                due_at=deadline.due_at, due_provisional=deadline.provisional)
            audit_record(actor=actor, action="rectification.opened", entity="rectification",
                         entity_id=rectification.pk,
                         data={"application": number, "department": department.code,
                               "due_at": deadline.due_at})
    return rating


def _locked(rectification_id: int) -> Rectification:
    rectification = (Rectification.objects.select_for_update()
                     .select_related("rating__application", "department")
                     .filter(pk=rectification_id).first())
    if rectification is None:
        raise NotFound(_("整改事项不存在"))
    return rectification


def _move(rectification: Rectification, to: RectificationStatus) -> None:
    """The one place a rectification changes state."""
    if to not in ALLOWED_RECTIFICATION_TRANSITIONS[rectification.status]:
        raise Conflict(_("整改事项当前为“%(status)s”，不能改为“%(to)s”") % {
            "status": RectificationStatus(rectification.status).label, "to": to.label})
    rectification.status = to


@atomic_audited
def rectification_answer(*, rectification_id: int, actor: Any, called_at: dt.datetime | None,
                         called_person: str, call_summary: str, measures: str) -> Rectification:
    """The department's answer from its workbench: the return call (回访) — when, whom it
    spoke to, what was said — and the rectification it took. Only the department's own
    staff answer; once. The citizen is told and asked for her second verdict."""
    errors: dict[str, Any] = {}
    person = text_clean(called_person, field="called_person", label=_("回访对象"), limit=64,
                        errors=errors)
    summary = text_clean(call_summary, field="call_summary", label=_("回访情况"),
                         limit=TEXT_MAX, errors=errors)
    taken = text_clean(measures, field="measures", label=_("整改措施"), limit=TEXT_MAX,
                       errors=errors)
    now = clock.now()
    if called_at is None:
        errors["called_at"] = _("请填写回访时间")
    elif called_at > now:
        errors["called_at"] = _("回访时间不能晚于现在")
    if errors or called_at is None:
        raise InvalidInput(_("整改答复有误"), errors)
    rectification = _locked(rectification_id)
    if (getattr(actor, "role", None) != Role.REVIEWER
            or getattr(actor, "department_id", None) != rectification.department_id):
        raise NotAllowed(_("只有被评价部门的人员能答复整改"))
    if called_at < rectification.opened_at:
        raise InvalidInput(_("整改答复有误"), {"called_at": _("回访时间不能早于差评时间")})
    _move(rectification, RectificationStatus.ANSWERED)
    rectification.called_at = called_at
    rectification.called_person = person
    rectification.call_summary = summary
    rectification.measures = taken
    rectification.answered_by = actor
    rectification.answered_at = now
    rectification.save(update_fields=["status", "called_at", "called_person", "call_summary",
                                      "measures", "answered_by", "answered_at"])
    application = rectification.rating.application
    audit_record(actor=actor, action="rectification.answered", entity="rectification",
                 entity_id=rectification.pk,
                 data={"application": application.number,
                       "department": rectification.department.code,
                       "late": now > rectification.due_at})
    Alert.objects.filter(kind=AlertKind.RECTIFICATION_OVERDUE, subject=rectification.subject,
                         resolved_at__isnull=True).update(
        status=AlertStatus.CLOSED, resolved_at=now, close_reason=ANSWERED_CLOSED_REASON)
    notification_send(
        event=NotifyEvent.RECTIFIED, key=rectification.subject, user=application.applicant,
        context={"title": application.title, "number": application.number,
                 "department": rectification.department.name, "measures": taken[:200]},
        link=f"/me/applications/{application.number}/")
    return rectification


@atomic_audited
def rectification_second_verdict(*, rectification_id: int, actor: Any, score: int,
                                 comment: str = "") -> Rectification:
    """The citizen's second verdict (复评) on a department's rectification, once."""
    errors: dict[str, Any] = {}
    if score not in Score.values:
        errors["score"] = _("评价应为1至5")
    text = text_clean(comment, field="comment", label=_("意见"), limit=500, errors=errors,
                      required=False)
    if errors:
        raise InvalidInput(_("复评有误"), errors)
    rectification = _locked(rectification_id)
    if not own_application(rectification.rating.application, actor):
        raise NotFound(_("整改事项不存在"))
    satisfied = score > BAD_SCORE_MAX
    _move(rectification, RectificationStatus.SATISFIED if satisfied
          else RectificationStatus.UNSATISFIED)
    rectification.second_score = score
    rectification.second_comment = text
    rectification.second_at = clock.now()
    rectification.save(update_fields=["status", "second_score", "second_comment", "second_at"])
    audit_record(actor=actor, action="rectification.second_verdict", entity="rectification",
                 entity_id=rectification.pk,
                 data={"application": rectification.rating.application.number,
                       "score": score})
    return rectification


@transaction.atomic
def rectifications_overdue_scan() -> int:
    """Raise RECTIFICATION_OVERDUE once for every rectification past its deadline
    without an answer (the supervisors' inbox), with the facts as evidence."""
    now = clock.now()
    overdue = list(Rectification.objects.select_for_update()
                   .filter(status=RectificationStatus.OPEN, due_at__lt=now,
                           overdue_at__isnull=True)
                   .select_related("rating__application", "department"))
    for rectification in overdue:
        rectification.overdue_at = now
        rectification.save(update_fields=["overdue_at"])
        rating = rectification.rating
        alert_raise(
            kind=AlertKind.RECTIFICATION_OVERDUE,
            application_number=rating.application.number, subject=rectification.subject,
            message=_("%(department)s 未在期限内回访整改差评") % {
                "department": rectification.department.name},
            evidence={"department": rectification.department.name,
                      "score": rating.get_score_display(),
                      "reasons": rating.reason_labels(), "comment": rating.comment,
                      "opened_at": rectification.opened_at.isoformat(),
                      "due_at": rectification.due_at.isoformat()},
        )
        audit_record(actor=None, action="rectification.overdue", entity="rectification",
                     entity_id=rectification.pk, data={"due_at": rectification.due_at})
    return len(overdue)
