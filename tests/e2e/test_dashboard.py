"""Browser test 4 of issue 3: the dashboard renders its charts with data; the language
switch works."""

from __future__ import annotations

import pytest

from onevisit.metrics.services import rollups_refresh_recent
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_draws_its_charts_and_switches_language(world, api, live_server, page):
    api["citizen"].post("/applications", world.house_payload())
    rollups_refresh_recent()

    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()

    page.wait_for_selector('body[data-charts-ready="4"]')
    assert page.locator(".chart canvas").count() >= 4
    shot(page, "dashboard-zh")

    page.select_option("#lang", "en")
    page.get_by_role("button", name="切换").click()
    page.get_by_role("heading", name="Reform indicators").wait_for()
    page.wait_for_selector('body[data-charts-ready="4"]')
    shot(page, "dashboard-en")
