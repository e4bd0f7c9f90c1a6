"""The data set of `onevisit bench pages`: grown once, reused after, shaped like real work."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.pages_data import dataset_ensure, source_items
from onevisit import clock
from onevisit.applications.constants import ApplicationStatus, CaseStatus
from onevisit.applications.models import Application, ApplicationStatusChange, Case
from onevisit.audit.models import AuditEvent
from onevisit.audit.services import audit_verify
from onevisit.catalogue.models import ServiceItem
from onevisit.ops.demo_setup import demo_world_load
from onevisit.search.models import SearchDocument
from onevisit.workflow.models import WorkItem

pytestmark = pytest.mark.django_db


def test_the_source_list_interleaves_its_departments():
    rows = source_items()
    departments = {row.department for row in rows}

    assert len(rows) == 1135
    assert len(departments) == 34
    assert {row.department for row in rows[:34]} == departments


def test_the_data_set_is_grown_once_and_reused():
    world = demo_world_load(people=200, companies=20)

    first = dataset_ensure(items=60, applications=400, population=world.population,
                           citizen=world.staff.citizen)
    events = AuditEvent.objects.count()
    second = dataset_ensure(items=60, applications=400, population=world.population,
                            citizen=world.staff.citizen)

    # The demo publishes 46 items of 西湖区 (18 of them market.py's, 2 investment.py's),
    # 7 of 余杭区, 3 of 杭州市 and 1 of 浙江省.
    assert (first.items_created, first.applications_created) == (60 - 57, 400)
    assert (second.items_created, second.applications_created) == (0, 0)
    assert ServiceItem.objects.filter(status="published").count() == 60
    assert SearchDocument.objects.filter(kind="item").count() == 60
    assert Application.objects.count() == 400
    assert second.item_codes == first.item_codes
    assert second.workbench_cases == first.workbench_cases > 0
    assert second.workbench_username.startswith("reviewer-")
    # Every status change is in the audit log, appended as the services append theirs.
    assert AuditEvent.objects.count() == events
    changes = (ApplicationStatusChange.objects.filter(application__number__startswith="PB")
               .count())
    assert AuditEvent.objects.filter(entity="application").count() >= changes
    assert audit_verify() == []


def test_the_applications_follow_the_workflow_rules():
    world = demo_world_load(people=200, companies=20)
    dataset_ensure(items=40, applications=600, population=world.population,
                   citizen=world.staff.citizen)

    by_status = Counter(Application.objects.values_list("status", flat=True))
    assert set(by_status) == {ApplicationStatus.COMPLETED, ApplicationStatus.ACCEPTED,
                              ApplicationStatus.REJECTED, ApplicationStatus.NEEDS_SUPPLEMENT}
    assert by_status[ApplicationStatus.COMPLETED] > 400
    # Cases exist from acceptance on, one per stage as filed.
    for application in Application.objects.prefetch_related("cases"):
        keys = sorted(stage["key"] for stage in application.stages)
        cases = list(application.cases.all())
        if application.status == ApplicationStatus.NEEDS_SUPPLEMENT:
            assert cases == []
            continue
        assert sorted(case.stage_key for case in cases) == keys
        statuses = {case.status for case in cases}
        if application.status == ApplicationStatus.COMPLETED:
            assert statuses == {CaseStatus.APPROVED}
            assert application.completed_at >= max(c.decided_at for c in cases)
        elif application.status == ApplicationStatus.REJECTED:
            assert CaseStatus.REJECTED in statuses
        else:
            assert statuses & {CaseStatus.PENDING, CaseStatus.IN_REVIEW, CaseStatus.CORRECTION}
        approved = {c.stage_key for c in cases if c.status == CaseStatus.APPROVED}
        for case in cases:
            if case.status in (CaseStatus.PENDING, CaseStatus.IN_REVIEW, CaseStatus.APPROVED):
                assert set(case.depends_on) <= approved
                assert case.due_at is not None
                assert case.warn_at is not None
                assert case.started_at < case.warn_at < case.due_at
    in_review = Case.objects.filter(status=CaseStatus.IN_REVIEW)
    assert WorkItem.objects.filter(finished_at__isnull=True).count() == in_review.count()
    assert not Application.objects.filter(submitted_at__gt=clock.now()).exists()
    assert not Case.objects.filter(decided_at__gt=clock.now()).exists()


def test_the_province_data_set_spreads_over_thirty_counties(monkeypatch):
    monkeypatch.setattr("bench.pages_data.applications.LOCAL_APPLICATIONS", 100)
    world = demo_world_load(people=200, companies=20)
    before = Application.objects.count()

    dataset = dataset_ensure(items=40, applications=before + 390, province=True,
                             population=world.population, citizen=world.staff.citizen)

    made = Application.objects.filter(number__startswith="PB")
    first = [n for n in made.values_list("number", flat=True) if int(n[-8:]) < 100]
    # The measured county keeps the first 100 (with the demo's few items of 余杭区, 杭州市
    # and 浙江省 where they are); 西湖区's later ones go round 29 more counties.
    assert not made.filter(number__in=first).exclude(
        region_id__in=("330106", "330110", "3301", "33")).exists()
    later = made.exclude(number__in=first).select_related("item", "life_event")
    moved = [a for a in later if (a.item or a.life_event).region_id == "330106"]
    others = Counter(a.region_id for a in moved)
    assert "330106" not in others
    assert len(others) == 29
    assert min(others.values()) >= 5
    assert {code[:4] for code in others} == {"3301", "3302", "3303"}
    assert dataset.regions >= 30
    # Each county's cases are its own departments', claimed and decided by its reviewers.
    cases = Case.objects.filter(application__in=moved).select_related(
        "application", "department", "decided_by")
    assert cases.count() >= len(moved) - 10  # those waiting for a supplement have none
    for case in cases:
        # A life event's stage of the city's or the province's department stays theirs.
        assert case.department.region_id != "330106"
        if case.department.region_id not in ("3301", "33"):
            assert case.department.region_id == case.application.region_id
            assert case.department.code.startswith(f"pv-{case.application.region_id}-")
        if case.decided_by is not None:
            assert case.decided_by.department_id == case.department_id
    claims = WorkItem.objects.filter(case__application__in=moved)
    assert claims.exists()
    assert all(w.assignee.department_id == w.department_id == w.case.department_id
               for w in claims.select_related("assignee", "case"))
    assert dataset.workbench_department.startswith("杭州市西湖区")
