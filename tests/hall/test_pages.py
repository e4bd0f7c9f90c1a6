"""The hall's pages: kiosk, ticket, display, window console, appointments; who may use
which; the page rules (CSP, labels)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from onevisit import clock
from onevisit.hall.constants import AppointmentStatus, TicketStatus
from onevisit.hall.models import Appointment, Hall, QueueTicket, ServiceCategory
from onevisit.hall.services import (
    appointment_book,
    ticket_call_next,
    ticket_issue,
    ticket_serve,
)
from tests.factories import UserFactory
from tests.hall.conftest import MONDAY, at

pytestmark = pytest.mark.django_db

NOW = at(MONDAY, 9, 30)


@pytest.fixture(autouse=True)
def _monday_morning():
    with clock.frozen_at(NOW):
        yield


def _browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _assert_page_rules(response) -> None:
    """Strict CSP, no inline code, every form control labelled."""
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    page = response.content.decode()
    assert "<style" not in page
    assert "<script>" not in page
    assert 'style="' not in page
    assert ' hx-on' not in page
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    for tag, attrs in re.findall(r"<(input|select|textarea)\b([^>]*)>", page):
        if 'type="hidden"' in attrs:
            continue
        control_id = re.search(r'id="([^"]+)"', attrs)
        assert control_id, (tag, attrs)
        assert control_id.group(1) in labelled, (tag, attrs)


def _book(hw, start=dt.time(10, 0)):
    with clock.frozen_at(at(MONDAY - dt.timedelta(days=3), 15)):
        return appointment_book(hall_id=hw.hall.pk, category_id=hw.general.pk,
                                slot_date=MONDAY, slot_start=start, applicant_name="王小明",
                                id_number=hw.citizen_id, phone="13812345678")


# --- kiosk and ticket ---------------------------------------------------------------------


def test_the_kiosk_shows_each_category_with_its_queue(hw):
    for _ in range(3):
        ticket_issue(category_id=hw.general.pk)
    hw.window3.is_active = False
    hw.window3.save()

    response = _browser().get("/hall/xihu/kiosk/")
    page = _page(response)

    _assert_page_rules(response)
    assert 'name="htmx-config"' in page
    assert '"includeIndicatorStyles": false' in page
    assert 'href="/static/web/hall.css"' in page
    assert 'hx-get="/hall/xihu/kiosk/categories/"' in page
    general = page[page.index('data-category="A"'):page.index('data-category="B"')]
    assert "综合受理" in general
    assert "等候 3 人" in general
    assert "预计等候约 15 分钟" in general  # 3 waiting × 10 min ÷ 2 windows
    business = page[page.index('data-category="C"'):]
    assert "暂无窗口办理" in business
    assert re.search(r'disabled data-category="C"', page)
    assert 'for="booking-code"' in page


def test_the_kiosk_issues_a_printable_ticket_and_a_retry_gets_the_same(hw):
    kiosk = _browser()
    form = {"category": hw.general.pk, "request_key": "k1-abc"}

    first = kiosk.post("/hall/xihu/kiosk/issue/", form)
    again = kiosk.post("/hall/xihu/kiosk/issue/", form)

    ticket = QueueTicket.objects.get()
    assert first["Location"] == again["Location"] == f"/hall/tickets/{ticket.pk}/?kiosk=1"
    response = kiosk.get(first["Location"])
    page = _page(response)
    _assert_page_rules(response)
    assert "A001" in page
    assert "您前面还有 0 人" in page
    assert "data-print" in page
    assert 'src="/static/web/hall.js"' in page
    assert 'http-equiv="refresh"' in page
    assert "西湖区行政服务中心" in page


def test_the_kiosk_refuses_an_unknown_category_with_a_message(hw):
    response = _browser().post("/hall/xihu/kiosk/issue/", {"category": "999"}, follow=True)

    assert "请选择业务类别" in _page(response)
    assert QueueTicket.objects.count() == 0


def test_the_kiosk_checks_in_an_appointment(hw):
    appointment = _book(hw)
    kiosk = _browser()

    response = kiosk.post("/hall/xihu/kiosk/check-in/",
                          {"booking_code": appointment.booking_code.lower()})
    unknown = kiosk.post("/hall/xihu/kiosk/check-in/", {"booking_code": "NOSUCH99"},
                         follow=True)

    ticket = QueueTicket.objects.get()
    assert response["Location"] == f"/hall/tickets/{ticket.pk}/?kiosk=1"
    assert (ticket.priority, ticket.appointment_id) == (True, appointment.pk)
    assert "预约码不存在" in _page(unknown)
    page = _page(kiosk.get(response["Location"]))
    assert "预约" in page
    assert hw.citizen_id not in page


def test_pages_of_an_unknown_hall_or_ticket_are_not_found(hw):
    client = _browser()

    assert client.get("/hall/nowhere/kiosk/").status_code == 404
    assert client.get("/hall/nowhere/display/").status_code == 404
    assert client.get("/hall/tickets/999/").status_code == 404
    assert client.get("/hall/appointments/NOSUCH99/").status_code == 404


def test_the_hall_index_lists_the_pages(hw):
    page = _page(_browser().get("/hall/"))

    assert "/hall/xihu/kiosk/" in page
    assert "/hall/xihu/appointments/new/" in page
    assert "/hall/xihu/windows/" not in page  # for clerks only
    assert "/hall/xihu/windows/" in _page(_browser(hw.clerk).get("/hall/"))


# --- display ------------------------------------------------------------------------------


def test_the_display_polls_its_board_every_three_seconds(hw):
    ticket_issue(category_id=hw.general.pk)
    ticket_call_next(window_id=hw.window2.pk, actor=hw.clerk)

    response = _browser().get("/hall/xihu/display/")
    page = _page(response)
    board = _page(_browser().get("/hall/xihu/display/board/"))

    _assert_page_rules(response)
    assert 'hx-get="/hall/xihu/display/board/"' in page
    assert 'hx-trigger="every 3s"' in page
    assert 'aria-live="polite"' in board
    assert "请 A001 号到 2 号窗口" in board
    assert '<tr data-window="2"><td>2 综合窗口</td><td class="board-number">A001</td>' in board
    assert "<html" not in board  # a fragment to swap in


# --- window console -----------------------------------------------------------------------


def test_only_clerks_use_the_window_console(hw):
    ticket = ticket_issue(category_id=hw.general.pk)
    urls = ["/hall/xihu/windows/", f"/hall/windows/{hw.window1.pk}/",
            f"/hall/windows/{hw.window1.pk}/queue/", "/hall/xihu/appointments/day/"]
    actions = [f"/hall/windows/{hw.window1.pk}/call/"]
    others = [UserFactory(username="a-citizen"), UserFactory(username="rev", reviewer=True),
              UserFactory(username="sup", supervisor=True),
              UserFactory(username="editor", role="editor", is_superuser=True)]

    for url in urls + actions:
        response = Client().post(url) if url in actions else Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    for user in others:
        browser = _browser(user)
        for url in urls:
            assert browser.get(url).status_code == 403, (user.username, url)
        for url in actions:
            assert browser.post(url).status_code == 403, (user.username, url)
    for url in urls:
        _page(_browser(hw.clerk).get(url))
    assert QueueTicket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING


def test_a_clerk_calls_serves_and_finishes_from_the_console(hw):
    ticket_issue(category_id=hw.general.pk)
    clerk = _browser(hw.clerk)
    console = f"/hall/windows/{hw.window1.pk}/"

    idle = clerk.get(console)
    _assert_page_rules(idle)
    assert "叫号" in _page(idle)
    called = _page(clerk.post(console + "call/", follow=True))
    ticket = QueueTicket.objects.get()
    assert "请 A001 号到 1 号窗口" in called
    assert 'data-status="called"' in called
    with clock.frozen_at(NOW + dt.timedelta(minutes=1)):
        for action in ("recall", "serve"):
            clerk.post(console + f"{action}/", {"ticket": ticket.pk})
    serving = _page(clerk.get(console))
    assert 'data-status="serving"' in serving
    finished = _page(clerk.post(console + "finish/", {"ticket": ticket.pk}, follow=True))
    assert "A001 号：已办结" in finished
    ticket.refresh_from_db()
    assert (ticket.status, ticket.recalls, ticket.window_id) == (TicketStatus.DONE, 1,
                                                                 hw.window1.pk)
    assert "当前没有等候的号" in _page(clerk.post(console + "call/", follow=True))


def test_the_console_links_a_served_number_to_the_intake_page(hw):
    ticket = ticket_issue(category_id=hw.general.pk)
    ticket_call_next(window_id=hw.window1.pk, actor=hw.clerk)
    ticket_serve(ticket_id=ticket.pk, actor=hw.clerk)

    page = _page(_browser(hw.clerk).get(f"/hall/windows/{hw.window1.pk}/"))

    assert f'href="/hall/intake/?ticket={ticket.pk}"' in page


def test_the_console_reports_a_refused_move_and_changes_nothing(hw):
    first = ticket_issue(category_id=hw.general.pk)
    ticket_call_next(window_id=hw.window1.pk, actor=hw.clerk)
    clerk = _browser(hw.clerk2)

    page = _page(clerk.post(f"/hall/windows/{hw.window2.pk}/serve/", {"ticket": first.pk},
                            follow=True))

    assert "A001 号不在本窗口" in page
    assert QueueTicket.objects.get(pk=first.pk).status == TicketStatus.CALLED
    assert clerk.post(f"/hall/windows/{hw.window2.pk}/explode/").status_code == 404


# --- appointments -------------------------------------------------------------------------


def test_anyone_books_a_slot_and_gets_a_code(hw):
    browser = _browser()
    form = _page(browser.get("/hall/xihu/appointments/new/"))
    assert 'hx-get="/hall/xihu/appointments/slots/"' in form
    assert 'value="10:00"' in form
    assert 'value="09:00"' not in form  # 09:00 has begun (it is 09:30)

    response = browser.post("/hall/xihu/appointments/new/", {
        "category": hw.general.pk, "date": "2026-12-07", "slot": "10:00",
        "applicant_name": "王小明", "id_number": hw.citizen_id, "phone": "13812345678",
        "life_event_code": "", "item_code": "",
    })

    appointment = Appointment.objects.get()
    assert response["Location"] == f"/hall/appointments/{appointment.booking_code}/"
    confirmation = browser.get(response["Location"])
    _assert_page_rules(confirmation)
    page = _page(confirmation)
    assert appointment.booking_code in page
    assert "2026-12-07" in page
    assert hw.citizen_id not in page
    assert hw.citizen_id[:4] + "*" * 10 in page


def test_the_booking_form_shows_every_problem_and_stores_nothing(hw):
    response = _browser().post("/hall/xihu/appointments/new/", {
        "category": hw.general.pk, "date": "2026-12-07", "slot": "10:00",
        "applicant_name": "王小明", "id_number": "123", "phone": "12",
    })

    assert response.status_code == 422
    page = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_number-error"' in page
    assert 'aria-describedby="phone-error"' in page
    assert "居民身份证号码应为18位" in page
    assert Appointment.objects.count() == 0


def test_a_signed_in_citizen_finds_their_details_filled_in(hw):
    citizen = UserFactory(username="wang", first_name="王小明", id_number=hw.citizen_id,
                          phone="13812345678")

    page = _page(_browser(citizen).get("/hall/xihu/appointments/new/"))

    assert f'value="{hw.citizen_id}"' in page
    assert 'value="王小明"' in page


def test_the_slots_fragment_follows_the_chosen_day(hw):
    page = _page(_browser().get("/hall/xihu/appointments/slots/",
                                {"category": hw.general.pk, "date": "2026-12-08"}))

    assert 'value="09:00"' in page
    assert "<html" not in page


def test_the_holder_cancels_with_the_id_number(hw):
    appointment = _book(hw)
    browser = _browser()

    wrong = _page(browser.post(f"/hall/appointments/{appointment.booking_code}/cancel/",
                               {"id_number": "x"}, follow=True))
    assert "身份证号码与预约不符" in wrong
    browser.post(f"/hall/appointments/{appointment.booking_code}/cancel/",
                 {"id_number": hw.citizen_id})

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_clerks_see_the_days_appointments_and_check_people_in(hw):
    appointment = _book(hw)
    clerk = _browser(hw.clerk)

    listing = clerk.get("/hall/xihu/appointments/day/")
    _assert_page_rules(listing)
    page = _page(listing)
    assert appointment.booking_code in page
    assert hw.citizen_id not in page
    citizen = _browser(UserFactory(username="someone"))
    assert citizen.post(f"/hall/appointments/{appointment.booking_code}/check-in/") \
        .status_code == 403
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED

    done = _page(clerk.post(f"/hall/appointments/{appointment.booking_code}/check-in/",
                            follow=True))

    assert "已签到，排队号 A001" in done
    assert Appointment.objects.get().status == AppointmentStatus.CHECKED_IN


# --- admin --------------------------------------------------------------------------------


def test_administrators_set_up_halls_categories_and_windows(hw):
    admin = _browser(UserFactory(username="root", is_staff=True, is_superuser=True))
    for url in ("/admin/hall/hall/", f"/admin/hall/hall/{hw.hall.pk}/change/",
                "/admin/hall/servicecategory/", "/admin/hall/servicewindow/",
                "/admin/hall/servicewindow/add/"):
        assert admin.get(url).status_code == 200, url
    other = Hall.objects.create(code="other", name="另一中心", region=hw.hall.region)
    foreign = ServiceCategory.objects.create(hall=other, name="综合受理", prefix="A")

    response = admin.post("/admin/hall/servicewindow/add/", {
        "hall": hw.hall.pk, "number": 9, "name": "综合窗口", "is_active": "on",
        "categories": [hw.general.pk, foreign.pk],
    })

    assert response.status_code == 200
    assert "只能选择本服务中心的业务类别" in response.content.decode()
    assert not hw.hall.windows.filter(number=9).exists()
