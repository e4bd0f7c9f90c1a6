"""What the 特色小镇 pages share: who may act (the towns staff, the office), the town
of a request within the officer's region, the forms' choices and the refusal's reasons."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Region, RegionLevel, Role
from onevisit.accounts.regions import NOWHERE, scope_of
from onevisit.errors import DomainError, InvalidInput
from onevisit.towns.constants import (
    CLASSIC_INDUSTRIES,
    INDUSTRY_GROUP,
    NEW_INDUSTRIES,
    IndustryGroup,
    TownFunction,
)
from onevisit.towns.models import Town
from onevisit.towns.selectors import (
    is_towns_office,
    town_get,
)
from onevisit.web.outcomes import error_text


def staff_of(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated or (getattr(user, "role", None) != Role.TOWNS
                                      and not user.is_superuser):
        raise PermissionDenied(_("只有特色小镇工作人员能办理"))
    return user


def office_of(request: HttpRequest) -> Any:
    user = staff_of(request)
    if not is_towns_office(user):
        raise PermissionDenied(_("只有省特色小镇规划建设工作联席会议办公室能办理"))
    return user


def town_of(request: HttpRequest, code: str) -> Town:
    town = town_get(code=code, user=request.user)
    if town is None:
        raise Http404(_("没有这个特色小镇，或不在您的管辖范围内"))
    return town


def profile_of(town: Town) -> dict[str, Any]:
    """What web/towns/_profile.html shows besides the town itself."""
    return {"group": IndustryGroup(INDUSTRY_GROUP[town.industry]).label,
            "functions": [TownFunction(f).label for f in town.functions],
            "plan": sorted(town.investment_plan.items())}


def this_year() -> int:
    return clock.now().year


def year_of(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def industry_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(str(IndustryGroup.NEW.label), [(i.value, str(i.label)) for i in NEW_INDUSTRIES]),
            (str(IndustryGroup.CLASSIC.label),
             [(i.value, str(i.label)) for i in CLASSIC_INDUSTRIES])]


def counties_of(user: Any) -> list[Region]:
    """The counties a declaration may name: those in the officer's region."""
    scope = scope_of(user)
    if scope == NOWHERE:
        return []
    return list(Region.objects.filter(code__startswith=scope, level=RegionLevel.COUNTY)
                .order_by("code"))


def refused(request: HttpRequest, exc: DomainError) -> dict[str, Any]:
    messages.error(request, error_text(exc))
    return dict(exc.errors) if isinstance(exc, InvalidInput) else {}


def form_post(page: str, *keys: str) -> Callable[[Callable[..., HttpResponse]],
                                                 Callable[..., HttpResponse]]:
    """A form's address: it takes the form's POST, and may show the refused form again
    there; a GET (a reload, a language switch, a bookmark) goes back to the `page` the form
    lives on — given the address's arguments named in `keys` (the town code, the year) —
    never to a blank 405."""
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return HttpResponseRedirect(reverse(page, kwargs={
                    key: kwargs[key] for key in keys}))
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "POST"])
            return view(request, **kwargs)
        return wrapped
    return decorate
