"""Numbers per category per day, the call order, and the moves of a ticket."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.audit.models import AuditEvent
from onevisit.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from onevisit.hall.constants import ALLOWED_TICKET_TRANSITIONS, TicketStatus
from onevisit.hall.models import QueueTicket, QueueTicketEvent
from onevisit.hall.services import (
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_link_application,
    ticket_no_show,
    ticket_recall,
    ticket_serve,
)
from tests.factories import UserFactory
from tests.hall.conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def _issue(category, moment, **kwargs):
    with clock.frozen_at(moment):
        return ticket_issue(category_id=category.pk, **kwargs)


def _call(window, clerk, moment):
    with clock.frozen_at(moment):
        return ticket_call_next(window_id=window.pk, actor=clerk)


def _snapshot():
    return (
        list(QueueTicket.objects.order_by("pk").values()),
        QueueTicketEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_numbers_run_per_category_and_restart_the_next_day(hw):
    numbers = [
        _issue(hw.general, at(MONDAY, 9, 0)).number,
        _issue(hw.general, at(MONDAY, 9, 1)).number,
        _issue(hw.property, at(MONDAY, 9, 2)).number,
        _issue(hw.general, at(MONDAY, 16, 59)).number,
    ]
    tuesday = MONDAY + dt.timedelta(days=1)
    next_day = [_issue(hw.general, at(tuesday, 9, 30)).number,
                _issue(hw.property, at(tuesday, 9, 31)).number]

    assert numbers == ["A001", "A002", "B001", "A003"]
    assert next_day == ["A001", "B001"]
    assert QueueTicket.objects.get(number="A001", service_day=tuesday).issued_at == at(
        tuesday, 9, 30)


def test_the_day_is_hangzhous_day_not_utcs(hw):
    hw.hall.opens_at, hw.hall.closes_at = dt.time(7), dt.time(23, 59, 59)
    hw.hall.save()
    # 07:30 in Hangzhou is still the previous day in UTC.
    late = _issue(hw.general, at(MONDAY, 7, 30))
    early_utc = _issue(hw.general, at(MONDAY, 23, 59))

    assert (late.service_day, late.number) == (MONDAY, "A001")
    assert (early_utc.service_day, early_utc.number) == (MONDAY, "A002")


def test_an_issue_event_is_recorded_and_audited(hw):
    ticket = _issue(hw.general, at(MONDAY, 9))

    assert list(ticket.events.values_list("kind", flat=True)) == ["issued"]
    event = AuditEvent.objects.get(action="queue_ticket.issued")
    assert event.entity_id == str(ticket.pk)
    assert event.data == {"hall": hw.hall.pk, "day": "2026-12-07", "number": "A001",
                          "window": None}


def test_a_retried_kiosk_press_gets_the_same_number(hw):
    first = _issue(hw.general, at(MONDAY, 9), request_key="kiosk-1-abc")
    again = _issue(hw.general, at(MONDAY, 9, 0, 2), request_key="kiosk-1-abc")
    other = _issue(hw.general, at(MONDAY, 9, 0, 3), request_key="kiosk-1-def")

    assert again.pk == first.pk
    assert other.number == "A002"
    assert QueueTicket.objects.count() == 2


def test_bad_input_is_refused_and_changes_nothing(hw):
    _issue(hw.general, at(MONDAY, 9))
    before = _snapshot()

    with pytest.raises(InvalidInput) as bad_id:
        _issue(hw.general, at(MONDAY, 9, 1), id_number="330106198503122019")
    with pytest.raises(NotFound):
        _issue(hw.general.__class__(pk=999999), at(MONDAY, 9, 1))
    hw.property.is_active = False
    hw.property.save()
    with pytest.raises(NotFound):
        _issue(hw.property, at(MONDAY, 9, 1))

    assert set(bad_id.value.errors) == {"id_number"}
    assert _snapshot() == before


def test_a_category_no_window_serves_gives_no_numbers(hw):
    hw.window3.is_active = False
    hw.window3.save()
    before = _snapshot()

    with pytest.raises(DomainError, match="暂无窗口办理"):
        _issue(hw.business, at(MONDAY, 9))

    assert _snapshot() == before


def test_the_daily_limit_stops_numbers_but_not_appointments(hw):
    hw.property.daily_ticket_limit = 2
    hw.property.save()
    _issue(hw.property, at(MONDAY, 9))
    _issue(hw.property, at(MONDAY, 9, 1))
    before = _snapshot()

    with pytest.raises(DomainError, match="今日号已取完"):
        _issue(hw.property, at(MONDAY, 9, 2))

    assert _snapshot() == before


def test_a_window_calls_appointments_first_then_in_issue_order(hw):
    _issue(hw.general, at(MONDAY, 9, 0))
    _issue(hw.property, at(MONDAY, 9, 1))
    _issue(hw.general, at(MONDAY, 9, 2))
    booked = _issue(hw.general, at(MONDAY, 9, 3))
    QueueTicket.objects.filter(pk=booked.pk).update(priority=True)  # an appointment's ticket
    called = []
    for minute in range(10, 15):
        ticket = _call(hw.window1, hw.clerk, at(MONDAY, 9, minute))
        if ticket is None:
            break
        called.append(ticket.number)
        with clock.frozen_at(at(MONDAY, 9, minute, 30)):
            ticket_serve(ticket_id=ticket.pk, actor=hw.clerk)
            ticket_finish(ticket_id=ticket.pk, actor=hw.clerk)

    assert called == ["A003", "A001", "B001", "A002"]
    assert QueueTicket.objects.get(pk=booked.pk).status == TicketStatus.DONE


def test_a_window_calls_only_the_categories_it_serves(hw):
    _issue(hw.property, at(MONDAY, 9))
    business = _issue(hw.business, at(MONDAY, 9, 1))

    assert _call(hw.window2, hw.clerk, at(MONDAY, 9, 5)) is None  # serves A only
    assert _call(hw.window3, hw.clerk2, at(MONDAY, 9, 5)).pk == business.pk


def test_yesterdays_waiting_numbers_are_not_called_today(hw):
    _issue(hw.general, at(MONDAY - dt.timedelta(days=3), 16))

    assert _call(hw.window1, hw.clerk, at(MONDAY, 9)) is None


def test_two_windows_one_after_the_other_get_different_numbers(hw):
    first = _issue(hw.general, at(MONDAY, 9))
    second = _issue(hw.general, at(MONDAY, 9, 1))

    by_one = _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))
    by_two = _call(hw.window2, hw.clerk2, at(MONDAY, 9, 5))

    assert (by_one.pk, by_one.window_id) == (first.pk, hw.window1.pk)
    assert (by_two.pk, by_two.window_id) == (second.pk, hw.window2.pk)
    assert _call(hw.window2, hw.clerk2, at(MONDAY, 9, 6)).pk == second.pk  # not yet come


def test_a_retried_call_gives_the_number_already_called(hw):
    first = _issue(hw.general, at(MONDAY, 9))
    _issue(hw.general, at(MONDAY, 9, 1))

    called = _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))
    before = _snapshot()
    again = _call(hw.window1, hw.clerk, at(MONDAY, 9, 5, 1))

    assert called.pk == again.pk == first.pk
    assert _snapshot() == before


def test_a_number_being_served_must_be_finished_before_the_next_call(hw):
    ticket = _issue(hw.general, at(MONDAY, 9))
    _issue(hw.general, at(MONDAY, 9, 1))
    _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))
    ticket_serve(ticket_id=ticket.pk, actor=hw.clerk)
    before = _snapshot()

    with pytest.raises(Conflict, match="A001 号正在办理"):
        _call(hw.window1, hw.clerk, at(MONDAY, 9, 6))

    assert _snapshot() == before


def test_the_whole_path_stamps_each_moment_and_keeps_history(hw):
    ticket = _issue(hw.general, at(MONDAY, 9))
    _call(hw.window1, hw.clerk, at(MONDAY, 9, 10))
    with clock.frozen_at(at(MONDAY, 9, 11)):
        ticket_recall(ticket_id=ticket.pk, actor=hw.clerk, window_id=hw.window1.pk)
    with clock.frozen_at(at(MONDAY, 9, 12)):
        ticket_serve(ticket_id=ticket.pk, actor=hw.clerk, window_id=hw.window1.pk)
    with clock.frozen_at(at(MONDAY, 9, 30)):
        ticket_finish(ticket_id=ticket.pk, actor=hw.clerk, window_id=hw.window1.pk)

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
    assert (ticket.issued_at, ticket.called_at, ticket.announced_at, ticket.serving_at,
            ticket.finished_at) == (at(MONDAY, 9), at(MONDAY, 9, 10), at(MONDAY, 9, 11),
                                    at(MONDAY, 9, 12), at(MONDAY, 9, 30))
    assert ticket.recalls == 1
    assert list(ticket.events.values_list("kind", "window__number")) == [
        ("issued", None), ("called", 1), ("recalled", 1), ("serving", 1), ("done", 1)]
    assert list(AuditEvent.objects.filter(entity="queue_ticket").values_list(
        "action", flat=True)) == ["queue_ticket.issued", "queue_ticket.called",
                                  "queue_ticket.recalled", "queue_ticket.serving",
                                  "queue_ticket.done"]


def test_a_double_clicked_recall_announces_once(hw):
    ticket = _issue(hw.general, at(MONDAY, 9))
    _call(hw.window1, hw.clerk, at(MONDAY, 9, 10))
    with clock.frozen_at(at(MONDAY, 9, 11)):
        ticket_recall(ticket_id=ticket.pk, actor=hw.clerk)
    with clock.frozen_at(at(MONDAY, 9, 11, 2)):
        ticket_recall(ticket_id=ticket.pk, actor=hw.clerk)

    ticket.refresh_from_db()
    assert (ticket.recalls, ticket.announced_at) == (1, at(MONDAY, 9, 11))


def test_no_show_frees_the_window_for_the_next_number(hw):
    first = _issue(hw.general, at(MONDAY, 9))
    second = _issue(hw.general, at(MONDAY, 9, 1))
    _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))
    with clock.frozen_at(at(MONDAY, 9, 8)):
        ticket_no_show(ticket_id=first.pk, actor=hw.clerk, window_id=hw.window1.pk)

    assert _call(hw.window1, hw.clerk, at(MONDAY, 9, 9)).pk == second.pk
    first.refresh_from_db()
    assert (first.status, first.finished_at) == (TicketStatus.NO_SHOW, at(MONDAY, 9, 8))


def test_retried_moves_change_nothing(hw):
    ticket = _issue(hw.general, at(MONDAY, 9))
    _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))
    ticket_serve(ticket_id=ticket.pk, actor=hw.clerk)
    ticket_finish(ticket_id=ticket.pk, actor=hw.clerk)
    before = _snapshot()

    ticket_finish(ticket_id=ticket.pk, actor=hw.clerk)

    assert _snapshot() == before


@pytest.mark.parametrize("start", list(TicketStatus))
@pytest.mark.parametrize("to", [TicketStatus.SERVING, TicketStatus.DONE, TicketStatus.NO_SHOW])
def test_every_move_follows_the_transition_table(hw, start, to):
    ticket = _issue(hw.general, at(MONDAY, 9))
    QueueTicket.objects.filter(pk=ticket.pk).update(status=start, window=hw.window1)
    move = {TicketStatus.SERVING: ticket_serve, TicketStatus.DONE: ticket_finish,
            TicketStatus.NO_SHOW: ticket_no_show}[to]
    events = QueueTicketEvent.objects.count()

    if start == to or to in ALLOWED_TICKET_TRANSITIONS[start]:
        move(ticket_id=ticket.pk, actor=hw.clerk)
        assert QueueTicket.objects.get(pk=ticket.pk).status == to
    else:
        with pytest.raises(Conflict):
            move(ticket_id=ticket.pk, actor=hw.clerk)
        assert QueueTicket.objects.get(pk=ticket.pk).status == start
        assert QueueTicketEvent.objects.count() == events


def test_a_ticket_of_another_window_is_refused(hw):
    ticket = _issue(hw.general, at(MONDAY, 9))
    waiting = _issue(hw.general, at(MONDAY, 9, 1))
    _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))
    before = _snapshot()

    with pytest.raises(Conflict, match="不在本窗口"):
        ticket_serve(ticket_id=ticket.pk, actor=hw.clerk2, window_id=hw.window2.pk)
    with pytest.raises(Conflict, match="不能重呼"):
        ticket_recall(ticket_id=waiting.pk, actor=hw.clerk)

    assert _snapshot() == before


def test_only_clerks_call_and_serve(hw):
    ticket = _issue(hw.general, at(MONDAY, 9))
    citizen = UserFactory(username="someone")
    reviewer = UserFactory(username="reviewer-x", reviewer=True)
    before = _snapshot()

    for actor in (None, citizen, reviewer):
        with pytest.raises(NotAllowed):
            _call(hw.window1, actor, at(MONDAY, 9, 5))
        with pytest.raises(NotAllowed):
            ticket_serve(ticket_id=ticket.pk, actor=actor)

    assert _snapshot() == before


def test_finishing_links_the_applications_handled(world, api, hw):
    number = api["citizen"].post("/applications", world.licence_payload()).json()["number"]
    ticket = _issue(hw.general, at(MONDAY, 9))
    _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))
    ticket_serve(ticket_id=ticket.pk, actor=hw.clerk)

    ticket_link_application(ticket_id=ticket.pk, application_number=number, actor=hw.clerk)
    ticket_finish(ticket_id=ticket.pk, actor=hw.clerk, application_numbers=[number])

    assert list(ticket.applications.values_list("number", flat=True)) == [number]
    assert AuditEvent.objects.filter(action="queue_ticket.application_linked").count() == 1
    with pytest.raises(NotFound):
        ticket_link_application(ticket_id=ticket.pk, application_number="NO-SUCH",
                                actor=hw.clerk)


def test_a_number_left_at_the_window_overnight_is_closed_by_the_next_call(hw):
    friday = MONDAY - dt.timedelta(days=3)
    stale = _issue(hw.general, at(friday, 16, 50))
    _call(hw.window1, hw.clerk, at(friday, 16, 55))
    today = _issue(hw.general, at(MONDAY, 9))

    called = _call(hw.window1, hw.clerk, at(MONDAY, 9, 5))

    stale.refresh_from_db()
    assert called.pk == today.pk
    assert (stale.status, stale.finished_at) == (TicketStatus.NO_SHOW, at(MONDAY, 9, 5))
