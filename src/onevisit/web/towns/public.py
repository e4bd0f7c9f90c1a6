"""The public 特色小镇 pages: the towns by industry, status and region, the charts, the
published results and method, the demonstration towns, the ledger's totals."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onevisit.towns.constants import (
    Indicator,
    TownStatus,
)
from onevisit.towns.models import AssessmentMethod
from onevisit.towns.selectors import (
    counts,
    demonstrations,
    ledger_totals,
    method_published,
    results_published,
    town_detail,
    town_public_get,
    towns_public,
    trends,
)
from onevisit.web.towns.common import (
    industry_groups,
    profile_of,
)
from onevisit.web.towns.ledger import towns_workbook


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
        "industry_groups": industry_groups(),
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
                       for t in trends(published_only=True)],
        },
        "chart_labels": {"towns": _("小镇数"), "investment": _("完成投资（万元）"),
                         "tax": _("税收收入（万元）"), "enterprises": _("新入驻企业（家）"),
                         "money": _("万元"), "count": _("家")},
    })


def public_export(request: HttpRequest) -> HttpResponse:
    return towns_workbook(towns=list(towns_public()), scope="", year=None, name="towns-zj",
                          public=True)


def public_town(request: HttpRequest, code: str) -> HttpResponse:
    town = town_public_get(code=code)
    if town is None:
        raise Http404(_("没有这个特色小镇"))
    detail = town_detail(town=town, published_only=True)
    return render(request, "web/towns/public_town.html", {
        "town": town, "results": detail.assessments, "ledger": detail.ledger,
        "demonstration": detail.demonstration,
        "trends": trends(code=town.code, published_only=True),
    } | profile_of(town))
