"""我的: messages, notification settings, companies (binding and 授权委托); the sign-up
page; and the outbox staff read in a demo or pilot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit.applications.services.enrolment import (
    citizen_register,
    company_bind_as_representative,
    mandate_grant,
    mandate_revoke,
    mandates_granted,
    represented_companies,
)
from onevisit.errors import DomainError, InvalidInput
from onevisit.notifications.constants import CITIZEN_EVENTS, OPTIONAL_CHANNELS
from onevisit.notifications.selectors import notifications_of, opt_outs_of, outbox_recent
from onevisit.notifications.services import messages_mark_read, opt_outs_set, phone_code_send
from onevisit.notifications.texts import wording_render
from onevisit.web.outcomes import action_report, error_text
from onevisit.web.portal import _citizen


@login_required
def my_messages(request: HttpRequest) -> HttpResponse:
    """Everything the platform told the user, by every channel, newest first: a citizen
    her applications' events, staff the programmes' (特色小镇 results, award reviews)."""
    user = request.user
    rows = list(notifications_of(user=user)[:200])
    messages_mark_read(user=user)
    return render(request, "web/portal/messages.html", {
        "rows": [(n, *wording_render(event=n.event, context=n.context)) for n in rows]})


@login_required
def my_notification_settings(request: HttpRequest) -> HttpResponse:
    """Opt out of SMS or e-mail per event; the in-site message always stays."""
    user = _citizen(request)
    if request.method == "POST":
        kept = set(request.POST.getlist("keep"))
        opted_out = {(channel, event) for channel in OPTIONAL_CHANNELS
                     for event, _label in CITIZEN_EVENTS if f"{channel}:{event}" not in kept}
        action_report(request, lambda: opt_outs_set(user=user, opted_out=opted_out),
                      _("通知设置已保存"))
        return redirect("web:my_notification_settings")
    off = opt_outs_of(user=user)
    return render(request, "web/portal/notification_settings.html", {
        "channels": [(c, c.label) for c in OPTIONAL_CHANNELS],
        "rows": [(event, label, [(f"{c}:{event}", (c, event) not in off, c.label)
                                 for c in OPTIONAL_CHANNELS])
                 for event, label in CITIZEN_EVENTS],
    })


@login_required
def my_companies(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    return render(request, "web/portal/companies.html", {
        "bindings": user.authorisations.order_by("-recorded_at", "-id"),
        "represented": represented_companies(user=user),
        "mandates": mandates_granted(grantor=user),
        "now": timezone.now(),
    })


@require_POST
@login_required
def my_company_bind(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    action_report(request, lambda: company_bind_as_representative(
        user=user, uscc=request.POST.get("uscc", "")), _("已绑定为企业法定代表人"))
    return redirect("web:my_companies")


def _day_end(value: str) -> dt.datetime:
    """The end of the day a date field names, in the site's time zone."""
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(_("授权信息有误"), {"valid_until": _("请填写有效期截止日期")}) from exc
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


@require_POST
@login_required
def my_mandate_grant(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    post = request.POST
    action_report(request, lambda: mandate_grant(
        grantor=user, uscc=post.get("uscc", ""), agent_username=post.get("agent", ""),
        scope=post.get("scope", "").replace("，", ",").split(","),
        valid_until=_day_end(post.get("valid_until", "")), document=post.get("document", "")),
        _("授权委托已登记"))
    return redirect("web:my_companies")


@require_POST
@login_required
def my_mandate_revoke(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    user = _citizen(request)
    action_report(request, lambda: mandate_revoke(
        grantor=user, authorisation_id=authorisation_id, reason=request.POST.get("reason", "")),
        _("授权委托已撤销"))
    return redirect("web:my_companies")


def register(request: HttpRequest) -> HttpResponse:
    """Sign up: a code to the phone first, then the form with the code."""
    if request.user.is_authenticated:
        return redirect("web:my_applications")
    post = request.POST
    values: dict[str, Any] = {k: post.get(k, "") for k in ("phone", "name", "id_number")}
    errors: dict[str, Any] = {}
    message, status = "", 200
    if request.method == "POST":
        try:
            if post.get("action") == "code":
                phone_code_send(phone=values["phone"],
                                address=request.META.get("REMOTE_ADDR", ""))
                messages.success(request, _("验证码已发送，请查收短信"))
            else:
                user = citizen_register(
                    phone=values["phone"], code=post.get("code", ""), name=values["name"],
                    id_number=values["id_number"], password=post.get("password", ""))
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("注册成功，欢迎使用"))
                return redirect("web:my_applications")
        except DomainError as exc:
            message, status = error_text(exc), exc.status
            errors = exc.errors if isinstance(exc, InvalidInput) else {}
    return render(request, "registration/register.html",
                  {"values": values, "errors": errors, "message": message}, status=status)


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """The SMS and e-mails the built-in senders kept instead of sending: the instance's
    operators read them in a demo or pilot. They are every region's messages, so a
    region's supervisor does not (regions are tenants, ADR 0012)."""
    user: Any = request.user
    if not (user.is_superuser or user.is_staff):
        raise PermissionDenied(_("只有系统管理员可以查看发件箱"))
    return render(request, "web/outbox.html", {"rows": outbox_recent()})
