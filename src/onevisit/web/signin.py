"""Sign-in: where each role lands, the lockout page after too many wrong passwords, and
how long a sign-in lasts."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from onevisit.accounts.models import Role
from onevisit.accounts.selectors import rate_limit_reached, rate_of
from onevisit.accounts.services import rate_limit_hit, sign_in_lockout_record

# Where each staff role starts its day; citizens (and roles not named) land on the portal.
WORKBENCHES: dict[str, str] = {
    Role.CLERK: "web:hall_intake",
    Role.AGENT: "web:hotline",
    Role.DISPATCHER: "web:hotline",
    Role.REVIEWER: "web:workbench",
    Role.SUPERVISOR: "web:alerts",
    Role.TOWNS: "web:towns_workbench",
    Role.AWARDS: "web:awards_calls",
    Role.EXPERT: "web:awards_reviews",
}


def landing_url(user: Any) -> str:
    """The page a user starts from after signing in: staff their own workbench."""
    role = str(getattr(user, "role", ""))
    department = getattr(user, "department", None) if getattr(user, "department_id", None) else None
    if role == Role.REVIEWER and department is not None and department.platform:
        # A township's grassroots platform approves nothing: its work is 12345 tickets.
        return reverse("web:hotline_department")
    return reverse(WORKBENCHES.get(role, settings.LOGIN_REDIRECT_URL))


class SignInView(LoginView):
    """Django's sign-in page, with wrong passwords counted per address: past the `signin`
    limit (ONEVISIT_RATE_LIMITS) the address gets the lockout page until the window ends.
    django-axes locks the account itself after fewer tries. Staff land on their own
    workbench; a safe `next` still wins."""

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR", "")
        if rate_limit_reached(scope="signin", address=address):
            return _locked(request, username=request.POST.get("username", ""),
                           minutes=(rate_of("signin") or (0, 3600))[1] // 60, account=False)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        rate_limit_hit(scope="signin", address=self.request.META.get("REMOTE_ADDR", ""))
        return super().form_invalid(form)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes calls this for every attempt while an account is locked out."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    return _locked(request, username=username, account=True,
                   minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def _locked(request: HttpRequest, *, username: str, minutes: int,
            account: bool) -> HttpResponse:
    """A page that says who is locked out and for how long, and an audit row."""
    sign_in_lockout_record(username=username[:150], address=request.META.get("REMOTE_ADDR", ""))
    return render(request, "registration/locked_out.html",
                  {"minutes": minutes, "account": account}, status=429)


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
