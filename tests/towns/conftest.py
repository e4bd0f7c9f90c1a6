"""A small programme: the province, two counties of 杭州 and one of 嘉兴, the joint-meeting
office and each county's TOWNS officer, a published method, and a listed creation object
of 西湖区 with targets and the registries' figures for its years."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from onevisit.accounts.models import Department, Region, RegionLevel, Role, User
from onevisit.exchange.services import registry_record_put
from onevisit.towns.constants import (
    ENTERPRISES_EVIDENCE,
    ENTERPRISES_SOURCE,
    OFFICE_DEPARTMENT_CODE,
    TAX_EVIDENCE,
    TAX_SOURCE,
)
from onevisit.towns.models import AssessmentMethod, Town
from onevisit.towns.services import (
    method_create,
    method_publish,
    target_set,
    town_declare,
    town_transition,
)
from tests.files.builders import image, pdf

PDF = pdf()
PNG = image("PNG")


@dataclass
class Programme:
    office: User
    xihu: User
    yuhang: User
    jiashan: User
    citizen: User
    method: AssessmentMethod
    town: Town  # 西湖区, creation object 2016–2018, 信息经济

    def declare(self, actor: User | None = None, **overrides: Any) -> Town:
        return town_declare(actor=actor or self.xihu, **declaration(**overrides))

    def listed(self, actor: User | None = None, to: str = "creation", **overrides: Any) -> Town:
        town = self.declare(actor, **overrides)
        return town_transition(actor=self.office, code=town.code, to=to, note="同意列入")


def declaration(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "云栖小镇", "region_code": "330106", "planned_area_km2": "3.5",
        "industry": "information", "focus": "云计算", "scenic_goal": "4A",
        "functions": ["industry", "culture", "tourism", "community"],
        "investment_plan": {2016: "150000", 2017: "180000", 2018: "200000"},
        "start_year": 2016, "years": 3, "location": "西湖区转塘街道",
    }
    values.update(overrides)
    return values


def targets(office: User, code: str, year: int, **overrides: Any) -> None:
    values: dict[str, Any] = {
        "investment": "100000", "special_investment": "70000", "new_enterprises": 40,
        "tax_revenue": "20000", "visitors": 100000, "construction_progress": 30,
    }
    values.update(overrides)
    target_set(actor=office, code=code, year=year, **values)


def figures(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"investment": "120000", "special_investment": "80000",
                              "new_land": "120.50", "visitors": 150000,
                              "construction_progress": 35}
    values.update(overrides)
    return values


def evidence(*skip: str) -> dict[str, list[tuple[str, bytes]]]:
    kinds = ("investment", "special_investment", "new_land", "visitors",
             "construction_progress")
    return {k: [(f"{k}.pdf", PDF)] for k in kinds if k not in skip}


def registries(code: str, *, tax: dict[int, str], enterprises: dict[int, int]) -> None:
    """What the tax office and the enterprise registry hold for a town, by year (万元)."""
    registry_record_put(source=TAX_SOURCE, evidence_type=TAX_EVIDENCE, subject=code,
                        data={"unit": "万元", "by_year": {str(y): v for y, v in tax.items()}})
    registry_record_put(source=ENTERPRISES_SOURCE, evidence_type=ENTERPRISES_EVIDENCE,
                        subject=code,
                        data={"by_year": {str(y): n for y, n in enterprises.items()}})


@pytest.fixture
def programme(db: None) -> Programme:
    province = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    hangzhou = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                     parent=province)
    jiaxing = Region.objects.create(code="3304", name="嘉兴市", level=RegionLevel.CITY,
                                    parent=province)
    xihu = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY,
                                 parent=hangzhou)
    yuhang = Region.objects.create(code="330110", name="余杭区", level=RegionLevel.COUNTY,
                                   parent=hangzhou)
    jiashan = Region.objects.create(code="330421", name="嘉善县", level=RegionLevel.COUNTY,
                                    parent=jiaxing)
    office_department = Department.objects.create(
        code=OFFICE_DEPARTMENT_CODE, name="浙江省特色小镇规划建设工作联席会议办公室",
        region=province)

    def staff(username: str, region: Region | None = None,
              department: Department | None = None) -> User:
        return User.objects.create_user(username=username, password="x", role=Role.TOWNS,
                                        region=region, department=department)

    office = staff("towns-office", department=office_department)
    users = {"xihu": staff("towns-xihu", xihu), "yuhang": staff("towns-yuhang", yuhang),
             "jiashan": staff("towns-jiashan", jiashan)}
    citizen = User.objects.create_user(username="citizen", password="x")
    method_create(actor=office, code="KH-2016", name="省级特色小镇创建对象年度考核办法")
    method = method_publish(actor=office, code="KH-2016")
    town = town_declare(actor=users["xihu"], **declaration())
    town = town_transition(actor=office, code=town.code, to="creation", note="同意列入")
    for year in (2016, 2017, 2018):
        targets(office, town.code, year)
    registries(town.code, tax={2015: "5000", 2016: "25000", 2017: "40000"},
               enterprises={2016: 45, 2017: 60})
    return Programme(office=office, citizen=citizen, method=method, town=town, **users)


def d(value: str) -> Decimal:
    return Decimal(value)
