"""Pages of 特色小镇 (docs/towns.md). Staff (Role.TOWNS): a county's officer declares her
towns and reports their figures each year; the joint-meeting office (联席会议办公室) lists
the declarations, sets the targets, publishes the assessment method, assesses, settles
and designates the demonstration towns. The ledger per county and for the province.
The public: the towns by industry and status, the charts, the published results and
method, the demonstration towns, the ledger's totals, and the same as an Excel workbook.
Every write goes through the towns services; every figure comes from its selectors."""

from __future__ import annotations

import io
from typing import Any

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel
from onevisit.accounts.regions import NOWHERE, covers, scope_of
from onevisit.errors import DomainError, InvalidInput
from onevisit.exchange.sources import source_name
from onevisit.files.services import file_read
from onevisit.towns.constants import (
    ALLOWED_TRANSITIONS,
    CLASSIC_INDUSTRIES,
    CREATION_YEARS_DEFAULT,
    CREATION_YEARS_MAX,
    ENTERPRISES_SOURCE,
    INDUSTRY_GROUP,
    NEW_INDUSTRIES,
    TAX_SOURCE,
    Figure,
    Indicator,
    IndustryGroup,
    ScenicGoal,
    TownFunction,
    TownStatus,
)
from onevisit.towns.models import AnnualReport, Assessment, AssessmentMethod, Town
from onevisit.towns.selectors import (
    counts,
    declarations_waiting,
    demonstrations,
    is_towns_office,
    ledger_by_region,
    ledger_rows,
    ledger_totals,
    may_report,
    method_published,
    methods,
    report_evidence_get,
    reports_waiting,
    results_published,
    town_detail,
    town_get,
    town_public_get,
    towns_filter,
    towns_public,
    towns_visible_to,
    trends,
)
from onevisit.towns.services import (
    assessment_settle,
    assessments_publish,
    demonstration_designate,
    method_create,
    method_publish,
    report_assess,
    report_held_fetch,
    report_submit,
    target_set,
    town_declare,
    town_transition,
)
from onevisit.web.outcomes import action_report, error_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An annual report's evidence: at most this many bytes a file (the service sniffs the type).
EVIDENCE_UPLOAD_MAX = 10 * 1024 * 1024
# The declaration form offers the investment plan for this many years from the start year.
PLAN_YEARS = CREATION_YEARS_MAX
TARGET_FIELDS = ("investment", "special_investment", "new_enterprises", "tax_revenue",
                 "visitors", "construction_progress")
METHOD_NUMBERS = ("pass_score", "warning_score", "land_reward_percent", "deduction_multiplier",
                  "province_tax_share_percent", "demonstration_land_mu", "demonstration_max")
METHOD_BASES = ("land_basis", "deduction_basis", "fiscal_basis", "demonstration_basis")


def _staff(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated or (getattr(user, "role", None) != "towns"
                                      and not user.is_superuser):
        raise PermissionDenied(_("只有特色小镇工作人员能办理"))
    return user


def _office(request: HttpRequest) -> Any:
    user = _staff(request)
    if not is_towns_office(user):
        raise PermissionDenied(_("只有省特色小镇规划建设工作联席会议办公室能办理"))
    return user


def _town(request: HttpRequest, code: str) -> Town:
    town = town_get(code=code, user=request.user)
    if town is None:
        raise Http404(_("没有这个特色小镇，或不在您的管辖范围内"))
    return town


def _profile(town: Town) -> dict[str, Any]:
    """What web/towns/_profile.html shows besides the town itself."""
    return {"group": IndustryGroup(INDUSTRY_GROUP[town.industry]).label,
            "functions": [TownFunction(f).label for f in town.functions],
            "plan": sorted(town.investment_plan.items())}


def _this_year() -> int:
    return clock.now().year


def _year(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _industry_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(str(IndustryGroup.NEW.label), [(i.value, str(i.label)) for i in NEW_INDUSTRIES]),
            (str(IndustryGroup.CLASSIC.label),
             [(i.value, str(i.label)) for i in CLASSIC_INDUSTRIES])]


def _counties(user: Any) -> list[Region]:
    """The counties a declaration may name: those in the officer's region."""
    scope = scope_of(user)
    if scope == NOWHERE:
        return []
    return list(Region.objects.filter(code__startswith=scope, level=RegionLevel.COUNTY)
                .order_by("code"))


# ------------------------------------------------------------------ the workbench


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    return _workbench_page(request, _staff(request))


def _plan_years(typed: QueryDict | None) -> list[tuple[int, str]]:
    """The plan's rows: the n-th year of the creation period (1, 2, …) and its figure."""
    return [(n, typed.get(f"plan_{n}", "") if typed else "")
            for n in range(1, PLAN_YEARS + 1)]


def _workbench_page(request: HttpRequest, user: Any, *, typed: QueryDict | None = None,
                    errors: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    """The officer's towns and the declaration form; `typed` (a refused declaration)
    fills the form again, each field with its reason. The office also sees what waits
    for it: declarations, targets to set, reports, the methods, demonstration towns."""
    office = is_towns_office(user)
    year = _this_year()
    towns = list(towns_visible_to(user).select_related("region"))
    context: dict[str, Any] = {
        "office": office, "towns": towns, "typed": typed or {}, "errors": errors or {},
        "typed_functions": typed.getlist("functions") if typed else [TownFunction.INDUSTRY],
        "industry_groups": _industry_groups(), "scenic_goals": ScenicGoal.choices,
        "functions": TownFunction.choices, "counties": _counties(user),
        "plan_years": _plan_years(typed), "this_year": year,
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
            "indicators": Indicator.choices,
            "demonstrations": list(demonstrations().select_related("town")),
            "candidates": [town for town in towns if town.status == TownStatus.CREATION],
            "unpublished_years": sorted(set(Assessment.objects.filter(
                published_at__isnull=True).values_list("year", flat=True))),
        }
    return render(request, "web/towns/workbench.html", context, status=status)


def _refused(request: HttpRequest, exc: DomainError) -> dict[str, Any]:
    messages.error(request, error_text(exc))
    return dict(exc.errors) if isinstance(exc, InvalidInput) else {}


@require_POST
@login_required
def declare(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    post = request.POST
    start = _year(post.get("start_year"))
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
        return _workbench_page(request, user, typed=post, errors=_refused(request, exc),
                               status=400)
    messages.success(request, _("已申报特色小镇 %(name)s（%(code)s），等待联席会议办公室审核")
                     % {"name": town.name, "code": town.code})
    return redirect("web:towns_town", code=town.code)


@require_POST
@login_required
def review(request: HttpRequest, code: str) -> HttpResponse:
    """The office lists a declaration, demotes, promotes or names a town."""
    user = _office(request)
    action_report(request, lambda: town_transition(
        actor=user, code=code, to=request.POST.get("to", ""),
        note=request.POST.get("note", "")), _("已更新小镇状态"))
    if request.POST.get("back") == "workbench":
        return redirect("web:towns_workbench")
    return redirect("web:towns_town", code=code)


@require_POST
@login_required
def targets(request: HttpRequest, code: str) -> HttpResponse:
    user = _office(request)
    post = request.POST
    action_report(request, lambda: target_set(
        actor=user, code=code, year=post.get("year", ""),
        **{field: post.get(field, "") for field in TARGET_FIELDS}),
        _("已下达年度目标任务"))
    return redirect("web:towns_town", code=code)


@login_required
def town_page(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    town = _town(request, code)
    detail = town_detail(town=town)
    office = is_towns_office(user)
    year = _this_year()
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
        "target_years": list(range(town.creation_start_year, town.creation_end_year + 1)),
        "report_rows": [(report, assessed.get(report.year)) for report in detail.reports],
    } | _profile(town))


# ------------------------------------------------------------------ annual reports


def _report_of(town: Town, year: int) -> AnnualReport | None:
    return (AnnualReport.objects.filter(town=town, year=year)
            .prefetch_related("evidence").select_related("submitted_by").first())


@login_required
def report_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = _staff(request)
    return _report_page(request, user, _town(request, code), year)


def _report_page(request: HttpRequest, user: Any, town: Town, year: int, *,
                 typed: QueryDict | None = None, errors: dict[str, Any] | None = None,
                 held: Any = None, status: int = 200) -> HttpResponse:
    report = _report_of(town, year)
    assessment = Assessment.objects.filter(report=report).select_related(
        "method", "assessed_by").first() if report is not None else None
    errors = errors or {}
    evidence = list(report.evidence.all()) if report is not None else []
    figures = [{
        "key": figure.value, "label": figure.label,
        "value": getattr(report, figure.value) if report is not None else None,
        "typed": typed.get(figure.value, "") if typed else "",
        "error": errors.get(figure.value, ""),
        "evidence_error": errors.get(f"evidence_{figure.value}", ""),
        "evidence": [e for e in evidence if e.figure == figure.value],
    } for figure in Figure]
    scores = [{"label": Indicator(key).label, **value}
              for key, value in (assessment.scores.items() if assessment else [])]
    return render(request, "web/towns/report.html", {
        "town": town, "year": year, "report": report, "assessment": assessment,
        "figures": figures, "scores": scores, "held": held, "errors": errors,
        "typed": typed or {}, "office": is_towns_office(user),
        "may_report": report is None and may_report(user, town),
        "target": town.targets.filter(year=year).first(),
        "method": assessment.method if assessment else method_published(),
        "ledger": list(ledger_rows(town_code=town.code, year=year).select_related(
            "town", "town__region", "assessment", "demonstration")),
        "tax_source": source_name(TAX_SOURCE), "enterprises_source": source_name(
            ENTERPRISES_SOURCE),
    }, status=status)


@require_POST
@login_required
def report_fetch(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """获取: the figures the government holds, fetched (and logged) before submitting."""
    user = _staff(request)
    town = _town(request, code)
    try:
        held = report_held_fetch(actor=user, code=code, year=year)
    except DomainError as exc:
        return _report_page(request, user, town, year, typed=request.POST,
                            errors=_refused(request, exc), status=400)
    for reason in held.errors.values():
        messages.error(request, str(reason))
    return _report_page(request, user, town, year, typed=request.POST, held=held)


def _uploads(request: HttpRequest) -> dict[str, list[tuple[str, bytes]]]:
    """Each figure's evidence files as the service takes them; a file too big goes as a
    content the service refuses by size, naming it."""
    evidence: dict[str, list[tuple[str, bytes]]] = {}
    for figure in Figure.values:
        for upload in request.FILES.getlist(f"evidence_{figure}"):
            content = (upload.read() if upload.size is not None
                       and upload.size <= EVIDENCE_UPLOAD_MAX
                       else b"\x00" * (EVIDENCE_UPLOAD_MAX + 1))
            evidence.setdefault(figure, []).append((upload.name or "", content))
    return evidence


@require_POST
@login_required
def report_new(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = _staff(request)
    town = _town(request, code)
    post = request.POST
    try:
        report_submit(actor=user, code=code, year=year,
                      figures={figure: post.get(figure, "") for figure in Figure.values},
                      evidence=_uploads(request), note=post.get("note", ""))
    except DomainError as exc:
        return _report_page(request, user, town, year, typed=post,
                            errors=_refused(request, exc), status=400)
    messages.success(request, _("已报送 %(year)d 年度报告") % {"year": year})
    return redirect("web:towns_report", code=code, year=year)


@require_POST
@login_required
def report_action(request: HttpRequest, code: str, year: int, action: str) -> HttpResponse:
    """The office's steps on a submitted report: assess, publish the year's results,
    settle (事后结算) into the ledger."""
    user = _office(request)
    if action == "assess":
        action_report(request, lambda: report_assess(
            actor=user, code=code, year=year, note=request.POST.get("note", "")),
            _("已完成考核评分"))
    elif action == "publish":
        action_report(request, lambda: assessments_publish(actor=user, year=year),
                      _("已公布 %(year)d 年度考核结果") % {"year": year})
    elif action == "settle":
        action_report(request, lambda: assessment_settle(actor=user, code=code, year=year),
                      _("已结算，奖惩记入台账"))
    else:
        raise Http404(_("未知的操作"))
    return redirect("web:towns_report", code=code, year=year)


EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


@login_required
# The file's own policy: it runs nothing (django-csp types its decorators for views
# without URL arguments).
@csp({"default-src": [NONE], "img-src": [SELF], "object-src": [SELF],  # type: ignore[arg-type]
      "frame-ancestors": [SELF]})
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """One evidence file of a report, for the office and the town's county to open."""
    _staff(request)
    evidence = report_evidence_get(evidence_id=evidence_id, user=request.user)
    if evidence is None:
        raise Http404(_("没有这份证明材料"))
    extension = EXTENSIONS.get(evidence.content_type, "bin")
    response = HttpResponse(file_read(evidence.file),
                            content_type=evidence.content_type if extension != "bin"
                            else "application/octet-stream")
    # The uploader's file name never reaches the header.
    response["Content-Disposition"] = (
        f'{"attachment" if extension == "bin" else "inline"}; '
        f'filename="town-evidence-{evidence.pk}.{extension}"')
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# ------------------------------------------------------------------ the office's settings


@require_POST
@login_required
def method_new(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    post = request.POST
    weights = {key: post.get(f"weight_{key}", "").strip() for key in Indicator.values}
    returns = [value.strip() for value in post.get("return_percents", "").replace("，", ",")
               .split(",") if value.strip()]
    # What is left blank takes the programme's default (the service's None).
    action_report(request, lambda: method_create(
        actor=user, code=post.get("code", ""), name=post.get("name", ""),
        weights=weights if any(weights.values()) else None,
        return_percents=returns or None,
        **{key: post.get(key, "").strip() or None for key in METHOD_NUMBERS},
        **{key: post.get(key, "").strip() or None for key in METHOD_BASES}),
        _("已草拟考核办法"))
    return redirect("web:towns_workbench")


@require_POST
@login_required
def method_publish_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _office(request)
    action_report(request, lambda: method_publish(actor=user, code=code),
                  _("已发布考核办法，此前发布的办法停用"))
    return redirect("web:towns_workbench")


@require_POST
@login_required
def designate(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    post = request.POST
    action_report(request, lambda: demonstration_designate(
        actor=user, year=post.get("year", ""), codes=post.getlist("codes"),
        note=post.get("note", "")), _("已公布示范特色小镇，奖励用地记入台账"))
    return redirect("web:towns_workbench")


# ------------------------------------------------------------------ the ledger


def _ledger_scope(request: HttpRequest, user: Any) -> str:
    """The office sees the province ("" : every town), a county her own region; either
    may narrow to a region inside it."""
    own = "" if is_towns_office(user) else scope_of(user)
    picked = request.GET.get("region", "").strip()
    if picked and covers(own, picked):
        return picked
    if picked:
        messages.error(request, _("没有这个行政区划，或不在您的管辖范围内"))
    return own


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    scope = _ledger_scope(request, user)
    year = _year(request.GET.get("year"))
    region = Region.objects.filter(code=scope).first() if scope else None
    return render(request, "web/towns/ledger.html", {
        "scope": scope, "region": region, "year": year,
        "totals": ledger_totals(scope=scope, year=year),
        "by_region": ledger_by_region(scope=scope, year=year),
        "rows": list(ledger_rows(scope=scope, year=year).select_related(
            "town", "town__region", "assessment", "demonstration")),
        "office": is_towns_office(user),
    })


def _workbook(*, towns: list[Town], scope: str, year: int | None, name: str) -> HttpResponse:
    """The towns, the published results, the ledger with its legal bases, the totals
    per region and the yearly figures as an .xlsx workbook (openpyxl): every figure from
    the selectors, as on the pages."""
    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet(_("小镇"))
    sheet.append([_("小镇编号"), _("小镇名称"), _("所在县（市、区）"), _("特色产业"), _("主攻方向"),
                  _("规划面积（平方公里）"), _("景区建设目标"), _("创建期"), _("状态")])
    for town in towns:
        sheet.append([town.code, town.name, town.region.name, town.get_industry_display(),
                      town.focus, town.planned_area_km2, town.get_scenic_goal_display(),
                      f"{town.creation_start_year}–{town.creation_end_year}",
                      town.get_status_display()])
    results = book.create_sheet(_("考核结果"))
    results.append([_("年度"), _("小镇名称"), _("所在县（市、区）"), _("总分"), _("考核结果")])
    for assessment in results_published(year=year, region=scope):
        results.append([assessment.year, assessment.town.name, assessment.town.region.name,
                        assessment.total, assessment.get_result_display()])
    entries = book.create_sheet(_("奖惩台账"))
    entries.append([_("年度"), _("小镇名称"), _("所在县（市、区）"), _("类别"), _("用地指标（亩）"),
                    _("财政奖励（万元）"), _("依据"), _("计算方法")])
    for entry in ledger_rows(scope=scope, year=year):
        entries.append([entry.year, entry.town.name, entry.town.region.name,
                        entry.get_kind_display(), entry.land_mu, entry.fiscal_wan,
                        entry.legal_basis, entry.formula])
    totals = ledger_totals(scope=scope, year=year)
    summary = book.create_sheet(_("汇总"))
    summary.append([_("考核合格的小镇"), totals.towns_passed])
    summary.append([_("未完成目标任务的小镇"), totals.towns_failed])
    summary.append([_("兑现用地（亩）"), totals.land_granted_mu])
    summary.append([_("其中示范小镇奖励用地（亩）"), totals.demonstration_mu])
    summary.append([_("倒扣用地（亩）"), totals.land_deducted_mu])
    summary.append([_("净增用地（亩）"), totals.land_net_mu])
    summary.append([_("财政奖励（万元）"), totals.fiscal_wan])
    summary.append([])
    summary.append([_("地区"), _("奖励用地（亩）"), _("倒扣用地（亩）"), _("净增用地（亩）"),
                    _("财政奖励（万元）")])
    for region in ledger_by_region(scope=scope, year=year):
        summary.append([region.region_name, region.land_granted_mu, region.land_deducted_mu,
                        region.land_net_mu, region.fiscal_wan])
    yearly = book.create_sheet(_("逐年"))
    yearly.append([_("年度"), _("报送小镇数"), _("完成投资（万元）"), _("其中特色产业投资（万元）"),
                   _("税收收入（万元）"), _("新入驻企业（家）"), _("接待游客（人次）"),
                   _("实际新增建设用地（亩）")])
    for trend in trends(scope=scope):
        yearly.append([trend.year, trend.towns, trend.investment, trend.special_investment,
                       trend.tax_revenue, trend.new_enterprises, trend.visitors, trend.new_land])
    content = io.BytesIO()
    book.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    scope = _ledger_scope(request, user)
    year = _year(request.GET.get("year"))
    towns = list(towns_filter(user=user, region=scope))
    return _workbook(towns=towns, scope=scope, year=year,
                     name=f"towns-ledger-{scope or 'zj'}{f'-{year}' if year else ''}")


# ------------------------------------------------------------------ public pages


def _number(value: Any) -> float:
    return float(value or 0)


def _method_shown(method: AssessmentMethod | None) -> dict[str, Any]:
    """What web/towns/_method.html shows besides the method itself."""
    if method is None:
        return {}
    return {"method_weights": [(Indicator(key).label, weight)
                               for key, weight in method.weights.items()],
            "method_returns": "、".join(str(percent) for percent in method.return_percents)}


def public_towns(request: HttpRequest) -> HttpResponse:
    get = request.GET
    industry, status, region = (get.get("industry", ""), get.get("status", ""),
                                get.get("region", ""))
    figures = counts(scope="")
    method = method_published()
    return render(request, "web/towns/public.html", {
        "towns": list(towns_public(industry=industry, status=status, region=region)
                      .select_related("region")),
        "industry": industry, "status": status, "region": region,
        "industry_groups": _industry_groups(),
        "statuses": [(s, TownStatus(s).label) for s in (
            TownStatus.CREATION, TownStatus.CULTIVATION, TownStatus.NAMED, TownStatus.EXITED)],
        "counts": figures, "regions": figures.by_region,
        "results": list(results_published().select_related("town", "town__region")),
        "method": method, **_method_shown(method),
        "demonstrations": list(demonstrations().select_related("town", "town__region")),
        "totals": ledger_totals(scope=""),
        "chart": {
            "regions": [{"name": str(label), "count": count}
                        for _code, label, count in figures.by_region],
            "trends": [{"year": t.year, "investment": _number(t.investment),
                        "tax": _number(t.tax_revenue), "enterprises": t.new_enterprises}
                       for t in trends(scope="")],
        },
        "chart_labels": {"towns": _("小镇数"), "investment": _("完成投资（万元）"),
                         "tax": _("税收收入（万元）"), "enterprises": _("新入驻企业（家）"),
                         "money": _("万元"), "count": _("家")},
    })


def public_export(request: HttpRequest) -> HttpResponse:
    return _workbook(towns=list(towns_public()), scope="", year=None, name="towns-zj")


def public_town(request: HttpRequest, code: str) -> HttpResponse:
    town = town_public_get(code=code)
    if town is None:
        raise Http404(_("没有这个特色小镇"))
    detail = town_detail(town=town, published_only=True)
    return render(request, "web/towns/public_town.html", {
        "town": town, "results": detail.assessments, "ledger": detail.ledger,
        "demonstration": detail.demonstration, "trends": trends(code=town.code),
    } | _profile(town))


urlpatterns: list[URLPattern] = [
    path("towns/", public_towns, name="towns"),
    path("towns/export.xlsx", public_export, name="towns_export"),
    path("towns/<str:code>/", public_town, name="towns_public"),
    path("workbench/towns/", workbench, name="towns_workbench"),
    path("workbench/towns/declare/", declare, name="towns_declare"),
    path("workbench/towns/ledger/", ledger, name="towns_ledger"),
    path("workbench/towns/ledger/export.xlsx", ledger_export, name="towns_ledger_export"),
    path("workbench/towns/methods/", method_new, name="towns_method_new"),
    path("workbench/towns/methods/<str:code>/publish/", method_publish_view,
         name="towns_method_publish"),
    path("workbench/towns/demonstrations/", designate, name="towns_designate"),
    path("workbench/towns/evidence/<int:evidence_id>/", evidence_file, name="towns_evidence"),
    path("workbench/towns/<str:code>/", town_page, name="towns_town"),
    path("workbench/towns/<str:code>/review/", review, name="towns_review"),
    path("workbench/towns/<str:code>/targets/", targets, name="towns_targets"),
    path("workbench/towns/<str:code>/reports/<int:year>/", report_page, name="towns_report"),
    path("workbench/towns/<str:code>/reports/<int:year>/fetch/", report_fetch,
         name="towns_report_fetch"),
    path("workbench/towns/<str:code>/reports/<int:year>/submit/", report_new,
         name="towns_report_submit"),
    path("workbench/towns/<str:code>/reports/<int:year>/<slug:action>/", report_action,
         name="towns_report_action"),
]
