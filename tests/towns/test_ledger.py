"""Assessment and settlement: the land reward is the actual new construction land, a
failed town is deducted double, the fiscal reward follows the configured rule, a
demonstration town gets 100 亩, settling twice writes nothing, and the totals come from
the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from onevisit.errors import Conflict, InvalidInput
from onevisit.towns.constants import AssessmentResult, LedgerKind, TownStatus
from onevisit.towns.models import Assessment, Demonstration, LedgerEntry, Town, TownStatusChange
from onevisit.towns.selectors import (
    ledger_by_region,
    ledger_totals,
    results_published,
    town_detail,
    trends,
)
from onevisit.towns.services import (
    assessment_settle,
    assessments_publish,
    demonstration_designate,
    method_create,
    method_publish,
    report_assess,
    report_submit,
    town_transition,
    year_settle,
)
from tests.towns.conftest import Programme, evidence, figures, registries, targets

LOW = {"investment": "10000", "special_investment": "5000", "visitors": 1000,
       "construction_progress": 2}


def report_and_assess(p: Programme, town: Town, year: int, *, settle: bool = True,
                      **overrides: object) -> Assessment:
    report_submit(actor=p.office, code=town.code, year=year, figures=figures(**overrides),
                  evidence=evidence())
    assessment = report_assess(actor=p.office, code=town.code, year=year)
    assessments_publish(actor=p.office, year=year)
    if settle:
        assessment_settle(actor=p.office, code=town.code, year=year)
    assessment.refresh_from_db()
    return assessment


def test_a_town_that_met_its_targets_is_granted_its_actual_new_construction_land(
        programme: Programme) -> None:
    assessment = report_and_assess(programme, programme.town, 2016, new_land="120.50")

    assert assessment.result == AssessmentResult.PASSED
    assert assessment.met_targets is True
    assert assessment.total == Decimal("100.00")
    land = LedgerEntry.objects.get(kind=LedgerKind.LAND_REWARD)
    assert land.land_mu == Decimal("120.50")
    assert land.assessment == assessment
    assert "浙政发〔2015〕8号" in land.legal_basis


def test_the_fiscal_reward_follows_the_published_rule(programme: Programme) -> None:
    report_and_assess(programme, programme.town, 2016)
    # (25000 − 5000) 万元 new tax × 50% province share × 100% returned in year 1.
    assert LedgerEntry.objects.get(kind=LedgerKind.FISCAL_REWARD).fiscal_wan == Decimal(
        "10000.00")

    method_create(actor=programme.office, code="KH-2017", name="修订办法",
                  province_tax_share_percent=30, return_percents=[100, 80, 50])
    method_publish(actor=programme.office, code="KH-2017")
    report_and_assess(programme, programme.town, 2017)
    # (40000 − 5000) × 30% × 80% (the second year of the creation period).
    fiscal = LedgerEntry.objects.get(kind=LedgerKind.FISCAL_REWARD, year=2017)
    assert fiscal.fiscal_wan == Decimal("8400.00")
    assert "30%" in fiscal.formula


def test_a_failed_town_is_deducted_double_its_new_construction_land_and_demoted(
        programme: Programme) -> None:
    assessment = report_and_assess(programme, programme.town, 2016, new_land="40", **LOW)

    assert assessment.total < programme.method.warning_score
    assert assessment.result == AssessmentResult.DEMOTED
    assert assessment.met_targets is False
    rows = list(LedgerEntry.objects.values_list("kind", "land_mu", "fiscal_wan"))
    assert rows == [(LedgerKind.LAND_DEDUCTION, Decimal("-80.00"), Decimal("0.00"))]
    programme.town.refresh_from_db()
    assert programme.town.status == TownStatus.CULTIVATION
    change = TownStatusChange.objects.get(assessment=assessment)
    assert (change.from_status, change.to_status) == (TownStatus.CREATION,
                                                       TownStatus.CULTIVATION)


def test_failing_two_years_running_exits(programme: Programme) -> None:
    report_and_assess(programme, programme.town, 2016, **LOW)
    second = report_and_assess(programme, programme.town, 2017, new_land="10", **LOW)

    assert second.result == AssessmentResult.EXITED
    programme.town.refresh_from_db()
    assert programme.town.status == TownStatus.EXITED
    assert LedgerEntry.objects.get(year=2017).land_mu == Decimal("-20.00")


def test_a_warning_earns_nothing_and_costs_nothing(programme: Programme) -> None:
    # investment, special investment and visitors at 60% of target: 100 − 0.4 × 60 = 76.
    assessment = report_and_assess(programme, programme.town, 2016, investment="60000",
                                   special_investment="42000", visitors=60000)

    assert (assessment.total, assessment.result) == (Decimal("76.00"), AssessmentResult.WARNING)
    assert assessment.settled_at is not None
    assert LedgerEntry.objects.count() == 0


def test_settling_twice_writes_nothing_new(programme: Programme) -> None:
    report_and_assess(programme, programme.town, 2016)
    before = list(LedgerEntry.objects.values_list("pk", flat=True))

    assert assessment_settle(actor=programme.office, code=programme.town.code, year=2016) == []
    assert year_settle(actor=programme.office, year=2016) == []
    assert list(LedgerEntry.objects.values_list("pk", flat=True)) == before
    assert len(before) == 2


def test_an_unpublished_assessment_is_not_settled(programme: Programme) -> None:
    report_submit(actor=programme.xihu, code=programme.town.code, year=2016,
                  figures=figures(), evidence=evidence())
    report_assess(actor=programme.office, code=programme.town.code, year=2016)

    with pytest.raises(Conflict):
        assessment_settle(actor=programme.office, code=programme.town.code, year=2016)
    assert results_published().count() == 0
    assert LedgerEntry.objects.count() == 0


def test_the_ledger_refuses_to_be_edited(programme: Programme) -> None:
    report_and_assess(programme, programme.town, 2016)

    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(kind=LedgerKind.LAND_REWARD).update(land_mu=Decimal("9999"))
    assert LedgerEntry.objects.get(kind=LedgerKind.LAND_REWARD).land_mu == Decimal("120.50")


def test_demonstration_towns_get_100_mu_each_up_to_the_methods_number(
        programme: Programme) -> None:
    method_create(actor=programme.office, code="KH-SF", name="含示范名额", demonstration_max=2)
    method_publish(actor=programme.office, code="KH-SF")
    second = programme.listed(name="梦想小镇", region_code="330110", focus="互联网创业",
                              actor=programme.yuhang)
    third = programme.listed(name="巧克力甜蜜小镇", region_code="330421", industry="tourism",
                             focus="巧克力", actor=programme.jiashan)

    demonstration_designate(actor=programme.office, year=2017,
                            codes=[programme.town.code, second.code])
    rows = LedgerEntry.objects.filter(kind=LedgerKind.DEMONSTRATION_LAND)
    assert sorted(rows.values_list("town__code", "land_mu")) == [
        (programme.town.code, Decimal("100.00")), (second.code, Decimal("100.00"))]

    with pytest.raises(InvalidInput) as over:
        demonstration_designate(actor=programme.office, year=2017, codes=[third.code])
    assert "最多 2 个" in str(over.value.errors["codes"])
    with pytest.raises(InvalidInput) as twice:
        demonstration_designate(actor=programme.office, year=2018, codes=[second.code])
    assert "已是示范特色小镇" in str(twice.value.errors["codes"])
    assert rows.count() == 2


@pytest.mark.parametrize(("year", "field", "reason"), [
    (2027, "year", "2015 至 2026"),   # the clock's year is 2026: a future year
    (2010, "year", "2015 至 2026"),   # before the programme's first year
    (2015, "codes", "创建期自 2016 年开始"),  # before the town's creation period
])
def test_a_demonstration_year_must_have_begun_for_the_programme_and_the_town(
        programme: Programme, year: int, field: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        demonstration_designate(actor=programme.office, year=year,
                                codes=[programme.town.code])
    assert reason in str(refused.value.errors[field])
    assert not Demonstration.objects.exists()
    assert not LedgerEntry.objects.filter(kind=LedgerKind.DEMONSTRATION_LAND).exists()

    demonstration_designate(actor=programme.office, year=2026, codes=[programme.town.code])
    assert LedgerEntry.objects.filter(kind=LedgerKind.DEMONSTRATION_LAND).count() == 1


def test_the_totals_come_from_the_ledger(programme: Programme) -> None:
    office = programme.office
    dream = programme.listed(name="梦想小镇", region_code="330110", focus="互联网创业",
                             actor=programme.yuhang)
    sweet = programme.listed(name="巧克力甜蜜小镇", region_code="330421", industry="tourism",
                             focus="巧克力", actor=programme.jiashan)
    for town in (dream, sweet):
        targets(office, town.code, 2016)
        registries(town.code, tax={2016: "21000"}, enterprises={2016: 41})
    report_and_assess(programme, programme.town, 2016, settle=False, new_land="120.50")
    report_and_assess(programme, dream, 2016, settle=False, new_land="80")
    report_and_assess(programme, sweet, 2016, settle=False, new_land="30", **LOW)
    year_settle(actor=office, year=2016)
    demonstration_designate(actor=office, year=2016, codes=[programme.town.code])

    totals = ledger_totals(year=2016)
    assert totals.towns_passed == 2
    assert totals.towns_failed == 1
    assert totals.land_granted_mu == Decimal("300.50")  # 120.50 + 80 + 100
    assert totals.land_deducted_mu == Decimal("60.00")
    assert totals.land_net_mu == Decimal("240.50")
    assert totals.demonstration_mu == Decimal("100.00")
    # Fiscal: 西湖 (25000 − 5000) × 50%; 余杭 (21000 − 0) × 50%; 嘉善 failed.
    assert totals.fiscal_wan == Decimal("20500.00")
    hangzhou = ledger_totals(scope="3301", year=2016)
    assert (hangzhou.towns_passed, hangzhou.land_granted_mu) == (2, Decimal("300.50"))
    by_county = {r.region_code: r.land_net_mu for r in ledger_by_region(year=2016)}
    assert by_county == {"330106": Decimal("220.50"), "330110": Decimal("80.00"),
                         "330421": Decimal("-60.00")}
    by_city = {r.region_code: r.land_net_mu for r in ledger_by_region(level="city")}
    assert by_city == {"3301": Decimal("300.50"), "3304": Decimal("-60.00")}


def test_naming_needs_every_year_assessed_and_the_last_passed(programme: Programme) -> None:
    code = programme.town.code
    report_and_assess(programme, programme.town, 2016)
    with pytest.raises(InvalidInput) as early:
        town_transition(actor=programme.office, code=code, to="named")
    assert "2017、2018" in str(early.value.errors["to"])

    registries(code, tax={2015: "5000", 2016: "25000", 2017: "40000", 2018: "52000"},
               enterprises={2016: 45, 2017: 60, 2018: 70})
    report_and_assess(programme, programme.town, 2017)
    report_and_assess(programme, programme.town, 2018)
    town = town_transition(actor=programme.office, code=code, to="named", note="验收合格")
    assert town.status == TownStatus.NAMED
    assert town.named_at is not None


def test_the_public_sees_only_published_years(programme: Programme) -> None:
    report_and_assess(programme, programme.town, 2016)
    report_submit(actor=programme.xihu, code=programme.town.code, year=2017,
                  figures=figures(), evidence=evidence())
    report_assess(actor=programme.office, code=programme.town.code, year=2017)

    public = town_detail(town=programme.town, published_only=True)
    assert [r.year for r in public.reports] == [2016]
    assert [a.year for a in public.assessments] == [2016]
    assert [t.year for t in trends(published_only=True)] == [2016]
    staff = town_detail(town=programme.town)
    assert [r.year for r in staff.reports] == [2016, 2017]
    assert [t.year for t in trends()] == [2016, 2017]


def test_passed_and_failed_count_towns_not_town_years(programme: Programme) -> None:
    report_and_assess(programme, programme.town, 2016)
    report_and_assess(programme, programme.town, 2017)

    assert ledger_totals().towns_passed == 1  # one town, passed twice
    assert ledger_totals(year=2017).towns_passed == 1
    assert ledger_totals(year=2015).towns_passed == 0
    assert town_detail(town=programme.town).totals.towns_passed == 1


def test_the_public_trends_leave_out_a_year_still_being_reported(programme: Programme) -> None:
    report_and_assess(programme, programme.town, 2016)
    report_and_assess(programme, programme.town, 2017)
    dream = programme.listed(name="梦想小镇", region_code="330110", focus="互联网创业",
                             actor=programme.yuhang, start_year=2017,
                             investment_plan={2017: "1", 2018: "1", 2019: "1"})
    targets(programme.office, dream.code, 2017)
    registries(dream.code, tax={2017: "21000"}, enterprises={2017: 41})
    report_submit(actor=programme.office, code=dream.code, year=2017, figures=figures(),
                  evidence=evidence())  # reported, not yet assessed

    assert [t.year for t in trends(published_only=True)] == [2016]
    assert [(t.year, t.towns, t.complete) for t in trends()] == [
        (2016, 1, True), (2017, 2, False)]
    # One town's own published figures are whole for that town.
    assert [t.year for t in trends(code=programme.town.code, published_only=True)] == [
        2016, 2017]
