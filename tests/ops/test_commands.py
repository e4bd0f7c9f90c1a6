"""The operator commands print what they promise."""

from __future__ import annotations

import datetime as dt
import io
import warnings

import pytest
from django.core.management import CommandError, call_command

from onevisit import clock
from onevisit.audit.services import audit_verify
from onevisit.hotline.models import Ticket
from onevisit.workdays.calendar import CalendarNotCoveredWarning, WorkingCalendar

pytestmark = pytest.mark.django_db


def test_simulate_prints_the_kpis_from_recorded_facts():
    out = io.StringIO()

    call_command("simulate", "--days", "2", "--per-day", "12", stdout=out)

    report = out.getvalue()
    assert "Simulated 2 working days" in report
    for label in ("catalogue 最多跑一次 rate", "completed with ≤ 1 actual visit",
                  "completed with 0 visits", "average visits per completed application",
                  "online-application share", "on-time completion rate",
                  "average duration as a share of the committed limit"):
        assert label in report
    assert "applications filed                                                 24" in report
    assert audit_verify() == []


def test_demo_is_idempotent_and_prints_the_logins(settings):
    first, second = io.StringIO(), io.StringIO()

    call_command("demo", stdout=first)
    # Served elsewhere: the addresses printed are the site's own.
    settings.ONEVISIT = {**settings.ONEVISIT, "PUBLIC_URL": "http://127.0.0.1:8010"}
    call_command("demo", stdout=second)

    assert "http://127.0.0.1:8000/api/docs" in first.getvalue()
    assert "http://127.0.0.1:8010/hotline/" in second.getvalue()
    assert "127.0.0.1:8000" not in second.getvalue()
    assert "reviewer-xh-bdc" in second.getvalue()
    assert second.getvalue().replace(":8010", ":8000") == first.getvalue()


def test_demo_behaves_on_a_sunday_in_december():
    sunday = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    out = io.StringIO()

    with warnings.catch_warnings(), clock.running_from(sunday):
        warnings.simplefilter("ignore", CalendarNotCoveredWarning)
        call_command("demo", stdout=out)

    assert "onevisit demo is ready." in out.getvalue()
    assert Ticket.objects.exists()
    calendar = WorkingCalendar()
    # Every 12345 deadline falls at the end of a working day, none on the weekend.
    for due_at in Ticket.objects.values_list("due_at", flat=True):
        local = due_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert calendar.is_working_day(local.date()), local
    assert audit_verify() == []


def test_env_lists_every_variable():
    out = io.StringIO()

    call_command("env", stdout=out)

    assert "DATABASE_URL" in out.getvalue()
    assert "ONEVISIT_SECRET_KEY" in out.getvalue()


def test_demo_accounts_are_refused_outside_demo_mode(settings):
    from django.core.exceptions import ImproperlyConfigured

    from onevisit.accounts.models import User
    from onevisit.catalogue.models import ServiceItem

    settings.ONEVISIT = {**settings.ONEVISIT, "DEMO_ALLOWED": False}

    with pytest.raises(ImproperlyConfigured, match="demo mode only"):
        call_command("demo")

    assert not User.objects.exists()
    assert not ServiceItem.objects.exists()


def test_token_prints_a_working_bearer_token():
    from django.test import Client

    from tests.factories import UserFactory

    UserFactory(username="someone")
    out = io.StringIO()

    call_command("token", "create", "someone", stdout=out)

    token = out.getvalue().strip()
    response = Client().get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    with pytest.raises(CommandError, match="no active user"):
        call_command("token", "create", "nobody")


def test_the_scheduler_tasks_run_the_same_work(world, api, settings):
    from onevisit.metrics.models import DailyRollup
    from onevisit.metrics.services import ROLLUP_HORIZON_DAYS
    from onevisit.metrics.tasks import rollups_refresh_task
    from onevisit.workflow.tasks import deadline_scan_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    api["citizen"].post("/applications", world.house_payload())

    assert deadline_scan_task.enqueue().return_value == {"yellow": 0, "red": 0}
    # The first refresh rolls up the dashboard's year (ROLLUP_HORIZON_DAYS) and today;
    # the next only today and yesterday, and the days rolled up before they ended.
    assert rollups_refresh_task.enqueue().return_value == ROLLUP_HORIZON_DAYS + 1
    assert DailyRollup.objects.filter(filed=1).count() == 1
    assert rollups_refresh_task.enqueue().return_value == 2


@pytest.mark.parametrize(
    ("seed", "start"),
    [
        # A Sunday in December: the run starts on Monday.
        (2017, "2026-12-06"),
        # National Day: the run starts after the holiday week.
        (1, "2026-10-01"),
        # A year chinese-calendar does not cover: weekdays, provisional deadlines.
        (99, "2027-03-05"),
    ],
)
def test_simulate_runs_for_any_seed_and_start_day(seed, start):
    out = io.StringIO()

    call_command("simulate", "--days", "2", "--per-day", "8", "--seed", str(seed),
                 "--start", start, stdout=out)

    report = out.getvalue()
    assert "Simulated 2 working days" in report
    assert "applications filed                                                 16" in report
    assert "decision refused" not in report
    assert audit_verify() == []


def test_simulate_starts_on_the_next_working_day():
    out = io.StringIO()

    call_command("simulate", "--days", "1", "--per-day", "2", "--start", "2026-09-30",
                 stdout=out)

    # 30 September is a Wednesday; the run covers it and ends on 8 October.
    assert "(2026-09-30 to 2026-10-08)" in out.getvalue()


def test_simulate_refuses_to_run_backwards_over_recorded_facts():
    call_command("simulate", "--days", "1", "--per-day", "2", "--start", "2026-12-08",
                 stdout=io.StringIO())

    with pytest.raises(CommandError, match="start on 2026-12-09 or later"):
        call_command("simulate", "--days", "1", "--per-day", "2", "--start", "2026-12-07",
                     stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("simulate", "--start", "next monday", stdout=io.StringIO())
