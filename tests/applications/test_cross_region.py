"""跨域通办 (收受分离): a window of one county accepts an item another county handles.

The applicant lives in 余杭区 and goes to its hall; the 建筑工程施工许可 she applies for is
handled by 西湖区's housing bureau. The application is routed there, her trip counts in
余杭区 where she went, the receipt is 余杭区's, and what she chose for the result holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onevisit.accounts.models import Region, RegionLevel
from onevisit.applications.models import Application, Case, Visit
from onevisit.applications.selectors import visit_causes_count
from onevisit.audit.models import AuditEvent
from tests.conftest import Api
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YUHANG = "330110"


@pytest.fixture
def yuhang_clerk(world: Any) -> Any:
    region = Region.objects.create(code=YUHANG, name="余杭区", level=RegionLevel.COUNTY,
                                   parent_id="3301")
    return UserFactory(username="clerk-yh", clerk=True, region=region)


def _file(world: Any, clerk: Any, **overrides: Any) -> dict[str, Any]:
    payload = {**world.licence_payload(), "channel": "window",
               "delivery": {"method": "courier", "recipient": "王小明",
                            "phone": "13812345678", "address": "杭州市余杭区文一西路 1 号"},
               **overrides}
    response = Api(clerk).post("/applications", payload)
    assert response.status_code == 201, response.json()
    return dict(response.json())


def test_accepted_in_one_county_handled_in_another(world, yuhang_clerk):
    body = _file(world, yuhang_clerk)

    application = Application.objects.get(number=body["number"])
    assert (application.region_id, application.intake_region_id) == ("330106", YUHANG)
    # The application's number is the handling county's, the receipt the accepting one's.
    assert body["number"].startswith("OV330106")
    assert body["receipt_number"].startswith(f"SL{YUHANG}")
    case = Case.objects.get(application=application)
    assert case.department == world.housing
    queue = Api(world.reviewer(world.housing)).get("/queue").json()
    assert case.pk in [row["case_id"] for row in queue]
    reviewer = Client()
    reviewer.force_login(world.reviewer(world.housing))
    page = reviewer.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "受理地（跨域通办） 余杭区" in page


def test_the_trip_counts_where_she_went(world, yuhang_clerk):
    body = _file(world, yuhang_clerk)

    visit = Visit.objects.get(application__number=body["number"])
    assert visit.region_id == YUHANG
    since, until = visit.occurred_at.replace(hour=0), visit.occurred_at.replace(hour=23)
    Visit.objects.filter(pk=visit.pk).update(cause="missing_notice")
    assert [r.trips for r in visit_causes_count(since=since, until=until, scope=YUHANG)] == [1]
    assert visit_causes_count(since=since, until=until, scope="330106") == []


def test_both_windows_see_it_and_the_result_goes_where_she_chose(world, yuhang_clerk):
    body = _file(world, yuhang_clerk)

    for clerk in (yuhang_clerk, world.clerk):
        assert Api(clerk).get(f"/applications/{body['number']}").status_code == 200
    application = Application.objects.get(number=body["number"])
    assert application.delivery_contact["address"] == "杭州市余杭区文一西路 1 号"
    window = Client()
    window.force_login(yuhang_clerk)
    regions = window.get(f"/hall/applications/{body['number']}/").content.decode()
    assert "办理地 西湖区" in regions
    assert "余杭区" in regions


def test_a_supervisor_of_the_accepting_county_does_not_supervise_the_handling(
        world, yuhang_clerk):
    body = _file(world, yuhang_clerk)
    accepting = Api(UserFactory(username="supervisor-yh", supervisor=True, region_id=YUHANG))
    handling = Api(world.supervisor)
    events = AuditEvent.objects.count()

    assert accepting.get(f"/applications/{body['number']}").status_code == 404
    assert handling.get(f"/applications/{body['number']}").status_code == 200
    assert AuditEvent.objects.count() == events
