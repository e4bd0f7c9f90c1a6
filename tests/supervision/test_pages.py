"""The inbox pages: supervisors only; the department's 督办 list: its own reviewers only."""

from __future__ import annotations

import pytest
from django.test import Client

from onevisit.supervision.models import Alert, FollowUpOrder
from onevisit.supervision.services import follow_up_order_send
from tests.factories import DepartmentFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_shows_alerts_with_their_evidence_to_supervisors_only(raised, world):
    supervisor = _as(world.supervisor)

    inbox = supervisor.get("/dashboard/alerts/").content.decode()
    detail = supervisor.get(f"/dashboard/alerts/{raised.alert.pk}/").content.decode()
    application = supervisor.get(f"/dashboard/applications/{raised.number}/").content.decode()

    assert "超过办理时限（红牌）" in inbox
    assert raised.number in inbox
    none = "没有符合条件的预警"
    assert none in supervisor.get("/dashboard/alerts/?kind=bad_rating").content.decode()
    assert "没有符合条件的预警" in supervisor.get(
        f"/dashboard/alerts/?department={world.tax.code}").content.decode()
    assert "办理时限：部门办件超过承诺时限仍未办结（红牌）" in detail
    assert f'href="/dashboard/applications/{raised.number}/#case-{raised.case.pk}"' in detail
    assert "<td>受理</td>" in detail  # the recorded events in words
    assert f'id="case-{raised.case.pk}"' in application
    assert world.citizen_id not in detail + application
    for user in (world.citizen, world.clerk, world.reviewer(world.housing)):
        assert _as(user).get("/dashboard/alerts/").status_code == 403
        assert _as(user).get(f"/dashboard/alerts/{raised.alert.pk}/").status_code == 403
        acknowledge = f"/dashboard/alerts/{raised.alert.pk}/acknowledge/"
        assert _as(user).post(acknowledge).status_code == 403
    assert supervisor.get("/dashboard/alerts/999999/").status_code == 404


def test_a_city_supervisor_narrows_the_inbox_to_one_county(raised, world):
    RegionFactory(code="3301", name="杭州市", level="city")
    DepartmentFactory(code="yh-test", name="余杭区测试局",
                      region=RegionFactory(code="330110", name="余杭区"))
    city = _as(UserFactory(username="city", supervisor=True,
                           region=RegionFactory(code="3301", name="杭州市", level="city")))

    whole = city.get("/dashboard/alerts/").content.decode()
    yuhang = city.get("/dashboard/alerts/?region=330110").content.decode()
    xihu = city.get("/dashboard/alerts/?region=330106").content.decode()
    beyond = city.get("/dashboard/alerts/?region=110101").content.decode()

    assert raised.number in whole
    assert '<option value="330110" selected>余杭区</option>' in yuhang
    assert raised.number not in yuhang
    assert raised.number in xihu
    assert raised.number in beyond  # not hers to pick: the whole city
    # The status tabs count the county shown, and keep it when clicked.
    assert '<strong id="count-open">0</strong>' in yuhang
    assert '<strong id="count-open">1</strong>' in xihu
    assert 'href="?status=closed&amp;region=330110"' in yuhang
    assert 'id="f-region"' not in _as(world.supervisor).get("/dashboard/alerts/").content.decode()


def test_the_round_through_the_pages(raised, world):
    supervisor, reviewer = _as(world.supervisor), _as(world.reviewer(world.housing))
    base = f"/dashboard/alerts/{raised.alert.pk}"

    supervisor.post(f"{base}/acknowledge/")
    supervisor.post(f"{base}/follow-up/", {"department": world.housing.code,
                                           "question": "请说明超期原因", "days": "3"})
    order = FollowUpOrder.objects.get()
    listed = reviewer.get("/workbench/follow-ups/").content.decode()
    assert "请说明超期原因" in listed
    reviewer.post(f"/workbench/follow-ups/{order.pk}/answer/", {"answer": "已加急办结"})
    page = supervisor.post(f"{base}/close/", {"reason": "说明合理"}, follow=True).content.decode()

    assert "已关闭预警" in page
    assert "已加急办结" in page
    assert Alert.objects.get(pk=raised.alert.pk).status == "closed"


def test_refusals_on_the_pages_say_why_and_change_nothing(raised, world):
    order = follow_up_order_send(alert_id=raised.alert.pk, actor=world.supervisor,
                                 department_code=world.housing.code, question="请说明", days=3)
    other = _as(world.reviewer(world.tax))

    assert "请说明" not in other.get("/workbench/follow-ups/").content.decode()
    page = other.post(f"/workbench/follow-ups/{order.pk}/answer/", {"answer": "不是我们的"},
                      follow=True).content.decode()
    assert "只有被督办部门的人员能答复这项督办" in page
    page = _as(world.supervisor).post(f"/dashboard/alerts/{raised.alert.pk}/close/",
                                      {"reason": "核实"}, follow=True).content.decode()
    assert "该预警的督办尚未答复，答复后才能关闭" in page
    order.refresh_from_db()
    assert (order.status, order.answer) == ("open", "")
    assert Alert.objects.get(pk=raised.alert.pk).status == "acknowledged"
    for user in (world.citizen, world.clerk, world.supervisor):
        assert _as(user).get("/workbench/follow-ups/").status_code == 403
