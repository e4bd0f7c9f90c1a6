"""Raising alerts, and the supervisor's work on them: acknowledge, 督办 (follow-up order
to a department, answered by it by a working-day deadline), close with a reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from onevisit import clock
from onevisit.accounts.models import Department, Role
from onevisit.accounts.regions import scope_of, within
from onevisit.applications.models import Application
from onevisit.applications.receivers import Anomaly
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.supervision.constants import (
    ALLOWED_ALERT_TRANSITIONS,
    ALLOWED_FOLLOW_UP_TRANSITIONS,
    FOLLOW_UP_DAYS_MAX,
    AlertStatus,
    FollowUpStatus,
)
from onevisit.supervision.models import Alert, AlertKind, FollowUpOrder, SupervisionRule
from onevisit.supervision.registry import RULES, THRESHOLD_BOUNDS
from onevisit.workdays.calendar import deadline_after
from onevisit.workdays.constants import LimitUnit

# What an alert closed by its own rule says (the case it watched was decided).
# Stored in Chinese, translated when read (selectors.alert_close_reason).
RULE_CLOSED_REASON = gettext_noop("办件已办结，时限不再计算")
ANSWERED_CLOSED_REASON = gettext_noop("部门已答复督办")
TEXT_MAX = 2000


def alert_raise(
    *, kind: AlertKind, application_number: str, message: str, case_id: int = 0,
    subject: str = "", evidence: dict[str, Any] | None = None, region_id: str | None = None,
) -> Alert:
    """Raise an alert, or return the open one of the same kind for the same subject with
    its message brought up to date (a third visit is reported as three, not two). An
    alert about an application belongs to its region; one about no application (blank
    number, a `subject` instead) to the `region_id` given."""
    region = (_regions_of([application_number]).get(application_number)
              if application_number else region_id)
    alert, created = Alert.objects.get_or_create(
        kind=kind, application_number=application_number, case_id=case_id, subject=subject,
        resolved_at=None, defaults={
            "message": message, "raised_at": clock.now(), "region_id": region,
            "evidence": evidence or {},
        },
    )
    changed = [name for name, value in (("message", message), ("evidence", evidence))
               if value is not None and getattr(alert, name) != value]
    if not created and changed:
        alert.message = message
        if evidence is not None:
            alert.evidence = evidence
        alert.save(update_fields=changed)
    return alert


def alerts_raise_many(*, alerts: list[Alert]) -> None:
    """Raise many alerts at once; one already open for the same subject is left alone."""
    now = clock.now()
    regions = _regions_of([alert.application_number for alert in alerts])
    for alert in alerts:
        alert.raised_at = now
        alert.region_id = regions.get(alert.application_number)
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)


def _regions_of(numbers: list[str]) -> dict[str, str]:
    """The region of each application: its alerts belong there."""
    return dict(Application.objects.filter(number__in=set(numbers))
                .values_list("number", "region_id"))


def alerts_resolve(*, case_id: int, kinds: list[AlertKind]) -> int:
    """Close a case's open alerts of these kinds (its deadline no longer runs)."""
    return Alert.objects.filter(case_id=case_id, kind__in=kinds,
                                resolved_at__isnull=True).update(
        status=AlertStatus.CLOSED, resolved_at=clock.now(), close_reason=RULE_CLOSED_REASON)


def _supervisor(actor: Any) -> None:
    if getattr(actor, "role", None) != Role.SUPERVISOR and not getattr(
            actor, "is_superuser", False):
        raise NotAllowed(_("只有电子监察人员能处理预警"))


def _text(value: str, *, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("请填写%(what)s") % {"what": what}, {field: _("不能为空")})
    if len(text) > TEXT_MAX:
        raise InvalidInput(_("%(what)s过长") % {"what": what},
                           {field: _("最多 %(max)d 个字") % {"max": TEXT_MAX}})
    return text


def _alert_locked(alert_id: int, actor: Any) -> Alert:
    """The alert, locked, if it lies in the supervisor's region (another region's alert
    is answered as if it did not exist)."""
    alert = (Alert.objects.select_for_update()
             .filter(within("region", scope_of(actor)), pk=alert_id).first())
    if alert is None:
        raise NotFound(_("预警不存在"))
    return alert


def _alert_move(alert: Alert, to: AlertStatus) -> None:
    """The one place an alert changes state: checks ALLOWED_ALERT_TRANSITIONS."""
    if to not in ALLOWED_ALERT_TRANSITIONS[alert.status]:
        raise Conflict(_("预警当前为“%(status)s”，不能改为“%(to)s”") % {
            "status": AlertStatus(alert.status).label, "to": to.label})
    alert.status = to


@atomic_audited
def alert_acknowledge(*, alert_id: int, actor: Any) -> Alert:
    """A supervisor takes the alert in hand (已确认): it leaves the 待处理 list."""
    _supervisor(actor)
    alert = _alert_locked(alert_id, actor)
    _alert_move(alert, AlertStatus.ACKNOWLEDGED)
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by = actor
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    audit_record(actor=actor, action="alert.acknowledged", entity="alert", entity_id=alert.pk,
                 data={"kind": alert.kind, "application": alert.application_number})
    return alert


@atomic_audited
def alert_close(*, alert_id: int, actor: Any, reason: str) -> Alert:
    """Close with the supervisor's reason. Refused while a 督办 waits for its answer: the
    explanation asked for is part of the alert's record."""
    _supervisor(actor)
    text = _text(reason, field="reason", what=_("关闭原因"))
    alert = _alert_locked(alert_id, actor)
    _alert_move(alert, AlertStatus.CLOSED)
    if alert.follow_ups.filter(status=FollowUpStatus.OPEN).exists():
        raise Conflict(_("该预警的督办尚未答复，答复后才能关闭"))
    alert.resolved_at = clock.now()
    alert.closed_by = actor
    alert.close_reason = text
    alert.save(update_fields=["status", "resolved_at", "closed_by", "close_reason"])
    audit_record(actor=actor, action="alert.closed", entity="alert", entity_id=alert.pk,
                 data={"kind": alert.kind, "application": alert.application_number,
                       "reason": text})
    return alert


@atomic_audited
def follow_up_order_send(*, alert_id: int, actor: Any, department_code: str, question: str,
                         days: int) -> FollowUpOrder:
    """督办: ask a department to explain the alert within `days` working days (the
    working-day calendar, DESIGN.md §3 rule 5). An open alert is acknowledged with it."""
    _supervisor(actor)
    text = _text(question, field="question", what=_("督办事项"))
    if not 1 <= days <= FOLLOW_UP_DAYS_MAX:
        raise InvalidInput(_("答复期限应为 1 至 %(max)d 个工作日") % {"max": FOLLOW_UP_DAYS_MAX},
                           {"days": _("1 至 %(max)d") % {"max": FOLLOW_UP_DAYS_MAX}})
    department = Department.objects.filter(within("region", scope_of(actor)),
                                           code=department_code).first()
    if department is None:
        raise InvalidInput(_("没有这个部门"), {"department": _("没有这个部门")})
    alert = _alert_locked(alert_id, actor)
    if alert.status == AlertStatus.CLOSED:
        raise Conflict(_("预警已关闭，不能再督办"))
    if alert.follow_ups.filter(status=FollowUpStatus.OPEN).exists():
        raise Conflict(_("该预警已有待答复的督办"))
    now = clock.now()
    if alert.status == AlertStatus.OPEN:
        _alert_move(alert, AlertStatus.ACKNOWLEDGED)
        alert.acknowledged_at = now
        alert.acknowledged_by = actor
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action="alert.acknowledged", entity="alert",
                     entity_id=alert.pk, data={"kind": alert.kind,
                                               "application": alert.application_number})
    deadline = deadline_after(start=now, limit=days, unit=LimitUnit.WORKING_DAYS)
    order = FollowUpOrder.objects.create(
        alert=alert, department=department, question=text, requested_by=actor,
        requested_at=now, due_at=deadline.due_at,
    )
    audit_record(actor=actor, action="alert.follow_up_sent", entity="alert", entity_id=alert.pk,
                 data={"follow_up": order.pk, "department": department.code, "days": days,
                       "due_at": deadline.due_at, "provisional": deadline.provisional})
    return order


@atomic_audited
def follow_up_answer(*, follow_up_id: int, actor: Any, answer: str) -> FollowUpOrder:
    """The department answers its 督办: only its own reviewers (the lead included)."""
    text = _text(answer, field="answer", what=_("答复内容"))
    order = (FollowUpOrder.objects.select_for_update().select_related("alert")
             .filter(pk=follow_up_id).first())
    if order is None:
        raise NotFound(_("督办不存在"))
    if (getattr(actor, "role", None) != Role.REVIEWER
            or getattr(actor, "department_id", None) != order.department_id):
        raise NotAllowed(_("只有被督办部门的人员能答复这项督办"))
    if FollowUpStatus.ANSWERED not in ALLOWED_FOLLOW_UP_TRANSITIONS[order.status]:
        raise Conflict(_("这项督办已经答复过了"))
    order.status = FollowUpStatus.ANSWERED
    order.answer = text
    order.answered_by = actor
    order.answered_at = clock.now()
    order.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="follow_up.answered", entity="follow_up",
                 entity_id=order.pk, data={"alert": order.alert_id,
                                           "late": order.answered_at > order.due_at})
    alert = order.alert
    if order.escalated_at is not None and not FollowUpOrder.objects.filter(
            alert__application_number=alert.application_number, alert__case_id=alert.case_id,
            status=FollowUpStatus.OPEN, escalated_at__isnull=False).exists():
        Alert.objects.filter(
            kind=AlertKind.FOLLOW_UP_OVERDUE, application_number=alert.application_number,
            case_id=alert.case_id, resolved_at__isnull=True,
        ).update(status=AlertStatus.CLOSED, resolved_at=order.answered_at,
                 close_reason=ANSWERED_CLOSED_REASON)
    return order


@transaction.atomic
def follow_ups_due_scan() -> int:
    """Escalate every 督办 past its deadline without an answer, once: a red alert
    (督办逾期未答复) on the same application and case for the supervisors' inbox."""
    now = clock.now()
    overdue = list(FollowUpOrder.objects.select_for_update()
                   .filter(status=FollowUpStatus.OPEN, due_at__lt=now,
                           escalated_at__isnull=True)
                   .select_related("alert", "department"))
    for order in overdue:
        order.escalated_at = now
        order.save(update_fields=["escalated_at"])
        alert_raise(
            kind=AlertKind.FOLLOW_UP_OVERDUE, application_number=order.alert.application_number,
            case_id=order.alert.case_id,
            message=_("%(department)s 未在期限内答复督办：%(question)s") % {
                "department": order.department.name, "question": order.question},
        )
        audit_record(actor=None, action="follow_up.escalated", entity="follow_up",
                     entity_id=order.pk, data={"alert": order.alert_id,
                                               "due_at": order.due_at})
    return len(overdue)


def alert_from_anomaly(anomaly: Anomaly) -> None:
    """What intake reports (visits over the promise, a year the calendar does not cover)
    becomes an alert."""
    alert_raise(kind=AlertKind(anomaly.kind.value),
                application_number=anomaly.application_number, message=anomaly.message)


def alerts_resolve_for_application(*, application_number: str, kinds: list[AlertKind]) -> int:
    """Close an application's open alerts of these kinds (what they reported is over)."""
    return Alert.objects.filter(application_number=application_number, kind__in=kinds,
                                resolved_at__isnull=True).update(
        status=AlertStatus.CLOSED, resolved_at=clock.now(), close_reason=RULE_CLOSED_REASON)


@atomic_audited
def supervision_rule_set(*, kind: str, enabled: bool, threshold: Decimal, note: str,
                         actor: Any) -> SupervisionRule:
    """An administrator turns a rule on or off or moves its threshold (within the rule's
    bounds); the next event or scan applies it. Recorded in the audit log."""
    if kind not in RULES:
        raise InvalidInput(_("没有这条监察规则"), {"kind": _("没有这条监察规则")})
    low, high = THRESHOLD_BOUNDS.get(AlertKind(kind), (Decimal(0), Decimal(0)))
    if not low <= threshold <= high:
        raise InvalidInput(_("阈值超出范围"), {"threshold": _("应在 %(low)s 至 %(high)s 之间") % {
            "low": low, "high": high}})
    rule, _created = SupervisionRule.objects.select_for_update().get_or_create(kind=kind)
    rule.enabled = enabled
    rule.threshold = threshold
    rule.note = note.strip()[:255]
    rule.updated_at = clock.now()
    rule.save()
    audit_record(actor=actor, action="supervision_rule.set", entity="supervision_rule",
                 entity_id=kind, data={"enabled": enabled, "threshold": str(threshold),
                                       "note": rule.note})
    return rule
