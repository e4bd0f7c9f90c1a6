"""The demo shows the citizens' verdict at work."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from onevisit.feedback.models import (
    EvaluationSample,
    Rectification,
    Suggestion,
    Survey,
    SurveyInvitation,
)
from onevisit.supervision.models import Alert

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_survey_with_answers_a_rectification_under_way_and_a_report():
    call_command("demo", stdout=io.StringIO())

    survey = Survey.objects.get()
    assert survey.status == "sent"
    assert SurveyInvitation.objects.filter(answered_at__isnull=False).count() >= 3
    assert Rectification.objects.filter(status="answered").exists()  # waits for the citizen
    assert Rectification.objects.filter(status="satisfied").exists()
    published = Suggestion.objects.filter(status="published")
    assert published.exclude(reply="").exists()
    assert Suggestion.objects.filter(status="pending").exists()
    assert EvaluationSample.objects.exists()
    assert Alert.objects.filter(kind="experience_report").exists()
