"""`case_transition`: the one service that moves a department case, and what it owns."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.applications.constants import ALLOWED_CASE_TRANSITIONS, CaseStatus
from onevisit.applications.models import Case, CaseStatusChange
from onevisit.applications.services import case_transition
from onevisit.audit.models import AuditEvent
from onevisit.errors import Conflict, NotFound
from tests.conftest import World

pytestmark = pytest.mark.django_db
HANGZHOU = dt.timezone(dt.timedelta(hours=8))


def _licence_case(world: World, api) -> Case:
    response = api["citizen"].post("/applications", world.licence_payload())
    assert response.status_code == 201, response.json()
    return Case.objects.get(application__number=response.json()["number"])


def _snapshot(case_id: int) -> tuple:
    case = Case.objects.get(pk=case_id)
    return (
        case.status, case.started_at, case.due_at, case.warn_at, case.paused_at,
        case.remaining, case.decided_at, case.decided_by_id, case.decision_reason,
        case.decision_legal_basis, CaseStatusChange.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("start", "to"),
    [(start, to) for start in CaseStatus.values for to in CaseStatus.values],
)
def test_every_pair_of_states_is_allowed_or_refused_by_the_table(world, api, start, to):
    case = _licence_case(world, api)
    Case.objects.filter(pk=case.pk).update(status=start)
    before = _snapshot(case.pk)
    reviewer = world.reviewers["xh-zjj"]

    if to in ALLOWED_CASE_TRANSITIONS[start]:
        moved = case_transition(case_id=case.pk, to=to, actor=reviewer, note="理由",
                                legal_basis="《建筑法》第八条")
        assert moved.status == to
        assert Case.objects.get(pk=case.pk).status == to
        last = CaseStatusChange.objects.filter(case=case).last()
        assert (last.status, last.actor, last.note) == (to, reviewer, "理由")
        assert AuditEvent.objects.filter(action="case.transition", entity_id=str(case.pk)) \
            .exists()
    else:
        with pytest.raises(Conflict, match="部门办件当前状态为"):
            case_transition(case_id=case.pk, to=to, actor=reviewer, note="理由")
        assert _snapshot(case.pk) == before


def test_a_decision_records_when_who_why_and_the_legal_basis_of_a_refusal(world, api):
    case = _licence_case(world, api)
    reviewer = world.reviewers["xh-zjj"]
    moment = dt.datetime(2026, 12, 8, 10, 30, tzinfo=HANGZHOU)

    with clock.frozen_at(moment):
        case_transition(case_id=case.pk, to=CaseStatus.IN_REVIEW, actor=reviewer)
        refused = case_transition(case_id=case.pk, to=CaseStatus.REJECTED, actor=reviewer,
                                  note="图纸未经审查", legal_basis="《建筑法》第八条")

    refused.refresh_from_db()
    assert (refused.status, refused.decided_at, refused.decided_by, refused.decision_reason,
            refused.decision_legal_basis) == (
        "rejected", moment, reviewer, "图纸未经审查", "《建筑法》第八条")


def test_a_correction_pauses_the_clock_and_its_arrival_resumes_it(world, api):
    case = _licence_case(world, api)
    reviewer = world.reviewers["xh-zjj"]
    # Filed Tuesday 10:00 with 5 working days: due Tuesday 15 December, end of day.
    assert case.due_at == dt.datetime(2026, 12, 15, 23, 59, 59, tzinfo=HANGZHOU)

    with clock.frozen_at(dt.datetime(2026, 12, 9, 10, 0, tzinfo=HANGZHOU)):
        case_transition(case_id=case.pk, to=CaseStatus.IN_REVIEW, actor=reviewer)
        paused = case_transition(case_id=case.pk, to=CaseStatus.CORRECTION, actor=reviewer)
    assert paused.remaining == 4  # Thursday, Friday, Monday, Tuesday
    with clock.frozen_at(dt.datetime(2026, 12, 14, 9, 0, tzinfo=HANGZHOU)):
        resumed = case_transition(case_id=case.pk, to=CaseStatus.PENDING, actor=world.citizen)

    assert (resumed.status, resumed.paused_at, resumed.remaining) == ("pending", None, None)
    assert resumed.due_at == dt.datetime(2026, 12, 18, 23, 59, 59, tzinfo=HANGZHOU)


def test_an_unknown_case_is_not_found_and_nothing_is_written(world):
    events = AuditEvent.objects.count()

    with pytest.raises(NotFound):
        case_transition(case_id=999_999, to=CaseStatus.IN_REVIEW,
                        actor=world.reviewers["xh-zjj"])

    assert AuditEvent.objects.count() == events
    assert not CaseStatusChange.objects.exists()
