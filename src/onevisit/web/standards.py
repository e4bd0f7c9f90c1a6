"""The standardisation report (标准化对比) for supervisors: how each region's published
implementations keep to the basic catalogue — one item across regions or all items — with a
score per region, on the page and as an Excel workbook."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from onevisit.accounts.models import Region, Role
from onevisit.accounts.regions import covers, scope_of
from onevisit.catalogue.models import BasicItem
from onevisit.catalogue.selectors import (
    StandardisationReport,
    standardisation_report,
    standardisation_scopes,
    standardised_items,
)
from onevisit.catalogue.standard import Aspect

ROWS_SHOWN = 200  # of all items' comparison on the page; the workbook has every row


@dataclass(frozen=True)
class Asked:
    scope: str  # the regions compared: this code and those below it ("" : all)
    region: Region | None  # the region the scope names, for the title
    basic: BasicItem | None
    problems: list[str]


def _supervisor(request: HttpRequest) -> None:
    user = request.user
    if getattr(user, "role", None) != Role.SUPERVISOR and not user.is_superuser:
        raise PermissionDenied(_("只有电子监察人员能查看标准化对比"))


def _asked(request: HttpRequest) -> Asked:
    """The regions (the supervisor's own, or one below it she picked) and the basic entry
    asked for; a value that names nothing, or lies outside her region, is said so and
    left out."""
    problems = []
    scope = scope_of(request.user)
    picked = request.GET.get("region", "").strip()
    if picked and covers(scope, picked) and Region.objects.filter(pk=picked).exists():
        scope = picked
    elif picked:
        problems.append(_("没有这个行政区划，或不在您的管辖范围内"))
    basic_code = request.GET.get("item", "")
    basic = BasicItem.objects.filter(code=basic_code).first() if basic_code else None
    if basic_code and basic is None:
        problems.append(_("基本目录中没有这个事项"))
    return Asked(scope=scope, region=Region.objects.filter(pk=scope).first() if scope else None,
                 basic=basic, problems=problems)


def _report(asked: Asked) -> StandardisationReport:
    return standardisation_report(region_code=asked.scope,
                                  basic_code=asked.basic.code if asked.basic else None)


@login_required
def standards(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    asked = _asked(request)
    for problem in asked.problems:
        messages.error(request, problem)
    report = _report(asked)
    rows = report.rows if asked.basic else [
        row for row in report.rows if row.looser or row.tighter][:ROWS_SHOWN]
    return render(request, "web/standards.html", {
        "asked": asked, "report": report, "rows": rows, "aspects": list(Aspect),
        "scopes": standardisation_scopes(region_code=scope_of(request.user)),
        "everywhere": not scope_of(request.user),
        "items": standardised_items(region_code=asked.scope),
        "more": not asked.basic and len(rows) == ROWS_SHOWN,
    })


def _append(sheet: Worksheet, values: list[object]) -> None:
    """A row of values, every text kept as text: a name an imported list gave that starts
    with "=" is not a formula in the supervisor's spreadsheet."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


@login_required
def standards_export(request: HttpRequest) -> HttpResponse:
    """The report as an .xlsx workbook: scores, every implementation compared, and every
    difference in words."""
    _supervisor(request)
    asked = _asked(request)
    report = _report(asked)
    book = Workbook()
    book.remove(book.worksheets[0])
    scores = book.create_sheet(_("地区得分"))
    _append(scores, [_("地区"), _("行政区划代码"), _("实施事项"), _("检查项"), _("符合标准"),
                   _("优于标准"), _("超出标准"), _("得分")])
    for region in report.regions:
        _append(scores, [region.name, region.code, region.implementations, region.checked,
                       region.conforming, region.tighter, region.looser,
                       "—" if region.score is None else region.score])
    compared = book.create_sheet(_("逐项对比"))
    _append(compared, [_("基本编码"), _("事项名称"), _("地区"), _("实施编码"), _("实施部门"),
                     *[str(aspect.label) for aspect in Aspect],
                     *[_("%(aspect)s判定") % {"aspect": aspect.label} for aspect in Aspect]])
    differences = book.create_sheet(_("差异说明"))
    _append(differences, [_("基本编码"), _("事项名称"), _("地区"), _("实施编码"), _("方面"),
                        _("判定"), _("说明")])
    for row in report.rows:
        _append(compared, [row.basic_code, row.basic_name, row.region_name, row.item_code,
                         row.department, *[a.shown for a in row.aspects],
                         *[str(a.verdict.label) for a in row.aspects]])
        for aspect in row.aspects:
            for note in aspect.notes:
                _append(differences, [row.basic_code, row.basic_name, row.region_name,
                                    row.item_code, str(aspect.aspect.label),
                                    str(aspect.verdict.label), note])
    content = io.BytesIO()
    book.save(content)
    response = HttpResponse(
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    scope = asked.scope or "all"
    response["Content-Disposition"] = f'attachment; filename="onevisit-standards-{scope}.xlsx"'
    return response
