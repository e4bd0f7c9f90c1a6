"""A limit in minutes is counted in working time, and every page that shows it says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client

from onevisit import clock
from onevisit.applications.models import Application, Case

pytestmark = pytest.mark.django_db
HANGZHOU = dt.timezone(dt.timedelta(hours=8))
SUNDAY_EARLY = dt.datetime(2026, 12, 6, 5, 57, tzinfo=HANGZHOU)


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_filed_at_dawn_on_a_sunday_the_promise_runs_from_monday_opening(world, api):
    with clock.frozen_at(SUNDAY_EARLY):
        body = api["citizen"].post("/applications", world.house_payload()).json()

    application = Application.objects.get(number=body["number"])
    # The life event promises 50 minutes: 09:00–09:50 on Monday 7 December.
    assert application.due_at == dt.datetime(2026, 12, 7, 9, 50, tzinfo=HANGZHOU)
    filing = Case.objects.get(application=application, stage_key="filing")
    assert filing.due_at == dt.datetime(2026, 12, 7, 9, 15, tzinfo=HANGZHOU)

    with clock.frozen_at(SUNDAY_EARLY + dt.timedelta(minutes=30)):
        portal = _browser(world.citizen).get(f"/me/applications/{body['number']}/")
        workbench = _browser(world.reviewer(world.housing)).get(
            f"/workbench/cases/{filing.pk}/")

    page = portal.content.decode()
    assert "承诺时限：50 分钟（按工作时间计算）" in page
    # Nothing of the 15 minutes is used before the hall opens.
    assert "还剩 15 分钟（按工作时间计算），2026-12-07 09:15 前办结" in page
    desk = workbench.content.decode()
    assert "承诺时限：15 分钟（按工作时间计算） · 应办结时间 2026-12-07 09:15" in desk
    assert "剩余 15 分钟（按工作时间计算）" in desk
    with clock.frozen_at(dt.datetime(2026, 12, 7, 9, 5, tzinfo=HANGZHOU)):
        queue = _browser(world.reviewer(world.housing)).get("/workbench/").content.decode()
    assert "剩余 10 分钟（按工作时间计算）" in queue


def test_a_limit_in_working_days_is_shown_in_working_days(world, api):
    body = api["citizen"].post("/applications", world.licence_payload()).json()

    page = _browser(world.citizen).get(f"/me/applications/{body['number']}/").content.decode()

    assert "承诺时限：5 个工作日" in page


def test_the_receipt_says_the_minutes_are_working_time(world, api):
    with clock.frozen_at(SUNDAY_EARLY):
        number = api["citizen"].post("/applications", world.house_payload()).json()["number"]
    application = Application.objects.get(number=number)

    receipt = render_to_string("applications/receipt.html", {
        "application": application,
        "cases": application.cases.select_related("item", "department"),
    })

    assert "<th>承诺时限</th><td>50 分钟（按工作时间计算）</td>" in receipt
    assert "2026年12月7日 09:50" in receipt
