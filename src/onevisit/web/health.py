"""Liveness for operators and load balancers: the process answers through the whole
middleware stack. No database work, so a slow database does not take every worker out of
rotation; readiness is for the dashboards to judge."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
