"""Two people acting on the same thing at the same moment: exactly one wins.

These need real row locks and run on PostgreSQL (SQLite serialises writers, and the
sequential conflict is tested in test_review.py on both databases)."""

from __future__ import annotations

import pytest
from django.db import connection

from onevisit.applications.models import Application, Case
from onevisit.errors import Conflict
from onevisit.workflow.models import WorkItem
from onevisit.workflow.services import case_approve, case_claim, case_reassign
from tests.concurrency import race
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _filing_case(world, api) -> int:
    body = api["citizen"].post("/applications", world.house_payload()).json()
    return next(c["id"] for c in body["cases"] if c["stage_key"] == "filing")


def test_a_decision_and_a_reassignment_at_once_one_wins(world, api):
    case_id = _filing_case(world, api)
    first = world.reviewer(world.housing)
    second = UserFactory(username="second", reviewer=True, department=world.housing)
    lead = UserFactory(username="lead", lead=True, department=world.housing)
    case_claim(case_id=case_id, actor=first)

    results = race(lambda: case_approve(case_id=case_id, actor=first),
                    lambda: case_reassign(case_id=case_id, assignee_id=second.pk, actor=lead))

    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1
    case = Case.objects.get(pk=case_id)
    if isinstance(results[0], Case):  # approved first: nothing left to reassign
        assert case.status == "approved"
        assert WorkItem.objects.filter(case_id=case_id).count() == 1
    else:  # reassigned first: the former claimer may no longer decide
        assert case.status == "in_review"
        assert WorkItem.objects.get(case_id=case_id, finished_at__isnull=True).assignee == second


def test_two_reviewers_claiming_at_once_one_wins(world, api):
    case_id = _filing_case(world, api)
    second = UserFactory(username="second", reviewer=True, department=world.housing)

    results = race(lambda: case_claim(case_id=case_id, actor=world.reviewer(world.housing)),
                    lambda: case_claim(case_id=case_id, actor=second))

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "WorkItem"]
    assert WorkItem.objects.filter(case_id=case_id, finished_at__isnull=True).count() == 1


def test_the_same_submission_sent_twice_at_once_files_once(world, api):
    payload = world.house_payload()
    client = api["citizen"]

    results = race(*[
        (lambda: client.post("/applications", payload, **{"Idempotency-Key": "same"}))
        for _ in range(3)
    ])

    assert [r.status_code for r in results] == [201, 201, 201]
    assert len({r.json()["number"] for r in results}) == 1
    assert Application.objects.count() == 1
