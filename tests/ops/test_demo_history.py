"""The demo's applications give the scheduler's jobs real work from the start, whatever
the day it is loaded on: the deadline scan finds overdue and nearly due cases, the rollups
cover the period, the archive packages the completed applications."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.applications.constants import ApplicationStatus
from onevisit.applications.models import Application
from onevisit.metrics.models import DailyRollup
from onevisit.metrics.services import rollups_refresh_due
from onevisit.ops.demo_history import HISTORY, demo_history_load
from onevisit.ops.demo_setup import demo_world_load
from onevisit.workflow.services import deadline_scan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("loaded_at", [
    dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC),  # a Sunday evening in December
    dt.datetime(2026, 10, 8, 1, 30, tzinfo=dt.UTC),  # the last day of the October holidays
])
def test_the_scan_finds_overdue_and_nearly_due_cases_and_rollups_cover_the_period(loaded_at):
    with clock.frozen_at(loaded_at):
        world = demo_world_load(people=200, companies=20)
        filed = demo_history_load(population=world.population, staff=world.staff)
        again = demo_history_load(population=world.population, staff=world.staff)
        raised = deadline_scan()
        rollups_refresh_due()

    assert (filed, again) == (len(HISTORY) + 1, 0)
    assert raised["red"] >= 2
    assert raised["yellow"] >= 1
    assert Application.objects.filter(status=ApplicationStatus.COMPLETED).count() == 6
    rolled = DailyRollup.objects.filter(day__lt=loaded_at.date())
    assert sum(rolled.values_list("filed", flat=True)) == filed
    assert sum(rolled.values_list("completed", flat=True)) == 6
    # Some on time, some late (which ones depends on the holidays in between).
    assert 0 < sum(rolled.values_list("completed_on_time", flat=True)) < 6
