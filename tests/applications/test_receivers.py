"""What applications tells the apps above it goes to the receivers they registered, and
a report nobody receives is an error that rolls the reporting service back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from onevisit.applications import receivers
from onevisit.applications.models import Application, Visit
from onevisit.applications.services import visit_record
from onevisit.supervision.models import Alert, AlertKind

pytestmark = pytest.mark.django_db


def test_a_visit_over_the_promise_reaches_supervision_as_an_alert(world, api):
    number = api["clerk"].post("/applications", {**world.licence_payload(),
                                                 "channel": "window"}).json()["number"]
    application = Application.objects.get(number=number)
    Application.objects.filter(pk=application.pk).update(promised_visits=0)

    visit_record(number=number, purpose="other", actor=world.clerk, new_trip=True)

    alert = Alert.objects.get(application_number=number)
    assert alert.kind == AlertKind.VISITS_EXCEEDED


def test_a_report_nobody_receives_is_refused_and_nothing_is_written(world, api, monkeypatch):
    number = api["clerk"].post("/applications", {**world.licence_payload(),
                                                 "channel": "window"}).json()["number"]
    Application.objects.filter(number=number).update(promised_visits=0)
    visits, alerts = Visit.objects.count(), Alert.objects.count()
    monkeypatch.setattr(receivers, "_anomaly_receivers", [])

    with pytest.raises(ImproperlyConfigured, match="supervision"):
        visit_record(number=number, purpose="other", actor=world.clerk, new_trip=True)

    assert Visit.objects.count() == visits
    assert Alert.objects.count() == alerts
