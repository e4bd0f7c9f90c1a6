"""The demo's standard system: the province's basic entries for the demo items, and 余杭区
implementing some of them more strictly than 西湖区, so the report has something to show."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from onevisit.catalogue.codes import implementation_code_parse
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import BasicItem, ServiceItem
from onevisit.catalogue.selectors import standardisation_report
from onevisit.demo.catalogue import ITEMS, demo_catalogue_load
from onevisit.demo.catalogue.standards import YUHANG_ITEMS, demo_second_county_load

pytestmark = pytest.mark.django_db


def _published() -> list[tuple[str, int]]:
    return list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
                .order_by("code").values_list("code", "version"))


def test_yuhang_implements_some_demo_items_under_national_codes():
    demo_catalogue_load()
    demo_second_county_load()
    first = (_published(), list(BasicItem.objects.order_by("code").values()))
    demo_second_county_load()

    assert (_published(), list(BasicItem.objects.order_by("code").values())) == first
    yuhang = ServiceItem.objects.filter(region_id="330110", status=ItemStatus.PUBLISHED)
    assert yuhang.count() == len(YUHANG_ITEMS) == 7
    for item in yuhang:
        parsed = implementation_code_parse(item.code)
        assert parsed is not None
        assert (parsed.basic, parsed.region) == (item.basic_item.code, "330110000000")
        assert uscc.is_valid(parsed.body)
    assert BasicItem.objects.count() == len(ITEMS)
    assert set(ServiceItem.objects.filter(region_id="330106").values_list(
        "basic_item__code", flat=True)) == {f"33-{spec.code[7:]}" for spec in ITEMS
                                            if spec.region == "330106"}


def test_the_report_shows_yuhang_tighter_and_xihu_behind_one_tightened_standard():
    demo_catalogue_load()
    demo_second_county_load()

    report = standardisation_report(region_code="3301")

    scores = {r.code: (r.implementations, r.tighter, r.looser) for r in report.regions}
    # 西湖区: 26 items, market.py's 18 (多证合一's registrations, 证照联办's permits) and
    # investment.py's 2; the city's own items (the investment bundle's) count as the city's.
    assert scores == {"3301": (3, 0, 0), "330106": (26 + 18 + 2, 0, 1), "330110": (7, 7, 0)}
    behind = [(row.item_code, [a.aspect.value for a in row.aspects if a.verdict == "looser"])
              for row in report.rows if row.looser]
    assert behind == [("330106-GA-004", ["limits"])]
