"""The dashboard reads rollups rebuilt from recorded facts."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.metrics.models import DailyRollup, DepartmentRollup
from onevisit.metrics.selectors import dashboard_figures
from onevisit.metrics.services import rollups_refresh

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 23)
MORNING = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # 09:00 in Hangzhou


def _complete(api, body) -> None:
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        case = next(c["id"] for c in body["cases"] if c["stage_key"] == stage)
        api[f"reviewer:{role}"].decide(case)


def test_a_day_is_rebuilt_from_facts_and_rebuilding_changes_nothing(world, api):
    with clock.frozen_at(MORNING):
        online = api["citizen"].post("/applications", world.house_payload()).json()
        api["clerk"].post("/applications", world.house_payload(channel="window"))
    with clock.frozen_at(MORNING + dt.timedelta(minutes=10)):
        _complete(api, online)

    rollups_refresh(days=[DAY])
    rollups_refresh(days=[DAY])

    day = DailyRollup.objects.get()
    assert (day.filed, day.filed_online, day.completed, day.completed_zero_visits,
            day.completed_on_time) == (2, 1, 1, 1, 1)
    assert sorted(DepartmentRollup.objects.values_list("department__code", "decided")) == [
        ("xh-bdc", 1), ("xh-sw", 1), ("xh-zjj", 1),
    ]
    figures = dashboard_figures(since=DAY, until=DAY, now=MORNING + dt.timedelta(minutes=10))
    assert figures["tiles"]["online_share"] == 0.5
    assert figures["tiles"]["zero_visit_share"] == 1.0
    assert figures["visits"] == {"0": 1, "1": 0, "2+": 0}
    assert figures["regions"] == [{"name": "西湖区", "decided": 3, "on_time_rate": 1.0}]
