"""A county with a market regulator and a township's enforcement platform, companies in
the enterprise registry, inspection items, inspectors and their leads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from onevisit.accounts.models import Department, PlatformKind, Region, RegionLevel, User
from onevisit.certificates.services import uscc_assign
from onevisit.credit.constants import CreditSource, Severity
from onevisit.credit.services import credit_record_add
from onevisit.exchange.services import registry_record_put
from onevisit.inspection.models import InspectionItem, Inspector, Plan, Target
from onevisit.inspection.services import (
    inspection_item_define,
    inspector_register,
    plan_create,
    targets_refresh,
)
from tests.factories import DepartmentFactory, UserFactory

COUNTY = "330106"
TOWNSHIP = "330106005"


def company_code(n: int, region: str = COUNTY) -> str:
    return uscc_assign(region=region, serial=n)


@dataclass
class Inspection:
    market: Department
    enforcement: Department
    market_item: InspectionItem
    enforcement_item: InspectionItem
    inspectors: list[Inspector]
    market_lead: User
    enforcement_lead: User
    supervisor: User
    companies: list[str]

    def target(self, n: int) -> Target:
        return Target.objects.get(code=self.companies[n])

    def joint_plan(self, **overrides: object) -> Plan:
        arguments: dict[str, object] = {
            "actor": self.supervisor, "name": "2026年第四季度餐饮企业联合抽查",
            "region_code": COUNTY, "lead_department_code": self.market.code,
            "department_codes": [self.market.code, self.enforcement.code],
            "item_codes": [self.market_item.code, self.enforcement_item.code],
            "period_start": dt.date(2026, 12, 1), "period_end": dt.date(2026, 12, 31),
            "ratios": {"A": 20, "B": 50, "C": 100, "D": 100},
        }
        arguments.update(overrides)
        return plan_create(**arguments)  # type: ignore[arg-type]


@pytest.fixture
def inspection(world) -> Inspection:
    county = Region.objects.get(code=COUNTY)
    Region.objects.create(code=TOWNSHIP, name="翠苑街道", level=RegionLevel.TOWNSHIP,
                          parent=county)
    market = DepartmentFactory(code="xh-sc", name="西湖区市场监督管理局")
    enforcement = DepartmentFactory(code=f"{TOWNSHIP}-enforcement", name="翠苑街道综合执法平台",
                                    region_id=TOWNSHIP, platform=PlatformKind.ENFORCEMENT)
    companies = []
    for n in range(1, 11):
        code = company_code(n)
        companies.append(code)
        registry_record_put(source="certificates", evidence_type="business_licence",
                            subject=code, data={"name": f"杭州测试{n:02d}餐饮有限公司",
                                                "industry": "餐饮"})
    # A company of another county: never a candidate of this county's plan.
    registry_record_put(source="certificates", evidence_type="business_licence",
                        subject=company_code(99, "330110"),
                        data={"name": "杭州余杭餐饮有限公司", "industry": "餐饮"})
    Region.objects.create(code="330110", name="余杭区", level=RegionLevel.COUNTY,
                          parent_id="3301")
    targets_refresh()
    market_item = inspection_item_define(
        code="SC-JC-001", name="食品经营许可事项检查", department_code=market.code,
        legal_basis="《中华人民共和国食品安全法》第一百一十条", method="现场检查", actor=None)
    enforcement_item = inspection_item_define(
        code="ZF-JC-001", name="门前三包及油烟排放检查", department_code=enforcement.code,
        legal_basis="《浙江省城市市容和环境卫生管理条例》", method="现场检查", actor=None)
    inspectors = []
    for department, prefix, region in ((market, "SC", COUNTY), (enforcement, "ZF", TOWNSHIP)):
        for n in (1, 2, 3):
            user = UserFactory(username=f"inspector-{prefix.lower()}{n}", reviewer=True,
                               department=department, first_name=f"检查员{prefix}{n}")
            inspectors.append(inspector_register(
                user=user, department_code=department.code,
                certificate_number=f"33010600{prefix}{n:04d}", region_code=region,
                actor=None))
    return Inspection(
        market=market, enforcement=enforcement, market_item=market_item,
        enforcement_item=enforcement_item, inspectors=inspectors,
        market_lead=UserFactory(username="market-lead", lead=True, department=market),
        enforcement_lead=UserFactory(username="enforcement-lead", lead=True,
                                     department=enforcement),
        supervisor=world.supervisor, companies=companies,
    )


def bad_credit(code: str, severity: Severity, reference: str) -> None:
    credit_record_add(subject_kind="enterprise", subject_code=code, subject_name="测试",
                      source=CreditSource.REGISTRY_IMPORT, reference=reference,
                      severity=severity, fact="法院判决未履行", legal_basis="测试依据",
                      region_id=COUNTY, valid_days=365)
