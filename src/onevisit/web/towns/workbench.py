"""The 特色小镇 workbench: a county's towns and its declarations; the office's review,
targets, assessment methods and demonstration towns; one town's whole record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onevisit.errors import DomainError
from onevisit.towns.constants import (
    ALLOWED_TRANSITIONS,
    CREATION_YEARS_DEFAULT,
    CREATION_YEARS_MAX,
    Indicator,
    ScenicGoal,
    TownFunction,
    TownStatus,
)
from onevisit.towns.selectors import (
    assessments_unsettled,
    declarations_waiting,
    demonstrations,
    is_towns_office,
    may_report,
    method_published,
    methods,
    reports_waiting,
    town_detail,
    towns_visible_to,
)
from onevisit.towns.services import (
    demonstration_designate,
    method_create,
    method_publish,
    target_set,
    town_declare,
    town_transition,
)
from onevisit.web.outcomes import action_report
from onevisit.web.towns.common import (
    counties_of,
    form_post,
    industry_groups,
    office_of,
    profile_of,
    refused,
    staff_of,
    this_year,
    town_of,
    year_of,
)

# The declaration form offers the investment plan for this many years from the start year.
PLAN_YEARS = CREATION_YEARS_MAX
TARGET_FIELDS = ("investment", "special_investment", "new_enterprises", "tax_revenue",
                 "visitors", "construction_progress")
# The targets counted in whole numbers (the rest are amounts in 万元 with two decimals).
WHOLE_TARGETS = ("new_enterprises", "visitors", "construction_progress")
METHOD_NUMBERS = ("pass_score", "warning_score", "land_reward_percent", "deduction_multiplier",
                  "province_tax_share_percent", "demonstration_land_mu", "demonstration_max")
METHOD_BASES = ("land_basis", "deduction_basis", "fiscal_basis", "demonstration_basis")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    return _workbench_page(request, staff_of(request))


def _plan_years(typed: QueryDict | None) -> list[tuple[int, str]]:
    """The plan's rows: the n-th year of the creation period (1, 2, …) and its figure."""
    return [(n, typed.get(f"plan_{n}", "") if typed else "")
            for n in range(1, PLAN_YEARS + 1)]


def _workbench_page(request: HttpRequest, user: Any, *, typed: QueryDict | None = None,
                    errors: dict[str, Any] | None = None, form: str = "declare",
                    status: int = 200) -> HttpResponse:
    """The officer's towns and the declaration form; `typed` (a refused `form`: the
    declaration, the method draft or the demonstration towns) fills that form again,
    each field with its reason. The office also sees what waits for it: declarations,
    targets to set, reports, the methods, demonstration towns."""
    office = is_towns_office(user)
    year = this_year()
    towns = list(towns_visible_to(user).select_related("region"))
    declared = typed if form == "declare" else None
    context: dict[str, Any] = {
        "office": office, "towns": towns, "typed": declared or {},
        "errors": (errors or {}) if form == "declare" else {},
        "typed_functions": (declared.getlist("functions") if declared
                            else [TownFunction.INDUSTRY]),
        "industry_groups": industry_groups(), "scenic_goals": ScenicGoal.choices,
        "functions": TownFunction.choices, "counties": counties_of(user),
        "plan_years": _plan_years(declared), "this_year": year,
        "years_default": CREATION_YEARS_DEFAULT, "years_max": CREATION_YEARS_MAX,
    }
    if office:
        targeted = {(t.town_id, t.year) for town in towns for t in town.targets.all()}
        context |= {
            "declarations": list(declarations_waiting(user=user).select_related("region")),
            "review_choices": [(s, TownStatus(s).label) for s in (
                TownStatus.CREATION, TownStatus.CULTIVATION, TownStatus.NOT_LISTED)],
            "untargeted": [town for town in towns if town.status in (
                TownStatus.CREATION, TownStatus.CULTIVATION)
                and town.in_creation_period(year) and (town.pk, year) not in targeted],
            "reports": list(reports_waiting(user=user).select_related("town", "town__region")),
            "methods": list(methods()), "published": method_published(),
            "method_typed": typed if form == "method" else {},
            "method_errors": (errors or {}) if form == "method" else {},
            "weights": [(key, label, typed.get(f"weight_{key}", "")
                         if typed and form == "method" else "")
                        for key, label in Indicator.choices],
            "demonstrations": list(demonstrations().select_related("town")),
            # Creation objects and named towns may be designated (the service checks).
            "candidates": [town for town in towns if town.status in (
                TownStatus.CREATION, TownStatus.NAMED)],
            "designate_typed": typed if form == "designate" else {},
            "designate_errors": (errors or {}) if form == "designate" else {},
            "designate_codes": (typed.getlist("codes") if typed and form == "designate"
                                else []),
            "unsettled": list(assessments_unsettled(user=user)),
        }
    return render(request, "web/towns/workbench.html", context, status=status)


@form_post("web:towns_workbench")
@login_required
def declare(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    post = request.POST
    start = year_of(post.get("start_year"))
    # The plan's n-th year is the creation period's; without a start year the service
    # names the missing start year, and the plan waits for it.
    plan = {start + n - 1: value.strip() for n, value in _plan_years(post)
            if value.strip()} if start is not None else {}
    try:
        town = town_declare(
            actor=user, name=post.get("name", ""), region_code=post.get("region_code", ""),
            planned_area_km2=post.get("planned_area_km2", ""),
            industry=post.get("industry", ""), focus=post.get("focus", ""),
            scenic_goal=post.get("scenic_goal", ""), functions=post.getlist("functions"),
            investment_plan=plan, start_year=post.get("start_year", ""),
            years=post.get("years", ""),
            location=post.get("location", ""), area_reason=post.get("area_reason", ""),
            differentiation=post.get("differentiation", ""))
    except DomainError as exc:
        return _workbench_page(request, user, typed=post, errors=refused(request, exc),
                               status=400)
    messages.success(request, _("已申报特色小镇 %(name)s（%(code)s），等待联席会议办公室审核")
                     % {"name": town.name, "code": town.code})
    return redirect("web:towns_town", code=town.code)


@form_post("web:towns_town", "code")
@login_required
def review(request: HttpRequest, code: str) -> HttpResponse:
    """The office lists a declaration, demotes, promotes or names a town."""
    user = office_of(request)
    action_report(request, lambda: town_transition(
        actor=user, code=code, to=request.POST.get("to", ""),
        note=request.POST.get("note", "")), _("已更新小镇状态"))
    if request.POST.get("back") == "workbench":
        return redirect("web:towns_workbench")
    return redirect("web:towns_town", code=code)


@form_post("web:towns_town", "code")
@login_required
def targets(request: HttpRequest, code: str) -> HttpResponse:
    user = office_of(request)
    post = request.POST
    try:
        target_set(actor=user, code=code, year=post.get("year", ""),
                   **{field: post.get(field, "") for field in TARGET_FIELDS})
    except DomainError as exc:
        return _town_page(request, user, code, typed=post, errors=refused(request, exc),
                          status=400)
    messages.success(request, _("已下达年度目标任务"))
    return redirect("web:towns_town", code=code)


@login_required
def town_page(request: HttpRequest, code: str) -> HttpResponse:
    return _town_page(request, staff_of(request), code)


def _town_page(request: HttpRequest, user: Any, code: str, *, typed: QueryDict | None = None,
               errors: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    """One town's whole record; `typed` (refused targets) fills the targets form again,
    each field with its reason."""
    town = town_of(request, code)
    errors = errors or {}
    detail = town_detail(town=town)
    office = is_towns_office(user)
    year = this_year()
    reported = {report.year for report in detail.reports}
    assessed = {assessment.year: assessment for assessment in detail.assessments}
    return render(request, "web/towns/town.html", {
        "town": town, "detail": detail, "office": office,
        "may_report": may_report(user, town),
        "report_years": [y for y in range(town.creation_start_year, town.creation_end_year + 1)
                         if y not in reported and y <= year],
        "next_statuses": [(s, TownStatus(s).label) for s in sorted(
            ALLOWED_TRANSITIONS.get(town.status, set()))],
        "target_fields": [(field, Indicator(field).label) for field in TARGET_FIELDS],
        "target_inputs": [
            (field, Indicator(field).label, typed.get(field, "") if typed else "",
             errors.get(field, ""), "numeric" if field in WHOLE_TARGETS else "decimal")
            for field in TARGET_FIELDS],
        "target_year": year_of(typed.get("year")) if typed else None,
        "target_errors": errors,
        "target_years": list(range(town.creation_start_year, town.creation_end_year + 1)),
        "report_rows": [(report, assessed.get(report.year)) for report in detail.reports],
    } | profile_of(town), status=status)


# ------------------------------------------------------------------ the office's settings


@form_post("web:towns_workbench")
@login_required
def method_new(request: HttpRequest) -> HttpResponse:
    user = office_of(request)
    post = request.POST
    weights = {key: post.get(f"weight_{key}", "").strip() for key in Indicator.values}
    returns = [value.strip() for value in post.get("return_percents", "").replace("，", ",")
               .split(",") if value.strip()]
    # What is left blank takes the programme's default (the service's None).
    try:
        method_create(
            actor=user, code=post.get("code", ""), name=post.get("name", ""),
            weights=weights if any(weights.values()) else None,
            return_percents=returns or None,
            **{key: post.get(key, "").strip() or None for key in METHOD_NUMBERS},
            **{key: post.get(key, "").strip() or None for key in METHOD_BASES})
    except DomainError as exc:
        return _workbench_page(request, user, typed=post, errors=refused(request, exc),
                               form="method", status=400)
    messages.success(request, _("已草拟考核办法"))
    return redirect("web:towns_workbench")


@form_post("web:towns_workbench")
@login_required
def method_publish_view(request: HttpRequest, code: str) -> HttpResponse:
    user = office_of(request)
    action_report(request, lambda: method_publish(actor=user, code=code),
                  _("已发布考核办法，此前发布的办法停用"))
    return redirect("web:towns_workbench")


@form_post("web:towns_workbench")
@login_required
def designate(request: HttpRequest) -> HttpResponse:
    user = office_of(request)
    post = request.POST
    try:
        demonstration_designate(actor=user, year=post.get("year", ""),
                                codes=post.getlist("codes"), note=post.get("note", ""))
    except DomainError as exc:
        return _workbench_page(request, user, typed=post, errors=refused(request, exc),
                               form="designate", status=400)
    messages.success(request, _("已公布示范特色小镇，奖励用地记入台账"))
    return redirect("web:towns_workbench")
