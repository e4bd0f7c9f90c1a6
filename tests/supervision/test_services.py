"""Acknowledge, 督办, answer, close: each allowed once, in order, by the right people;
every refusal leaves everything as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.applications.models import Case
from onevisit.audit.models import AuditEvent
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.supervision.constants import (
    ALLOWED_ALERT_TRANSITIONS,
    AlertStatus,
    FollowUpStatus,
)
from onevisit.supervision.models import Alert, AlertKind, FollowUpOrder
from onevisit.supervision.services import (
    alert_acknowledge,
    alert_close,
    alert_raise,
    alerts_resolve,
    follow_up_answer,
    follow_up_order_send,
    follow_ups_due_scan,
)
from onevisit.workflow.services import deadline_scan
from tests.supervision.conftest import NOW, TZ

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return (
        list(Alert.objects.order_by("id").values_list(
            "status", "acknowledged_by", "resolved_at", "closed_by", "close_reason")),
        list(FollowUpOrder.objects.order_by("id").values_list(
            "status", "answer", "answered_by", "escalated_at")),
        AuditEvent.objects.count(),
    )


def _send(raised, world, **overrides):
    arguments = {"alert_id": raised.alert.pk, "actor": world.supervisor,
                 "department_code": world.housing.code, "question": "请说明超期原因",
                 "days": 3, **overrides}
    return follow_up_order_send(**arguments)


def test_acknowledge_then_close_with_a_reason_is_audited(raised, world):
    alert_acknowledge(alert_id=raised.alert.pk, actor=world.supervisor)
    alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason="  已现场核实  ")

    alert = Alert.objects.get(pk=raised.alert.pk)
    assert (alert.status, alert.acknowledged_by, alert.closed_by) == (
        AlertStatus.CLOSED, world.supervisor, world.supervisor)
    assert (alert.acknowledged_at, alert.resolved_at, alert.close_reason) == (
        NOW, NOW, "已现场核实")
    assert list(AuditEvent.objects.filter(entity="alert", entity_id=str(alert.pk))
                .values_list("action", "actor")) == [
        ("alert.acknowledged", world.supervisor.pk), ("alert.closed", world.supervisor.pk)]


def test_a_follow_up_is_due_in_working_days_and_acknowledges_the_alert(raised, world):
    order = _send(raised, world)

    # Wednesday + 3 working days: Thursday, Friday, Monday, to the end of that day.
    assert order.due_at == dt.datetime(2026, 12, 7, 23, 59, 59, tzinfo=TZ)
    assert (order.department, order.status) == (world.housing, FollowUpStatus.OPEN)
    alert = Alert.objects.get(pk=raised.alert.pk)
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, world.supervisor)
    assert list(AuditEvent.objects.filter(entity="alert").values_list("action", flat=True)) == [
        "alert.acknowledged", "alert.follow_up_sent"]


def test_the_department_answers_and_the_supervisor_closes(raised, world):
    order = _send(raised, world)
    reviewer = world.reviewer(world.housing)

    follow_up_answer(follow_up_id=order.pk, actor=reviewer, answer="系统故障导致延误，已办结")
    alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason="部门说明合理")

    order.refresh_from_db()
    assert (order.status, order.answered_by, order.answer) == (
        FollowUpStatus.ANSWERED, reviewer, "系统故障导致延误，已办结")
    assert Alert.objects.get(pk=raised.alert.pk).status == AlertStatus.CLOSED
    assert AuditEvent.objects.filter(action="follow_up.answered", actor=reviewer,
                                     entity_id=str(order.pk)).count() == 1


@pytest.mark.parametrize(("start", "to"), [
    (start, to) for start in AlertStatus.values for to in AlertStatus.values
    if to != AlertStatus.OPEN])
def test_every_alert_transition_follows_the_table(raised, world, start, to):
    Alert.objects.filter(pk=raised.alert.pk).update(
        status=start, resolved_at=NOW if start == AlertStatus.CLOSED else None)
    before = _state()
    allowed = to in ALLOWED_ALERT_TRANSITIONS[start]
    move = (lambda: alert_acknowledge(alert_id=raised.alert.pk, actor=world.supervisor)) \
        if to == AlertStatus.ACKNOWLEDGED else \
        (lambda: alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason="核实"))
    if allowed:
        move()
        assert Alert.objects.get(pk=raised.alert.pk).status == to
    else:
        with pytest.raises(Conflict):
            move()
        assert _state() == before


def test_closing_twice_is_refused_and_changes_nothing(raised, world):
    alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason="核实")
    before = _state()

    with pytest.raises(Conflict, match="已关闭"):
        alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason="再次")
    with pytest.raises(Conflict, match="已关闭"):
        alert_acknowledge(alert_id=raised.alert.pk, actor=world.supervisor)
    with pytest.raises(Conflict, match="已关闭"):
        _send(raised, world)

    assert _state() == before


@pytest.mark.parametrize("who", ["citizen", "clerk", "courier", "reviewer"])
def test_only_supervisors_act_on_alerts(raised, world, who):
    actor = world.reviewer(world.housing) if who == "reviewer" else getattr(world, who)
    before = _state()

    for act in (lambda: alert_acknowledge(alert_id=raised.alert.pk, actor=actor),
                lambda: alert_close(alert_id=raised.alert.pk, actor=actor, reason="r"),
                lambda: _send(raised, world, actor=actor)):
        with pytest.raises(NotAllowed):
            act()

    assert _state() == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"question": "   "}, "question"), ({"question": "问" * 2001}, "question"),
    ({"days": 0}, "days"), ({"days": 31}, "days"), ({"department_code": "nowhere"}, "department"),
])
def test_a_bad_follow_up_is_refused_field_by_field(raised, world, overrides, field):
    before = _state()

    with pytest.raises(InvalidInput) as refused:
        _send(raised, world, **overrides)

    assert list(refused.value.errors) == [field]
    assert _state() == before


def test_closing_needs_a_reason_and_waits_for_the_answer(raised, world):
    _send(raised, world)
    before = _state()

    with pytest.raises(InvalidInput):
        alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason=" ")
    with pytest.raises(Conflict, match="尚未答复"):
        alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason="核实")
    with pytest.raises(Conflict, match="待答复"):
        _send(raised, world)
    with pytest.raises(NotFound):
        alert_close(alert_id=raised.alert.pk + 1000, actor=world.supervisor, reason="核实")

    assert _state() == before


def test_answering_someone_elses_follow_up_or_twice_is_refused(raised, world):
    order = _send(raised, world)
    before = _state()

    for actor in (world.reviewer(world.tax), world.supervisor, world.clerk, world.citizen):
        with pytest.raises(NotAllowed):
            follow_up_answer(follow_up_id=order.pk, actor=actor, answer="说明")
    with pytest.raises(InvalidInput):
        follow_up_answer(follow_up_id=order.pk, actor=world.reviewer(world.housing), answer="")
    assert _state() == before

    follow_up_answer(follow_up_id=order.pk, actor=world.reviewer(world.housing), answer="说明")
    after_answer = _state()
    with pytest.raises(Conflict, match="已经答复"):
        follow_up_answer(follow_up_id=order.pk, actor=world.reviewer(world.housing),
                         answer="再说明")
    assert _state() == after_answer


def test_an_unanswered_follow_up_is_escalated_once_and_the_late_answer_ends_it(raised, world):
    order = _send(raised, world)

    with clock.frozen_at(dt.datetime(2026, 12, 7, 23, 0, tzinfo=TZ)):
        assert follow_ups_due_scan() == 0
    late = dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ)
    with clock.frozen_at(late):
        assert follow_ups_due_scan() == 1
        assert follow_ups_due_scan() == 0

    escalation = Alert.objects.get(kind=AlertKind.FOLLOW_UP_OVERDUE)
    assert (escalation.application_number, escalation.case_id, escalation.status) == (
        raised.number, raised.case.pk, AlertStatus.OPEN)
    assert world.housing.name in escalation.message
    order.refresh_from_db()
    assert order.escalated_at == late
    assert AuditEvent.objects.filter(action="follow_up.escalated").count() == 1

    with clock.frozen_at(late + dt.timedelta(hours=1)):
        follow_up_answer(follow_up_id=order.pk, actor=world.reviewer(world.housing),
                         answer="迟复：已办结")
    escalation.refresh_from_db()
    assert (escalation.status, escalation.closed_by, escalation.close_reason) == (
        AlertStatus.CLOSED, None, "部门已答复督办")


def test_the_rule_closes_its_own_alerts_with_its_reason(raised, world):
    assert alerts_resolve(case_id=raised.case.pk, kinds=[AlertKind.OVERDUE]) == 1

    alert = Alert.objects.get(pk=raised.alert.pk)
    assert (alert.status, alert.closed_by, alert.resolved_at) == (AlertStatus.CLOSED, None, NOW)
    # A new fact raises a new alert beside the closed one.
    again = alert_raise(kind=AlertKind.OVERDUE, application_number=raised.number,
                        case_id=raised.case.pk, message="again")
    assert again.pk != alert.pk


def test_a_closed_alert_stays_closed_while_its_case_is_still_overdue(raised, world):
    Case.objects.filter(pk=raised.case.pk).update(due_at=NOW - dt.timedelta(hours=1),
                                                  warn_at=NOW - dt.timedelta(days=1))
    alert_close(alert_id=raised.alert.pk, actor=world.supervisor, reason="已督促部门加快办理")

    later = NOW + dt.timedelta(minutes=10)
    with clock.frozen_at(later):
        deadline_scan()

    assert list(Alert.objects.filter(case_id=raised.case.pk, kind=AlertKind.OVERDUE)
                .values_list("status", flat=True)) == [AlertStatus.CLOSED]


def test_an_alert_about_no_application_belongs_to_the_region_given_and_keeps_its_evidence(
        world, fixed_now):
    region = world.housing.region_id
    first = alert_raise(kind=AlertKind.DATA_READ_WITHOUT_CASE, application_number="",
                        subject="user:clerk", message="查阅 3 人的个人信息", region_id=region,
                        evidence={"reads": 3})
    again = alert_raise(kind=AlertKind.DATA_READ_WITHOUT_CASE, application_number="",
                        subject="user:clerk", message="查阅 4 人的个人信息", region_id=region,
                        evidence={"reads": 4})
    other = alert_raise(kind=AlertKind.DATA_READ_WITHOUT_CASE, application_number="",
                        subject="user:another", message="查阅 1 人的个人信息",
                        region_id=region)

    assert again.pk == first.pk
    assert other.pk != first.pk
    stored = Alert.objects.get(pk=first.pk)
    assert (stored.region_id, stored.message, stored.evidence) == (
        region, "查阅 4 人的个人信息", {"reads": 4})
    assert Alert.objects.get(pk=other.pk).evidence == {}
