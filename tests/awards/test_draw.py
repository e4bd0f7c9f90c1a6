"""The expert draw: never a conflicted expert, enough experts per case, an even load,
reproducible from the committed parameters and the revealed seed."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onevisit.awards import draw, selectors, services
from onevisit.awards.constants import CallStatus, ConflictReason
from onevisit.awards.models import ReviewAssignment, ReviewDraw
from onevisit.errors import Conflict, InvalidInput
from onevisit.inspection.draw import commitment_of, parameters_digest
from tests.awards.conftest import Awards

SEED = "ab" * 32


def parameters(cases: int, experts: int, conflicts: set[tuple[int, int]], k: int = 3) -> dict:
    return draw.parameters_build(
        call=4, experts_per_case=k, cases=[f"2016-{i:03d}" for i in range(cases)],
        experts=[str(e) for e in range(experts)],
        conflicts=[(str(e), f"2016-{c:03d}") for e, c in conflicts])


@settings(max_examples=200, deadline=None)
@given(cases=st.integers(1, 30), experts=st.integers(3, 12),
       conflicts=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 29)), max_size=60),
       seed=st.binary(min_size=32, max_size=32))
def test_no_conflicted_expert_and_enough_experts_per_case(cases, experts, conflicts, seed):
    params = parameters(cases, experts, {(e, c) for e, c in conflicts
                                         if e < experts and c < cases})
    banned = {tuple(pair) for pair in params["conflicts"]}
    short = draw.shortfalls(params)
    if short:
        with pytest.raises(draw.DrawImpossible) as refused:
            draw.run(seed=seed.hex(), parameters=params)
        assert refused.value.case == min(short)
        return
    drawn = draw.run(seed=seed.hex(), parameters=params)
    assert [d.case for d in drawn] == params["cases"]
    for d in drawn:
        assert len(d.experts) == len(set(d.experts)) == 3
        assert not any((e, d.case) in banned for e in d.experts)


@settings(max_examples=100, deadline=None)
@given(cases=st.integers(1, 40), experts=st.integers(3, 12),
       seed=st.binary(min_size=32, max_size=32))
def test_without_conflicts_no_expert_has_two_cases_more_than_another(cases, experts, seed):
    drawn = draw.run(seed=seed.hex(), parameters=parameters(cases, experts, set()))
    load = Counter(e for d in drawn for e in d.experts)
    counts = [load.get(str(e), 0) for e in range(experts)]
    assert max(counts) - min(counts) <= 1
    assert sum(counts) == 3 * cases


def test_the_same_seed_and_parameters_give_the_same_draw_and_another_seed_another():
    params = parameters(20, 9, {(0, 1), (2, 3)})
    first = draw.run(seed=SEED, parameters=params)
    assert draw.run(seed=SEED, parameters=params) == first
    assert draw.run(seed="cd" * 32, parameters=params) != first


def test_shortfalls_name_every_case_without_enough_experts():
    params = parameters(3, 4, {(0, 0), (1, 0), (0, 2), (1, 2), (2, 2)})
    assert draw.shortfalls(params) == {"2016-000": 2, "2016-002": 1}


# ------------------------------------------------------------------ with the database


def test_the_committed_draw_is_reproducible_and_skips_derived_conflicts(awards: Awards):
    call = awards.open_call()
    awards.to_preliminary(call, 8)
    committed = services.review_draw_commit(actor=awards.office, call=call)
    assert committed.commitment == commitment_of(committed.seed)
    assert committed.parameters_sha256 == parameters_digest(committed.parameters)
    before = selectors.draw_public(call=call)
    assert before is not None
    assert (before.seed, before.parameters) == ("", None)  # secret until drawn
    services.review_draw_run(actor=awards.office, call=call)
    call.refresh_from_db()
    during = selectors.draw_public(call=call)
    assert during is not None
    assert during.drawn_at is not None
    assert (during.seed, during.parameters) == ("", None)  # secret while experts score
    assert not selectors.draw_verify(call=call)
    awards.score_all(call, {c.number: 80 for c in call.cases.all()})
    call = services.call_transition(actor=awards.office, call=call, to=CallStatus.SITE_VISIT)
    assert selectors.draw_verify(call=call)
    shown = selectors.draw_public(call=call)
    assert shown is not None
    assert hashlib.sha256(shown.seed.encode()).hexdigest() == shown.commitment
    assert parameters_digest(shown.parameters or {}) == shown.parameters_sha256
    yiwu_official, xihu_official = awards.experts[4], awards.experts[5]
    for assignment in ReviewAssignment.objects.select_related("case", "expert"):
        assert not selectors.conflicts_between(expert=assignment.expert, case=assignment.case)
        # 义乌市司法局's own expert and 西湖区's local official never review their own.
        assert not (assignment.expert == yiwu_official
                    and assignment.case.unit_department.code == "yw-sfj")
        assert not (assignment.expert == xihu_official
                    and assignment.case.region_id.startswith("330106"))
    assert Counter(a.case_id for a in ReviewAssignment.objects.all()) == dict.fromkeys(
        call.cases.values_list("pk", flat=True), 3)


def test_derived_and_declared_conflicts(awards: Awards):
    call = awards.open_call()
    xihu_case = awards.submit(call, 1, "社区矫正")
    jinhua_case = awards.submit(call, 2, "农村垃圾分类", unit_name="中共金华市委、金华市人民政府")
    yiwu_case = awards.submit(call, 3, "以外调外")
    experts = awards.experts
    assert selectors.conflicts_between(expert=experts[4], case=yiwu_case) == [
        ConflictReason.OWN_UNIT]
    assert selectors.conflicts_between(expert=experts[5], case=xihu_case) == [
        ConflictReason.SAME_COUNTY]
    assert selectors.conflicts_between(expert=experts[5], case=yiwu_case) == []
    services.conflict_declare(actor=experts[0].user, expert=experts[0], reason="adviser",
                              unit_name="金华市人民政府", note="参与方案设计")
    services.conflict_declare(actor=awards.office, expert=experts[1], reason="relative",
                              case=xihu_case)
    assert selectors.conflicts_between(expert=experts[0], case=jinhua_case) == ["adviser"]
    assert selectors.conflicts_between(expert=experts[1], case=xihu_case) == ["relative"]
    assert selectors.conflicts_between(expert=experts[1], case=jinhua_case) == []


def test_a_draw_that_cannot_staff_a_case_is_refused_naming_it(awards: Awards):
    call = awards.open_call()
    case = awards.submit(call, 0, "居家养老服务标准化")
    awards.submit(call, 1, "社区矫正")
    for expert in awards.experts[:6]:
        services.conflict_declare(actor=awards.office, expert=expert, reason="other",
                                  case=case)
    services.call_transition(actor=awards.office, call=call, to=CallStatus.PRELIMINARY)
    with pytest.raises(InvalidInput) as refused:
        services.review_draw_commit(actor=awards.office, call=call)
    assert set(refused.value.errors) == {f"case_{case.number}"}
    assert "只有 2 位" in str(refused.value.errors[f"case_{case.number}"])
    assert not ReviewDraw.objects.filter(call=call).exists()


def test_a_conflict_the_committed_draw_would_ignore_is_refused(awards: Awards):
    call = awards.open_call()
    cases = awards.to_preliminary(call, 4)
    services.review_draw_commit(actor=awards.office, call=call)
    with pytest.raises(Conflict):
        services.conflict_declare(actor=awards.office, expert=awards.experts[0],
                                  reason="other", case=cases[0])
    assert not awards.experts[0].conflicts.exists()


def test_the_draw_runs_once(awards: Awards):
    call = awards.open_call()
    awards.drawn(call, 4)
    with pytest.raises(Conflict):
        services.review_draw_run(actor=awards.office, call=call)
    with pytest.raises(Conflict):
        services.review_draw_commit(actor=awards.office, call=call)
    assert ReviewAssignment.objects.count() == 12
