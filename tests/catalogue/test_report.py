"""The standardisation report: each region's implementation of an item against the
standard, aspect by aspect, and a score per region within the viewer's scope."""

from __future__ import annotations

import pytest

from onevisit.catalogue.models import BasicItem
from onevisit.catalogue.selectors import standardisation_report
from onevisit.catalogue.standard import Aspect, Verdict
from tests.catalogue.scene import YUHANG_CODE, Province

pytestmark = pytest.mark.django_db

def _verdicts(row: object) -> dict[str, tuple[str, list[str]]]:
    return {result.aspect.value: (result.verdict.value, result.notes)
            for result in row.aspects}  # type: ignore[attr-defined]


def test_two_counties_implementations_of_one_item_are_compared_aspect_by_aspect(
        compared: Province):
    report = standardisation_report(region_code="3301", basic_code="33-SJ-003")

    assert [(row.region_name, row.item_code) for row in report.rows] == [
        ("西湖区", "330106-SJ-003"), ("余杭区", YUHANG_CODE)]
    xihu, yuhang = report.rows
    assert _verdicts(xihu) == {
        "identity": ("same", []),
        "limits": ("looser", ["承诺时限 10 个工作日 长于基本目录的 5 个工作日"]),
        "materials": ("same", []), "fee": ("same", []), "visits": ("same", []),
        "channels": ("same", []),
    }
    assert _verdicts(yuhang) == {
        "identity": ("same", []),
        "limits": ("tighter", ["承诺时限 3 个工作日，短于基本目录的 5 个工作日"]),
        "materials": ("tighter", ["“设备布局图”复印件减少", "免交“食品安全管理制度”"]),
        "fee": ("same", []),
        "visits": ("tighter", ["承诺跑零次，少于基本目录的最多跑 1 次"]),
        "channels": ("tighter", ["增加快递送达"]),
    }
    assert [result.shown for result in yuhang.aspects] == [
        YUHANG_CODE, "3 个工作日", "3 项", "不收费", "跑零次", "窗口办理、网上办理、快递送达"]
    assert report.standard is not None
    assert dict(report.standard.aspects) == {
        Aspect.IDENTITY: "33-SJ-003", Aspect.LIMITS: "承诺 5 个工作日（法定 20 个工作日）",
        Aspect.MATERIALS: "4 项", Aspect.FEE: "不收费", Aspect.VISITS: "最多跑 1 次",
        Aspect.CHANNELS: "窗口办理、网上办理",
    }


def test_each_region_is_scored_by_the_share_of_aspects_that_keep_to_the_standard(
        compared: Province):
    report = standardisation_report(region_code="3301")

    assert [(r.code, r.implementations, r.checked, r.conforming, r.tighter, r.looser, r.score)
            for r in report.regions] == [
        ("330106", 1, 6, 5, 0, 1, 83.3),
        ("330110", 1, 6, 6, 4, 0, 100.0),
    ]


def test_a_scope_holds_its_own_region_and_those_below_it(compared: Province):
    county = standardisation_report(region_code="330110")
    elsewhere = standardisation_report(region_code="3302")
    everywhere = standardisation_report()

    assert [row.region_code for row in county.rows] == ["330110"]
    assert (elsewhere.rows, elsewhere.regions) == ([], [])
    assert [row.region_code for row in everywhere.rows] == ["330106", "330110"]


def test_an_aspect_the_standard_does_not_set_is_not_scored(compared: Province):
    BasicItem.objects.filter(pk=compared.food.pk).update(promised_visits=None)

    report = standardisation_report(region_code="330106", basic_code="33-SJ-003")

    assert report.rows[0].aspects[4].verdict == Verdict.UNSET
    assert (report.regions[0].checked, report.regions[0].conforming) == (5, 4)
    assert report.standard is not None
    assert report.standard.missing == ["跑动次数上限"]
