"""办件进度查询: the public progress lookup by receipt number and a second factor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onevisit.applications.services import progress_lookup
from onevisit.web.outcomes import rate_limited


def progress(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST looks up (rate limited: ONEVISIT_RATE_LIMITS `progress`).
    The number and the factor travel in the body, never in an address or a log line."""
    context: dict[str, Any] = {"number": "", "errors": {}}
    if request.method != "POST":
        return render(request, "web/progress.html", context)
    if (refused := rate_limited(request, "progress")) is not None:
        return refused
    number = request.POST.get("number", "").strip()
    factor = request.POST.get("factor", "").strip()
    context["number"] = number[:32]
    errors = {}
    if not number:
        errors["number"] = _("请填写回执编号")
    if not factor:
        errors["factor"] = _("请填写查询码或申请人证件号码后 6 位")
    if errors:
        context["errors"] = errors
        return render(request, "web/progress.html", context, status=422)
    found = progress_lookup(number=number, factor=factor,
                            address=request.META.get("REMOTE_ADDR", ""))
    context["progress"] = found
    context["not_found"] = found is None
    return render(request, "web/progress.html", context, status=200 if found else 404)
