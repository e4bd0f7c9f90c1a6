"""What every ticket service shares: locking, the transition table, the history, who may
act, the caller's digest and the per-type limit."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onevisit import clock
from onevisit.accounts.models import Department, Role
from onevisit.accounts.regions import covers, scope_of
from onevisit.audit.services import audit_record
from onevisit.catalogue.constants import LimitUnit
from onevisit.errors import Conflict, NotAllowed, NotFound
from onevisit.exchange.services import subject_digest, subject_digests
from onevisit.feedback.models import Score
from onevisit.hotline.constants import (
    ALLOWED_TRANSITIONS,
    DEFAULT_LIMIT_DAYS,
    EVENT_NOTES,
    AssignmentRole,
    TicketStatus,
)
from onevisit.hotline.duplicates import reasons_shown
from onevisit.hotline.models import Ticket, TicketAssignment, TicketEvent, TicketTypeRule
from onevisit.workdays.calendar import deadline_after

# The 12345 centre's own staff: agents take calls, dispatchers dispatch and decide.
CENTRE_ROLES = (Role.AGENT, Role.DISPATCHER)


def caller_digest(phone: str) -> str:
    """A keyed digest of the caller's phone number: finds her earlier tickets and her
    repeats without the number being read or shown."""
    digits = re.sub(r"\D", "", phone)
    return subject_digest(f"phone:{digits}") if digits else ""


def caller_digests(phone: str) -> list[str]:
    """The caller's digest under the current and every earlier digest key."""
    digits = re.sub(r"\D", "", phone)
    return subject_digests(f"phone:{digits}") if digits else []


def limit_days(ticket_type: str) -> int:
    """The instance's limit for the type, in working days."""
    rule = TicketTypeRule.objects.filter(type=ticket_type).first()
    return rule.limit_days if rule else DEFAULT_LIMIT_DAYS[ticket_type]


def due_after(start: dt.datetime, days: int) -> dt.datetime:
    """The same working-day clock as the departments' cases."""
    return deadline_after(start=start, limit=days, unit=LimitUnit.WORKING_DAYS).due_at


# The roles that work tickets by region: the 12345 centre and supervision.
REGION_ROLES = (Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR)


def ticket_in_scope(ticket: Ticket, viewer: Any) -> bool:
    """Centre staff and supervisors act on the tickets of their region's subtree only;
    departments and citizens are limited by what they handle or filed."""
    if str(getattr(viewer, "role", "")) not in REGION_ROLES:
        return True
    return covers(scope_of(viewer), ticket.jurisdiction_id)


def ticket_lock(number: str, actor: Any) -> Ticket:
    """The ticket, locked, if it lies in the acting centre staff member's region (another
    region's ticket is answered as if it did not exist)."""
    ticket = Ticket.objects.select_for_update().filter(number=number).first()
    if ticket is None or not ticket_in_scope(ticket, actor):
        raise NotFound(_("工单不存在"))
    return ticket


def role_require(actor: Any, roles: tuple[str, ...]) -> None:
    if str(getattr(actor, "role", "")) not in roles and not getattr(actor, "is_superuser", False):
        raise NotAllowed(_("您的角色不能执行此操作"))


def lead_require(ticket: Ticket, actor: Any) -> Department:
    """The acting staff member must belong to the ticket's lead department."""
    role_require(actor, (Role.REVIEWER,))
    if actor.department_id is None or actor.department_id != ticket.lead_department_id:
        raise NotAllowed(_("只有主办部门可以办理该工单"))
    return actor.department  # type: ignore[no-any-return]


def assignment_active(ticket: Ticket, department_id: int,
                      role: str = AssignmentRole.LEAD) -> TicketAssignment | None:
    return TicketAssignment.objects.filter(ticket=ticket, department_id=department_id,
                                           role=role, active=True).first()


def event_note(action: str, data: dict[str, Any]) -> str:
    """The note the system writes for an action from what it is made of (`data`), in the
    active language: 并入工单 RX…, a match's reasons, the caller's satisfaction."""
    if "reasons" in data:  # a match's, as `reasons_kept` keeps them
        return pgettext("reasons separator", "；").join(reasons_shown(data["reasons"]))
    if "satisfaction" in data:
        return f"{Score(data['satisfaction']).label} {data.get('note', '')}".strip()
    return str(EVENT_NOTES[action]) % data


def event_add(*, ticket: Ticket, actor: Any, action: str, note: str = "",
              data: dict[str, Any] | None = None,
              department: Department | None = None) -> TicketEvent:
    """Append to the ticket's history and the audit chain. The audit row names the ticket
    and the action only: no caller, no text. A note the system makes is given as its
    `data` (`event_note`) and kept in the language of record, whoever's page acted."""
    if data is not None:
        with translation.override(settings.LANGUAGE_CODE):
            note = event_note(action, data)
    event = TicketEvent.objects.create(
        ticket=ticket, at=clock.now(), actor=actor if getattr(actor, "pk", None) else None,
        action=action, status=ticket.status, department=department, note=note,
        data=data or {},
    )
    audit_record(actor=actor, action=f"ticket.{action}", entity="ticket",
                 entity_id=ticket.number,
                 data={"status": ticket.status,
                       **({"department": department.code} if department else {})})
    return event


def ticket_transition(*, ticket: Ticket, to: str, actor: Any, action: str, note: str = "",
                      data: dict[str, Any] | None = None,
                      department: Department | None = None,
                      update_fields: tuple[str, ...] = ()) -> Ticket:
    """Move a locked ticket along ALLOWED_TRANSITIONS, saving `update_fields` with it."""
    if (ticket.status, to) not in ALLOWED_TRANSITIONS:
        raise Conflict(_("工单当前状态为“%(status)s”，不能执行此操作")
                       % {"status": TicketStatus(ticket.status).label})
    ticket.status = to
    ticket.save(update_fields=["status", *update_fields])
    event_add(ticket=ticket, actor=actor, action=action, note=note, data=data,
              department=department)
    return ticket
