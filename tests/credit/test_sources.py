"""Where records come from inside onevisit: a 容缺 material let overdue (minor), and a
reviewer's finding of false material (serious)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from onevisit import clock
from onevisit.applications.models import Application, Case
from onevisit.audit.models import AuditEvent
from onevisit.credit.constants import CreditTier
from onevisit.credit.models import CreditRecord
from onevisit.credit.selectors import tier_of
from onevisit.workflow.services import tolerated_overdue_scan

pytestmark = pytest.mark.django_db

TAX_FORM = "upload:330106-SW-001:tax-form"


def test_an_overdue_tolerated_material_records_a_minor_fact_once(world, api):
    payload = world.house_payload()
    payload["materials"] = [m for m in payload["materials"] if m["key"] != TAX_FORM]
    payload["tolerated_missing"] = [TAX_FORM]
    assert api["citizen"].post("/applications", payload).status_code == 201
    application = Application.objects.get()
    due = application.materials.get(key=TAX_FORM).due_at

    with clock.frozen_at(due + dt.timedelta(minutes=1)):
        assert tolerated_overdue_scan() == 1
        assert tolerated_overdue_scan() == 0
        assert tier_of(world.citizen_id) == CreditTier.B

    fact = CreditRecord.objects.get()
    assert (fact.source, fact.severity, fact.reference, fact.subject_code, fact.region_id) == (
        "tolerated_overdue", "minor", application.number, world.citizen_id, "330106")
    assert "契税纳税申报表" in fact.fact


def test_a_reviewer_finds_false_material_and_the_applicant_becomes_tier_d(world, api):
    assert api["citizen"].post("/applications", world.licence_payload()).status_code == 201
    case = Case.objects.get()
    reviewer = Client()
    reviewer.force_login(world.reviewer(world.housing))
    reviewer.post(f"/workbench/cases/{case.pk}/claim/")
    page = reviewer.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "认定提交虚假材料" in page

    reviewer.post(f"/workbench/cases/{case.pk}/false-material/",
                  {"fact": "施工图审查合格书系伪造"})

    fact = CreditRecord.objects.get()
    assert (fact.source, fact.severity, fact.subject_code) == (
        "false_material", "serious", world.citizen_id)
    assert "施工图审查合格书系伪造" in fact.fact
    assert tier_of(world.citizen_id) == CreditTier.D
    assert AuditEvent.objects.filter(action="case.false_material_found").exists()


def test_another_department_cannot_find_false_material_and_nothing_changes(world, api):
    assert api["citizen"].post("/applications", world.licence_payload()).status_code == 201
    case = Case.objects.get()
    other = Client()
    other.force_login(world.reviewer(world.tax))
    events = AuditEvent.objects.count()

    other.post(f"/workbench/cases/{case.pk}/false-material/", {"fact": "伪造"})

    assert not CreditRecord.objects.exists()
    assert AuditEvent.objects.count() == events
