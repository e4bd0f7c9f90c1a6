"""What makes the portal read as a government service: its identity (header and footer
from settings), the accessibility statement, and 长辈版 — large type, higher contrast and a
simpler layout, chosen by the visitor and kept in a cookie."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

ELDER_COOKIE = "onevisit_elder"
ELDER_DAYS = 365


def _localised(names: dict[str, str]) -> str:
    return names.get(get_language() or "", "") or names.get(settings.LANGUAGE_CODE, "")


def site(request: HttpRequest) -> dict[str, Any]:
    """Template context: the site's identity in the visitor's language, and whether she
    chose 长辈版."""
    config = settings.ONEVISIT
    return {"site": {
        "centre": _localised(cast(dict[str, str], config["SITE_CENTRE"])),
        "owner": _localised(cast(dict[str, str], config["SITE_OWNER"])),
        "codes": config["SITE_CODES"],
        "elder": request.COOKIES.get(ELDER_COOKIE) == "1",
    }}


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch 长辈版 on or off and go back to the page the visitor was on."""
    response = redirect(_back(request))
    if request.POST.get("elder") == "1":
        response.set_cookie(ELDER_COOKIE, "1", max_age=ELDER_DAYS * 86400, samesite="Lax",
                            secure=request.is_secure(), httponly=True)
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")
