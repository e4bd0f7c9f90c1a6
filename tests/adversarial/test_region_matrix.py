"""Regions as tenants: no read or write crosses a region's boundary.

王小明's application, her 12345 call and her alert belong to 西湖区 (330106). The staff of
another county of the same city, 余杭区 (330110) — window clerk, supervisor, 12345 agent and
dispatcher, courier, a reviewer — try every page and every operation of the site with her
objects' keys: none of them sees her data, every write is refused and changes nothing. The
city's supervisor (杭州市, 3301) sees both counties; each county's supervisor only her own,
in the inbox, the dashboard, its Excel export, the access report and the API.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.applications.models import Case
from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.services import item_publish
from onevisit.delivery.models import Delivery
from onevisit.hall.models import Hall, ServiceWindow
from onevisit.hotline.models import Ticket
from onevisit.metrics.selectors import dashboard_figures
from onevisit.metrics.services import rollups_refresh
from onevisit.supervision.models import Alert, AlertKind
from onevisit.supervision.services import alert_raise
from tests.adversarial.test_access_matrix import (
    KITCHEN_SINK,
    NOT_FOUND_OR_REFUSED,
    ROUTES,
    Her,
    _client,
    _object_route,
    _state,
)
from tests.conftest import Api
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = pytest.mark.django_db

YUHANG = "330110"


@pytest.fixture
def yuhang(world: Any) -> Region:
    return Region.objects.create(code=YUHANG, name="余杭区", level=RegionLevel.COUNTY,
                                 parent_id="3301")


@pytest.fixture
def her(world: Any, api: dict[str, Any], yuhang: Region) -> Her:
    found = Her(world, api)
    department = DepartmentFactory(code="yh-zjj", name="余杭区住房和城乡建设局", region=yuhang)
    found.people = {
        "clerk-yh": UserFactory(username="clerk-yh", clerk=True, region=yuhang),
        "supervisor-yh": UserFactory(username="supervisor-yh", supervisor=True, region=yuhang),
        "agent-yh": UserFactory(username="agent-yh", agent=True, region=yuhang),
        "dispatcher-yh": UserFactory(username="dispatcher-yh", dispatcher=True, region=yuhang),
        "courier-yh": UserFactory(username="courier-yh", courier=True, region=yuhang),
        "reviewer-yh": UserFactory(username="reviewer-yh", reviewer=True,
                                   department=department),
    }
    alert_raise(kind=AlertKind.VISITS_EXCEEDED, application_number=found.number,
                message="跑动超过承诺")
    return found


def test_no_one_of_another_county_reads_her_data_anywhere(her):
    leaks, wrong = [], []
    secrets = [her.world.citizen_id, "文三路 100 号", "13600009999"]
    for person, user in her.people.items():
        client = _client(user)
        for route in ROUTES:
            path = her.path(route)
            response = client.get(path)
            assert response.status_code < 500, (person, path, response.status_code)
            body = response.content.decode("utf-8", "replace")
            leaks += [(person, path, secret) for secret in secrets if secret in body]
            if (_object_route(route) and response.status_code not in NOT_FOUND_OR_REFUSED
                    and not (response.status_code == 302
                             and response["Location"].startswith("/accounts/login/"))):
                wrong.append((person, path, response.status_code))

    assert leaks == []
    assert wrong == []


def test_no_one_of_another_county_changes_her_things(her):
    alert = Alert.objects.get(application_number=her.number)
    before = (_state(), alert.status)
    changed = []
    for person, user in her.people.items():
        client = _client(user)
        paths = [her.path(route) for route in ROUTES if _object_route(route)]
        paths += [f"/dashboard/alerts/{alert.pk}/{action}/"
                  for action in ("acknowledge", "close", "follow-up")]
        paths += [f"/api/v1/supervision/alerts/{alert.pk}/{action}"
                  for action in ("acknowledge", "close", "follow-ups")]
        for path in paths:
            for response in (
                client.post(path, json.dumps(KITCHEN_SINK), content_type="application/json"),
                client.post(path, {k: v for k, v in KITCHEN_SINK.items()
                                   if isinstance(v, str | int)}),
            ):
                assert response.status_code in {302, 400, 401, 403, 404, 405, 409, 422}, (
                    person, path, response.status_code)
            alert.refresh_from_db()
            if (_state(), alert.status) != before:
                changed.append((person, path))
                before = (_state(), alert.status)

    assert changed == []


def test_the_other_countys_lists_and_searches_leave_her_out(her):
    clerk, supervisor = her.people["clerk-yh"], her.people["supervisor-yh"]
    dispatcher = her.people["dispatcher-yh"]

    found = _client(clerk).get("/hall/find/", {"q": her.world.citizen_id})
    assert her.number not in found.content.decode()
    assert Api(clerk).get("/applications").json()["items"] == []
    assert Api(supervisor).get("/supervision/alerts?status=open").json() == []
    assert _client(supervisor).get(f"/dashboard/applications/{her.number}/").status_code == 404
    assert Api(dispatcher).get("/hotline/dispatch-queue").json() == []
    history = Api(her.people["agent-yh"]).get(
        f"/hotline/caller-history?phone=13600009999&id_number={her.world.citizen_id}").json()
    assert history == {"tickets": [], "applications": []}


def test_her_own_countys_staff_and_the_city_supervisor_see_her(her, world, yuhang):
    city = UserFactory(username="supervisor-hz", supervisor=True, region_id="3301")
    county = world.supervisor  # 西湖区

    for supervisor in (county, city):
        assert [a["application_number"] for a in
                Api(supervisor).get("/supervision/alerts?status=open").json()] == [her.number]
        page = _client(supervisor).get(f"/dashboard/applications/{her.number}/")
        assert page.status_code == 200
    found = _client(world.clerk).get("/hall/find/", {"q": her.number}, follow=True)
    assert her.number in found.content.decode()
    assert Api(her.people["agent-yh"]).get(f"/tickets/{her.ticket}").status_code == 404
    assert Api(UserFactory(username="agent-xh", agent=True)).get(
        f"/tickets/{her.ticket}").status_code == 200


def test_the_dashboard_and_its_export_count_each_county_apart(her, world, yuhang):
    department = DepartmentFactory(code="yh-sj", name="余杭区市场监督管理局", region=yuhang)
    item = ServiceItemFactory(code="330110-SJ-001", name="食品经营许可", department=department,
                              region=yuhang, committed_limit=5, statutory_limit=20)
    item_publish(item=item, actor=None)
    yh_clerk = her.people["clerk-yh"]
    Api(yh_clerk).post("/applications", {
        "item_code": item.code, "consent_to_fetch": True, "channel": "window",
        "applicant": {"kind": "person", "name": "李四", "id_number": world.citizen_id},
        "data": {}, "materials": [],
    })
    today = clock.now().date()
    rollups_refresh(days=[today])
    now = clock.now()

    def filed(scope: str) -> int:
        figures = dashboard_figures(since=today, until=today, now=now, scope=scope)
        return int(figures["tiles"]["filed"])

    assert (filed("330106"), filed(YUHANG), filed("3301")) == (1, 1, 2)

    export = _client(her.people["supervisor-yh"]).get("/dashboard/export.xlsx")
    book = load_workbook(io.BytesIO(export.content))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for c in row if c.value is not None}
    assert not any("西湖区" in cell for cell in cells)
    page = _client(her.people["supervisor-yh"]).get("/dashboard/", {"region": "330106"})
    assert "不在您的管辖范围内" in page.content.decode()
    city = UserFactory(username="supervisor-hz", supervisor=True, region_id="3301")
    page = _client(city).get("/dashboard/", {"region": YUHANG})
    assert page.status_code == 200
    assert page.context["period"].scope == YUHANG


def test_another_countys_hall_and_courier_cannot_touch_her_parcel(her, world, api):
    for stage, code in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        case = Case.objects.get(application__number=her.number, stage_key=stage)
        api[f"reviewer:{code}"].decide(case.pk)
    delivery = Delivery.objects.get(application__number=her.number)
    tracking = delivery.tracking_number
    page = _client(world.clerk).get(f"/hall/applications/{her.number}/").content.decode()
    assert "快递送达 · 待交寄快递" in page
    clerk, courier = Api(her.people["clerk-yh"]), Api(her.people["courier-yh"])

    assert clerk.post(f"/deliveries/{tracking}/dispatched").status_code == 404
    assert _client(her.people["clerk-yh"]).get("/hall/parcels/").context["parcels"].count() == 0
    assert api["clerk"].post(f"/deliveries/{tracking}/dispatched").status_code == 200
    assert courier.post(f"/deliveries/{tracking}/delivered", {"note": "签收"}).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "dispatched"
    assert api["courier"].post(f"/deliveries/{tracking}/delivered",
                               {"note": "签收"}).status_code == 200


def test_an_agent_files_no_ticket_for_another_countys_place(her):
    Region.objects.create(code="330106001", name="北山街道", level=RegionLevel.TOWNSHIP,
                          parent_id="330106")
    tickets = Ticket.objects.count()

    response = Api(her.people["agent-yh"]).post("/tickets", {
        "type": "complaint", "channel": "phone", "region_code": "330106001",
        "text": "北山路上的路灯一直不亮，晚上走路很危险，请尽快修理。"})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"region_code"}
    assert Ticket.objects.count() == tickets


def test_an_editor_edits_only_her_countys_implementation_list(her, world, yuhang):
    editor = UserFactory(username="editor-yh", role="editor", is_staff=True, region=yuhang)
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="catalogue"))
    client = _client(editor)
    items = ServiceItem.objects.count()

    listing = client.get("/admin/catalogue/serviceitem/")
    assert listing.status_code == 200
    assert world.licence.code not in listing.content.decode()
    page = client.get(f"/admin/catalogue/serviceitem/{world.licence.pk}/change/")
    assert page.status_code == 302  # "does not exist" back to the list
    form = client.get("/admin/catalogue/serviceitem/add/").context["adminform"].form
    assert {d.region_id for d in form.fields["department"].queryset} == {YUHANG}
    upload = SimpleUploadedFile("清单.csv", b"department,name,item_code,task_type\n")
    refused = client.post("/admin/catalogue/serviceitem/import/",
                          {"region": "330106", "file": upload})
    assert "该地区不在您的管辖范围内" in refused.content.decode()
    assert ServiceItem.objects.count() == items


def test_a_clerk_works_the_windows_of_her_own_countys_hall_only(her, world, yuhang):
    xihu = Hall.objects.create(code="xihu", name="西湖区政务服务中心", region_id="330106")
    window = ServiceWindow.objects.create(hall=xihu, number=1, name="综合窗口")
    other, own = _client(her.people["clerk-yh"]), _client(world.clerk)

    for path in ("/hall/xihu/windows/", f"/hall/windows/{window.pk}/",
                 "/hall/xihu/appointments/day/"):
        assert other.get(path).status_code == 404, path
        assert own.get(path).status_code == 200, path
    assert other.post(f"/hall/windows/{window.pk}/call/").status_code == 404
