"""A province with two counties, a basic catalogue entry (食品经营许可) and its
implementations; the catalogue's fixtures and the report page's tests build on it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.catalogue.constants import ItemKind, LimitUnit
from onevisit.catalogue.models import BasicItem, EvidenceType, MaterialRequirement, ServiceItem
from onevisit.catalogue.services import (
    Standard,
    StandardMaterial,
    basic_item_save,
    item_publish,
)
from tests.factories import (
    DepartmentFactory,
    EvidenceTypeFactory,
    MaterialFactory,
    ServiceItemFactory,
)

YUHANG_CODE = "33-SJ-003-330110000000-000-113301100025011110-1-00"
LEGAL_BASIS = "《食品经营许可和备案管理办法》第十条\n《中华人民共和国食品安全法》第三十五条"


@dataclass
class Province:
    xihu: Region
    yuhang: Region
    xihu_market: Department
    yuhang_market: Department
    licence: EvidenceType
    food: BasicItem  # the standard: 食品经营许可

    def implementation(self, *, region: Region, department: Department, code: str,
                       **overrides: object) -> ServiceItem:
        """A draft implementing the standard exactly (its materials included)."""
        values: dict[str, object] = {
            "code": code, "name": "食品经营许可", "kind": ItemKind.LICENSING,
            "region": region, "department": department, "basic_item": self.food,
            "legal_basis": LEGAL_BASIS, "statutory_limit": 20, "committed_limit": 10,
            "limit_unit": LimitUnit.WORKING_DAYS, "fee_yuan": Decimal("0"),
            "promised_visits": 1, "channel_window": True, "channel_online": True,
            "channel_courier": False,
        }
        item = ServiceItemFactory(**{**values, **overrides})
        MaterialFactory(item=item, code="licence", name="营业执照", evidence_type=self.licence)
        MaterialFactory(item=item, code="application", name="食品经营许可申请书", original=True)
        MaterialFactory(item=item, code="layout", name="设备布局图", copies=2, required=False)
        MaterialFactory(item=item, code="rules", name="食品安全管理制度", tolerated_missing=True)
        return item


def province_make() -> Province:
    zhejiang = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    hangzhou = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                     parent=zhejiang)
    xihu = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY,
                                 parent=hangzhou)
    yuhang = Region.objects.create(code="330110", name="余杭区", level=RegionLevel.COUNTY,
                                   parent=hangzhou)
    licence = EvidenceTypeFactory(code="business-licence", name="营业执照",
                                  subject_kind="enterprise")
    food = basic_item_save(
        code="33-SJ-003", region_code="33", actor=None,
        standard=Standard(
            name="食品经营许可", kind=ItemKind.LICENSING, legal_basis=LEGAL_BASIS,
            statutory_limit=20, committed_limit=10, limit_unit=LimitUnit.WORKING_DAYS,
            fee_yuan=Decimal("0"), fee_note="不收费", promised_visits=1,
            channel_window=True, channel_online=True),
        materials=[
            StandardMaterial("licence", "营业执照", evidence_type_id=licence.pk),
            StandardMaterial("application", "食品经营许可申请书", original=True),
            StandardMaterial("layout", "设备布局图", copies=2, required=False),
            StandardMaterial("rules", "食品安全管理制度", tolerated_missing=True),
        ])
    return Province(
        xihu=xihu, yuhang=yuhang, licence=licence, food=food,
        xihu_market=DepartmentFactory(code="xh-scjg", name="西湖区市场监督管理局", region=xihu),
        yuhang_market=DepartmentFactory(code="yh-scjg", name="余杭区市场监督管理局",
                                        region=yuhang),
    )


def implementations_compare(province: Province) -> Province:
    """西湖区 implements the standard as it was; 余杭区 tightens it; then the province
    shortens the standard's committed limit to 5 working days, which 西湖区 does not meet."""
    xihu = province.implementation(region=province.xihu, department=province.xihu_market,
                                   code="330106-SJ-003")
    yuhang = province.implementation(
        region=province.yuhang, department=province.yuhang_market, code=YUHANG_CODE,
        committed_limit=3, promised_visits=0, channel_courier=True)
    MaterialRequirement.objects.filter(item=yuhang, code="rules").delete()
    MaterialRequirement.objects.filter(item=yuhang, code="layout").update(copies=1)
    for item in (xihu, yuhang):
        item_publish(item=item, actor=None)
    food = province.food
    basic_item_save(code=food.code, region_code="33", materials=None, actor=None,
                    standard=Standard(
                        name=food.name, kind=food.kind, legal_basis=LEGAL_BASIS,
                        statutory_limit=20, committed_limit=5, limit_unit=food.limit_unit,
                        fee_yuan=food.fee_yuan, fee_note=food.fee_note, promised_visits=1,
                        channel_window=True, channel_online=True))
    ServiceItemFactory(code="330106-XX-001", published=True, region=province.xihu,
                       department=province.xihu_market)  # local, outside the standard system
    return province
