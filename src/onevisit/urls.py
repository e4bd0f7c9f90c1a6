from django.contrib import admin
from django.urls import include, path

from onevisit.api.urls import api
from onevisit.web.health import healthz
from onevisit.web.signin import SignInView

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Open311 GeoReport v2 for the 12345 hotline (plain views: the spec's XML and JSON).
    path("open311/v2/", include("onevisit.api.open311")),
    # The reference payment gateway's cashier (the demo's stand-in for a bank's page).
    path("paygate/", include("onevisit.payments.reference.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("onevisit.web.urls")),
]
