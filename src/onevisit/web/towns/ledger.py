"""The incentive ledger (奖惩台账) per county and for the province, its totals summed from
the ledger, and the same figures as an Excel workbook."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from onevisit.accounts.models import Region
from onevisit.accounts.regions import covers, scope_of
from onevisit.towns.models import LedgerEntry, Town
from onevisit.towns.selectors import (
    is_towns_office,
    ledger_by_region,
    ledger_rows,
    ledger_totals,
    results_published,
    towns_filter,
    trends,
)
from onevisit.web.towns.common import (
    staff_of,
    year_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A workbook column is as wide as its longest cell (a Chinese character counts two), at
# most this many characters; longer cells wrap.
COLUMN_WIDTH_MAX = 50


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
    user = staff_of(request)
    scope = _ledger_scope(request, user)
    year = year_of(request.GET.get("year"))
    region = Region.objects.filter(code=scope).first() if scope else None
    return render(request, "web/towns/ledger.html", {
        "scope": scope, "region": region, "year": year,
        "totals": ledger_totals(scope=scope, year=year),
        # The province by city, a city by county (a county: itself).
        "by_region": ledger_by_region(scope=scope, year=year,
                                      level="city" if len(scope) < 4 else "county"),
        "rows": list(ledger_rows(scope=scope, year=year).select_related(
            "town", "town__region", "assessment", "demonstration")),
        "office": is_towns_office(user),
    })


def _cause(entry: LedgerEntry) -> str:
    """What caused a ledger row: the assessment (its year and result) or the designation."""
    if entry.assessment is not None:
        return _("%(year)s 年度考核（%(result)s）") % {
            "year": entry.assessment.year, "result": entry.assessment.get_result_display()}
    if entry.demonstration is not None:
        return _("%(year)s 年公布为示范特色小镇") % {"year": entry.demonstration.year}
    return ""


def _layout(sheet: Worksheet) -> None:
    """The header row frozen, each column as wide as its content, long cells wrapped."""
    sheet.freeze_panes = "A2"
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            text = "" if cell.value is None else str(cell.value)
            width = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
            if width > COLUMN_WIDTH_MAX:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            width + 2, COLUMN_WIDTH_MAX)


def towns_workbook(*, towns: list[Town], scope: str, year: int | None, name: str,
                   public: bool = False) -> HttpResponse:
    """The towns, the published results, the ledger with its legal bases, the totals
    per region and the yearly figures as an .xlsx workbook (openpyxl): every figure from
    the selectors, as on the pages; `public`: the yearly figures of published years only."""
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
    # Who recorded a row is for the staff's workbook; the public one says when.
    entries.append([_("年度"), _("小镇名称"), _("所在县（市、区）"), _("类别"), _("用地指标（亩）"),
                    _("财政奖励（万元）"), _("依据"), _("计算方法"), _("起因"),
                    *([] if public else [_("记录人")]), _("记录时间")])
    for entry in ledger_rows(scope=scope, year=year).select_related("recorded_by"):
        by = entry.recorded_by
        entries.append([entry.year, entry.town.name, entry.town.region.name,
                        entry.get_kind_display(), entry.land_mu, entry.fiscal_wan,
                        entry.legal_basis, entry.formula, _cause(entry),
                        *([] if public else [(by.get_full_name() or by.username) if by
                                             else _("系统")]),
                        timezone.localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M")])
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
                   _("实际新增建设用地（亩）"), _("说明")])
    partial = _("年度未结束或考核结果未全部公布，仅为部分小镇之和")
    for trend in trends(scope=scope, published_only=public):
        yearly.append([trend.year, trend.towns, trend.investment, trend.special_investment,
                       trend.tax_revenue, trend.new_enterprises, trend.visitors, trend.new_land,
                       "" if trend.complete else partial])
    for worksheet in book.worksheets:
        _layout(worksheet)
    content = io.BytesIO()
    book.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    scope = _ledger_scope(request, user)
    year = year_of(request.GET.get("year"))
    towns = list(towns_filter(user=user, region=scope))
    return towns_workbook(towns=towns, scope=scope, year=year,
                     name=f"towns-ledger-{scope or 'zj'}{f'-{year}' if year else ''}")
