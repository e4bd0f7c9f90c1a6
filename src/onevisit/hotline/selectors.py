"""Reading tickets: what each role may see of them (a report's caller is hidden from
departments), the queues, a caller's history, deadline alerts, and the tickets about an
application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import QuerySet

from onevisit import clock
from onevisit.accounts.models import Department, Role
from onevisit.accounts.regions import covers, scope_of, within
from onevisit.accounts.selectors import township_platforms
from onevisit.applications.models import Application
from onevisit.exchange.services import subject_mask
from onevisit.hotline.constants import (
    EVENT_ACTIONS,
    OPEN_STATUSES,
    AssignmentRole,
    ExtensionStatus,
    TicketStatus,
    TicketType,
)
from onevisit.hotline.dispatch import platform_reason
from onevisit.hotline.models import Ticket, TicketEvent, TicketExtension
from onevisit.hotline.services.common import (
    REGION_ROLES,
    caller_digests,
    event_note,
    ticket_in_scope,
)

# A yellow alert once this share of the time to the deadline is used; red once overdue.
YELLOW_SHARE = 0.8


def caller_visible(ticket: Ticket, viewer: Any) -> bool:
    """Who may see who called. A report's caller (举报人) is known to the 12345 centre and
    the supervisor only, never to a department; for other types the handling department
    sees the caller to contact her."""
    role = str(getattr(viewer, "role", ""))
    if getattr(viewer, "is_superuser", False) or role in (Role.AGENT, Role.DISPATCHER,
                                                          Role.SUPERVISOR):
        return True
    if role == Role.CITIZEN:
        return bool(ticket.caller_id == viewer.pk)
    return ticket.type != TicketType.REPORT


@dataclass(frozen=True)
class CallerShown:
    name: str
    phone: str
    email: str


def email_mask(email: str) -> str:
    """li.ming@example.com → l***@example.com."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***{at}{domain}" if email else ""


def caller_shown(ticket: Ticket, viewer: Any) -> CallerShown | None:
    """The caller as this viewer may see her: None when hidden; the phone and e-mail
    masked for a department (the centre relays calls and messages)."""
    if not caller_visible(ticket, viewer):
        return None
    role = str(getattr(viewer, "role", ""))
    full = role in (Role.AGENT, Role.DISPATCHER) or ticket.caller_id == getattr(viewer, "pk", 0)
    return CallerShown(name=ticket.caller_name,
                       phone=ticket.caller_phone if full else subject_mask(ticket.caller_phone),
                       email=ticket.caller_email if full else email_mask(ticket.caller_email))


def alert_level(ticket: Ticket, *, now: dt.datetime | None = None) -> str:
    """"red" when overdue, "yellow" when 80% of the time is used, else ""; a closed or
    merged ticket has none."""
    if ticket.status not in OPEN_STATUSES or ticket.due_at is None:
        return ""
    now = now or clock.now()
    if now > ticket.due_at:
        return "red"
    total = (ticket.due_at - ticket.created_at).total_seconds()
    used = (now - ticket.created_at).total_seconds()
    return "yellow" if total > 0 and used >= YELLOW_SHARE * total else ""


def tickets_in_scope(viewer: Any) -> QuerySet[Ticket]:
    """The tickets of the viewer's region (the centre's queues and lists)."""
    return Ticket.objects.filter(within("jurisdiction", scope_of(viewer)))


def ticket_get(*, number: str, viewer: Any) -> Ticket | None:
    """The ticket if this viewer may read it: the centre and supervisors any; a
    department those it handles or handled and those about its cases' applications; a
    citizen her own."""
    ticket = (Ticket.objects.select_related("lead_department", "region", "application",
                                            "master")
              .filter(number=number).first())
    if ticket is None:
        return None
    role = str(getattr(viewer, "role", ""))
    if getattr(viewer, "is_superuser", False) or role in REGION_ROLES:
        return ticket if ticket_in_scope(ticket, viewer) else None
    if role == Role.CITIZEN:
        return ticket if ticket.caller_id == viewer.pk else None
    if role == Role.REVIEWER and (
            ticket.assignments.filter(department_id=viewer.department_id).exists()
            or (ticket.application is not None and ticket.application.cases.filter(
                department_id=viewer.department_id).exists())):
        # Her department handles it, or it is about an application it has a case of.
        return ticket
    return None


def dispatch_queue(*, viewer: Any) -> QuerySet[Ticket]:
    """What waits for the dispatcher: new and returned tickets of her region, oldest
    deadline first."""
    return (tickets_in_scope(viewer)
            .filter(status__in=(TicketStatus.NEW, TicketStatus.RETURNED))
            .select_related("region").order_by("due_at", "id"))


@dataclass(frozen=True)
class DispatchTargets:
    """Whom the dispatcher may pick for a ticket: the grassroots platforms of its township
    (none when it has no township, or the township hosts none) and every other department
    of her region."""

    platforms: list[Department]
    departments: list[Department]


def dispatch_targets(ticket: Ticket, *, viewer: Any) -> DispatchTargets:
    scope = scope_of(viewer)
    platforms = (township_platforms(township_code=ticket.region_id) if ticket.region_id
                 else [])
    return DispatchTargets(
        platforms=[p for p in platforms if covers(scope, p.region_id)],
        departments=list(Department.objects.filter(within("region", scope), platform="")
                         .order_by("code")))


def suggestion_choices(ticket: Ticket) -> list[dict[str, Any]]:
    """The suggested departments kept with the ticket, named as they are now in the
    reader's language (the stored name is the day's, in Chinese), a platform's with the
    reason it comes first (`reason_text`)."""
    made = ticket.suggestion.get("choices", [])
    names = {department.code: department.name for department in
             Department.objects.filter(code__in=[choice["department"] for choice in made])}
    return [{**choice, "name": names.get(choice["department"], choice.get("name", "")),
             "reason_text": platform_reason(choice["reason"]) if choice.get("reason") else ""}
            for choice in made]


def extensions_pending(*, viewer: Any) -> QuerySet[TicketExtension]:
    return (TicketExtension.objects
            .filter(within("ticket__jurisdiction", scope_of(viewer)),
                    status=ExtensionStatus.PENDING)
            .select_related("ticket", "department").order_by("requested_at"))


def replied_to_close(*, viewer: Any) -> QuerySet[Ticket]:
    return (tickets_in_scope(viewer).filter(status=TicketStatus.REPLIED)
            .order_by("replied_at", "id"))


def department_queue(*, department_id: int) -> QuerySet[Ticket]:
    """A department's open tickets, as lead or co-handler, oldest deadline first."""
    return (Ticket.objects.filter(
        assignments__department_id=department_id, assignments__active=True,
        status__in=(TicketStatus.DISPATCHED, TicketStatus.ACCEPTED))
        .select_related("region").order_by("due_at", "id").distinct())


def assignment_role(ticket: Ticket, department_id: int | None) -> str:
    if department_id is None:
        return ""
    found = ticket.assignments.filter(department_id=department_id, active=True).first()
    return found.role if found else ""


@dataclass(frozen=True)
class CallerHistory:
    tickets: list[Ticket]
    applications: list[Application]


def caller_history(*, viewer: Any, phone: str = "", id_number: str = "",
                   limit: int = 20) -> CallerHistory:
    """The caller's earlier tickets (by her phone) and applications (by her ID number) in
    the agent's region, newest first, for the agent on the call."""
    digests = caller_digests(phone)
    tickets = (list(tickets_in_scope(viewer).filter(caller_digest__in=digests)
                    .select_related("lead_department").order_by("-created_at")[:limit])
               if digests else [])
    applications = (list(Application.objects.filter(
        within("region", scope_of(viewer)), applicant_id_number=id_number.strip().upper())
        .order_by("-submitted_at")[:limit]) if id_number.strip() else [])
    return CallerHistory(tickets=tickets, applications=applications)


def tickets_of_caller(*, user: Any, limit: int = 200) -> list[Ticket]:
    """A citizen's own tickets (我的诉求), newest first, with what answers them: a merged
    ticket is answered through its master."""
    return list(Ticket.objects.filter(caller=user).select_related("master", "lead_department")
                .order_by("-created_at", "-id")[:limit])


def tickets_about_application(application: Application) -> list[Ticket]:
    """Tickets that name the application (a complaint about it shows on its cases)."""
    return list(Ticket.objects.filter(application=application)
                .exclude(status=TicketStatus.MERGED).order_by("-created_at"))


def complaints_about_applications(*, scope: str, limit: int = 50) -> list[Ticket]:
    """Open complaints of `scope` that name an application, for the supervisor, newest
    first."""
    return list(Ticket.objects.filter(within("jurisdiction", scope),
                                      type=TicketType.COMPLAINT, application__isnull=False,
                                      status__in=OPEN_STATUSES)
                .exclude(status=TicketStatus.MERGED)
                .select_related("application", "lead_department")
                .order_by("-created_at")[:limit])


def tickets_escalated(*, scope: str) -> QuerySet[Ticket]:
    """For the supervisor: escalated by repeats or by reopens beyond the limit."""
    return Ticket.objects.filter(within("jurisdiction", scope),
                                 escalated=True).order_by("-created_at")


class LeadReturn(NamedTuple):
    code: str
    name: str  # in the reader's language
    reason: str


def lead_returns(ticket: Ticket) -> list[LeadReturn]:
    """Who returned the ticket as its lead (退单), and why, in order."""
    return [LeadReturn(assignment.department.code, assignment.department.name,
                       assignment.return_reason) for assignment in
            ticket.assignments.filter(role=AssignmentRole.LEAD, returned_at__isnull=False)
            .select_related("department").order_by("returned_at", "id")]


class HistoryLine(NamedTuple):
    event: TicketEvent
    label: str  # what was done, in the reader's language
    note: str  # in the reader's language where the system wrote it, else as written


def ticket_history(ticket: Ticket) -> list[HistoryLine]:
    """The ticket's history for its page: a note the system wrote (并入工单 RX…, a match's
    reasons) in the reader's language, one a person wrote as written."""
    return [HistoryLine(event, str(EVENT_ACTIONS.get(event.action, event.action)),
                        event_note(event.action, event.data) if event.data else event.note)
            for event in ticket.events.select_related("department")]
