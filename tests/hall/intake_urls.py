"""The site's URLs plus a stand-in for the window intake page (`web:hall_intake`), to see
the window console link to it once it exists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from onevisit.web import urls as web_urls


def _intake(request: HttpRequest) -> HttpResponse:
    return HttpResponse("intake")


urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((
        [path("hall/intake-stand-in/", _intake, name="hall_intake"),
         *[p for p in web_urls.urlpatterns if getattr(p, "name", None) != "hall_intake"]],
        "web"))),
]
