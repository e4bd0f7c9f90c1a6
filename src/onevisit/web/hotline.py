"""The 12345 pages: the agent console (a ticket taken on the call, the caller's history,
the knowledge base), the dispatcher's queues, one ticket with the actions its viewer may
take, and a department's ticket queue. Every action goes through the hotline services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onevisit.accounts.models import Role
from onevisit.accounts.regions import scope_of
from onevisit.applications.services import Upload
from onevisit.errors import DomainError, NotFound
from onevisit.hotline import selectors
from onevisit.hotline.constants import (
    AssignmentRole,
    TicketChannel,
    TicketStatus,
    TicketType,
)
from onevisit.hotline.knowledge import knowledge_answer, knowledge_answer_from_ticket
from onevisit.hotline.open311 import townships
from onevisit.hotline.services import (
    TicketInput,
    ticket_accept,
    ticket_close,
    ticket_co_opinion,
    ticket_create,
    ticket_dispatch,
    ticket_extension_decide,
    ticket_extension_request,
    ticket_follow_up,
    ticket_merge,
    ticket_reply,
    ticket_return,
    ticket_split,
)
from onevisit.web.outcomes import action_report, error_text

CENTRE = (Role.AGENT, Role.DISPATCHER)
OUTCOMES = {
    "new": gettext_lazy("已登记，等待派单"),
    "answered": gettext_lazy("已直接办结"),
    "merged": gettext_lazy("与在办工单反映同一事项，已并入该工单，将一并答复"),
    "repeat": gettext_lazy("同一来电人再次反映，已关联首次工单并督办"),
}


def _role(request: HttpRequest) -> str:
    return str(getattr(request.user, "role", ""))


def _centre(request: HttpRequest) -> Any:
    if _role(request) not in CENTRE and not request.user.is_superuser:
        raise PermissionDenied(_("只有 12345 工作人员能使用热线工作台"))
    return request.user


def _uploads(request: HttpRequest) -> list[Upload]:
    return [Upload(key=str(index), filename=upload.name or "", content=upload.read())
            for index, upload in enumerate(request.FILES.getlist("attachments"))]


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """The agent console: take the call, see who calls and what the knowledge base says."""
    user = _centre(request)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        values = {key: post.get(key, "") for key in (
            "type", "channel", "title", "text", "caller_name", "caller_phone", "region_code",
            "address", "application_number", "answer")}
        try:
            filing = ticket_create(
                data=TicketInput(
                    type=values["type"], channel=values["channel"], text=values["text"],
                    title=values["title"], caller_name=values["caller_name"],
                    caller_phone=values["caller_phone"], region_code=values["region_code"],
                    address=values["address"],
                    application_number=values["application_number"],
                    attachments=_uploads(request)),
                actor=user, answer=values["answer"] if post.get("action") == "answer" else "",
                independent=post.get("independent") == "1")
        except DomainError as exc:
            errors = {k: str(v) for k, v in getattr(exc, "errors", {}).items()}
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("%(number)s：%(outcome)s") % {
                "number": filing.ticket.number, "outcome": OUTCOMES[filing.outcome]})
            possible = filing.ticket.possible_duplicates
            if possible:
                messages.warning(request, _(
                    "可能重复：%(numbers)s，未自动并单，请在工单页核对") % {
                    "numbers": _("、").join(str(item["number"]) for item in possible)})
            return redirect("web:hotline_ticket", number=filing.ticket.number)
    return render(request, "web/hotline/console.html", {
        "values": values or {"type": TicketType.CONSULTATION, "channel": TicketChannel.PHONE},
        "errors": errors, "types": TicketType.choices, "channels": TicketChannel.choices,
        "townships": townships(scope_of(user)),
        "dispatch_queue": list(selectors.dispatch_queue(viewer=request.user)[:50]),
        "extensions": list(selectors.extensions_pending(viewer=request.user)[:50]),
        "to_close": list(selectors.replied_to_close(viewer=request.user)[:50]),
        "escalated": list(selectors.tickets_escalated(scope=scope_of(request.user))[:20]),
    })


@login_required
def knowledge(request: HttpRequest) -> HttpResponse:
    """Knowledge-base hits for what the caller asks (swapped into the console)."""
    _centre(request)
    # The search box sends q; the ticket's text, as the agent types it, sends text.
    text = (request.GET.get("q") or request.GET.get("text") or "").strip()
    return render(request, "web/hotline/_knowledge.html", {
        "q": text, "answer": knowledge_answer(text=text, limit=5) if text else None})


@login_required
def caller(request: HttpRequest) -> HttpResponse:
    """The caller's earlier tickets and applications (swapped into the console)."""
    _centre(request)
    history = selectors.caller_history(viewer=request.user,
                                       phone=request.GET.get("caller_phone", ""),
                                       id_number=request.GET.get("id_number", ""))
    return render(request, "web/hotline/_caller.html", {"history": history})


@login_required
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.ticket_get(number=number, viewer=request.user)
    if found is None:
        raise Http404(_("工单不存在"))
    role = _role(request)
    department_id = getattr(request.user, "department_id", None)
    assignment = selectors.assignment_role(found, department_id) if role == Role.REVIEWER else ""
    is_dispatcher = role == Role.DISPATCHER or request.user.is_superuser
    returns = selectors.lead_returns(found)
    return render(request, "web/hotline/ticket.html", {
        "ticket": found, "caller": selectors.caller_shown(found, request.user),
        "alert": selectors.alert_level(found),
        "history": selectors.ticket_history(found),
        "merged": found.merged.all(), "attachments": found.attachments.all(),
        "extensions": found.extensions.select_related("department"),
        "returned": returns, "returned_codes": {back.code for back in returns},
        "is_centre": role in CENTRE or request.user.is_superuser,
        "is_dispatcher": is_dispatcher,
        "is_lead": assignment == AssignmentRole.LEAD, "is_co": assignment == AssignmentRole.CO,
        "targets": (selectors.dispatch_targets(found, viewer=request.user) if is_dispatcher
                    else None),
        "choices": selectors.suggestion_choices(found),
        "uncertain": found.suggestion.get("uncertain", False), "statuses": TicketStatus,
    })


ACTIONS: dict[str, Callable[[Any, str, Any], object]] = {
    "dispatch": lambda user, number, post: ticket_dispatch(
        number=number, lead=post.get("lead", ""), co=post.getlist("co"),
        note=post.get("note", ""), actor=user),
    "accept": lambda user, number, post: ticket_accept(number=number, actor=user),
    "return": lambda user, number, post: ticket_return(
        number=number, reason=post.get("reason", ""), actor=user),
    "extension": lambda user, number, post: ticket_extension_request(
        number=number, days=_int(post.get("days")), reason=post.get("reason", ""),
        actor=user),
    "reply": lambda user, number, post: ticket_reply(
        number=number, reply=post.get("reply", ""), actor=user),
    "co-opinion": lambda user, number, post: ticket_co_opinion(
        number=number, opinion=post.get("opinion", ""), actor=user),
    "close": lambda user, number, post: ticket_close(number=number, actor=user),
    "follow-up": lambda user, number, post: ticket_follow_up(
        number=number, satisfaction=_int(post.get("satisfaction")),
        note=post.get("note", ""), actor=user),
    "merge": lambda user, number, post: ticket_merge(
        number=number, master_number=post.get("master_number", ""),
        note=post.get("note", ""), actor=user),
    "split": lambda user, number, post: ticket_split(
        number=number, note=post.get("note", ""), actor=user),
    "to-knowledge": lambda user, number, post: knowledge_answer_from_ticket(
        ticket=_readable(number, user), actor=user),
}
DONE = {
    "dispatch": gettext_lazy("已派单"), "accept": gettext_lazy("已签收"),
    "return": gettext_lazy("已退单，工单退回派单员"),
    "extension": gettext_lazy("已提交延期申请"), "reply": gettext_lazy("已答复"),
    "co-opinion": gettext_lazy("已提交协办意见"),
    "close": gettext_lazy("已办结，答复将发送给来电人"),
    "follow-up": gettext_lazy("已记录回访结果"),
    "merge": gettext_lazy("已并单"), "split": gettext_lazy("已拆单，工单回到派单队列"),
    "to-knowledge": gettext_lazy("答复已存入知识库"),
}


def _readable(number: str, user: Any) -> Any:
    ticket = selectors.ticket_get(number=number, viewer=user)
    if ticket is None:
        raise NotFound(_("工单不存在"))
    return ticket


def _int(value: str | None) -> int:
    """A number from a form; anything else is 0, which the services refuse clearly."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


@login_required
@require_POST
def ticket_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404(_("未知的操作"))
    action_report(request, lambda: ACTIONS[action](request.user, number, request.POST),
                  str(DONE[action]))
    return redirect("web:hotline_ticket", number=number)


@login_required
@require_POST
def extension_decide(request: HttpRequest, extension_id: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "refuse"):
        raise Http404(_("未知的操作"))
    try:
        extension = ticket_extension_decide(
            extension_id=extension_id, approve=decision == "approve",
            note=request.POST.get("note", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("web:hotline")
    messages.success(request, _("已批准延期") if extension.status == "approved"
                     else _("已不批准延期"))
    return redirect("web:hotline_ticket", number=extension.ticket.number)


@login_required
def department(request: HttpRequest) -> HttpResponse:
    """The department's 12345 tickets, as lead or co-handler, soonest deadline first."""
    user: Any = request.user
    if _role(request) != Role.REVIEWER or getattr(user, "department_id", None) is None:
        raise PermissionDenied(_("只有部门工作人员能查看本部门工单"))
    tickets = list(selectors.department_queue(department_id=user.department_id)[:100])
    return render(request, "web/hotline/department.html", {
        "department": user.department,
        "rows": [(t, selectors.alert_level(t)) for t in tickets]})
