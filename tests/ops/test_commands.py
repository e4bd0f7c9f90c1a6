"""The operator commands print what they promise."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from onevisit.audit.services import audit_verify

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


def test_demo_is_idempotent_and_prints_the_logins():
    first, second = io.StringIO(), io.StringIO()

    call_command("demo", stdout=first)
    call_command("demo", stdout=second)

    assert "http://127.0.0.1:8000/api/docs" in second.getvalue()
    assert "reviewer-xh-bdc" in second.getvalue()
    assert first.getvalue() == second.getvalue()


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
    from onevisit.metrics.tasks import rollups_refresh_task
    from onevisit.workflow.tasks import deadline_scan_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    api["citizen"].post("/applications", world.house_payload())

    assert deadline_scan_task.enqueue().return_value == {"yellow": 0, "red": 0}
    assert rollups_refresh_task.enqueue().return_value == 3
    assert DailyRollup.objects.filter(filed=1).count() == 1
