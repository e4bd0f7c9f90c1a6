"""Declaring a town (百镇一面, the area band, functions, the plan), the office's review, the
transitions table, targets and the assessment method's checks."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.db import transaction

from onevisit import clock
from onevisit.audit.models import AuditEvent
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.towns import scoring
from onevisit.towns.constants import (
    ALLOWED_TRANSITIONS,
    INDUSTRY_GROUP,
    Industry,
    IndustryGroup,
    TownStatus,
)
from onevisit.towns.models import AssessmentMethod, Town, TownStatusChange, YearTarget
from onevisit.towns.selectors import counts, declarations_waiting, towns_public
from onevisit.towns.services import method_create, method_publish, town_transition
from onevisit.towns.services.common import status_move
from tests.towns.conftest import Programme, targets


def test_the_industries_are_the_seven_new_and_the_ten_classic() -> None:
    groups = [INDUSTRY_GROUP[i] for i in Industry.values]
    assert groups.count(IndustryGroup.NEW) == 7
    assert groups.count(IndustryGroup.CLASSIC) == 10


def test_a_county_declares_a_town_the_office_lists_it(programme: Programme) -> None:
    town = programme.declare(name="梦想小镇", region_code="330106", industry="finance",
                             focus="互联网金融")

    assert town.status == TownStatus.DECLARED
    assert town.code == "330106-TX-02"
    assert town.investment_plan == {"2016": "150000", "2017": "180000", "2018": "200000"}
    assert list(declarations_waiting(user=programme.office)) == [town]
    assert town not in towns_public()
    listed = town_transition(actor=programme.office, code=town.code, to="cultivation",
                             note="先列入培育对象")
    assert (listed.status, listed.office_note) == (TownStatus.CULTIVATION, "先列入培育对象")
    assert listed.listed_by == programme.office
    assert listed in towns_public()
    assert AuditEvent.objects.filter(action="towns.status_changed",
                                     entity_id=town.code).count() == 1


def test_only_the_office_reviews(programme: Programme) -> None:
    town = programme.declare(name="梦想小镇", industry="finance", focus="基金")

    with pytest.raises(NotAllowed):
        town_transition(actor=programme.xihu, code=town.code, to="creation")
    with pytest.raises(NotAllowed):
        programme.declare(actor=programme.citizen, name="另一个小镇", industry="health")
    with pytest.raises(InvalidInput) as elsewhere:
        programme.declare(actor=programme.yuhang, name="另一个小镇", industry="health")
    assert set(elsewhere.value.errors) == {"region_code"}


def test_bai_zhen_yi_mian_needs_a_stated_differentiation(programme: Programme) -> None:
    # 云栖小镇 (信息经济) is already 西湖区's.
    with pytest.raises(InvalidInput) as same:
        programme.declare(name="西溪谷互联网金融小镇", focus="互联网金融")
    assert set(same.value.errors) == {"differentiation"}
    assert "云栖小镇" in str(same.value.errors["differentiation"])
    assert Town.objects.count() == 1

    different = programme.declare(name="西溪谷互联网金融小镇", focus="互联网金融",
                                  differentiation="主攻互联网金融，与云栖小镇的云计算错位发展")
    assert different.industry == "information"
    # Another county's town on the same industry needs none.
    assert programme.declare(actor=programme.yuhang, name="梦想小镇", region_code="330110",
                             focus="互联网创业").differentiation == ""


def test_an_area_far_from_3_km2_needs_a_reason(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as far:
        programme.declare(name="大小镇", industry="health", planned_area_km2="8")
    assert set(far.value.errors) == {"area_reason"}
    with pytest.raises(InvalidInput) as small:
        programme.declare(name="小小镇", industry="health", planned_area_km2="0.5")
    assert set(small.value.errors) == {"area_reason"}

    town = programme.declare(name="大小镇", industry="health", planned_area_km2="8",
                             area_reason="含 5 平方公里生态保护区，建设用地 3 平方公里")
    assert town.planned_area_km2 == Decimal("8.00")
    assert programme.declare(name="中小镇", industry="fashion",
                             planned_area_km2="5").area_reason == ""


def test_a_declaration_is_refused_naming_every_problem(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        programme.declare(name="", planned_area_km2="-3", industry="steel", focus="",
                          scenic_goal="6A", functions=["culture"],
                          investment_plan={2016: "100", 2020: "x"}, start_year=2014, years=9)

    assert set(refused.value.errors) == {
        "name", "planned_area_km2", "industry", "focus", "scenic_goal", "functions",
        "investment_plan", "start_year", "years"}
    assert Town.objects.count() == 1


def test_the_plan_covers_the_creation_period(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as short:
        programme.declare(name="缺年小镇", industry="health",
                          investment_plan={2016: "100", 2017: "100"})
    assert "2016—2018" in str(short.value.errors["investment_plan"])
    assert str(short.value.errors["investment_plan"]).endswith("：缺少 2018 年")


def test_a_bad_start_year_and_the_plans_missing_and_extra_years_are_named_at_once(
        programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        programme.declare(name="早年小镇", industry="health", start_year=2010, years=3,
                          investment_plan={2010: "100", 2011: "100", 2013: "100"})

    errors = refused.value.errors
    assert set(errors) == {"start_year", "investment_plan"}
    assert str(errors["start_year"]) == "创建期起始年度须在 2015 至 2027 之间"
    assert str(errors["investment_plan"]) == (
        "计划投资须覆盖且只覆盖创建期 2010—2012 年的每一年：缺少 2012 年；2013 年不在创建期内")
    assert Town.objects.count() == 1


@pytest.mark.parametrize(("before", "after"),
                         list(itertools.product(TownStatus.values, TownStatus.values)))
def test_the_transitions_table(programme: Programme, before: str, after: str) -> None:
    town = Town.objects.create(
        code=f"T-{before}", name="表格小镇", region=programme.town.region,
        planned_area_km2=Decimal(3), industry="health", focus="康养", scenic_goal="3A",
        functions=["industry"], creation_start_year=2016, status=before,
        declared_at=clock.now())
    allowed = after in ALLOWED_TRANSITIONS[before]

    with transaction.atomic():
        if allowed:
            status_move(town=town, to=after, actor=programme.office)
        else:
            with pytest.raises(Conflict):
                status_move(town=town, to=after, actor=programme.office)

    town.refresh_from_db()
    assert town.status == (after if allowed else before)
    assert TownStatusChange.objects.filter(town=town).count() == (1 if allowed else 0)


def test_exited_and_named_are_final() -> None:
    assert ALLOWED_TRANSITIONS[TownStatus.EXITED] == set()
    assert ALLOWED_TRANSITIONS[TownStatus.NAMED] == set()
    assert TownStatus.CULTIVATION in ALLOWED_TRANSITIONS[TownStatus.CREATION]  # 降格


def test_targets_are_set_by_the_office_within_the_creation_period(programme: Programme) -> None:
    code = programme.town.code
    with pytest.raises(NotAllowed):
        targets(programme.xihu, code, 2017)
    with pytest.raises(InvalidInput) as refused:
        targets(programme.office, code, 2020, investment="-1", special_investment="5",
                construction_progress=101)
    assert set(refused.value.errors) == {"year", "investment", "construction_progress"}

    targets(programme.office, code, 2017, investment="110000")
    assert YearTarget.objects.get(town__code=code, year=2017).investment == Decimal("110000")
    with pytest.raises(NotFound):
        targets(programme.office, "330999-TX-01", 2017)


def test_a_method_is_checked_and_only_a_draft_is_published(programme: Programme) -> None:
    with pytest.raises(InvalidInput) as refused:
        method_create(actor=programme.office, code="KH-2016", name="",
                      weights={"investment": 50, "tax_revenue": 40},
                      pass_score="50", warning_score="70", return_percents=[100, 120])
    assert set(refused.value.errors) == {"code", "name", "weights", "warning_score",
                                         "return_percents"}
    with pytest.raises(Conflict):
        method_publish(actor=programme.office, code="KH-2016")

    method_create(actor=programme.office, code="KH-2018", name="新办法")
    method_publish(actor=programme.office, code="KH-2018")
    assert list(AssessmentMethod.objects.values_list("code", "status")) == [
        ("KH-2018", "published"), ("KH-2016", "retired")]


def test_scores_are_capped_at_the_weight_and_a_zero_target_asks_nothing() -> None:
    assert scoring.indicator_score(actual=Decimal(150), target=Decimal(100), weight=25) == (
        Decimal("25.00"))
    assert scoring.indicator_score(actual=Decimal(1), target=Decimal(3), weight=10) == (
        Decimal("3.33"))
    assert scoring.indicator_score(actual=Decimal(0), target=Decimal(0), weight=10) == (
        Decimal("10.00"))
    assert scoring.fiscal_reward(new_tax=Decimal(1000), share_percent=50,
                                 return_percents=[100, 100, 100, 50, 50],
                                 period_year=6) == Decimal("0.00")


def test_counts_by_industry_status_and_region(programme: Programme) -> None:
    programme.listed(actor=programme.yuhang, name="梦想小镇", region_code="330110",
                     focus="互联网创业")
    programme.declare(actor=programme.jiashan, name="巧克力甜蜜小镇", region_code="330421",
                      industry="tourism", focus="巧克力")

    found = counts()
    assert found.total == 2  # the declared one is not public yet
    assert found.by_industry == [("information", "信息经济", 2)]
    assert found.by_region == [("330106", "西湖区", 1), ("330110", "余杭区", 1)]
    assert counts(public=False).total == 3
