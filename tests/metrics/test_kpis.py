"""KPIs come from recorded facts: visits, channels and timestamps."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.metrics.selectors import kpis

pytestmark = pytest.mark.django_db


def _complete(api, body) -> None:
    for stage, role in (("filing", "xh-zjj"), ("tax", "xh-sw"), ("transfer", "xh-bdc")):
        case = next(c["id"] for c in body["cases"] if c["stage_key"] == stage)
        assert api[f"reviewer:{role}"].decide(case).status_code == 200


def test_kpis_from_one_online_and_one_window_application(world, api):
    start = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        online = api["citizen"].post("/applications", world.house_payload()).json()
        window = api["clerk"].post("/applications", world.house_payload(
            channel="window", delivery={"method": "pickup"})).json()
    with clock.frozen_at(start + dt.timedelta(minutes=25)):
        _complete(api, online)
        _complete(api, window)
    with clock.frozen_at(start + dt.timedelta(days=1)):
        api["clerk"].post(f"/applications/{window['number']}/pickup", {})

    figures = kpis()

    assert figures.items_published == 4
    assert figures.catalogue_one_visit_rate == 1.0
    assert figures.applications == 2
    assert figures.online_share == 0.5
    assert figures.completed == 2
    assert figures.completed_zero_visit_share == 0.5
    assert figures.completed_at_most_one_visit_share == 0.5  # intake, then a pickup trip
    assert figures.average_visits == 1.0
    assert figures.on_time_rate == 1.0
    assert figures.average_duration_hours == round(25 / 60, 4)
    assert figures.average_share_of_committed_time == 0.5


def test_the_kpi_endpoint_is_for_supervisors(world, api):
    assert api["supervisor"].get("/metrics/kpis").json()["applications"] == 0.0
    for role in ("citizen", "clerk", "courier", "reviewer:xh-zjj"):
        assert api[role].get("/metrics/kpis").status_code == 403
