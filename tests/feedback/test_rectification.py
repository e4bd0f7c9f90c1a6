"""好差评 → 整改: a bad rating opens a rectification for each department that served; the
department calls back and records its rectification from the workbench; the citizen gives
a second verdict; an unanswered deadline raises one alert; rates are published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from onevisit import clock
from onevisit.applications.models import Application
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.feedback.constants import ALLOWED_RECTIFICATION_TRANSITIONS, RectificationStatus
from onevisit.feedback.models import Rating, Rectification
from onevisit.feedback.selectors import department_rates, window_rates
from onevisit.feedback.services import (
    rating_submit,
    rectification_answer,
    rectification_second_verdict,
    rectifications_overdue_scan,
)
from onevisit.feedback.services.ratings import _move
from onevisit.hall.models import Hall, QueueTicket, ServiceCategory, ServiceWindow
from onevisit.notifications.models import Notification
from onevisit.supervision.models import Alert
from tests.conftest import FIXED_START
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _snapshot(rectification: Rectification) -> tuple:
    rectification.refresh_from_db()
    return (rectification.status, rectification.call_summary, rectification.measures,
            rectification.answered_at, rectification.second_score)


def test_a_bad_rating_opens_one_rectification_per_department_with_a_working_day_deadline(
        world, finish):
    number = finish(world.house_payload())
    rating = rating_submit(number=number, score=1, reasons=["slow"], comment="太慢",
                           actor=world.citizen)

    assert sorted(rating.departments.values_list("code", flat=True)) == [
        "xh-bdc", "xh-sw", "xh-zjj"]
    assert rating.window == ""  # filed online
    rectifications = Rectification.objects.order_by("department__code")
    assert [r.department.code for r in rectifications] == ["xh-bdc", "xh-sw", "xh-zjj"]
    # Tuesday 8 December + 5 working days: the end of Tuesday 15 December.
    assert {r.due_at.astimezone(FIXED_START.tzinfo).date() for r in rectifications} == {
        dt.date(2026, 12, 15)}
    assert {r.status for r in rectifications} == {"open"}


def test_a_good_rating_opens_nothing(world, finish):
    number = finish()
    rating_submit(number=number, score=4, actor=world.citizen)
    assert not Rectification.objects.exists()
    assert Rating.objects.get().departments.get() == world.housing


def test_the_rectification_loop_from_bad_rating_to_second_verdict(world, finish):
    number = finish()
    housing = world.reviewer(world.housing)
    citizen = _browser(world.citizen)
    citizen.post(f"/me/applications/{number}/rating/",
                 {"score": "2", "reasons": ["materials"], "comment": "材料要求重复"})
    rectification = Rectification.objects.get()

    # The department sees it on its workbench and answers with the return call.
    workbench = _browser(housing)
    page = workbench.get("/workbench/rectifications/").content.decode()
    assert number in page
    assert "材料要求多或重复提交" in page
    response = workbench.post(f"/workbench/rectifications/{rectification.pk}/answer/", {
        "called_person": "王小明（申请人）",
        "call_summary": "申请人反映需重复提交身份证复印件",
        "measures": "已改为通过数据共享获取身份证，不再要求复印件"}, follow=True)
    assert response.status_code == 200
    rectification.refresh_from_db()
    assert rectification.status == "answered"
    assert rectification.called_person == "王小明（申请人）"
    assert rectification.answered_by == housing
    # The citizen is told, and asked for her second verdict.
    told = Notification.objects.get(event="rectified", channel="site")
    assert told.user == world.citizen
    page = citizen.get(f"/me/applications/{number}/").content.decode()
    assert "已改为通过数据共享获取身份证" in page
    citizen.post(f"/me/rectifications/{rectification.pk}/verdict/",
                 {"score": "4", "comment": "改进了"})
    rectification.refresh_from_db()
    assert rectification.status == "satisfied"
    assert rectification.second_score == 4

    [rate] = department_rates()
    assert (rate.department, rate.ratings, rate.bad, rate.rectified, rate.on_time,
            rate.satisfied, rate.second_verdicts) == (world.housing.name, 1, 1, 1, 1, 1, 1)
    assert rate.rectified_rate == 1.0
    # Published on the public page and the supervisor's dashboard.
    public = Client().get("/verdict/").content.decode()
    assert world.housing.name in public
    assert "100%" in public
    board = _browser(world.supervisor).get("/dashboard/verdict/").content.decode()
    assert world.housing.name in board
    # The bad rating's alert shows the supervisor the return call, the measures and the
    # second verdict, and the events in words.
    alert = Alert.objects.get(kind="bad_rating", application_number=number)
    page = _browser(world.supervisor).get(f"/dashboard/alerts/{alert.pk}/").content.decode()
    for words in ("王小明（申请人）", "已改为通过数据共享获取身份证", "改进了",
                  "部门回访整改", "群众复评"):
        assert words in page
    assert "rectification.answered" not in page


def test_an_unanswered_deadline_raises_one_alert_once_and_the_answer_closes_it(world, finish):
    number = finish()
    rating_submit(number=number, score=1, reasons=["slow"], actor=world.citizen)
    rectification = Rectification.objects.get()

    assert rectifications_overdue_scan() == 0  # not due yet
    with clock.frozen_at(dt.datetime(2026, 12, 16, 9, 0, tzinfo=FIXED_START.tzinfo)):
        assert rectifications_overdue_scan() == 1
        assert rectifications_overdue_scan() == 0
        alert = Alert.objects.get(kind="rectification_overdue")
        assert alert.application_number == number
        assert alert.subject == f"rectification:{rectification.pk}"
        assert alert.evidence["reasons"] == ["办理时间长"]
        assert alert.region_id == "330106"
        rectification_answer(
            rectification_id=rectification.pk, actor=world.reviewer(world.housing),
            called_at=clock.now(), called_person="王小明", call_summary="已致歉",
            measures="增加窗口人员")
    alert.refresh_from_db()
    assert alert.status == "closed"
    [rate] = department_rates()
    assert (rate.rectified, rate.on_time) == (1, 0)  # answered, but late


def test_refusals_change_nothing(world, finish):
    number = finish()
    rating_submit(number=number, score=1, reasons=["slow"], actor=world.citizen)
    rectification = Rectification.objects.get()
    before = _snapshot(rectification)
    answer = {"rectification_id": rectification.pk, "called_at": clock.now(),
              "called_person": "王小明", "call_summary": "已回访", "measures": "已整改"}

    with pytest.raises(NotAllowed):  # another department's reviewer
        rectification_answer(actor=world.reviewer(world.tax), **answer)
    with pytest.raises(NotAllowed):  # the supervisor does not answer for the department
        rectification_answer(actor=world.supervisor, **answer)
    with pytest.raises(InvalidInput) as refused:
        rectification_answer(actor=world.reviewer(world.housing),
                             **answer | {"measures": " ", "called_at": None})
    assert set(refused.value.errors) == {"measures", "called_at"}
    with pytest.raises(Conflict):  # no second verdict before the department answered
        rectification_second_verdict(rectification_id=rectification.pk, actor=world.citizen,
                                     score=5)
    assert _snapshot(rectification) == before

    rectification_answer(actor=world.reviewer(world.housing), **answer)
    after = _snapshot(rectification)
    with pytest.raises(Conflict):  # answered once
        rectification_answer(actor=world.reviewer(world.housing), **answer)
    stranger = UserFactory(username="stranger")
    with pytest.raises(NotFound):
        rectification_second_verdict(rectification_id=rectification.pk, actor=stranger,
                                     score=5)
    with pytest.raises(InvalidInput):
        rectification_second_verdict(rectification_id=rectification.pk, actor=world.citizen,
                                     score=9)
    assert _snapshot(rectification) == after
    rectification_second_verdict(rectification_id=rectification.pk, actor=world.citizen,
                                 score=2)
    with pytest.raises(Conflict):  # once
        rectification_second_verdict(rectification_id=rectification.pk, actor=world.citizen,
                                     score=5)
    rectification.refresh_from_db()
    assert (rectification.status, rectification.second_score) == ("unsatisfied", 2)


def test_the_workbench_shows_only_the_departments_own(world, finish):
    number = finish()
    rating_submit(number=number, score=1, reasons=["slow"], actor=world.citizen)
    rectification = Rectification.objects.get()
    tax = _browser(world.reviewer(world.tax))
    assert number not in tax.get("/workbench/rectifications/").content.decode()
    tax.post(f"/workbench/rectifications/{rectification.pk}/answer/", {
        "called_person": "王小明",
        "call_summary": "已回访", "measures": "已整改"})
    rectification.refresh_from_db()
    assert rectification.status == "open"


def test_a_rating_records_the_window_that_accepted_it_and_counts_per_window(world, finish):
    number = finish()
    hall = Hall.objects.create(code="xihu", name="西湖区行政服务中心", region_id="330106")
    category = ServiceCategory.objects.create(hall=hall, name="综合受理", prefix="A")
    window = ServiceWindow.objects.create(hall=hall, number=3, name="综合窗口")
    ticket = QueueTicket.objects.create(
        hall=hall, category=category, service_day=FIXED_START.date(), sequence=1,
        number="A001", status="done", window=window, issued_at=FIXED_START,
        serving_at=FIXED_START)
    ticket.applications.add(Application.objects.get(number=number))

    rating_submit(number=number, score=2, reasons=["attitude"], actor=world.citizen)

    assert Rating.objects.get().window == "西湖区行政服务中心 3号窗口（综合窗口）"
    assert window_rates() == [{"window": "西湖区行政服务中心 3号窗口（综合窗口）",
                               "ratings": 1, "average": 2.0, "bad": 1}]
    assert "3号窗口" in Client().get("/verdict/").content.decode()


@pytest.mark.parametrize(("start", "to"), [
    (start, to) for start in RectificationStatus for to in RectificationStatus])
def test_every_state_pair_is_allowed_exactly_as_the_table_says(start, to):
    rectification = Rectification(status=start)
    if to in ALLOWED_RECTIFICATION_TRANSITIONS[start]:
        _move(rectification, to)
        assert rectification.status == to
    else:
        with pytest.raises(Conflict):
            _move(rectification, to)
        assert rectification.status == start


def test_the_public_rates_name_departments_in_the_visitors_language(world, finish):
    world.housing.name_en = "Housing Bureau"
    world.housing.save()
    number = finish()
    rating_submit(number=number, score=1, reasons=["slow"], actor=world.citizen)

    english = Client().get("/verdict/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = Client().get("/verdict/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<td>Housing Bureau</td>" in english
    assert f"<td>{world.housing.name_zh_hans}</td>" in chinese
