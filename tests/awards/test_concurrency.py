"""Two organisers running the draw, publishing, or two units submitting at the same
moment: the draw runs once, the result is stored once, case numbers never collide. Row
locks: PostgreSQL only (the sequential refusals are in test_draw.py and test_calls.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from onevisit.accounts.models import Role
from onevisit.awards import services
from onevisit.awards.constants import CallStatus
from onevisit.awards.models import Award, AwardCase, ReviewAssignment
from onevisit.errors import Conflict
from tests.awards.conftest import Awards
from tests.concurrency import race
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_draws_at_once_draw_once(awards: Awards):
    call = awards.open_call()
    awards.to_preliminary(call, 4)
    services.review_draw_commit(actor=awards.office, call=call)
    colleague = UserFactory(username="awards-colleague", role=Role.AWARDS,
                            department=awards.organisers[1])

    results = race(lambda: services.review_draw_run(actor=awards.office, call=call),
                   lambda: services.review_draw_run(actor=colleague, call=call))

    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert ReviewAssignment.objects.count() == 12


def test_two_submissions_at_once_get_two_numbers(awards: Awards):
    call = awards.open_call()

    results = race(lambda: awards.submit(call, 0, "居家养老服务标准化"),
                   lambda: awards.submit(call, 1, "社区矫正"))

    assert all(isinstance(r, AwardCase) for r in results)
    assert sorted(call.cases.values_list("number", flat=True)) == ["2016-001", "2016-002"]


def test_two_publications_at_once_store_the_result_once(awards: Awards):
    call = awards.open_call()
    cases = awards.drawn(call, 6)
    awards.to_selection(call, {c.number: 90 - i for i, c in enumerate(cases)})
    for case in call.cases.filter(shortlisted=True):
        services.vote_record(actor=awards.office, call=call, case=case, tier="excellence",
                             votes_for=12, votes_against=2, votes_abstain=1)

    results = race(lambda: services.call_publish(actor=awards.office, call=call),
                   lambda: services.call_publish(actor=awards.office, call=call))

    assert sum(isinstance(r, Conflict) for r in results) == 1
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert Award.objects.count() == 2
