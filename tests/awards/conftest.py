"""The province with three organisers, submitting units in two cities, an expert pool
(some from outside the province, one local official) and a call that can be walked
through its rounds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from onevisit import clock
from onevisit.accounts.models import Department, Region, RegionLevel, Role, User
from onevisit.awards import services
from onevisit.awards.constants import CallStatus, Tier
from onevisit.awards.models import AwardCall, AwardCase, Expert
from onevisit.certificates.seals import seals_ensure
from tests.factories import DepartmentFactory, UserFactory

TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Awards:
    organisers: list[Department]
    office: User
    units: list[Department]
    unit_staff: dict[str, User]
    experts: list[Expert]
    regions: dict[str, Region]
    calls: list[AwardCall] = field(default_factory=list)

    def call(self, **overrides: Any) -> AwardCall:
        now = clock.now()
        arguments: dict[str, Any] = {
            "actor": self.office, "edition": 4 + len(self.calls), "year": 2016,
            "title": "第四届浙江省公共管理创新案例", "region_code": "33",
            "organiser_codes": [d.code for d in self.organisers],
            "guidance_units": "浙江省委办公厅\n浙江省社会管理综合治理委员会办公室",
            "theme": "基层治理", "opens_at": now - dt.timedelta(days=10),
            "closes_at": now + dt.timedelta(days=10), "shortlist_size": 6,
            "quotas": {Tier.SPECIAL: 1, Tier.TOP_TEN: 2, Tier.EXCELLENCE: 2,
                       Tier.ORGANISING: 2},
        }
        arguments.update(overrides)
        call = services.call_create(**arguments)
        self.calls.append(call)
        return call

    def open_call(self, **overrides: Any) -> AwardCall:
        call = self.call(**overrides)
        return services.call_transition(actor=self.office, call=call, to=CallStatus.OPEN)

    def submit(self, call: AwardCall, unit: int, title: str, **extra: Any) -> AwardCase:
        staff = self.unit_staff[self.units[unit].code]
        return services.case_submit(actor=staff, call=call, title=title,
                                    text=f"{title}的做法与成效。", **extra)

    def to_preliminary(self, call: AwardCall, cases: int = 8) -> list[AwardCase]:
        submitted = [self.submit(call, i % len(self.units), f"案例{i:02d}")
                     for i in range(cases)]
        services.call_transition(actor=self.office, call=call, to=CallStatus.PRELIMINARY)
        return submitted

    def drawn(self, call: AwardCall, cases: int = 8) -> list[AwardCase]:
        submitted = self.to_preliminary(call, cases)
        services.review_draw_commit(actor=self.office, call=call)
        services.review_draw_run(actor=self.office, call=call)
        return submitted

    def score_all(self, call: AwardCall, base: dict[str, int]) -> None:
        """Every drawn sheet: case i scored base[number] on every criterion."""
        for case in call.cases.all():
            for assignment in case.assignments.select_related("expert__user"):
                value = base[case.number]
                services.sheet_submit(actor=assignment.expert.user, case=case,
                                      scores=dict.fromkeys(
                                          ("innovation", "performance", "replicability",
                                           "importance"), value))

    def to_selection(self, call: AwardCall, base: dict[str, int]) -> None:
        self.score_all(call, base)
        call = services.call_transition(actor=self.office, call=call, to=CallStatus.SITE_VISIT)
        for case in call.cases.filter(shortlisted=True):
            services.visit_record(actor=self.office, case=case,
                                  visited_on=clock.now().date(), members="张三\n李四",
                                  findings="做法扎实，成效明显。", recommendation="recommend")
        call = services.call_transition(actor=self.office, call=call, to=CallStatus.SELECTION)
        services.panel_record(actor=self.office, call=call, panel_date=clock.now().date(),
                              panel_members="\n".join(f"委员{i}" for i in range(15)))


@pytest.fixture
def awards(db: None) -> Awards:
    province = Region.objects.create(code="33", name="浙江省", level=RegionLevel.PROVINCE)
    hangzhou = Region.objects.create(code="3301", name="杭州市", level=RegionLevel.CITY,
                                     parent=province)
    xihu = Region.objects.create(code="330106", name="西湖区", level=RegionLevel.COUNTY,
                                 parent=hangzhou)
    jinhua = Region.objects.create(code="3307", name="金华市", level=RegionLevel.CITY,
                                   parent=province)
    yiwu = Region.objects.create(code="330782", name="义乌市", level=RegionLevel.COUNTY,
                                 parent=jinhua)
    organisers = [
        DepartmentFactory(code="jrzj", name="《今日浙江》杂志社", region=province),
        DepartmentFactory(code="zjggzc", name="浙江省公共政策研究院", region=province),
        DepartmentFactory(code="zdggzc", name="浙江大学公共政策研究院", region=province),
    ]
    office = UserFactory(username="awards-office", role=Role.AWARDS,
                         department=organisers[0])
    units = [
        DepartmentFactory(code="hz-mzj", name="杭州市民政局", region=hangzhou),
        DepartmentFactory(code="xh-sfj", name="西湖区司法局", region=xihu),
        DepartmentFactory(code="jh-sw", name="中共金华市委", region=jinhua),
        DepartmentFactory(code="yw-sfj", name="义乌市司法局", region=yiwu),
    ]
    unit_staff = {d.code: UserFactory(username=f"staff-{d.code}", role=Role.REVIEWER,
                                      department=d) for d in units}
    experts = []
    pool: list[dict[str, Any]] = [
        {"affiliation": "浙江大学公共管理学院", "region_code": "3301"},
        {"affiliation": "浙江工业大学", "region_code": "3301"},
        {"affiliation": "中国人民大学", "region_code": ""},
        {"affiliation": "复旦大学", "region_code": ""},
        {"affiliation": "义乌市司法局", "region_code": "330782",
         "department_code": "yw-sfj"},
        {"affiliation": "西湖区人民政府", "region_code": "330106", "local_official": True},
        {"affiliation": "浙江省社会科学院", "region_code": "33"},
        {"affiliation": "北京大学", "region_code": ""},
    ]
    for i, entry in enumerate(pool, start=1):
        user = UserFactory(username=f"expert-{i:02d}", role=Role.EXPERT)
        experts.append(services.expert_register(actor=office, user=user, name=f"专家{i}",
                                                **entry))
    seals_ensure(actor=None)
    return Awards(organisers=organisers, office=office, units=units, unit_staff=unit_staff,
                  experts=experts, regions={r.code: r for r in (province, hangzhou, xihu,
                                                                jinhua, yiwu)})


def assert_tz(value: dt.datetime) -> None:
    assert value.tzinfo is not None
