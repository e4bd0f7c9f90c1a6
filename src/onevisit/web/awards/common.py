"""Helpers of the award pages: typed values, and who may act (organisers, experts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.accounts.models import Department
from onevisit.accounts.regions import scope_of
from onevisit.awards import selectors
from onevisit.awards.models import AwardCall, Expert
from onevisit.errors import NotFound

# ------------------------------------------------------------------ helpers

View = Callable[..., HttpResponse]


def form_post(page: str) -> Callable[[View], View]:
    """A form's POST-only address. A refused form is shown again at this address, so a
    reload or a language switch GETs it: that goes back to the page the form lives on
    (named `page`, given the address's call, if any), never to a blank 405."""
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return HttpResponseRedirect(reverse(page, kwargs={
                    k: v for k, v in kwargs.items() if k == "call_id"}))
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            response: HttpResponse = view(request, *args, **kwargs)
            return response
        return wrapped
    return decorate


def _number(value: str) -> int:
    """A whole number typed in a form; -1 when it is not one, which every service refuses
    with its own reason (so a bad number is named with every other problem)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() else -1


def _date(value: str) -> Any:
    """A date typed in a form, or None: the service names a missing or bad date."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _moment(value: str, *, end: bool) -> Any:
    """The start (or the end) of a typed day in the site's time zone, or None."""
    day = _date(value)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59) if end
                                                   else dt.time(0, 0)))


def _organiser(request: HttpRequest) -> Any:
    user = request.user
    if not selectors.actor_is_awards_staff(user):
        raise PermissionDenied(_("只有案例评选工作人员能管理评选活动"))
    return user


def _call_of_organiser(user: Any, call_id: int) -> AwardCall:
    """A call its organisers' staff manage; any other call is not found."""
    try:
        call = selectors.call_get(call_id=call_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if not selectors.actor_organises(user, call):
        raise Http404(_("评选活动不存在"))
    return call


def _expert(request: HttpRequest) -> Expert:
    expert = selectors.expert_of(request.user)
    if expert is None:
        raise PermissionDenied(_("只有专家库中的评审专家能评审案例"))
    return expert


def _organiser_departments(user: Any) -> list[Department]:
    """The departments that may organise a call of this person: her region's own."""
    scope = scope_of(user)
    return list(Department.objects.filter(region_id=scope or "33").order_by("code"))
