"""A citizen files at dawn on a Sunday an item promised in minutes: her page, and the
reviewer's, say the minutes are counted in working hours and run from Monday's opening."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onevisit import clock
from onevisit.applications.models import Case
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
HANGZHOU = dt.timezone(dt.timedelta(hours=8))


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_sunday_filing_counts_its_minutes_from_monday_opening(world, api, live_server,
                                                                browser, page):
    with clock.frozen_at(dt.datetime(2026, 12, 6, 5, 57, tzinfo=HANGZHOU)):
        number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    filing = Case.objects.get(application__number=number, stage_key="filing")

    with clock.running_from(dt.datetime(2026, 12, 6, 6, 10, tzinfo=HANGZHOU)):
        _sign_in(page, f"{live_server.url}/me/applications/{number}/", "citizen")
        page.locator("#committed-limit").get_by_text("50 分钟（按工作时间计算）").wait_for()
        # Filing and tax both promise 15 minutes; nothing of them is used before opening.
        left = page.get_by_text("还剩 15 分钟（按工作时间计算），2026-12-07 09:15 前办结")
        left.first.wait_for()
        assert left.count() == 2
        shot(page, "minutes-citizen-sunday")

        desk = browser.new_context(locale="zh-CN").new_page()
        _sign_in(desk, f"{live_server.url}/workbench/cases/{filing.pk}/", "reviewer-xh-zjj")
        desk.locator("#committed-limit").get_by_text(
            "15 分钟（按工作时间计算） · 应办结时间 2026-12-07 09:15").wait_for()
        desk.get_by_text("剩余 15 分钟（按工作时间计算）").wait_for()
        shot(desk, "minutes-workbench-sunday")
