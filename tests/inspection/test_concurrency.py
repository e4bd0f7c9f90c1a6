"""Two managers drawing one plan, or two inspectors recording one check, at the same
moment: exactly one wins. Row locks: PostgreSQL only (the sequential refusals are in
test_services.py on both databases)."""

from __future__ import annotations

import pytest
from django.db import connection

from onevisit.credit.models import CreditRecord
from onevisit.errors import Conflict
from onevisit.inspection.models import Assignment, Result
from onevisit.inspection.services import plan_draw, plan_publish, plan_reveal, result_record
from tests.concurrency import race
from tests.inspection.conftest import Inspection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_draws_at_once_draw_once(inspection: Inspection):
    plan = inspection.joint_plan()
    plan_publish(plan_code=plan.code, actor=inspection.supervisor)

    results = race(lambda: plan_draw(plan_code=plan.code, actor=inspection.supervisor),
                   lambda: plan_draw(plan_code=plan.code, actor=inspection.market_lead))

    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert Assignment.objects.count() == 2


def test_two_inspectors_recording_one_check_at_once_record_it_once(inspection: Inspection):
    plan = inspection.joint_plan()
    plan_publish(plan_code=plan.code, actor=inspection.supervisor)
    plan_draw(plan_code=plan.code, actor=inspection.supervisor)
    plan_reveal(plan_code=plan.code, actor=inspection.supervisor)
    result = Result.objects.order_by("pk").first()
    first = result.assignment.first_inspector.user
    second = result.assignment.second_inspector.user

    outcomes = race(
        lambda: result_record(result_id=result.pk, actor=first, outcome="case_opened",
                              finding="无证经营"),
        lambda: result_record(result_id=result.pk, actor=second, outcome="case_opened",
                              finding="无证经营"))

    assert sum(isinstance(r, Conflict) for r in outcomes) == 1
    assert CreditRecord.objects.count() == 1
