"""How pages tell people what a service refused: one message, with every field's reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onevisit.accounts.selectors import rate_of
from onevisit.accounts.services import rate_limit_hit
from onevisit.errors import DomainError, InvalidInput

# A page's message line names at most this many reasons, then how many more there are.
MAX_REASONS = 10


def error_text(exc: DomainError) -> str:
    """The refusal in one line: the message, then each field's reason (at most ten)."""
    if isinstance(exc, InvalidInput) and exc.errors:
        reasons = [str(reason) for reason in exc.errors.values()]
        details = "；".join(reasons[:MAX_REASONS])
        if len(reasons) > MAX_REASONS:
            details += _("；另有 %(count)d 处") % {"count": len(reasons) - MAX_REASONS}
        return f"{exc.message}：{details}"
    return str(exc.message)


def action_report(request: HttpRequest, action: Callable[[], Any], done: str) -> None:
    """Run a service for a form post and leave its outcome as a message on the next page."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)


def rate_limited(request: HttpRequest, scope: str, back: str = "") -> HttpResponse | None:
    """Count this use of an anonymous endpoint that creates things; a 429 page when the
    address used it too often (ONEVISIT_RATE_LIMITS), saying how long to wait and leading
    back to the page the person came from; else None."""
    if not rate_limit_hit(scope=scope, address=request.META.get("REMOTE_ADDR", "")):
        return None
    period = (rate_of(scope) or (0, 60))[1]
    wait = (_("%(n)d 秒") % {"n": period} if period < 60 else
            _("%(n)d 分钟") % {"n": period // 60} if period < 3600 else
            _("%(n)d 小时") % {"n": period // 3600})
    return render(request, "web/rate_limited.html",
                  {"wait": wait, "back": back or request.path}, status=429)
