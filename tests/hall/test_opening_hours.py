"""The kiosk issues numbers only while the hall is open, and shows no portal navigation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from onevisit import clock
from onevisit.audit.models import AuditEvent
from onevisit.errors import Conflict
from onevisit.hall.models import QueueTicket, QueueTicketEvent
from onevisit.hall.selectors import hall_is_open
from onevisit.hall.services import ticket_issue
from tests.hall.conftest import MONDAY, at

pytestmark = pytest.mark.django_db

SATURDAY = MONDAY - dt.timedelta(days=2)
NATIONAL_DAY = dt.date(2026, 10, 1)  # a Thursday, a statutory holiday


@pytest.mark.parametrize(("moment", "open_"), [
    (at(MONDAY, 8, 59), False),
    (at(MONDAY, 9, 0), True),
    (at(MONDAY, 16, 59), True),
    (at(MONDAY, 17, 0), False),
    (at(SATURDAY, 10, 0), False),
    (at(NATIONAL_DAY, 10, 0), False),
])
def test_the_hall_is_open_on_working_days_in_its_hours(hw, moment, open_):
    assert hall_is_open(hall=hw.hall, now=moment) is open_


def _state():
    return (QueueTicket.objects.count(), QueueTicketEvent.objects.count(),
            AuditEvent.objects.count())


def test_no_number_is_issued_after_closing_and_nothing_changes(hw):
    before = _state()

    with clock.frozen_at(at(MONDAY, 17, 30)), pytest.raises(Conflict) as refused:
        ticket_issue(category_id=hw.general.pk, request_key="late")

    assert str(refused.value.message) == (
        "服务中心现在不办理取号。开放时间：工作日 09:00–17:00（法定节假日除外）")
    assert _state() == before


def test_the_kiosk_outside_opening_hours_says_when_it_opens(hw):
    kiosk = Client()
    with clock.frozen_at(at(SATURDAY, 10, 0)):
        page = kiosk.get("/hall/xihu/kiosk/").content.decode()
        posted = kiosk.post("/hall/xihu/kiosk/issue/", {"category": hw.general.pk,
                                                        "request_key": "k1"}, follow=True)

    assert "现在不在开放时间，暂停取号。开放时间：工作日 09:00–17:00（法定节假日除外）" in page
    assert page.count("disabled") >= 3  # every category button and the check-in
    assert "服务中心现在不办理取号" in posted.content.decode()
    assert not QueueTicket.objects.exists()


def test_the_kiosk_shows_no_portal_navigation(hw):
    kiosk = Client()
    with clock.frozen_at(at(MONDAY, 10, 0)):
        page = kiosk.get("/hall/xihu/kiosk/").content.decode()
        issued = kiosk.post("/hall/xihu/kiosk/issue/", {"category": hw.general.pk,
                                                        "request_key": "k2"}, follow=True)

    for screen in (page, issued.content.decode()):
        assert "<header>" not in screen
        assert "/accounts/login/" not in screen
        assert "四张清单" not in screen
    assert "现在不在开放时间" not in page
    assert QueueTicket.objects.count() == 1
