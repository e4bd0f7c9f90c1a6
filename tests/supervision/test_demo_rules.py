"""The demo opens the supervisor's inbox with alerts of the rules, each with its evidence,
and loading it again raises nothing new."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from onevisit.supervision.models import Alert, RuleFiring

pytestmark = pytest.mark.django_db

RULE_KINDS = {"second_correction", "material_beyond_guide", "fee_not_in_guide",
              "pause_too_long", "decided_too_fast", "case_idle", "data_read_without_case",
              "visits_exceeded", "overdue", "deadline_near"}


def test_the_demo_trips_the_rules_once():
    call_command("demo", stdout=io.StringIO())
    kinds = set(Alert.objects.values_list("kind", flat=True))
    firings = RuleFiring.objects.count()

    call_command("demo", stdout=io.StringIO())

    assert kinds >= RULE_KINDS
    assert RuleFiring.objects.count() == firings
    assert all(a.evidence for a in Alert.objects.filter(kind__in=RULE_KINDS))
    assert Alert.objects.filter(kind="decided_too_fast", status="closed").count() == 1
