"""12345 hotline endpoints: tickets from intake to follow-up, the queues, the caller's
history for the agent on the call."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from onevisit.accounts.models import Role
from onevisit.api.auth import AUTH
from onevisit.api.idempotency import run_idempotent
from onevisit.api.schemas import NON_BLANK, ErrorOut, RowId
from onevisit.api.uploads import upload_decode
from onevisit.applications.services import Upload
from onevisit.errors import NotAllowed, NotFound
from onevisit.hotline import selectors
from onevisit.hotline.models import Ticket
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
from onevisit.hotline.services.handling import MAX_EXTENSION_DAYS

router = Router(tags=["hotline"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}
TicketTypeName = Literal["consultation", "complaint", "report", "suggestion", "help", "praise"]
ChannelName = Literal["phone", "web", "mobile", "email"]


class AttachmentIn(Schema):
    filename: str = Field("", max_length=200)
    content_base64: str


class TicketIn(Schema):
    type: TicketTypeName
    channel: ChannelName
    text: str = Field(..., max_length=4000, pattern=NON_BLANK)
    title: str = Field("", max_length=120)
    caller_name: str = Field("", max_length=64)
    caller_phone: str = Field("", max_length=20)
    region_code: str = Field("", max_length=12)
    address: str = Field("", max_length=200)
    application_number: str = Field("", max_length=32)
    attachments: list[AttachmentIn] = []
    answer: str = Field("", max_length=4000, description="closes the ticket on the call (直接办结)")
    independent: bool = Field(
        False, description="file it on its own although it matches an open ticket "
                           "(the agent judged the match wrong)")


class MatchOut(Schema):
    number: str
    kind: str
    score: float
    reasons: list[str]


class SuggestionOut(Schema):
    method: str
    choices: list[dict[str, Any]]


class CallerOut(Schema):
    name: str
    phone: str
    email: str


class EventOut(Schema):
    at: dt.datetime
    action: str
    status: str
    department: str
    note: str


class TicketOut(Schema):
    number: str
    type: str
    channel: str
    status: str
    title: str
    text: str
    caller: CallerOut | None
    region_code: str
    address: str
    latitude: float | None = Field(description="WGS84 decimal degrees, as the caller sent it")
    longitude: float | None = Field(description="WGS84 decimal degrees, as the caller sent it")
    media_url: str = Field(description="a link to a photo or video the caller sent; never "
                                       "fetched by the hotline")
    application_number: str
    lead_department: str
    due_at: dt.datetime | None
    alert: str
    reply: str
    master: str
    match_reason: dict[str, Any]
    escalated: bool
    return_count: int
    reopen_count: int
    satisfaction: int | None
    suggestion: dict[str, Any]
    events: list[EventOut]


class FilingOut(Schema):
    outcome: str
    ticket: TicketOut
    matches: list[MatchOut]


class DispatchIn(Schema):
    lead: str = Field(..., max_length=32, pattern=NON_BLANK)
    co: list[str] = []
    note: str = Field("", max_length=1000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000, pattern=NON_BLANK)


class ExtensionIn(Schema):
    days: int = Field(..., ge=1, le=MAX_EXTENSION_DAYS, description="working days")
    reason: str = Field(..., max_length=1000, pattern=NON_BLANK)


class ExtensionOut(Schema):
    id: int
    ticket_number: str
    days: int
    status: str


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=1000)


class ReplyIn(Schema):
    reply: str = Field(..., max_length=4000, pattern=NON_BLANK)


class OpinionIn(Schema):
    opinion: str = Field(..., max_length=4000, pattern=NON_BLANK)


class FollowUpIn(Schema):
    satisfaction: int = Field(..., ge=1, le=5)
    note: str = Field("", max_length=1000)


class MergeIn(Schema):
    master_number: str = Field(..., max_length=32)
    note: str = Field("", max_length=1000)


class SplitIn(Schema):
    note: str = Field(..., max_length=1000, pattern=NON_BLANK)


class QueueOut(Schema):
    number: str
    type: str
    status: str
    title: str
    region_code: str
    due_at: dt.datetime | None
    alert: str


class HistoryOut(Schema):
    tickets: list[QueueOut]
    applications: list[dict[str, Any]]


def ticket_out(ticket: Ticket, viewer: Any) -> dict[str, Any]:
    caller = selectors.caller_shown(ticket, viewer)
    return {
        "number": ticket.number, "type": ticket.type, "channel": ticket.channel,
        "status": ticket.status, "title": ticket.title, "text": ticket.text,
        "caller": ({"name": caller.name, "phone": caller.phone, "email": caller.email}
                   if caller else None),
        "region_code": ticket.region_id or "", "address": ticket.address,
        "latitude": ticket.latitude, "longitude": ticket.longitude,
        "media_url": ticket.media_url,
        "application_number": ticket.application.number if ticket.application else "",
        "lead_department": ticket.lead_department.code if ticket.lead_department else "",
        "due_at": ticket.due_at, "alert": selectors.alert_level(ticket),
        "reply": ticket.reply, "master": ticket.master.number if ticket.master else "",
        "match_reason": ticket.match_reason, "escalated": ticket.escalated,
        "return_count": ticket.return_count, "reopen_count": ticket.reopen_count,
        "satisfaction": ticket.satisfaction,
        "suggestion": ticket.suggestion if _centre(viewer) else {},
        "events": [{"at": e.at, "action": e.action, "status": e.status,
                    "department": e.department.name if e.department else "",
                    "note": e.note}
                   for e in ticket.events.select_related("department")],
    }


def _centre(user: Any) -> bool:
    return user.role in (Role.AGENT, Role.DISPATCHER) or user.is_superuser


def _queue_out(ticket: Ticket) -> dict[str, Any]:
    return {"number": ticket.number, "type": ticket.type, "status": ticket.status,
            "title": ticket.title, "region_code": ticket.region_id or "",
            "due_at": ticket.due_at, "alert": selectors.alert_level(ticket)}


def _viewed(number: str, user: Any) -> dict[str, Any]:
    ticket = selectors.ticket_get(number=number, viewer=user)
    if ticket is None:
        raise NotFound(_("工单不存在"))
    return ticket_out(ticket, user)


def _attachments(items: list[AttachmentIn]) -> list[Upload]:
    return [upload_decode(key=str(index), filename=item.filename,
                          content_base64=item.content_base64, field=f"attachments.{index}")
            for index, item in enumerate(items)]


@router.post("/tickets", auth=AUTH, response={201: FilingOut, **ERRORS})
def create(request: HttpRequest, payload: TicketIn) -> Status[Any]:
    """File a ticket (agent, dispatcher, or a citizen for herself). A repeat or a matter
    already open is linked or merged, with the reasons (`matches`); with `answer` the
    agent closes it on the call."""
    user = request.auth  # type: ignore[attr-defined]
    data = payload.dict()

    def handler() -> tuple[int, Any]:
        filing = ticket_create(
            data=TicketInput(
                type=payload.type, channel=payload.channel, text=payload.text,
                title=payload.title, caller_name=payload.caller_name,
                caller_phone=payload.caller_phone, region_code=payload.region_code,
                address=payload.address, application_number=payload.application_number,
                attachments=_attachments(payload.attachments)),
            actor=user, answer=payload.answer, independent=payload.independent)
        return 201, {
            "outcome": filing.outcome, "ticket": _viewed(filing.ticket.number, user),
            "matches": [{"number": m.number, "kind": m.kind, "score": round(m.score, 3),
                         "reasons": [str(r) for r in m.reasons]} for m in filing.matches],
        }

    return run_idempotent(request, endpoint="tickets.create", payload=data, handler=handler)


@router.get("/tickets/{number}", auth=AUTH, response={200: TicketOut, **ERRORS})
def detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _viewed(number, request.auth)  # type: ignore[attr-defined]


def _act(request: HttpRequest, number: str, name: str, payload: Any, action: Any) -> Status[Any]:
    user = request.auth  # type: ignore[attr-defined]

    def handler() -> tuple[int, Any]:
        action(user)
        return 200, _viewed(number, user)

    return run_idempotent(request, endpoint=f"tickets.{number}.{name}", payload=payload,
                          handler=handler)


@router.post("/tickets/{number}/dispatch", auth=AUTH, response={200: TicketOut, **ERRORS})
def dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> Status[Any]:
    """派单 (dispatcher): one lead department and any co-handlers."""
    return _act(request, number, "dispatch", payload.dict(), lambda user: ticket_dispatch(
        number=number, lead=payload.lead, co=payload.co, note=payload.note, actor=user))


@router.post("/tickets/{number}/accept", auth=AUTH, response={200: TicketOut, **ERRORS})
def accept(request: HttpRequest, number: str) -> Status[Any]:
    """签收 (the lead department)."""
    return _act(request, number, "accept", {},
                lambda user: ticket_accept(number=number, actor=user))


@router.post("/tickets/{number}/return", auth=AUTH, response={200: TicketOut, **ERRORS})
def return_(request: HttpRequest, number: str, payload: ReasonIn) -> Status[Any]:
    """退单 (the lead department), with a reason; back to the dispatcher."""
    return _act(request, number, "return", payload.dict(), lambda user: ticket_return(
        number=number, reason=payload.reason, actor=user))


@router.post("/tickets/{number}/extensions", auth=AUTH,
             response={201: ExtensionOut, **ERRORS})
def extension_request(request: HttpRequest, number: str, payload: ExtensionIn) -> Status[Any]:
    """延期 (the lead department): more working days, for the dispatcher to approve."""
    user = request.auth  # type: ignore[attr-defined]

    def handler() -> tuple[int, Any]:
        extension = ticket_extension_request(number=number, days=payload.days,
                                             reason=payload.reason, actor=user)
        return 201, {"id": extension.pk, "ticket_number": number, "days": extension.days,
                     "status": extension.status}

    return run_idempotent(request, endpoint=f"tickets.{number}.extensions",
                          payload=payload.dict(), handler=handler)


@router.post("/ticket-extensions/{extension_id}/decision", auth=AUTH,
             response={200: ExtensionOut, **ERRORS})
def extension_decide(request: HttpRequest, extension_id: RowId,
                     payload: DecisionIn) -> Status[Any]:
    user = request.auth  # type: ignore[attr-defined]

    def handler() -> tuple[int, Any]:
        extension = ticket_extension_decide(extension_id=extension_id, approve=payload.approve,
                                            note=payload.note, actor=user)
        return 200, {"id": extension.pk, "ticket_number": extension.ticket.number,
                     "days": extension.days, "status": extension.status}

    return run_idempotent(request, endpoint=f"ticket-extensions.{extension_id}",
                          payload=payload.dict(), handler=handler)


@router.post("/tickets/{number}/reply", auth=AUTH, response={200: TicketOut, **ERRORS})
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> Status[Any]:
    """答复 (the lead department)."""
    return _act(request, number, "reply", payload.dict(), lambda user: ticket_reply(
        number=number, reply=payload.reply, actor=user))


@router.post("/tickets/{number}/co-opinion", auth=AUTH, response={200: TicketOut, **ERRORS})
def co_opinion(request: HttpRequest, number: str, payload: OpinionIn) -> Status[Any]:
    """协办意见 (a co-handling department)."""
    return _act(request, number, "co-opinion", payload.dict(), lambda user: ticket_co_opinion(
        number=number, opinion=payload.opinion, actor=user))


@router.post("/tickets/{number}/close", auth=AUTH, response={200: TicketOut, **ERRORS})
def close(request: HttpRequest, number: str) -> Status[Any]:
    """办结 (the centre): the reply goes to the caller and to the callers merged in."""
    return _act(request, number, "close", {},
                lambda user: ticket_close(number=number, actor=user))


@router.post("/tickets/{number}/follow-up", auth=AUTH, response={200: TicketOut, **ERRORS})
def follow_up(request: HttpRequest, number: str, payload: FollowUpIn) -> Status[Any]:
    """回访: satisfaction 1–5; an unsatisfied caller reopens the ticket (重办)."""
    return _act(request, number, "follow-up", payload.dict(), lambda user: ticket_follow_up(
        number=number, satisfaction=payload.satisfaction, note=payload.note, actor=user))


@router.post("/tickets/{number}/merge", auth=AUTH, response={200: TicketOut, **ERRORS})
def merge(request: HttpRequest, number: str, payload: MergeIn) -> Status[Any]:
    """并单 (dispatcher)."""
    return _act(request, number, "merge", payload.dict(), lambda user: ticket_merge(
        number=number, master_number=payload.master_number, note=payload.note, actor=user))


@router.post("/tickets/{number}/split", auth=AUTH, response={200: TicketOut, **ERRORS})
def split(request: HttpRequest, number: str, payload: SplitIn) -> Status[Any]:
    """拆单 (dispatcher): a wrong merge undone."""
    return _act(request, number, "split", payload.dict(), lambda user: ticket_split(
        number=number, note=payload.note, actor=user))


@router.get("/hotline/dispatch-queue", auth=AUTH, response={200: list[QueueOut], **ERRORS})
def dispatch_queue(request: HttpRequest, limit: int = 100) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if not _centre(user):
        raise NotAllowed(_("只有 12345 工作人员可以查看派单队列"))
    return [_queue_out(t) for t in selectors.dispatch_queue(viewer=user)[: max(1, min(limit, 500))]]


@router.get("/hotline/department-queue", auth=AUTH, response={200: list[QueueOut], **ERRORS})
def department_queue(request: HttpRequest, limit: int = 100) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if user.role != Role.REVIEWER or user.department_id is None:
        raise NotAllowed(_("只有部门工作人员可以查看本部门工单"))
    queue = selectors.department_queue(department_id=user.department_id)
    return [_queue_out(t) for t in queue[: max(1, min(limit, 500))]]


@router.get("/hotline/caller-history", auth=AUTH, response={200: HistoryOut, **ERRORS})
def caller_history(request: HttpRequest, phone: str = "", id_number: str = "") -> dict[str, Any]:
    """The caller's earlier tickets (by phone) and applications (by ID number), for the
    agent on the call."""
    user = request.auth  # type: ignore[attr-defined]
    if not _centre(user):
        raise NotAllowed(_("只有 12345 工作人员可以查看来电人记录"))
    history = selectors.caller_history(viewer=user, phone=phone, id_number=id_number)
    return {"tickets": [_queue_out(t) for t in history.tickets],
            "applications": [{"number": a.number, "title": a.title, "status": a.status,
                              "submitted_at": a.submitted_at} for a in history.applications]}
