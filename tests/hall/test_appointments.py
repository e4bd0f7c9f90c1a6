"""Appointments: the slot rules, capacity, double booking, cancelling and check-in."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.audit.models import AuditEvent
from onevisit.errors import Conflict, DomainError, InvalidInput, NotFound
from onevisit.hall.constants import AppointmentStatus, TicketStatus
from onevisit.hall.models import Appointment, Hall, QueueTicket
from onevisit.hall.selectors import booking_days, booking_slots
from onevisit.hall.services import (
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointments_mark_missed,
    ticket_call_next,
    ticket_issue,
)
from onevisit.workdays.models import CalendarOverride, CalendarYear
from tests.factories import resident_id
from tests.hall.conftest import MONDAY, at

pytestmark = pytest.mark.django_db

FRIDAY_BEFORE = MONDAY - dt.timedelta(days=3)
TEN = dt.time(10, 0)


def _book(hw, *, now=None, day=MONDAY, start=TEN, category=None, id_number=None, **extra):
    fields = {"applicant_name": "王小明", "phone": "13812345678"}
    fields.update(extra)
    with clock.frozen_at(now or at(FRIDAY_BEFORE, 15)):
        return appointment_book(
            hall_id=hw.hall.pk, category_id=(category or hw.general).pk, slot_date=day,
            slot_start=start, id_number=id_number or hw.citizen_id, **fields,
        )


def _snapshot():
    return (list(Appointment.objects.order_by("pk").values()),
            list(QueueTicket.objects.order_by("pk").values()), AuditEvent.objects.count())


def test_a_booking_holds_a_place_and_gets_a_code(hw):
    appointment = _book(hw, item_code="")

    assert appointment.status == AppointmentStatus.BOOKED
    assert (appointment.slot_start, appointment.slot_end) == (TEN, dt.time(10, 30))
    assert appointment.phone == "+8613812345678"
    assert len(appointment.booking_code) == 8
    assert not set(appointment.booking_code) & set("01IOL")
    event = AuditEvent.objects.get(action="appointment.booked")
    assert (event.entity_id, event.data) == (
        appointment.booking_code, {"hall": "xihu", "category": "A", "slot": "2026-12-07 10:00"})
    assert hw.citizen_id not in str(event.data)


def test_sending_the_same_booking_again_returns_the_first(hw):
    first = _book(hw)
    before = _snapshot()

    again = _book(hw, now=at(FRIDAY_BEFORE, 15, 1))

    assert again.pk == first.pk
    assert _snapshot() == before


def test_a_slot_holds_as_many_as_the_category_allows(hw):
    _book(hw, id_number=resident_id(seq="301"))
    _book(hw, id_number=resident_id(seq="302"))
    before = _snapshot()

    with pytest.raises(Conflict, match="已约满"):
        _book(hw)

    assert _snapshot() == before
    # Another category's places are its own; the next slot is free.
    assert _book(hw, category=hw.property).category == hw.property
    assert _book(hw, start=dt.time(10, 30), id_number=resident_id(seq="303")).pk


def test_one_person_holds_one_place_in_a_slot(hw):
    first = _book(hw)
    before = _snapshot()

    with pytest.raises(Conflict, match=first.booking_code):
        _book(hw, category=hw.property)

    assert _snapshot() == before
    assert _book(hw, start=dt.time(10, 30), category=hw.property).pk != first.pk


def test_a_cancelled_booking_frees_its_place(hw):
    first = _book(hw, id_number=resident_id(seq="301"))
    _book(hw, id_number=resident_id(seq="302"))
    with clock.frozen_at(at(FRIDAY_BEFORE, 16)):
        appointment_cancel(booking_code=first.booking_code.lower(),
                           id_number=resident_id(seq="301"))

    assert _book(hw).status == AppointmentStatus.BOOKED
    assert [s.available for s in booking_slots(
        hall=hw.hall, category=hw.general, day=MONDAY, now=at(FRIDAY_BEFORE, 16))][2] == 0


@pytest.mark.parametrize(("now", "day", "start", "reason"), [
    (at(FRIDAY_BEFORE, 15), dt.date(2026, 12, 5), TEN, "不是工作日"),  # Saturday
    (at(dt.date(2026, 9, 28), 9), dt.date(2026, 10, 1), TEN, "不是工作日"),  # National Day
    (at(FRIDAY_BEFORE, 15), MONDAY, dt.time(8, 30), "不是该中心的预约时段"),
    (at(FRIDAY_BEFORE, 15), MONDAY, dt.time(17, 0), "不是该中心的预约时段"),
    (at(FRIDAY_BEFORE, 15), MONDAY, dt.time(10, 15), "不是该中心的预约时段"),
    (at(MONDAY, 10, 5), MONDAY, TEN, "已开始或已过去"),
    (at(MONDAY, 10, 0), MONDAY, TEN, "已开始或已过去"),
    (at(MONDAY, 9), FRIDAY_BEFORE, TEN, "已开始或已过去"),
    (at(FRIDAY_BEFORE, 15), FRIDAY_BEFORE + dt.timedelta(days=10), TEN, "7 天内"),
    (at(dt.date(2026, 12, 30), 9), dt.date(2027, 1, 4), TEN, "节假日安排尚未录入"),
])
def test_slots_lie_in_working_hours_on_working_days_ahead(hw, now, day, start, reason):
    before = _snapshot()

    with pytest.raises(InvalidInput) as refused:
        _book(hw, now=now, day=day, start=start)

    assert reason in str(refused.value.errors["slot"])
    assert _snapshot() == before


@pytest.mark.parametrize(("now", "day", "start"), [
    (at(dt.date(2026, 10, 8), 9), dt.date(2026, 10, 10), TEN),  # a Saturday worked (调休)
    (at(FRIDAY_BEFORE, 15), MONDAY, dt.time(9, 0)),  # the first slot
    (at(FRIDAY_BEFORE, 15), MONDAY, dt.time(16, 30)),  # the last slot
    (at(MONDAY, 10, 5), MONDAY, dt.time(10, 30)),  # later today
    (at(FRIDAY_BEFORE, 15), FRIDAY_BEFORE + dt.timedelta(days=7), TEN),  # the horizon
])
def test_bookable_slots(hw, now, day, start):
    assert _book(hw, now=now, day=day, start=start).slot_date == day


def test_the_calendar_override_table_decides(hw):
    CalendarOverride.objects.create(date=MONDAY, is_working_day=False, note="local holiday")
    CalendarYear.objects.create(year=2027)

    with pytest.raises(InvalidInput):
        _book(hw)
    assert _book(hw, now=at(dt.date(2026, 12, 30), 9), day=dt.date(2027, 1, 4)).pk


def test_booking_days_and_slots_offer_only_what_can_be_booked(hw):
    now = at(FRIDAY_BEFORE, 16, 40)  # Friday's last slot (16:30) has begun

    days = booking_days(hall=hw.hall, now=now)
    slots = booking_slots(hall=hw.hall, category=hw.general, day=MONDAY, now=now)

    assert days == [dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9),
                    dt.date(2026, 12, 10), dt.date(2026, 12, 11)]
    assert [s.start for s in slots][:3] == [dt.time(9), dt.time(9, 30), TEN]
    assert len(slots) == 16
    assert booking_slots(hall=hw.hall, category=hw.general, day=dt.date(2026, 12, 5),
                         now=now) == []


def test_bad_details_are_all_reported_and_nothing_is_stored(hw):
    before = _snapshot()

    with pytest.raises(InvalidInput) as refused:
        _book(hw, applicant_name=" ", id_number="330106198503122019", phone="12345",
              item_code="NO-SUCH-ITEM", category=hw.business)

    assert set(refused.value.errors) == {"applicant_name", "id_number", "phone", "item_code",
                                         "category"}
    assert "不接受预约" in str(refused.value.errors["category"])
    assert _snapshot() == before


def test_a_booking_may_name_a_published_life_event(world, hw):
    appointment = _book(hw, life_event_code="house")

    assert appointment.life_event_code == "house"
    with pytest.raises(InvalidInput) as both:
        _book(hw, start=dt.time(11), life_event_code="house", item_code=world.licence.code)
    assert set(both.value.errors) == {"item_code"}


def test_check_in_turns_the_booking_into_a_priority_number_once(hw):
    with clock.frozen_at(at(MONDAY, 9, 20)):
        walk_in = ticket_issue(category_id=hw.general.pk)
    appointment = _book(hw)

    with clock.frozen_at(at(MONDAY, 9, 30)):
        ticket = appointment_check_in(booking_code=appointment.booking_code,
                                      hall_id=hw.hall.pk)
    before = _snapshot()
    with clock.frozen_at(at(MONDAY, 9, 31)):
        again = appointment_check_in(booking_code=appointment.booking_code.lower())
    with clock.frozen_at(at(MONDAY, 9, 35)):
        first_called = ticket_call_next(window_id=hw.window2.pk, actor=hw.clerk)

    appointment.refresh_from_db()
    assert again.pk == ticket.pk
    assert (ticket.number, ticket.priority, ticket.status) == ("A002", True,
                                                               TicketStatus.WAITING)
    assert (ticket.appointment_id, ticket.id_number) == (appointment.pk, hw.citizen_id)
    assert (appointment.status, appointment.checked_in_at) == (
        AppointmentStatus.CHECKED_IN, at(MONDAY, 9, 30))
    assert first_called.pk == ticket.pk != walk_in.pk
    assert _snapshot()[0] == before[0]


@pytest.mark.parametrize(("moment", "message"), [
    (at(MONDAY, 8, 59), "签到时间未到：请于 2026-12-07 09:00 之后签到"),
    (at(MONDAY, 11, 1), "已超过预约时段"),
])
def test_check_in_is_open_around_the_slot_only(hw, moment, message):
    appointment = _book(hw)
    before = _snapshot()

    with clock.frozen_at(moment), pytest.raises(DomainError, match=message):
        appointment_check_in(booking_code=appointment.booking_code)

    assert _snapshot() == before


def test_check_in_at_the_wrong_hall_or_with_an_unknown_code_is_refused(hw):
    appointment = _book(hw)
    other = Hall.objects.create(code="other", name="另一中心", region=hw.hall.region)
    before = _snapshot()

    with clock.frozen_at(at(MONDAY, 9, 30)):
        with pytest.raises(Conflict, match="不在本服务中心"):
            appointment_check_in(booking_code=appointment.booking_code, hall_id=other.pk)
        with pytest.raises(NotFound):
            appointment_check_in(booking_code="NOSUCH99")

    assert _snapshot() == before


def test_cancelling_needs_the_id_number_and_a_slot_not_yet_begun(hw):
    appointment = _book(hw)
    before = _snapshot()

    with clock.frozen_at(at(MONDAY, 9)), pytest.raises(InvalidInput):
        appointment_cancel(booking_code=appointment.booking_code, id_number="x")
    with clock.frozen_at(at(MONDAY, 10)), pytest.raises(Conflict, match="已开始"):
        appointment_cancel(booking_code=appointment.booking_code, id_number=hw.citizen_id)
    assert _snapshot() == before

    with clock.frozen_at(at(MONDAY, 9)):
        cancelled = appointment_cancel(booking_code=appointment.booking_code,
                                       id_number=hw.citizen_id.lower())
        again = appointment_cancel(booking_code=appointment.booking_code,
                                   id_number=hw.citizen_id)
        with pytest.raises(Conflict, match="已取消"):
            appointment_check_in(booking_code=appointment.booking_code)

    assert (cancelled.status, again.closed_at) == (AppointmentStatus.CANCELLED, at(MONDAY, 9))
    assert AuditEvent.objects.filter(action="appointment.cancelled").count() == 1


def test_a_checked_in_booking_cannot_be_cancelled(hw):
    appointment = _book(hw)
    with clock.frozen_at(at(MONDAY, 9, 30)):
        appointment_check_in(booking_code=appointment.booking_code)

    with clock.frozen_at(at(MONDAY, 9, 31)), pytest.raises(Conflict):
        appointment_cancel(booking_code=appointment.booking_code, id_number=hw.citizen_id)


def test_passed_bookings_without_check_in_become_no_shows(hw):
    missed = _book(hw)
    later = _book(hw, start=dt.time(10, 30))
    kept = _book(hw, start=dt.time(11, 0), id_number=resident_id(seq="301"))
    with clock.frozen_at(at(MONDAY, 10, 40)):
        appointment_check_in(booking_code=kept.booking_code)

    with clock.frozen_at(at(MONDAY, 11, 1)):
        marked = appointments_mark_missed()
        again = appointments_mark_missed()

    assert (marked, again) == (1, 0)
    assert [Appointment.objects.get(pk=a.pk).status for a in (missed, later, kept)] == [
        AppointmentStatus.NO_SHOW, AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN]
