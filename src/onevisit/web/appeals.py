"""The citizen's 12345 on the portal (我要咨询 / 投诉 / 举报 / 建议): a web form that files a
ticket through the same filing as a call (matched against open tickets, then dispatched),
and 我的诉求 with each ticket's status and the department's reply.

Anonymous reporting: a visitor who did not sign in may file a report (举报) only — the
reporter is hidden from departments in any case; every other type needs an account, so
that the reply reaches someone. Filings are limited per address (ONEVISIT_RATE_LIMITS
`appeal`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onevisit.accounts.models import Role
from onevisit.errors import DomainError, InvalidInput
from onevisit.hotline.constants import TicketChannel, TicketStatus, TicketType
from onevisit.hotline.selectors import tickets_of_caller
from onevisit.hotline.services import TicketInput, ticket_create
from onevisit.web.hotline import OUTCOMES
from onevisit.web.outcomes import error_text, rate_limited

# What the portal offers (求助 and 表扬 are taken by phone).
PORTAL_TYPES = (TicketType.CONSULTATION, TicketType.COMPLAINT, TicketType.REPORT,
                TicketType.SUGGESTION)
FIELDS = ("type", "title", "text", "address", "application_number", "caller_name",
          "caller_phone")
PREFILLED_CHARS = 200


def _citizen_or_visitor(request: HttpRequest) -> Any:
    """The signed-in citizen, or None for a visitor; staff file on the hotline console."""
    user = request.user
    if not user.is_authenticated:
        return None
    if getattr(user, "role", None) != Role.CITIZEN:
        raise PermissionDenied(_("工作人员请在 12345 热线工作台登记工单"))
    return user


def appeal_new(request: HttpRequest) -> HttpResponse:
    user = _citizen_or_visitor(request)
    values = dict.fromkeys(FIELDS, "")
    if user is not None:
        values |= {"caller_name": user.get_full_name() or user.first_name,
                   "caller_phone": user.phone}
    values["type"] = request.GET.get("type", "") if request.GET.get("type") in PORTAL_TYPES \
        else TicketType.CONSULTATION
    values["text"] = request.GET.get("text", "")[:PREFILLED_CHARS]  # from the search page
    context: dict[str, Any] = {"types": [(t.value, t.label) for t in PORTAL_TYPES],
                               "values": values, "errors": {}, "message": "",
                               "anonymous": user is None}
    if request.method != "POST":
        return render(request, "web/appeals/new.html", context)
    if (refused := rate_limited(request, "appeal")) is not None:
        return refused
    post = request.POST
    values |= {key: post.get(key, "").strip() for key in FIELDS}
    if user is None:  # an anonymous report carries no contact at all
        values |= {"caller_name": "", "caller_phone": "", "application_number": ""}
    try:
        if values["type"] not in PORTAL_TYPES:
            raise InvalidInput(_("诉求信息有误，请按提示修改"),
                               {"type": _("请选择咨询、投诉、举报或建议")})
        filing = ticket_create(data=TicketInput(
            type=values["type"], channel=TicketChannel.WEB, text=values["text"],
            title=values["title"], caller_name=values["caller_name"],
            caller_phone=values["caller_phone"], address=values["address"],
            application_number=values["application_number"]), actor=user)
    except DomainError as exc:
        context |= {"values": values, "message": error_text(exc),
                    "errors": exc.errors if isinstance(exc, InvalidInput) else {}}
        return render(request, "web/appeals/new.html", context, status=exc.status)
    ticket = filing.ticket
    if user is None:
        return render(request, "web/appeals/filed.html", {"ticket": ticket}, status=201)
    messages.success(request, _("已提交，工单号 %(number)s：%(outcome)s") % {
        "number": ticket.number, "outcome": OUTCOMES[filing.outcome]})
    return redirect("web:my_tickets")


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    user = _citizen_or_visitor(request)
    rows = []
    for ticket in tickets_of_caller(user=user):
        answering = ticket.master if ticket.status == TicketStatus.MERGED and ticket.master \
            else ticket
        replied = ticket.closed_at is not None and bool(ticket.reply)
        rows.append({"ticket": ticket, "answering": answering,
                     "reply": ticket.reply if replied else ""})
    return render(request, "web/appeals/mine.html", {"rows": rows})
