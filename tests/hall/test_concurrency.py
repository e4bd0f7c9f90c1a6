"""Windows, kiosks and people acting at the same moment, on real connections.

These need real row locks and run on PostgreSQL (SQLite serialises writers; the same
rules one after the other are tested on both databases in test_queue.py and
test_appointments.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from onevisit import clock
from onevisit.errors import Conflict
from onevisit.hall.constants import AppointmentStatus, TicketStatus
from onevisit.hall.models import Appointment, QueueTicket, ServiceWindow
from onevisit.hall.services import (
    appointment_book,
    appointment_check_in,
    ticket_call_next,
    ticket_issue,
)
from tests.concurrency import race
from tests.factories import UserFactory, resident_id
from tests.hall.conftest import MONDAY, at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

NOW = at(MONDAY, 9, 30)


def _race(*calls: Callable[[], Any], moment: dt.datetime = NOW) -> list[Any]:
    return race(*calls, moment=moment, timeout=30)


def _issue(hw, count: int) -> list[QueueTicket]:
    with clock.frozen_at(at(MONDAY, 9)):
        return [ticket_issue(category_id=hw.general.pk) for _ in range(count)]


def test_two_windows_calling_at_once_get_different_numbers(hw):
    first, second, third = _issue(hw, 3)

    results = _race(lambda: ticket_call_next(window_id=hw.window1.pk, actor=hw.clerk),
                    lambda: ticket_call_next(window_id=hw.window2.pk, actor=hw.clerk2))

    assert all(isinstance(r, QueueTicket) for r in results), results
    assert sorted(r.pk for r in results) == [first.pk, second.pk]
    assert {r.window_id for r in results} == {hw.window1.pk, hw.window2.pk}
    assert QueueTicket.objects.get(pk=third.pk).status == TicketStatus.WAITING


def test_more_windows_than_numbers_each_number_called_once(hw):
    windows = [hw.window1, hw.window2]
    for number in (4, 5, 6):
        window = ServiceWindow.objects.create(hall=hw.hall, number=number, name="综合窗口")
        window.categories.set([hw.general])
        windows.append(window)
    clerks = [UserFactory(username=f"clerk-{w.number}", clerk=True) for w in windows]
    tickets = _issue(hw, 3)

    results = _race(*[
        (lambda w=w, c=c: ticket_call_next(window_id=w.pk, actor=c))
        for w, c in zip(windows, clerks, strict=True)
    ])

    called = [r for r in results if isinstance(r, QueueTicket)]
    assert sorted(r.pk for r in called) == sorted(t.pk for t in tickets)
    assert results.count(None) == 2
    assert QueueTicket.objects.filter(status=TicketStatus.CALLED).values(
        "window").distinct().count() == 3


def test_two_clerks_at_one_window_call_one_number(hw):
    first, _second = _issue(hw, 2)

    results = _race(lambda: ticket_call_next(window_id=hw.window1.pk, actor=hw.clerk),
                    lambda: ticket_call_next(window_id=hw.window1.pk, actor=hw.clerk2))

    assert [r.pk for r in results] == [first.pk, first.pk]
    assert QueueTicket.objects.filter(status=TicketStatus.CALLED).count() == 1


def test_kiosks_issuing_at_once_give_consecutive_numbers(hw):
    results = _race(*[(lambda: ticket_issue(category_id=hw.general.pk)) for _ in range(4)])

    assert sorted(r.number for r in results) == ["A001", "A002", "A003", "A004"]


def test_the_same_kiosk_press_sent_twice_at_once_gives_one_number(hw):
    results = _race(*[
        (lambda: ticket_issue(category_id=hw.general.pk, request_key="kiosk-7-same"))
        for _ in range(3)
    ])

    assert len({r.pk for r in results}) == 1
    assert QueueTicket.objects.count() == 1


def _booking(hw, id_number: str) -> Callable[[], Any]:
    return lambda: appointment_book(
        hall_id=hw.hall.pk, category_id=hw.property.pk, slot_date=MONDAY,
        slot_start=dt.time(10), applicant_name="王小明", id_number=id_number,
        phone="13812345678")


def test_two_people_booking_the_last_place_at_once_one_wins(hw):
    results = _race(_booking(hw, resident_id(seq="301")), _booking(hw, resident_id(seq="302")),
                    moment=at(MONDAY, 8))

    assert sorted(type(r).__name__ for r in results) == ["Appointment", "Conflict"]
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1


def test_checking_in_twice_at_once_gives_one_number(hw):
    with clock.frozen_at(at(MONDAY, 8)):
        appointment = _booking(hw, hw.citizen_id)()

    results = _race(*[(lambda: appointment_check_in(booking_code=appointment.booking_code))
                      for _ in range(3)])

    assert not [r for r in results if isinstance(r, Conflict | Exception)], results
    assert len({r.pk for r in results}) == 1
    assert QueueTicket.objects.get().priority is True
