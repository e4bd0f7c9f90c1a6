"""The programme as an Excel workbook (openpyxl): the listed towns, the published results,
the ledger and its totals — the same selectors the pages read."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from onevisit.towns.constants import INDUSTRY_GROUP, IndustryGroup
from onevisit.towns.selectors import (
    ledger_by_region,
    ledger_rows,
    ledger_totals,
    results_published,
    towns_public,
)


def _sheet(book: Workbook, title: str, header: list[str]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    return sheet


def towns_workbook(*, scope: str = "", year: int | None = None) -> bytes:
    """Towns, published results, ledger rows and totals of a region ("" the province),
    optionally of one year. Amounts are numbers (万元, 亩), not text."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    towns = _sheet(book, _("特色小镇名录"), [
        _("编号"), _("名称"), _("所在县（市、区）"), _("产业类别"), _("特色产业"), _("主攻方向"),
        _("规划面积（平方公里）"), _("景区目标"), _("创建期"), _("状态")])
    for town in towns_public(region=scope):
        towns.append([
            town.code, town.name, town.region.name,
            str(IndustryGroup(INDUSTRY_GROUP[town.industry]).label),
            town.get_industry_display(), town.focus, float(town.planned_area_km2),
            town.scenic_goal, f"{town.creation_start_year}—{town.creation_end_year}",
            town.get_status_display()])
    results = _sheet(book, _("考核结果"), [
        _("年度"), _("编号"), _("名称"), _("总分"), _("考核结果"), _("完成年度目标任务"),
        _("考核办法")])
    for assessment in results_published(year=year, region=scope):
        results.append([assessment.year, assessment.town.code, assessment.town.name,
                        float(assessment.total), assessment.get_result_display(),
                        _("是") if assessment.met_targets else _("否"), assessment.method.code])
    ledger = _sheet(book, _("激励台账"), [
        _("年度"), _("编号"), _("名称"), _("类别"), _("用地指标（亩）"), _("财政奖励（万元）"),
        _("计算方法"), _("依据"), _("记账时间")])
    for row in ledger_rows(scope=scope, year=year):
        ledger.append([row.year, row.town.code, row.town.name, row.get_kind_display(),
                       float(row.land_mu), float(row.fiscal_wan), row.formula, row.legal_basis,
                       row.recorded_at.strftime("%Y-%m-%d %H:%M")])
    totals = ledger_totals(scope=scope, year=year)
    summary = _sheet(book, _("合计"), [_("项目"), _("数值")])
    for label, value in (
        (_("考核合格的小镇（个）"), totals.towns_passed),
        (_("考核不合格的小镇（个）"), totals.towns_failed),
        (_("奖励用地（亩）"), float(totals.land_granted_mu)),
        (_("其中示范小镇奖励用地（亩）"), float(totals.demonstration_mu)),
        (_("倒扣用地（亩）"), float(totals.land_deducted_mu)),
        (_("净奖励用地（亩）"), float(totals.land_net_mu)),
        (_("财政奖励（万元）"), float(totals.fiscal_wan)),
    ):
        summary.append([label, value])
    summary.append([])
    summary.append([_("县（市、区）"), _("奖励用地（亩）"), _("倒扣用地（亩）"),
                    _("净奖励用地（亩）"), _("财政奖励（万元）")])
    for region in ledger_by_region(scope=scope, year=year):
        summary.append([region.region_name, float(region.land_granted_mu),
                        float(region.land_deducted_mu), float(region.land_net_mu),
                        float(region.fiscal_wan)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
