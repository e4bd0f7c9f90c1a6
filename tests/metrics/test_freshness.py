"""The dashboard is never silently stale: it says how fresh its figures are, counts open
overdue work as late, shows "—" where there is nothing to rate, filters by period and
department, and shows the days `onevisit simulate` recorded ahead of the wall clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from onevisit import clock
from onevisit.metrics.models import DailyRollup
from onevisit.metrics.selectors import dashboard_figures, rollup_freshness
from onevisit.metrics.services import rollups_refresh, rollups_refresh_due

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 23)  # a Monday
MORNING = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
STALE = dt.timedelta(minutes=15)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _complete(api, body) -> None:
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        case = next(c["id"] for c in body["cases"] if c["stage_key"] == stage)
        api[f"reviewer:{role}"].decide(case)


def test_rates_with_no_data_are_none_and_shown_as_a_dash(world):
    with clock.frozen_at(MORNING):
        rollups_refresh(days=[DAY])
        figures = dashboard_figures(since=DAY, until=DAY, now=MORNING)
        page = _as(world.supervisor).get("/dashboard/?since=2026-11-23&until=2026-11-23")

    assert figures["tiles"]["on_time_rate"] is None
    assert figures["tiles"]["online_share"] is None
    text = page.content.decode()
    assert '<div class="tile" data-tile="on_time_rate"><div class="tile-label">按时办结率</div>' \
           '<div class="tile-value">—</div>' in text
    assert '>0%<' not in text


def test_open_overdue_work_counts_as_late(world, api):
    with clock.frozen_at(MORNING):
        done = api["citizen"].post("/applications", world.house_payload()).json()
        api["citizen"].post("/applications", world.house_payload())
    with clock.frozen_at(MORNING + dt.timedelta(minutes=10)):
        _complete(api, done)
    # The second one was due at 09:50 (50 minutes) and is still open at noon.
    noon = MORNING + dt.timedelta(hours=3)
    with clock.frozen_at(noon):
        rollups_refresh(days=[DAY])
        figures = dashboard_figures(since=DAY, until=DAY, now=noon)
        housing = dashboard_figures(since=DAY, until=DAY, now=noon, department=world.housing)

    assert (figures["tiles"]["completed"], figures["tiles"]["open_overdue"]) == (1, 1)
    assert figures["tiles"]["on_time_rate"] == 0.5
    # Before its deadline the open one is not late yet.
    early = dashboard_figures(since=DAY, until=DAY, now=MORNING + dt.timedelta(minutes=20))
    assert early["tiles"]["on_time_rate"] == 1.0
    # The housing department decided one in time; its open filing case is overdue.
    assert housing["tiles"] == {"decided": 1, "on_time_rate": 0.5, "open_overdue": 1}
    assert [(d["name"], d["on_time_rate"]) for d in figures["departments"]
            if d["name"] == world.housing.name] == [(world.housing.name, 0.5)]


def test_freshness_says_as_of_when_and_warns_when_stale(world):
    with clock.frozen_at(MORNING):
        rollups_refresh(days=[DAY])
    fresh = rollup_freshness(since=DAY, until=DAY, now=MORNING + dt.timedelta(minutes=5),
                             stale_after=STALE)
    stale = rollup_freshness(since=DAY, until=DAY, now=MORNING + dt.timedelta(minutes=30),
                             stale_after=STALE)
    gap = rollup_freshness(since=DAY - dt.timedelta(days=1), until=DAY,
                           now=MORNING + dt.timedelta(minutes=5), stale_after=STALE)

    assert (fresh.as_of, fresh.missing, fresh.stale) == (MORNING, 0, False)
    assert (stale.as_of, stale.stale) == (MORNING, True)
    assert (gap.missing, gap.stale) == (1, True)
    with clock.frozen_at(MORNING + dt.timedelta(minutes=30)):
        page = _as(world.supervisor).get("/dashboard/?since=2026-11-23&until=2026-11-23")
    text = page.content.decode()
    assert "数据截至 2026-11-23 09:00" in text
    assert "汇总未按时更新" in text


def test_the_periodic_refresh_fills_gaps_and_days_rolled_up_before_they_ended(world, api):
    ahead = dt.datetime(2026, 11, 30, 10, 0, tzinfo=TZ)  # a simulated day a week ahead
    with clock.frozen_at(ahead):
        api["citizen"].post("/applications", world.house_payload())
    with clock.frozen_at(MORNING):
        rollups_refresh(days=[ahead.date()])  # rolled up before that day (as simulate does)
        rebuilt = rollups_refresh_due()

    assert rebuilt == 367 + 1  # the year back, today, and the day ahead
    assert DailyRollup.objects.get(day=ahead.date()).filed == 1
    with clock.frozen_at(MORNING + dt.timedelta(minutes=5)):
        page = _as(world.supervisor).get("/dashboard/").content.decode()
    # The default period runs to the last recorded day, though it lies ahead.
    assert "2026-11-01 至 2026-11-30" in page


def test_period_and_department_filters_and_bad_values(world):
    with clock.frozen_at(MORNING):
        rollups_refresh(days=[DAY])
        client = _as(world.supervisor)
        page = client.get(f"/dashboard/?since=2026-11-23&until=2026-11-23"
                          f"&department={world.housing.code}").content.decode()
        bad = client.get("/dashboard/?since=yesterday&until=2026-11-01&department=x")

    assert f"改革指标 · {world.housing.name}" in page
    assert "2026-11-23 至 2026-11-23" in page
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "起始日期格式应为 YYYY-MM-DD" in text
    assert "没有这个部门" in text
    assert "2026-10-03 至 2026-11-01" in text
