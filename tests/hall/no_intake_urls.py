"""The site's URLs without the window intake page, as before that page existed."""

from __future__ import annotations

from django.urls import include, path

from onevisit.web import urls as web_urls

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((
        [p for p in web_urls.urlpatterns if getattr(p, "name", None) != "hall_intake"],
        "web"))),
]
