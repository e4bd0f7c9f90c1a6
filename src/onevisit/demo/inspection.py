"""Demo 双随机一公开: the district's inspection items, its inspectors, and a joint plan of
the market regulator, the health bureau and a township's enforcement platform, already
drawn, its seed revealed and some results published; a second plan published and
waiting for its draw. Demo mode only; idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from onevisit import clock
from onevisit.accounts.models import Department, Role, User
from onevisit.catalogue.models import ListEntry
from onevisit.demo.staff import DEMO_PASSWORD, PLATFORM_TOWNSHIP, Staff
from onevisit.inspection.constants import Outcome
from onevisit.inspection.models import Inspector, Plan, Result, Target
from onevisit.inspection.services import (
    conflict_declare,
    inspection_item_define,
    inspector_register,
    plan_create,
    plan_draw,
    plan_publish,
    plan_reveal,
    result_record,
    results_publish,
    targets_refresh,
)

DISTRICT = "330106"
MARKET = "xh-scjg"
HEALTH = "xh-wjj"
ENFORCEMENT = f"{PLATFORM_TOWNSHIP}-enforcement"
JOINT_PLAN = "西湖区2026年第四季度市场主体部门联合双随机抽查"
SINGLE_PLAN = "西湖区2027年第一季度企业公示信息双随机抽查"

ITEMS = (
    ("XH-SC-JC-001", "企业公示信息抽查", MARKET,
     "《企业信息公示暂行条例》第十四条；《市场监督管理行政处罚程序规定》", "书面检查、网络监测",
     (), "ZR-XH-SJ-001"),
    ("XH-SC-JC-002", "食品经营许可事项检查", MARKET,
     "《中华人民共和国食品安全法》第一百一十条", "现场检查", ("330106-SJ-003",), ""),
    ("XH-WJ-JC-001", "公共场所卫生检查", HEALTH,
     "《公共场所卫生管理条例》第三条、第十一条", "现场检查", (), ""),
    ("XH-ZF-JC-001", "门前三包责任制落实及户外广告设置检查", ENFORCEMENT,
     "《浙江省城市市容和环境卫生管理条例》第十四条", "现场检查", (), ""),
)


def _account(username: str, *, name: str, department: Department) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={
        "role": Role.REVIEWER, "first_name": name, "department": department})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _inspectors(staff: Staff) -> None:
    """Each department's demo reviewer and one more inspector; the market regulator, who
    also plans alone, two more (no inspector checks the same company twice running)."""
    surnames = {MARKET: ("孙", "钱"), HEALTH: ("周", "李"), ENFORCEMENT: ("郑", "吴")}
    for n, (code, region) in enumerate(((MARKET, DISTRICT), (HEALTH, DISTRICT),
                                        (ENFORCEMENT, PLATFORM_TOWNSHIP)), start=1):
        department = Department.objects.get(code=code)
        more = [_account(f"inspector-{code}" + (f"-{k}" if k else ""),
                         name=f"{surnames[code][k]}检查员", department=department)
                for k in range(2 if code == MARKET else 1)]
        for m, user in enumerate((staff.reviewers[code], *more), start=1):
            if not Inspector.objects.filter(user=user, department=department).exists():
                inspector_register(user=user, department_code=code, actor=None,
                                   certificate_number=f"ZJ330106{n:02d}{m:04d}",
                                   region_code=region)


@transaction.atomic
def demo_inspection_load(*, staff: Staff) -> Plan | None:
    """The demo's inspection plans; nothing is added once the joint plan exists."""
    if Plan.objects.filter(name=JOINT_PLAN).exists():
        return None
    targets_refresh()
    responsibilities = dict(ListEntry.objects.filter(kind="responsibility")
                            .values_list("code", "pk"))
    for code, name, department, basis, method, items, responsibility in ITEMS:
        inspection_item_define(code=code, name=name, department_code=department,
                               legal_basis=basis, method=method, service_item_codes=items,
                               responsibility_id=responsibilities.get(responsibility),
                               actor=None)
    _inspectors(staff)
    first = Target.objects.filter(kind="enterprise", region_id=DISTRICT).order_by("ref").first()
    if first is not None:
        conflict_declare(inspector=Inspector.objects.get(user__username=f"inspector-{HEALTH}"),
                         target=first, reason="relative", note="配偶系该企业股东", actor=None)
    now = clock.now()
    with clock.frozen_at(now - dt.timedelta(days=6)):
        plan = plan_create(
            actor=staff.supervisor, name=JOINT_PLAN, region_code=DISTRICT,
            lead_department_code=MARKET, department_codes=[MARKET, HEALTH, ENFORCEMENT],
            item_codes=["XH-SC-JC-001", "XH-WJ-JC-001", "XH-ZF-JC-001"],
            period_start=(now - dt.timedelta(days=5)).date(),
            period_end=(now + dt.timedelta(days=25)).date(),
            ratios={"A": 3, "B": 10, "C": 30, "D": 100})
        plan_publish(plan_code=plan.code, actor=staff.supervisor)
    with clock.frozen_at(now - dt.timedelta(days=5)):
        plan_draw(plan_code=plan.code, actor=staff.supervisor)
        plan_reveal(plan_code=plan.code, actor=staff.supervisor)
    results = list(Result.objects.filter(assignment__draw__plan=plan)
                   .select_related("assignment__first_inspector", "item")
                   .order_by("assignment__position", "item__code"))
    outcomes = {  # the first three targets visited; the rest still to go
        1: (Outcome.PASSED, ""),
        2: (Outcome.RECTIFY, "门前堆放纸箱杂物，未落实门前三包责任"),
        3: (Outcome.CASE_OPENED, "未按规定公示年度报告，且登记住所无法联系"),
    }
    with clock.frozen_at(now - dt.timedelta(days=2)):
        for result in results:
            position = result.assignment.position
            if position not in outcomes:
                continue
            outcome, finding = outcomes[position]
            if outcome != Outcome.PASSED and result.item.code not in finding_items(outcome):
                outcome, finding = Outcome.PASSED, ""
            result_record(result_id=result.pk, actor=result.assignment.first_inspector.user,
                          outcome=outcome, finding=finding, rectify_days=10)
        results_publish(plan_code=plan.code, actor=staff.supervisor)
    single = plan_create(
        actor=staff.leads[MARKET], name=SINGLE_PLAN, region_code=DISTRICT,
        lead_department_code=MARKET, department_codes=[MARKET],
        item_codes=["XH-SC-JC-001"], period_start=dt.date(now.year + 1, 1, 1),
        period_end=dt.date(now.year + 1, 3, 31), ratios={"A": 2, "B": 5, "C": 20, "D": 100})
    plan_publish(plan_code=single.code, actor=staff.leads[MARKET])
    return plan


def finding_items(outcome: str) -> tuple[str, ...]:
    """Which item a demo finding is about: the others of the visit passed."""
    return ("XH-ZF-JC-001",) if outcome == Outcome.RECTIFY else ("XH-SC-JC-001",)
