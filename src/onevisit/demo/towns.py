"""The demo's 特色小镇 programme: the joint-meeting office and a TOWNS officer in each
county, a published assessment method, a dozen towns (those the seed names and a few
invented ones), two years of reports with evidence and the registries' tax and enterprise
figures, assessed, published and settled — one failure with its double deduction, one
warning — and two demonstration towns. The current year's targets and registry figures
are there too, so its reports can be filed and assessed in the demo.

Dates follow a programme that began two years before the current one; every step runs
through the services at its moment in the past (clock.frozen_at)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from onevisit import clock
from onevisit.accounts.models import Region, Role, User
from onevisit.accounts.services import department_ensure, regions_load
from onevisit.demo.forms import SAMPLE_PDF
from onevisit.demo.staff import DEMO_PASSWORD
from onevisit.exchange.services import registry_records_put
from onevisit.exchange.sources import Evidence
from onevisit.towns.constants import (
    ENTERPRISES_EVIDENCE,
    ENTERPRISES_SOURCE,
    OFFICE_DEPARTMENT_CODE,
    TAX_EVIDENCE,
    TAX_SOURCE,
    Figure,
    TownStatus,
)
from onevisit.towns.models import AnnualReport, AssessmentMethod, LedgerEntry, Town
from onevisit.towns.services import (
    assessments_publish,
    demonstration_designate,
    method_create,
    method_publish,
    report_assess,
    report_submit,
    target_set,
    town_declare,
    town_transition,
    year_settle,
)

METHOD_CODE = "KH-DEMO-1"
OFFICE_NAME = "浙江省特色小镇规划建设工作联席会议办公室"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# username suffix, county code, county name
COUNTIES = [
    ("xihu", "330106", "西湖区"), ("yuhang", "330110", "余杭区"),
    ("shangcheng", "330102", "上城区"), ("binjiang", "330108", "滨江区"),
    ("gongshu", "330105", "拱墅区"), ("jiashan", "330421", "嘉善县"),
    ("longquan", "331181", "龙泉市"), ("wuxing", "330502", "吴兴区"),
]


@dataclass(frozen=True)
class DemoTown:
    name: str
    county: str
    industry: str
    focus: str
    area: str
    scenic: str
    scale: int  # planned investment of the first year, 万元
    tax_base: int  # the tax office's figure for the year before creation, 万元
    new_land: tuple[int, int]  # actual new construction land of the two reported years, 亩
    listed_as: str = TownStatus.CREATION
    # How the two reported years went: "pass", "warning" or "fail".
    years: tuple[str, str] = ("pass", "pass")
    location: str = ""
    area_reason: str = ""
    differentiation: str = ""


TOWNS = [
    DemoTown("云栖小镇", "330106", "information", "云计算", "3.5", "4A", 200000, 12000,
             (180, 150), location="西湖区转塘街道"),
    DemoTown("梦想小镇", "330110", "information", "互联网创业", "3.0", "3A", 150000, 6000,
             (160, 140), location="余杭区仓前街道"),
    DemoTown("玉皇山南基金小镇", "330102", "finance", "私募基金", "3.2", "4A", 120000, 30000,
             (60, 45), location="上城区玉皇山南"),
    DemoTown("嘉善巧克力甜蜜小镇", "330421", "tourism", "巧克力工业旅游与婚庆", "3.9", "4A",
             60000, 1500, (120, 90), location="嘉善县大云镇"),
    DemoTown("e游小镇", "330108", "information", "手游与数字娱乐", "3.1", "3A", 100000, 8000,
             (90, 70), location="滨江区长河街道"),
    DemoTown("跨贸小镇", "330105", "information", "跨境电子商务", "2.9", "3A", 80000, 5000,
             (70, 60), location="拱墅区（原下城区）石桥街道"),
    DemoTown("龙泉青瓷小镇", "331181", "celadon", "青瓷烧制与文创", "3.3", "4A", 40000, 900,
             (80, 60), location="龙泉市上垟镇"),
    DemoTown("龙泉宝剑小镇", "331181", "sword", "龙泉宝剑锻制", "2.6", "3A", 30000, 600,
             (50, 40), years=("warning", "pass"), location="龙泉市西街街道"),
    DemoTown("吴兴丝绸小镇", "330502", "silk", "丝绸设计与高端面料", "3.4", "4A", 50000, 2000,
             (70, 55), location="吴兴区东林镇"),
    # Invented: a second 信息经济 town of 余杭区 (百镇一面: it states its difference), the
    # programme's failure of the second year.
    DemoTown("余杭数字安防小镇", "330110", "information", "智能安防", "6.2", "3A", 70000,
             3000, (110, 40), years=("pass", "fail"), location="余杭区良渚街道",
             area_reason="含 2.8 平方公里生态绿地，建设用地约 3.4 平方公里",
             differentiation="主攻智能安防硬件制造，与梦想小镇的互联网创业孵化错位发展"),
    DemoTown("嘉善归谷康养小镇", "330421", "health", "康复医疗与养老", "2.8", "3A", 45000,
             700, (40, 35), listed_as=TownStatus.CULTIVATION, location="嘉善县姚庄镇"),
    # Invented, declared this year and waiting for the office's review.
    DemoTown("运河时尚小镇", "330105", "fashion", "运河文化与时尚设计", "2.7", "4A", 55000,
             0, (0, 0), listed_as=TownStatus.DECLARED, location="拱墅区运河沿岸"),
]


def _user(username: str, *, name: str, **extra: Any) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": Role.TOWNS, "first_name": name, **extra})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _staff() -> tuple[User, dict[str, User]]:
    office = department_ensure(code=OFFICE_DEPARTMENT_CODE, name=OFFICE_NAME, region_code="33")
    office_user = _user("towns-office", name="联席办工作人员", department=office)
    counties = {code: _user(f"towns-{slug}", name=f"{county}特色小镇工作人员", region_id=code)
                for slug, code, county in COUNTIES}
    return office_user, counties


def _plan(town: DemoTown, first: int) -> dict[int, str]:
    return {first: str(town.scale), first + 1: str(town.scale * 6 // 5),
            first + 2: str(town.scale * 13 // 10)}


def _targets(town: DemoTown, year_index: int) -> dict[str, Any]:
    scale = Decimal(town.scale) * (Decimal("1.2") ** year_index)
    return {"investment": str(scale.quantize(Decimal(1))),
            "special_investment": str((scale * Decimal("0.7")).quantize(Decimal(1))),
            "new_enterprises": max(town.scale // 4000, 5) + 5 * year_index,
            "tax_revenue": str(town.tax_base * (13 + 3 * year_index) // 10 + 500),
            "visitors": max(town.scale * 2, 50000) + 20000 * year_index,
            "construction_progress": 30 * (year_index + 1)}


# Of the target: what the town achieved in a year that went this way.
ACHIEVED = {
    "pass": {"investment": Decimal("1.12"), "special_investment": Decimal("1.10"),
             "new_enterprises": Decimal("1.2"), "tax_revenue": Decimal("1.15"),
             "visitors": Decimal("1.3"), "construction_progress": Decimal("1")},
    # 25 × 0.5 + 25 × 0.5 + 15 + 15 + 10 + 10 = 65: between the warning and the pass line.
    "warning": {"investment": Decimal("0.5"), "special_investment": Decimal("0.5"),
                "new_enterprises": Decimal("1.1"), "tax_revenue": Decimal("1.05"),
                "visitors": Decimal("1.1"), "construction_progress": Decimal("1")},
    # Well below the warning line: a creation object is demoted and deducted double.
    "fail": {"investment": Decimal("0.3"), "special_investment": Decimal("0.2"),
             "new_enterprises": Decimal("0.2"), "tax_revenue": Decimal("0.4"),
             "visitors": Decimal("0.2"), "construction_progress": Decimal("0.1")},
}


def _times(first: int) -> dict[str, dt.datetime]:
    """The programme's calendar; nothing later than a day before now."""
    latest = clock.now() - dt.timedelta(days=1)

    def at(year: int, month: int, day: int) -> dt.datetime:
        return min(dt.datetime(year, month, day, 10, 0, tzinfo=SHANGHAI), latest)

    return {"method": at(first - 1, 10, 15), "declare": at(first - 1, 11, 10),
            "list": at(first - 1, 12, 20), "targets": at(first, 1, 15),
            "report0": at(first + 1, 1, 20), "assess0": at(first + 1, 2, 20),
            "report1": at(first + 2, 1, 20), "assess1": at(first + 2, 2, 20),
            "demonstrate": at(first + 2, 3, 15), "late_declare": at(first + 2, 10, 28)}


def _registries(towns: dict[str, Town], first: int) -> None:
    """What the tax office and the enterprise registry hold for each town: the year before
    creation (the base of 新增税收), the two reported years and the current one."""
    entries = []
    for spec in TOWNS:
        town = towns.get(spec.name)
        if town is None or spec.listed_as == TownStatus.DECLARED:
            continue
        tax: dict[str, str] = {str(first - 1): str(spec.tax_base)}
        enterprises: dict[str, int] = {}
        for index in range(3):
            how = spec.years[index] if index < 2 else "pass"
            target = _targets(spec, index)
            tax[str(first + index)] = str(
                (Decimal(target["tax_revenue"]) * ACHIEVED[how]["tax_revenue"]).quantize(
                    Decimal("0.01")))
            enterprises[str(first + index)] = int(
                target["new_enterprises"] * ACHIEVED[how]["new_enterprises"])
        entries.append(Evidence(source=TAX_SOURCE, evidence_type=TAX_EVIDENCE,
                                subject=town.code, data={"unit": "万元", "by_year": tax}))
        entries.append(Evidence(source=ENTERPRISES_SOURCE, evidence_type=ENTERPRISES_EVIDENCE,
                                subject=town.code, data={"by_year": enterprises}))
    registry_records_put(entries=entries)


def _report(spec: DemoTown, town: Town, index: int, first: int, actor: User) -> None:
    how = spec.years[index]
    target = _targets(spec, index)
    share = ACHIEVED[how]
    figures = {
        "investment": str((Decimal(target["investment"]) * share["investment"])
                          .quantize(Decimal(1))),
        "special_investment": str((Decimal(target["special_investment"])
                                   * share["special_investment"]).quantize(Decimal(1))),
        "new_land": str(spec.new_land[index]),
        "visitors": int(target["visitors"] * share["visitors"]),
        "construction_progress": int(target["construction_progress"]
                                     * share["construction_progress"]),
    }
    evidence = {figure: [(f"{town.name}{first + index}年度{Figure(figure).label}证明.pdf",
                          SAMPLE_PDF)] for figure in Figure.values}
    report_submit(actor=actor, code=town.code, year=first + index, figures=figures,
                  evidence=evidence, note="")


def demo_towns_load() -> dict[str, int]:
    """Load the demo programme once (nothing is added when its method exists already);
    returns what it holds: towns, reports, ledger rows."""
    if AssessmentMethod.objects.filter(code=METHOD_CODE).exists():
        return _counts()
    if Region.objects.filter(code__in=[c for _s, c, _n in COUNTIES]).count() != len(COUNTIES):
        regions_load()
    office, counties = _staff()
    first = clock.now().year - 2
    times = _times(first)
    with clock.frozen_at(times["method"]):
        method_create(actor=office, code=METHOD_CODE, name="省级特色小镇创建对象年度考核办法",
                      demonstration_max=10)
        method_publish(actor=office, code=METHOD_CODE)
    towns: dict[str, Town] = {}
    for spec in TOWNS:
        late = spec.listed_as == TownStatus.DECLARED
        with clock.frozen_at(times["late_declare" if late else "declare"]):
            start = first + 3 if late else first
            towns[spec.name] = town_declare(
                actor=counties[spec.county], name=spec.name, region_code=spec.county,
                planned_area_km2=spec.area, industry=spec.industry, focus=spec.focus,
                scenic_goal=spec.scenic, functions=["industry", "culture", "tourism",
                                                    "community"],
                investment_plan=_plan(spec, start), start_year=start, years=3,
                location=spec.location, area_reason=spec.area_reason,
                differentiation=spec.differentiation)
        if late:
            continue
        with clock.frozen_at(times["list"]):
            towns[spec.name] = town_transition(actor=office, code=towns[spec.name].code,
                                               to=spec.listed_as, note="经联席会议审议，同意列入")
        with clock.frozen_at(times["targets"]):
            for index in range(3):
                target_set(actor=office, code=towns[spec.name].code, year=first + index,
                           **_targets(spec, index))
    _registries(towns, first)
    reported = [s for s in TOWNS if s.listed_as != TownStatus.DECLARED]
    for index in range(2):
        with clock.frozen_at(times[f"report{index}"]):
            for spec in reported:
                _report(spec, towns[spec.name], index, first, counties[spec.county])
        with clock.frozen_at(times[f"assess{index}"]):
            for spec in reported:
                report_assess(actor=office, code=towns[spec.name].code, year=first + index,
                              note="")
            assessments_publish(actor=office, year=first + index)
            year_settle(actor=office, year=first + index)
    with clock.frozen_at(times["demonstrate"]):
        demonstration_designate(actor=office, year=first + 1,
                                codes=[towns["云栖小镇"].code, towns["梦想小镇"].code],
                                note="择优公布的省级示范特色小镇")
    return _counts()


def _counts() -> dict[str, int]:
    return {"towns": Town.objects.count(), "reports": AnnualReport.objects.count(),
            "ledger": LedgerEntry.objects.count()}
