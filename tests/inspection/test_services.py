"""Plans through publish → draw → reveal, the redraw's verdict on tampering, results
and their credit facts, refusals and region scoping."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onevisit import clock
from onevisit.audit.services import audit_verify
from onevisit.credit.constants import Severity
from onevisit.credit.models import CreditRecord
from onevisit.credit.selectors import tier_of
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.inspection import draw as algorithm
from onevisit.inspection.models import Assignment, ConflictOfInterest, Draw, Plan, Result
from onevisit.inspection.selectors import draw_verify, plans_visible_to
from onevisit.inspection.services import (
    conflict_declare,
    plan_create,
    plan_draw,
    plan_publish,
    plan_reveal,
    rectification_overdue_scan,
    result_recheck,
    result_record,
    results_publish,
)
from tests.conftest import FIXED_START
from tests.factories import UserFactory
from tests.inspection.conftest import bad_credit

pytestmark = pytest.mark.django_db


def _drawn(inspection, **overrides) -> Plan:
    plan = inspection.joint_plan(**overrides)
    plan_publish(plan_code=plan.code, actor=inspection.supervisor)
    plan_draw(plan_code=plan.code, actor=inspection.supervisor)
    plan_reveal(plan_code=plan.code, actor=inspection.supervisor)
    plan.refresh_from_db()
    return plan


def _redraw(plan: Plan) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("inspections", "redraw", plan.code, stdout=out, stderr=err)
    except CommandError:
        return 1, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_publication_commits_to_the_seed_and_parameters_before_the_draw(inspection):
    plan = inspection.joint_plan()
    draw = plan_publish(plan_code=plan.code, actor=inspection.supervisor)

    assert draw.commitment == algorithm.commitment_of(draw.seed)
    assert draw.parameters_sha256 == algorithm.parameters_digest(draw.parameters)
    assert draw.parameters["candidates"]["A"] == [
        {"target": code, "items": ["SC-JC-001", "ZF-JC-001"]}
        for code in sorted(inspection.companies)]
    assert [i["id"] for i in draw.parameters["inspectors"]] == sorted(
        i.certificate_number for i in inspection.inspectors)
    assert Assignment.objects.count() == 0
    assert Plan.objects.get().status == "published"


def test_redraw_is_identical_and_each_target_gets_two_inspectors(inspection):
    plan = _drawn(inspection)

    verdict = draw_verify(plan)
    code, out, _err = _redraw(plan)

    assert verdict.identical
    assert code == 0
    assert f"{plan.code}: identical (2 targets)" in out
    assignments = list(Assignment.objects.all())
    assert len(assignments) == 2  # 10 companies in tier A at 20 %
    for assignment in assignments:
        assert assignment.first_inspector_id != assignment.second_inspector_id
        # 进一次门、查多项事: one visit, both departments' items, a mixed team.
        assert {r.item.code for r in assignment.results.all()} == {"SC-JC-001", "ZF-JC-001"}
        assert {assignment.first_inspector.department_id,
                assignment.second_inspector.department_id} == {
            inspection.market.pk, inspection.enforcement.pk}


def test_a_tampered_seed_is_detected(inspection):
    plan = _drawn(inspection)
    Draw.objects.filter(plan=plan).update(seed="00" * 32)
    plan.refresh_from_db()

    verdict = draw_verify(plan)
    code, _out, err = _redraw(plan)

    assert not verdict.seed_matches
    assert code == 1
    assert "种子与公示的承诺值不符" in err


def test_changed_parameters_are_detected_even_with_a_new_hash(inspection):
    plan = _drawn(inspection)
    draw = Draw.objects.get(plan=plan)
    parameters = {**draw.parameters, "ratios": {**draw.parameters["ratios"], "A": 100}}
    Draw.objects.filter(pk=draw.pk).update(
        parameters=parameters, parameters_sha256=algorithm.parameters_digest(parameters))
    plan.refresh_from_db()

    verdict = draw_verify(plan)

    assert not verdict.parameters_match
    assert "参数在公示后被改动：参数的 SHA-256 与公示值不符" in verdict.problems
    assert _redraw(plan)[0] == 1


def test_a_plan_changed_after_publication_is_detected(inspection):
    plan = _drawn(inspection)
    Plan.objects.filter(pk=plan.pk).update(ratios={"A": 50, "B": 50, "C": 100, "D": 100})
    plan.refresh_from_db()

    verdict = draw_verify(plan)

    assert verdict.problems == ["参数在公示后被改动：计划的ratios与公示参数不符"]


def test_a_changed_pair_is_detected_and_named(inspection):
    plan = _drawn(inspection)
    assignment = Assignment.objects.order_by("position").first()
    spare = next(i for i in inspection.inspectors
                 if i.pk not in (assignment.first_inspector_id, assignment.second_inspector_id))
    Assignment.objects.filter(pk=assignment.pk).update(first_inspector=spare)

    verdict = draw_verify(plan)

    assert not verdict.outcome_matches
    assert f"第 1 户 {assignment.target.ref} 的检查人员不同" in verdict.problems[0]


def test_declared_conflicts_and_last_times_inspectors_are_never_drawn(inspection):
    sc1 = inspection.inspectors[0]
    for n in range(10):
        conflict_declare(inspector=sc1, target=inspection.target(n), reason="relative",
                         actor=None, note="配偶经营")
    first = _drawn(inspection, ratios={"A": 100, "B": 100, "C": 100, "D": 100})
    before = {(a.target_id, a.first_inspector_id) for a in Assignment.objects.all()} | {
        (a.target_id, a.second_inspector_id) for a in Assignment.objects.all()}
    second = _drawn(inspection, ratios={"A": 100, "B": 100, "C": 100, "D": 100})

    assert not Assignment.objects.filter(first_inspector=sc1).exists()
    assert not Assignment.objects.filter(second_inspector=sc1).exists()
    again = Assignment.objects.filter(draw__plan=second)
    after = {(a.target_id, a.first_inspector_id) for a in again} | {
        (a.target_id, a.second_inspector_id) for a in again}
    assert before & after == set()
    assert len(Draw.objects.get(plan=second).parameters["conflicts"]) == 10 + 20
    assert draw_verify(first).identical
    assert draw_verify(second).identical


def test_worse_credit_tiers_are_drawn_at_their_higher_ratios(inspection):
    codes = inspection.companies
    bad_credit(codes[0], Severity.SERIOUS, "R1")  # D
    bad_credit(codes[1], Severity.GENERAL, "R2")  # C
    bad_credit(codes[2], Severity.GENERAL, "R3")
    bad_credit(codes[3], Severity.MINOR, "R4")  # B
    plan = _drawn(inspection, ratios={"A": 0, "B": 0, "C": 50, "D": 100})

    drawn = {a.target.code: a.tier for a in Assignment.objects.select_related("target")}

    assert tier_of(codes[0]) == "D"
    assert codes[0] in drawn
    assert sorted(drawn.values()) == ["C", "D"]
    assert {k: len(v) for k, v in Draw.objects.get(plan=plan).parameters[
        "candidates"].items()} == {"A": 6, "B": 1, "C": 2, "D": 1}


def test_ratios_must_favour_better_credit(inspection):
    with pytest.raises(InvalidInput) as refused:
        inspection.joint_plan(ratios={"A": 50, "B": 10, "C": 30, "D": 100})

    assert refused.value.errors == {"ratio_A": "信用越好，抽查比例应越低"}
    assert Plan.objects.count() == 0


def _result(plan: Plan, item_code: str) -> Result:
    return Result.objects.filter(assignment__draw__plan=plan, item__code=item_code).order_by(
        "assignment__position").first()


def test_results_record_credit_facts_and_the_recheck(inspection):
    plan = _drawn(inspection)
    passed, rectify = _result(plan, "SC-JC-001"), _result(plan, "ZF-JC-001")
    inspector = passed.assignment.first_inspector.user
    case = Result.objects.filter(assignment__draw__plan=plan).order_by(
        "-assignment__position").first()

    result_record(result_id=passed.pk, actor=inspector, outcome="passed")
    result_record(result_id=rectify.pk, actor=inspector, outcome="rectify",
                  finding="油烟净化设施未定期清洗", rectify_days=5)
    result_record(result_id=case.pk, actor=case.assignment.second_inspector.user,
                  outcome="case_opened", finding="无证经营冷食类食品")
    rectify.refresh_from_db()

    records = {r.reference: r for r in CreditRecord.objects.all()}
    assert set(records) == {f"JC-{rectify.pk}", f"JC-{case.pk}"}
    assert records[f"JC-{rectify.pk}"].severity == Severity.MINOR
    assert records[f"JC-{case.pk}"].severity == Severity.SERIOUS
    assert records[f"JC-{case.pk}"].source == "inspection"
    assert records[f"JC-{case.pk}"].subject_code == case.assignment.target.code
    # 5 working days from Tuesday 8 December 2026: Tuesday 15 December, end of day.
    assert rectify.rectify_due_at.astimezone(FIXED_START.tzinfo).date() == dt.date(2026, 12, 15)

    result_recheck(result_id=rectify.pk, actor=inspector, rectified=False,
                   note="复查时仍未清洗")
    assert CreditRecord.objects.get(reference=f"JC-{rectify.pk}-overdue").severity == (
        Severity.GENERAL)
    assert audit_verify() == []


def test_a_rectification_past_its_deadline_is_escalated_once(inspection):
    plan = _drawn(inspection)
    rectify = _result(plan, "ZF-JC-001")
    result_record(result_id=rectify.pk, actor=rectify.assignment.first_inspector.user,
                  outcome="rectify", finding="门前堆放杂物", rectify_days=1)

    with clock.frozen_at(clock.now() + dt.timedelta(days=1)):
        assert rectification_overdue_scan() == 0
    with clock.frozen_at(clock.now() + dt.timedelta(days=3)):
        assert rectification_overdue_scan() == 1
        assert rectification_overdue_scan() == 0

    rectify.refresh_from_db()
    assert rectify.recheck == "not_rectified"
    assert CreditRecord.objects.filter(reference=f"JC-{rectify.pk}-overdue").count() == 1


def test_refusals_say_why_and_change_nothing(inspection, world):
    plan = inspection.joint_plan()
    reviewer = UserFactory(username="plain-reviewer", reviewer=True, department=inspection.market)
    other_region = UserFactory(username="yuhang-supervisor", supervisor=True,
                               region_id="330110")

    with pytest.raises(NotAllowed):
        plan_publish(plan_code=plan.code, actor=reviewer)
    with pytest.raises(NotAllowed):
        plan_publish(plan_code=plan.code, actor=inspection.enforcement_lead)
    with pytest.raises(NotFound):
        plan_publish(plan_code=plan.code, actor=other_region)
    with pytest.raises(NotFound):
        plan_publish(plan_code=plan.code, actor=world.citizen)
    with pytest.raises(Conflict):
        plan_draw(plan_code=plan.code, actor=inspection.supervisor)
    with pytest.raises(NotAllowed):
        plan_create(actor=reviewer, name="计划", region_code="330106",
                    lead_department_code=inspection.market.code,
                    department_codes=[inspection.market.code],
                    item_codes=[inspection.market_item.code],
                    period_start=dt.date(2026, 12, 1), period_end=dt.date(2026, 12, 31))
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert Draw.objects.count() == 0
    assert Plan.objects.count() == 1

    drawn = _drawn(inspection)
    result = _result(drawn, "SC-JC-001")
    stranger = next(i.user for i in inspection.inspectors if i.pk not in (
        result.assignment.first_inspector_id, result.assignment.second_inspector_id))
    with pytest.raises(NotAllowed):
        result_record(result_id=result.pk, actor=stranger, outcome="case_opened",
                      finding="x")
    with pytest.raises(InvalidInput):
        result_record(result_id=result.pk, actor=inspection.market_lead, outcome="rectify",
                      finding="")
    with pytest.raises(Conflict):
        results_publish(plan_code=drawn.code, actor=inspection.supervisor)
    with pytest.raises(Conflict):
        plan_reveal(plan_code=drawn.code, actor=inspection.supervisor)
    result.refresh_from_db()
    assert (result.outcome, result.recorded_at) == ("", None)
    assert CreditRecord.objects.count() == 0


def test_a_plan_without_two_free_inspectors_per_target_is_not_published(inspection):
    plan = inspection.joint_plan()
    target = inspection.target(0)
    for inspector in inspection.inspectors[1:]:
        conflict_declare(inspector=inspector, target=target, reason="former_employer",
                         actor=None)

    with pytest.raises(InvalidInput) as refused:
        plan_publish(plan_code=plan.code, actor=inspection.supervisor)

    assert target.ref in refused.value.errors["inspectors"]
    assert Plan.objects.get().status == "draft"
    assert Draw.objects.count() == 0
    assert ConflictOfInterest.objects.count() == 5


def test_a_lead_manages_her_departments_plan_and_staff_see_their_regions(inspection, world):
    plan = plan_create(
        actor=inspection.market_lead, name="食品经营抽查", region_code="330106",
        lead_department_code=inspection.market.code, department_codes=[],
        item_codes=[inspection.market_item.code], period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 31))
    plan_publish(plan_code=plan.code, actor=inspection.market_lead)
    other_region = UserFactory(username="yuhang-supervisor", supervisor=True,
                               region_id="330110")

    assert list(plans_visible_to(world.supervisor)) == [plan]
    assert list(plans_visible_to(inspection.market_lead)) == [plan]
    assert list(plans_visible_to(other_region)) == []
    # The township platform's staff see only plans their department takes part in.
    assert list(plans_visible_to(inspection.enforcement_lead)) == []
    joint = inspection.joint_plan()
    assert list(plans_visible_to(inspection.enforcement_lead)) == [joint]


def test_results_are_published_after_the_seed(inspection):
    plan = _drawn(inspection)
    result = _result(plan, "SC-JC-001")
    result_record(result_id=result.pk, actor=result.assignment.first_inspector.user,
                  outcome="passed")

    assert results_publish(plan_code=plan.code, actor=inspection.supervisor) == 1
    result.refresh_from_db()
    assert result.published_at is not None


def test_the_command_refuses_a_plan_not_drawn_and_refreshes_targets(inspection):
    plan = inspection.joint_plan()
    plan_publish(plan_code=plan.code, actor=inspection.supervisor)
    out = io.StringIO()

    code, redrawn, err = _redraw(plan)
    call_command("inspections", "targets", stdout=out)

    assert code == 1
    assert "计划尚未抽取" in err
    assert "FAIL" not in redrawn  # no check ran: it is not drawn, not tampered with
    assert out.getvalue() == "inspection targets: 11\n"
    with pytest.raises(CommandError, match="no inspection plan 'JC0'"):
        call_command("inspections", "redraw", "JC0")
