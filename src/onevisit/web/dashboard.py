"""The reform dashboard (改革办 / 电子监察): KPIs from the rollups, charts, overdue cases,
and the same figures as an Excel workbook."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from onevisit import clock
from onevisit.accounts.models import Department, Region, Role
from onevisit.accounts.regions import covers, scope_of, within
from onevisit.accounts.selectors import regions_below
from onevisit.applications.selectors import VisitCauseRow, visit_causes_count
from onevisit.hotline.selectors import complaints_about_applications, tickets_escalated
from onevisit.metrics.scorecard import Scorecard, scorecard
from onevisit.metrics.selectors import (
    dashboard_figures,
    latest_rolled_up_day,
    platform_figures,
    rollup_freshness,
)
from onevisit.supervision.selectors import staff_access_report
from onevisit.web.replica import replica_page
from onevisit.workflow.selectors import cases_overdue

PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366
TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date
    department: Department | None
    problems: list[str]
    # The regions shown: the supervisor's own, or one below it she picked ("" : all).
    scope: str


def _supervisor(request: HttpRequest) -> None:
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有电子监察人员能查看指标"))


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _period(request: HttpRequest) -> Period:
    """The period and department asked for. By default the last PERIOD_DAYS days up to
    today, or up to the last day with recorded activity when that lies ahead (days that
    `onevisit simulate` recorded). A value that cannot be used is named and left out."""
    get = request.GET
    problems = []
    scope = scope_of(request.user)
    picked = get.get("region", "").strip()
    if picked and covers(scope, picked) and Region.objects.filter(code=picked).exists():
        scope = picked
    elif picked:
        problems.append(_("没有这个行政区划，或不在您的管辖范围内"))
    today = clock.now().astimezone(TZ).date()
    latest = latest_rolled_up_day(scope=scope)
    until = _date(get.get("until"))
    if get.get("until") and until is None:
        problems.append(_("截止日期格式应为 YYYY-MM-DD"))
    until = until or max(today, latest or today)
    since = _date(get.get("since"))
    if get.get("since") and since is None:
        problems.append(_("起始日期格式应为 YYYY-MM-DD"))
    if since is not None and not 0 <= (until - since).days < MAX_PERIOD_DAYS:
        problems.append(_("起始日期应早于截止日期，且期间不超过 %(days)d 天")
                        % {"days": MAX_PERIOD_DAYS})
        since = None
    since = since or until - dt.timedelta(days=PERIOD_DAYS - 1)
    code = get.get("department", "")
    department = (Department.objects.filter(within("region", scope), code=code).first()
                  if code else None)
    if code and department is None:
        problems.append(_("没有这个部门"))
    return Period(since=since, until=until, department=department, problems=problems,
                  scope=scope)


def _percent(value: float | None) -> str:
    """A rate as people read it; "—" where there was nothing to rate."""
    return "—" if value is None else f"{value * 100:.0f}%"


def _tile_labels() -> dict[str, str]:
    return {
        "catalogue_one_visit_rate": _("最多跑一次事项占比"),
        "filed": _("申请件数"),
        "online_share": _("网上申请占比"),
        "completed": _("办结件数"),
        "zero_visit_share": _("零上门办结占比"),
        "at_most_one_visit_share": _("最多跑一次办结占比"),
        "on_time_rate": _("按时办结率"),
        "open_overdue": _("超期未办结"),
        "decided": _("部门办结"),
    }


def _rates_shown(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _percent(value) if key.endswith(("_rate", "_share")) else value
            for key, value in row.items()}


@login_required
@replica_page
def dashboard(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    period = _period(request)
    for problem in period.problems:
        messages.error(request, problem)
    now = clock.now()
    figures = dashboard_figures(since=period.since, until=period.until, now=now,
                                scope=period.scope, department=period.department)
    freshness = rollup_freshness(
        since=period.since, until=period.until, now=now,
        stale_after=dt.timedelta(
            minutes=cast(int, settings.ONEVISIT["DASHBOARD_STALE_MINUTES"])))
    labels = _tile_labels()
    tiles = [(key, labels[key], _percent(value) if key.endswith(("_rate", "_share"))
              else value) for key, value in figures["tiles"].items()]
    hotline = figures["hotline"]
    return render(request, "web/dashboard.html", {
        "period": period, "tiles": tiles, "figures": figures, "freshness": freshness,
        "now": now,
        "departments": Department.objects.filter(within("region", period.scope))
        .order_by("code"),
        "regions": regions_below(scope_of(request.user)),
        "department_rows": [_rates_shown(row) for row in figures["departments"]],
        "chart_labels": {"filed": _("申请"), "completed": _("办结"),
                         "decided": _("部门办结"), "visits": _("办结件跑动次数"),
                         "on_time": _("按时办结率")},
        "overdue": cases_overdue(now=now, scope=period.scope),
        "complaints": complaints_about_applications(scope=period.scope),
        "escalated": list(tickets_escalated(scope=period.scope)[:50]),
        "hotline_overall": _rates_shown(hotline["overall"]),
        "hotline_tables": [
            (_("12345 各部门"), [_rates_shown(r) for r in hotline["departments"]]),
            (_("12345 各街道（乡镇）"), [_rates_shown(r) for r in hotline["regions"]])],
        "platforms": _platforms_shown(platform_figures(since=period.since, until=period.until,
                                                       now=now, scope=period.scope)),
    } | visit_causes_section(since=period.since, until=period.until, scope=period.scope))


def _platforms_shown(figures: dict[str, Any]) -> dict[str, Any]:
    """The 四个平台 figures with their rates as people read them."""
    return {
        "townships": [{**township, "platforms": [_rates_shown(row)
                                                 for row in township["platforms"]],
                       "total": _rates_shown(township["total"])}
                      for township in figures["townships"]],
        "kinds": [_rates_shown(row) for row in figures["kinds"]],
    }


def visit_causes_section(*, since: dt.date, until: dt.date,
                         scope: str) -> dict[str, list[VisitCauseRow]]:
    """跑多次的原因: trips beyond what the items require in the period (Hangzhou days,
    `until` included) to matters handled in `scope`, per cause and department; the
    template is web/_visit_causes.html."""
    return {"visit_causes": visit_causes_count(since=_day_start(since),
                                               until=_day_start(until + dt.timedelta(days=1)),
                                               scope=scope)}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@login_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures as an .xlsx workbook (openpyxl)."""
    _supervisor(request)
    period = _period(request)
    since, until = period.since, period.until
    figures = dashboard_figures(since=since, until=until, now=clock.now(),
                                scope=period.scope, department=period.department)
    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet(_("指标"))
    region = Region.objects.filter(code=period.scope).first()
    sheet.append([_("指标"), _("数值"), f"{since} – {until}",
                  region.name if region is not None else _("全部地区")])
    labels = _tile_labels()
    for key, value in figures["tiles"].items():
        sheet.append([labels[key], "—" if value is None else value])
    trend = book.create_sheet(_("趋势"))
    trend.append([_("日期"), _("申请"), _("办结"), _("零上门办结占比")])
    for row in figures["trend"]:
        trend.append([row["day"], row["filed"], row["completed"],
                      "—" if row["zero_visit_share"] is None else row["zero_visit_share"]])
    departments = book.create_sheet(_("部门"))
    departments.append([_("部门"), _("部门办结"), _("按时办结率")])
    for row in figures["departments"]:
        departments.append([row["name"], row["decided"],
                            "—" if row["on_time_rate"] is None else row["on_time_rate"]])
    overdue = book.create_sheet(_("超期"))
    overdue.append([_("办件编号"), _("事项"), _("部门"), _("办理期限")])
    for case in cases_overdue(now=clock.now(), scope=period.scope):
        overdue.append([case.application.number, case.item.name, case.department.name,
                        # Excel keeps no zone: the deadline as Hangzhou reads it.
                        timezone.localtime(case.due_at).replace(tzinfo=None)
                        if case.due_at else None])
    _scorecard_sheets(book, _period_scorecard(period))
    platforms = book.create_sheet(_("四个平台"))
    platforms.append([_("街道（乡镇）"), _("平台"), _("在办工单"), _("其中超期"), _("办结工单"),
                      _("按时办结率")])
    for township in platform_figures(since=since, until=until, now=clock.now(),
                                     scope=period.scope)["townships"]:
        for row in township["platforms"]:
            platforms.append([township["name"], row["label"], row["open"], row["overdue"],
                              row["closed"],
                              "—" if row["on_time_rate"] is None else row["on_time_rate"]])
    content = io.BytesIO()
    book.save(content)
    response = HttpResponse(
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="onevisit-kpis-{period.scope or "all"}-{until}.xlsx"')
    return response


@login_required
def access_report(request: HttpRequest) -> HttpResponse:
    """Staff reading many people's data without a matching case (数据使用监察)."""
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有电子监察人员能查看数据使用情况"))
    days = _bounded(request.GET.get("days"), default=PERIOD_DAYS, low=1, high=366)
    threshold = _bounded(request.GET.get("threshold"), default=20, low=1, high=100_000)
    until = clock.now()
    report = staff_access_report(since=until - dt.timedelta(days=days), until=until,
                                 scope=scope_of(user), threshold=threshold)
    return render(request, "web/access_report.html",
                  {"report": report, "days": days, "threshold": threshold})


def _bounded(value: str | None, *, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


def _day_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    since = dt.datetime.combine(period.since, dt.time.min, tzinfo=TZ)
    return since, dt.datetime.combine(period.until, dt.time.min, tzinfo=TZ) + dt.timedelta(
        days=1)


def _period_scorecard(period: Period) -> Scorecard:
    since, until = _day_bounds(period)
    return scorecard(since=since, until=until, scope=period.scope)


SCORE_COLUMNS = ("cases", "alerts", "per_100_cases", "closed", "close_hours", "repeats")


def _score_headers() -> list[str]:
    return [_("办件数"), _("预警数"), _("每百件预警"), _("已关闭"), _("平均关闭用时（小时）"),
            _("重复预警")]


def _scorecard_sheets(book: Workbook, card: Scorecard) -> None:
    for title, first, rows in ((_("监察评分·部门"), _("部门"), card.departments),
                               (_("监察评分·窗口"), _("窗口"), card.windows)):
        sheet = book.create_sheet(title)
        sheet.append([first, *_score_headers()])
        for row in rows:
            sheet.append([row.name, *("—" if (v := getattr(row, c)) is None else v
                                      for c in SCORE_COLUMNS)])


@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    """电子监察评分: per department and per hall window, from the alerts of the period."""
    _supervisor(request)
    period = _period(request)
    for problem in period.problems:
        messages.error(request, problem)
    card = _period_scorecard(period)
    return render(request, "web/scorecard.html", {
        "period": period, "card": card, "headers": _score_headers(),
        "regions": regions_below(scope_of(request.user)),
    })
