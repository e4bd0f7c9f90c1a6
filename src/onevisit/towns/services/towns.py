"""A town's life: declared by its county, reviewed and listed by the office, given its
targets each year, and after its creation period accepted and named (验收命名)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.accounts.regions import covers
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.towns.access import towns_scope
from onevisit.towns.constants import (
    ALLOWED_TRANSITIONS,
    AREA_BAND_KM2,
    CREATION_YEARS_MAX,
    FIRST_YEAR,
    REPORTING_STATUSES,
    TEXT_MAX,
    AssessmentResult,
    Industry,
    ScenicGoal,
    TownFunction,
    TownStatus,
)
from onevisit.towns.models import Assessment, Town, TownStatusChange, YearTarget
from onevisit.towns.services.common import (
    Errors,
    decimal_clean,
    integer_clean,
    office_required,
    status_move,
    town_locked,
)

# Towns that no longer hold their industry for the 百镇一面 check.
_GONE = (TownStatus.NOT_LISTED, TownStatus.EXITED)


def _text(value: Any, key: str, errors: Errors, *, label: str, required: bool = True,
          max_length: int = TEXT_MAX) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[key] = _("请填写%(label)s") % {"label": label}
    elif len(text) > max_length:
        errors[key] = _("%(label)s最多 %(n)s 字") % {"label": label, "n": max_length}
    return text


def _period_clean(start_year: Any, years: Any, errors: Errors) -> tuple[int, int]:
    this_year = clock.now().year
    start = integer_clean(start_year, "start_year", errors, label=_("创建期起始年度"))
    if "start_year" not in errors and not FIRST_YEAR <= start <= this_year + 1:
        errors["start_year"] = _("创建期起始年度须在 %(first)s 至 %(last)s 之间") % {
            "first": FIRST_YEAR, "last": this_year + 1}
    length = integer_clean(years, "years", errors, label=_("创建期年数"))
    if "years" not in errors and not 1 <= length <= CREATION_YEARS_MAX:
        errors["years"] = _("创建期为 1 至 %(n)s 年") % {"n": CREATION_YEARS_MAX}
        length = 0
    return start, length


def _plan_clean(plan: Any, start: int, length: int, errors: Errors) -> dict[str, str]:
    """The investment plan: an amount in 万元 for every year of the creation period."""
    if not isinstance(plan, dict) or not plan:
        errors["investment_plan"] = _("请填写创建期内每一年度的计划投资（万元）")
        return {}
    problems: Errors = {}
    cleaned: dict[str, str] = {}
    for year, amount in plan.items():
        text = str(year).strip()
        if not text.isdigit():
            problems[text] = _("年度“%(year)s”无效") % {"year": text}
            continue
        value = decimal_clean(amount, text, problems, label=_("%(year)s 年计划投资") % {
            "year": text})
        cleaned[text] = str(value)
    if problems:
        errors["investment_plan"] = "；".join(str(p) for p in problems.values())
        return {}
    if not start or not length:  # a start year or length that is not a number
        return cleaned
    # Checked against the typed period even when the start year is refused, so the plan's
    # problems are named with the start year's, all at once.
    period = {str(y) for y in range(start, start + length)}
    if set(cleaned) != period:
        missing = sorted(period - set(cleaned), key=int)
        extra = sorted(set(cleaned) - period, key=int)
        gaps = ([_("缺少 %(years)s 年") % {"years": "、".join(missing)}] if missing else []) + (
            [_("%(years)s 年不在创建期内") % {"years": "、".join(extra)}] if extra else [])
        errors["investment_plan"] = _(
            "计划投资须覆盖且只覆盖创建期 %(first)s—%(last)s 年的每一年：%(problems)s") % {
            "first": start, "last": start + length - 1,
            "problems": "；".join(gaps)}
    elif not any(Decimal(v) > 0 for v in cleaned.values()):
        errors["investment_plan"] = _("计划投资合计须大于 0")
    return {y: cleaned[y] for y in sorted(cleaned)}


@atomic_audited
def town_declare(
    *, actor: Any, name: str, region_code: str, planned_area_km2: Any, industry: str,
    focus: str, scenic_goal: str, functions: list[str], investment_plan: dict[Any, Any],
    start_year: Any, years: Any = 3, location: str = "", area_reason: str = "",
    differentiation: str = "",
) -> Town:
    """A county declares a town (申报). Refused naming every problem at once: the area
    far from 3 km² without a reason, an industry another town of the county already locks
    on without a stated differentiation (百镇一面), functions without 产业, a plan that
    does not cover the creation period, …"""
    scope = towns_scope(actor)
    if scope is None:
        raise NotAllowed(_("只有特色小镇工作人员能申报特色小镇"))
    errors: Errors = {}
    name = _text(name, "name", errors, label=_("小镇名称"), max_length=128)
    region = Region.objects.filter(code=str(region_code or "").strip()).first()
    if region is None or region.level != RegionLevel.COUNTY:
        errors["region_code"] = _("请选择小镇所在的县（市、区）")
        region = None
    elif not covers(scope, region.code):
        errors["region_code"] = _("只能申报本地区的特色小镇")
    area = decimal_clean(planned_area_km2, "planned_area_km2", errors,
                         label=_("规划面积"), maximum=Decimal("9999"))
    if "planned_area_km2" not in errors and area <= 0:
        errors["planned_area_km2"] = _("规划面积须大于 0")
    area_reason = _text(area_reason, "area_reason", errors, label=_("面积说明"), required=False)
    low, high = AREA_BAND_KM2
    if "planned_area_km2" not in errors and not low <= area <= high and not area_reason:
        errors["area_reason"] = _("规划面积 %(area)s 平方公里超出 %(low)s—%(high)s 平方公里，"
                                  "请说明理由（规划面积原则上控制在 3 平方公里左右）") % {
            "area": area, "low": low, "high": high}
    if industry not in Industry.values:
        errors["industry"] = _("请选择七大新产业或历史经典产业中的一个")
    focus = _text(focus, "focus", errors, label=_("主攻方向"), max_length=128)
    differentiation = _text(differentiation, "differentiation", errors,
                            label=_("差异化说明"), required=False)
    if region is not None and industry in Industry.values and not differentiation:
        same = list(Town.objects.filter(region=region, industry=industry)
                    .exclude(status__in=_GONE).values_list("name", flat=True))
        if same:
            errors["differentiation"] = _(
                "本县（市、区）的%(towns)s已锁定“%(industry)s”产业，请说明差异化定位，"
                "避免“百镇一面”") % {"towns": "、".join(same),
                                    "industry": Industry(industry).label}
    if scenic_goal not in ScenicGoal.values:
        errors["scenic_goal"] = _("请选择 3A—5A 级景区建设目标")
    chosen = list(dict.fromkeys(str(f) for f in (functions or [])))
    if any(f not in TownFunction.values for f in chosen):
        errors["functions"] = _("功能只能是产业、文化、旅游、社区")
    elif TownFunction.INDUSTRY not in chosen:
        errors["functions"] = _("特色小镇以产业为核心，功能必须包括“产业”")
    start, length = _period_clean(start_year, years, errors)
    plan = _plan_clean(investment_plan, start, length, errors)
    location = _text(location, "location", errors, label=_("所在位置"), required=False,
                     max_length=255)
    if errors or region is None:
        raise InvalidInput(_("特色小镇申报未通过校验"), errors)
    if Town.objects.filter(region=region, name=name).exclude(status__in=_GONE).exists():
        raise InvalidInput(_("特色小镇申报未通过校验"),
                           {"name": _("本县（市、区）已有同名的特色小镇")})
    # The county's row lock makes its declarations take their serial numbers one at a time.
    Region.objects.select_for_update().filter(code=region.code).first()
    serial = Town.objects.filter(region=region).count() + 1
    while Town.objects.filter(code=f"{region.code}-TX-{serial:02d}").exists():
        serial += 1
    now = clock.now()
    town = Town.objects.create(
        code=f"{region.code}-TX-{serial:02d}", name=name, region=region, location=location,
        planned_area_km2=area, area_reason=area_reason, industry=industry, focus=focus,
        differentiation=differentiation, scenic_goal=scenic_goal,
        functions=[f for f in TownFunction.values if f in chosen], investment_plan=plan,
        creation_start_year=start, creation_years=length, status=TownStatus.DECLARED,
        declared_by=actor if getattr(actor, "pk", None) else None, declared_at=now,
    )
    TownStatusChange.objects.create(town=town, from_status="", to_status=TownStatus.DECLARED,
                                    at=now, by=town.declared_by)
    audit_record(actor=actor, action="towns.declared", entity="town", entity_id=town.code,
                 data={"name": name, "region": region.code, "industry": industry,
                       "area_km2": str(area), "plan": plan})
    return town


@atomic_audited
def town_transition(*, actor: Any, code: str, to: str, note: str = "") -> Town:
    """The office moves a town along ALLOWED_TRANSITIONS: its review of a declaration
    (创建对象 / 培育对象 / 未列入), a promotion or an exit, and 验收命名 — accepted and
    named only after every year of its creation period was assessed, the last one 合格."""
    office_required(actor)
    town = town_locked(code=code, actor=actor)
    if to not in TownStatus.values:
        raise InvalidInput(_("状态无效"), {"to": _("状态无效")})
    note = str(note or "").strip()
    if len(note) > TEXT_MAX:
        raise InvalidInput(_("意见过长"), {"note": _("意见最多 %(n)s 字") % {"n": TEXT_MAX}})
    if to == TownStatus.NAMED and to in ALLOWED_TRANSITIONS[town.status]:
        assessed = dict(Assessment.objects.filter(town=town).values_list("year", "result"))
        missing = [y for y in range(town.creation_start_year, town.creation_end_year + 1)
                   if y not in assessed]
        if missing:
            raise InvalidInput(_("尚不能验收命名"), {"to": _(
                "创建期内 %(years)s 年度尚未考核") % {"years": "、".join(map(str, missing))}})
        if assessed[town.creation_end_year] != AssessmentResult.PASSED:
            raise InvalidInput(_("尚不能验收命名"), {"to": _(
                "创建期最后一年（%(year)s 年）考核不合格") % {"year": town.creation_end_year}})
    status_move(town=town, to=to, actor=actor, note=note)
    return town


@atomic_audited
def target_set(
    *, actor: Any, code: str, year: Any, investment: Any, special_investment: Any,
    new_enterprises: Any, tax_revenue: Any, visitors: Any, construction_progress: Any,
) -> YearTarget:
    """The office sets (or, until the year is assessed, replaces) a town's target tasks
    for one year of its creation period."""
    office_required(actor)
    town = town_locked(code=code, actor=actor)
    if town.status not in REPORTING_STATUSES:
        raise Conflict(_("只能为省级特色小镇创建对象或培育对象设定年度目标"))
    errors: Errors = {}
    the_year = integer_clean(year, "year", errors, label=_("年度"))
    if "year" not in errors and not town.in_creation_period(the_year):
        errors["year"] = _("%(year)s 年不在创建期（%(first)s—%(last)s 年）内") % {
            "year": the_year, "first": town.creation_start_year,
            "last": town.creation_end_year}
    elif "year" not in errors and Assessment.objects.filter(town=town, year=the_year).exists():
        errors["year"] = _("%(year)s 年度已考核，不能再修改目标") % {"year": the_year}
    amounts = {
        "investment": decimal_clean(investment, "investment", errors, label=_("投资")),
        "special_investment": decimal_clean(special_investment, "special_investment", errors,
                                            label=_("特色产业投资")),
        "tax_revenue": decimal_clean(tax_revenue, "tax_revenue", errors, label=_("税收收入")),
    }
    counts = {
        "new_enterprises": integer_clean(new_enterprises, "new_enterprises", errors,
                                         label=_("新入驻企业数")),
        "visitors": integer_clean(visitors, "visitors", errors, label=_("接待游客人次")),
        "construction_progress": integer_clean(construction_progress, "construction_progress",
                                               errors, label=_("景区建设进度"), maximum=100),
    }
    if ("investment" not in errors and "special_investment" not in errors
            and amounts["special_investment"] > amounts["investment"]):
        errors["special_investment"] = _("特色产业投资不能超过投资总额")
    if errors:
        raise InvalidInput(_("年度目标未通过校验"), errors)
    target, created = YearTarget.objects.update_or_create(
        town=town, year=the_year,
        defaults={**amounts, **counts, "set_by": actor if getattr(actor, "pk", None) else None,
                  "set_at": clock.now()})
    audit_record(actor=actor, action="towns.target_set", entity="town", entity_id=town.code,
                 data={"year": the_year, "created": created, **amounts, **counts})
    return target
