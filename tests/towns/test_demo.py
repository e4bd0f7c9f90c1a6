"""The demo programme loads from a clean database, once, with what the issue asks for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from onevisit import clock
from onevisit.demo.towns import demo_towns_load
from onevisit.towns.constants import AssessmentResult, LedgerKind, TownStatus
from onevisit.towns.models import AnnualReport, Assessment, LedgerEntry, Town
from onevisit.towns.selectors import ledger_totals


@pytest.mark.django_db
def test_the_demo_loads_once_with_a_failure_and_two_demonstration_towns() -> None:
    first = demo_towns_load()
    again = demo_towns_load()

    assert first == again
    assert first["towns"] == 12
    year = clock.now().year - 1
    assert first["reports"] == 22  # 11 listed towns × two years
    failed = Assessment.objects.get(year=year, result=AssessmentResult.DEMOTED)
    assert failed.town.name == "余杭数字安防小镇"
    assert failed.town.status == TownStatus.CULTIVATION
    deduction = LedgerEntry.objects.get(kind=LedgerKind.LAND_DEDUCTION)
    assert deduction.land_mu == Decimal("-80.00")  # twice its 40 亩
    assert sorted(LedgerEntry.objects.filter(kind=LedgerKind.DEMONSTRATION_LAND)
                  .values_list("town__name", "land_mu")) == [
        ("云栖小镇", Decimal("100.00")), ("梦想小镇", Decimal("100.00"))]
    reward = LedgerEntry.objects.get(kind=LedgerKind.LAND_REWARD, town__name="云栖小镇",
                                     year=year)
    assert reward.land_mu == AnnualReport.objects.get(town=reward.town, year=year).new_land
    assert Town.objects.get(name="运河时尚小镇").status == TownStatus.DECLARED
    assert ledger_totals(year=year).towns_passed == 10
