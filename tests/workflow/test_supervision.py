"""Electronic supervision: yellow at 80% of the allowed time, red past the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from onevisit import clock
from onevisit.applications.models import Case
from onevisit.supervision.models import Alert
from onevisit.workflow.services import deadline_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence_case(world, api):
    body = api["citizen"].post("/applications", world.licence_payload()).json()
    return Case.objects.get(pk=body["cases"][0]["id"])


def test_the_yellow_mark_is_stored_at_eighty_percent(licence_case):
    case = licence_case

    assert case.warn_at == case.started_at + (case.due_at - case.started_at) * 0.8


def test_yellow_then_red_each_raised_once(licence_case):
    case = licence_case
    with clock.frozen_at(case.warn_at - dt.timedelta(minutes=1)):
        assert deadline_scan() == {"yellow": 0, "red": 0}
    with clock.frozen_at(case.warn_at + dt.timedelta(minutes=1)):
        assert deadline_scan() == {"yellow": 1, "red": 0}
        assert deadline_scan() == {"yellow": 0, "red": 0}
    with clock.frozen_at(case.due_at + dt.timedelta(seconds=1)):
        assert deadline_scan() == {"yellow": 0, "red": 1}

    assert sorted(Alert.objects.values_list("kind", flat=True)) == [
        "deadline_near", "overdue",
    ]


def test_deciding_the_case_closes_its_alerts(licence_case, api):
    case = licence_case
    with clock.frozen_at(case.due_at + dt.timedelta(hours=1)):
        deadline_scan()
        api["reviewer:xh-zjj"].decide(case.pk)

    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    assert Alert.objects.get().kind == "overdue"  # the fact it was late is kept


def test_the_supervise_command_reports_what_it_raised(licence_case, capsys):
    with clock.frozen_at(licence_case.due_at + dt.timedelta(hours=1)):
        call_command("supervise")

    assert "red: 1" in capsys.readouterr().out
