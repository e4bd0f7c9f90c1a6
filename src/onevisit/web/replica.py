"""The public pages that only read, on the replica (onevisit.replica, docs/deploy.md), and
read-your-writes: a browser that has just written keeps to the primary until the replica
is sure to hold what it wrote."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from onevisit.replica import replica_configured, replica_max_lag, replica_reads

WROTE_COOKIE = "onevisit_wrote"
_READS = frozenset({"GET", "HEAD"})
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def replica_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that only reads the catalogue: its catalogue reads may come from the
    replica, unless this browser wrote something within the replica's allowed lag."""

    @functools.wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in _READS or WROTE_COOKIE in request.COOKIES:
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return page


class ReplicaWritesMiddleware:
    """After a request that may have written (any method but GET, HEAD, OPTIONS, TRACE)
    was answered without an error, the browser's pages read the primary for the
    replica's allowed lag (a cookie that expires by itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (request.method not in _SAFE and response.status_code < 400
                and replica_configured()):
            seconds = math.ceil(replica_max_lag()) + 1
            response.set_cookie(WROTE_COOKIE, "1", max_age=seconds, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response
