"""The blind preliminary review: what an expert sees and the score sheets."""

from __future__ import annotations

import pytest

from onevisit.awards import selectors, services
from onevisit.awards.constants import CallStatus
from onevisit.awards.models import ReviewAssignment, ScoreSheet
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.awards.conftest import Awards

FULL = {"innovation": 90, "performance": 80, "replicability": 70, "importance": 60}


def drawn_pair(awards: Awards):
    call = awards.open_call()
    awards.drawn(call, 4)
    assignment = ReviewAssignment.objects.select_related("case", "expert__user").first()
    assert assignment is not None
    return call, assignment


def test_the_blind_view_hides_the_unit_and_its_region(awards: Awards):
    _call, assignment = drawn_pair(awards)
    case = assignment.case
    blind = selectors.case_blind(actor=assignment.expert.user, case_id=case.pk)
    shown = repr(blind)
    assert case.title in shown
    for hidden in (case.unit_name, case.unit_department.name, case.region.name,
                   case.region_id):
        assert hidden not in shown
    assert not hasattr(blind, "unit_name")
    assert blind.editable


def test_another_expert_finds_no_case_and_cannot_score_it(awards: Awards):
    _call, assignment = drawn_pair(awards)
    other = next(e for e in awards.experts
                 if not assignment.case.assignments.filter(expert=e).exists())
    with pytest.raises(NotFound):
        selectors.case_blind(actor=other.user, case_id=assignment.case.pk)
    with pytest.raises(NotAllowed):
        services.sheet_submit(actor=other.user, case=assignment.case, scores=FULL)
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize(("scores", "keys"), [
    ({**FULL, "innovation": 101}, {"score_innovation"}),
    ({**FULL, "performance": -1}, {"score_performance"}),
    ({"innovation": 90, "performance": "八十"}, {"score_performance", "score_replicability",
                                                 "score_importance"}),
    ({**FULL, "importance": 59.5}, {"score_importance"}),
    ({**FULL, "beauty": 10}, {"score_beauty"}),
])
def test_bad_sheets_are_refused_naming_every_problem_and_nothing_changes(
        awards: Awards, scores, keys):
    _call, assignment = drawn_pair(awards)
    services.sheet_submit(actor=assignment.expert.user, case=assignment.case, scores=FULL,
                          comment="创新性突出")
    with pytest.raises(InvalidInput) as refused:
        services.sheet_submit(actor=assignment.expert.user, case=assignment.case,
                              scores=scores, comment="改")
    assert set(refused.value.errors) == keys
    sheet = ScoreSheet.objects.get()
    assert ({c: getattr(sheet, c) for c in FULL}, sheet.comment) == (FULL, "创新性突出")


def test_a_sheet_is_replaced_until_the_round_closes(awards: Awards):
    call, assignment = drawn_pair(awards)
    user, case = assignment.expert.user, assignment.case
    services.sheet_submit(actor=user, case=case, scores=FULL)
    services.sheet_submit(actor=user, case=case, scores={**FULL, "innovation": 95},
                          comment="复核后提高")
    assert ScoreSheet.objects.get().innovation == 95
    awards.score_all(call, {c.number: 70 for c in call.cases.all()})
    services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    with pytest.raises(Conflict):
        services.sheet_submit(actor=user, case=case, scores=FULL)
    assert ScoreSheet.objects.filter(innovation=90).count() == 0
    assert not selectors.case_blind(actor=user, case_id=case.pk).editable


def test_an_expert_taken_out_of_the_pool_still_scores_her_drawn_cases(awards: Awards):
    _call, assignment = drawn_pair(awards)
    services.expert_set_active(actor=awards.office, expert=assignment.expert, active=False)
    services.sheet_submit(actor=assignment.expert.user, case=assignment.case, scores=FULL)
    assert ScoreSheet.objects.get().assignment == assignment
