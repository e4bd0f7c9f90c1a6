"""Sign-in: the lockout page after too many wrong passwords, and how long a sign-in lasts."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from onevisit.accounts.models import Role
from onevisit.accounts.services import sign_in_lockout_record


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes calls this for every attempt while an account or an address is locked
    out: a page that says so and for how long, and an audit row."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    sign_in_lockout_record(username=username[:150],
                           address=request.META.get("REMOTE_ADDR", ""))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def sign_in_expiry_set(sender: Any, request: HttpRequest | None, user: Any,
                       **kwargs: Any) -> None:
    """A staff member's sign-in ends a working day after it began
    (ONEVISIT_STAFF_SESSION_HOURS), whatever the way in (the sign-in page, the admin);
    citizens keep the site's own session length. Connected to Django's `user_logged_in`,
    the one place every way of signing in passes; the end is on the wall clock the
    sessions themselves are checked by."""
    if request is None or getattr(user, "role", Role.CITIZEN) == Role.CITIZEN:
        return
    seconds = cast(int, settings.ONEVISIT["STAFF_SESSION_SECONDS"])
    request.session.set_expiry(timezone.now() + dt.timedelta(seconds=seconds))
