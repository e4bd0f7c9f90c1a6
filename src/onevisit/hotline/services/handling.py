"""Handling a ticket: dispatch (派单) to a lead department with co-handlers, the
department's acceptance, return (退单), extension (延期) and reply, the closing with the
reply sent to the caller, and the follow-up (回访) that may reopen it (重办)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Role
from onevisit.accounts.regions import scope_of, within
from onevisit.audit.services import atomic_audited
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.feedback.models import BAD_SCORE_MAX, Score
from onevisit.hotline.constants import AssignmentRole, ExtensionStatus, TicketStatus
from onevisit.hotline.duplicates import duplicate_index_add, duplicate_index_remove
from onevisit.hotline.models import Ticket, TicketAssignment, TicketEvent, TicketExtension
from onevisit.hotline.services.common import (
    CENTRE_ROLES,
    assignment_active,
    due_after,
    event_add,
    lead_require,
    role_require,
    ticket_lock,
    ticket_transition,
)
from onevisit.hotline.services.replies import reply_send_later
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send

log = structlog.get_logger(__name__)

MAX_EXTENSION_DAYS = 30


def _setting(name: str) -> int:
    return int(str(settings.ONEVISIT[name]))


def _departments(codes: Iterable[str], actor: Any) -> list[Department]:
    """The departments by code, of the dispatcher's region only."""
    codes = [c.strip() for c in codes if c.strip()]
    found = {d.code: d for d in Department.objects.filter(within("region", scope_of(actor)),
                                                           code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise InvalidInput(_("部门不存在：%(codes)s") % {"codes": "、".join(unknown)},
                           {"department": _("请选择已有的部门")})
    return [found[c] for c in codes]


def _platforms_check(ticket: Ticket, lead: Department, co: list[Department]) -> None:
    """A township's grassroots platform handles the matters of its township only (属地管理):
    it may lead or co-handle a ticket located in that township, never one elsewhere or
    one whose township is not known."""
    errors: dict[str, str] = {}
    for field, department in [("lead", lead), *(("co", d) for d in co)]:
        if department.platform and department.region_id != ticket.region_id:
            errors.setdefault(field, _("%(platform)s只办理本乡镇（街道）的工单")
                              % {"platform": department.name})
    if errors:
        raise InvalidInput(_("乡镇（街道）平台只能办理所在乡镇（街道）的工单"), errors)


@atomic_audited
def ticket_dispatch(*, number: str, lead: str, co: Iterable[str] = (), actor: Any,
                    note: str = "") -> Ticket:
    """派单: the dispatcher confirms one lead department (主办) and any co-handlers (协办):
    any department, and the grassroots platforms of the ticket's own township. The
    suggestion shown is kept beside the choice, so dispatch learns from corrections."""
    role_require(actor, (Role.DISPATCHER,))
    if not lead.strip():
        raise InvalidInput(_("请选择主办部门"), {"lead": _("必填")})
    lead_department, *others = _departments([lead, *co], actor)
    if lead_department in others or len(set(others)) != len(others):
        raise InvalidInput(_("主办和协办部门不能重复"), {"co": _("请去掉重复的部门")})
    ticket = ticket_lock(number, actor)
    _platforms_check(ticket, lead_department, others)
    now = clock.now()
    TicketAssignment.objects.filter(ticket=ticket, active=True).update(active=False)
    TicketAssignment.objects.bulk_create(
        [TicketAssignment(ticket=ticket, department=lead_department, role=AssignmentRole.LEAD,
                          assigned_at=now, assigned_by=actor)]
        + [TicketAssignment(ticket=ticket, department=d, role=AssignmentRole.CO,
                            assigned_at=now, assigned_by=actor) for d in others])
    ticket.lead_department, ticket.dispatched_at = lead_department, now
    suggested = [c["department"] for c in ticket.suggestion.get("choices", [])]
    ticket.suggestion = {**ticket.suggestion, "chosen": lead_department.code,
                         "corrected": bool(suggested) and suggested[0] != lead_department.code}
    return ticket_transition(
        ticket=ticket, to=TicketStatus.DISPATCHED, actor=actor, action="dispatched",
        note=note, department=lead_department,
        update_fields=("lead_department", "dispatched_at", "suggestion"))


@atomic_audited
def ticket_accept(*, number: str, actor: Any) -> Ticket:
    """签收 by the lead department."""
    ticket = ticket_lock(number, actor)
    department = lead_require(ticket, actor)
    TicketAssignment.objects.filter(ticket=ticket, department=department, active=True,
                                    role=AssignmentRole.LEAD).update(accepted_at=clock.now())
    return ticket_transition(ticket=ticket, to=TicketStatus.ACCEPTED, actor=actor,
                             action="accepted", department=department)


@atomic_audited
def ticket_return(*, number: str, reason: str, actor: Any) -> Ticket:
    """退单: the lead department says the ticket is not its matter, with a reason. It goes
    back to the dispatcher; a ticket may be returned only so many times, after which the
    department must handle it or settle it with the dispatcher."""
    if not reason.strip():
        raise InvalidInput(_("请说明退单原因"), {"reason": _("必填")})
    ticket = ticket_lock(number, actor)
    department = lead_require(ticket, actor)
    if ticket.return_count >= _setting("HOTLINE_MAX_RETURNS"):
        raise Conflict(_("该工单退单次数已达上限，请办理或与派单员协商"))
    now = clock.now()
    TicketAssignment.objects.filter(ticket=ticket, active=True).update(active=False)
    TicketAssignment.objects.filter(ticket=ticket, department=department,
                                    role=AssignmentRole.LEAD, returned_at__isnull=True
                                    ).update(returned_at=now, return_reason=reason.strip())
    ticket.return_count += 1
    ticket.lead_department = None
    ticket.suggestion = _suggestion_refused(ticket.suggestion, department.code)
    return ticket_transition(ticket=ticket, to=TicketStatus.RETURNED, actor=actor,
                             action="returned", note=reason.strip(), department=department,
                             update_fields=("return_count", "lead_department", "suggestion"))


def _suggestion_refused(suggestion: dict[str, Any], code: str) -> dict[str, Any]:
    """The dispatch suggestion less a department that returned the ticket (it said the
    matter is not its own: it is not suggested again); uncertain when it was the first
    choice — the dispatcher decides again."""
    choices = suggestion.get("choices", [])
    kept = [choice for choice in choices if choice["department"] != code]
    if len(kept) == len(choices):
        return suggestion
    return {**suggestion, "choices": kept,
            "uncertain": bool(suggestion.get("uncertain")) or choices[0]["department"] == code}


@atomic_audited
def ticket_extension_request(*, number: str, days: int, reason: str,
                             actor: Any) -> TicketExtension:
    """延期: the lead department asks for more working days; the dispatcher decides."""
    errors = {}
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = _("延期天数应在 1 到 %(n)d 个工作日之间") % {"n": MAX_EXTENSION_DAYS}
    if not reason.strip():
        errors["reason"] = _("必填")
    if errors:
        raise InvalidInput(_("延期申请有误"), errors)
    ticket = ticket_lock(number, actor)
    department = lead_require(ticket, actor)
    if ticket.status != TicketStatus.ACCEPTED:
        raise Conflict(_("只有办理中的工单可以申请延期"))
    if ticket.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("已有一份延期申请待审批"))
    extension = TicketExtension.objects.create(
        ticket=ticket, department=department, days=days, reason=reason.strip(),
        requested_at=clock.now(), requested_by=actor)
    event_add(ticket=ticket, actor=actor, action="extension_requested", department=department,
              data={"days": days, "reason": reason.strip()})
    return extension


@atomic_audited
def ticket_extension_decide(*, extension_id: int, approve: bool, actor: Any,
                            note: str = "") -> TicketExtension:
    """The dispatcher approves (the deadline moves by that many working days) or refuses."""
    role_require(actor, (Role.DISPATCHER,))
    extension = TicketExtension.objects.select_for_update().filter(pk=extension_id).first()
    if extension is None:
        raise NotFound(_("延期申请不存在"))
    ticket = ticket_lock(extension.ticket.number, actor)
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict(_("该延期申请已审批"))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_at, extension.decided_by, extension.note = clock.now(), actor, note
    extension.save(update_fields=["status", "decided_at", "decided_by", "note"])
    if approve and ticket.due_at is not None:
        ticket.due_at = due_after(ticket.due_at, extension.days)
        ticket.save(update_fields=["due_at"])
    event_add(ticket=ticket, actor=actor,
              action="extension_approved" if approve else "extension_refused", note=note,
              department=extension.department)
    return extension


@atomic_audited
def ticket_reply(*, number: str, reply: str, actor: Any) -> Ticket:
    """答复 by the lead department; the centre then closes the ticket and sends it on."""
    if not reply.strip():
        raise InvalidInput(_("请填写答复内容"), {"reply": _("必填")})
    ticket = ticket_lock(number, actor)
    department = lead_require(ticket, actor)
    ticket.reply, ticket.replied_at = reply.strip(), clock.now()
    return ticket_transition(ticket=ticket, to=TicketStatus.REPLIED, actor=actor,
                             action="replied", department=department,
                             update_fields=("reply", "replied_at"))


@atomic_audited
def ticket_co_opinion(*, number: str, opinion: str, actor: Any) -> TicketEvent:
    """协办意见: a co-handling department's contribution, for the lead to use."""
    if not opinion.strip():
        raise InvalidInput(_("请填写协办意见"), {"opinion": _("必填")})
    role_require(actor, (Role.REVIEWER,))
    ticket = ticket_lock(number, actor)
    if assignment_active(ticket, actor.department_id or 0, AssignmentRole.CO) is None:
        raise NotAllowed(_("只有协办部门可以提交协办意见"))
    return event_add(ticket=ticket, actor=actor, action="co_opinion", note=opinion.strip(),
                     department=actor.department)


@atomic_audited
def ticket_close(*, number: str, actor: Any) -> Ticket:
    """办结: the centre closes a replied ticket; the reply goes to the caller and to every
    caller whose ticket was merged into it (answered all at once)."""
    role_require(actor, CENTRE_ROLES)
    ticket = ticket_lock(number, actor)
    if ticket.status != TicketStatus.REPLIED:
        raise Conflict(_("部门答复后才能办结"))
    now = clock.now()
    ticket.closed_at = now
    ticket_transition(ticket=ticket, to=TicketStatus.CLOSED, actor=actor, action="closed",
                      update_fields=("closed_at",))
    merged = list(ticket.merged.select_for_update().filter(status=TicketStatus.MERGED))
    for other in merged:
        other.reply, other.closed_at = ticket.reply, now
        other.save(update_fields=["reply", "closed_at"])
        event_add(ticket=other, actor=actor, action="answered_with_master",
                  data={"number": ticket.number})
    duplicate_index_remove(ticket_ids=[ticket.pk])
    reply_send_later(ticket)
    return ticket


@atomic_audited
def ticket_follow_up(*, number: str, satisfaction: int, actor: Any, note: str = "") -> Ticket:
    """回访: the caller's satisfaction with a closed ticket. An unsatisfied caller has it
    reopened (重办) for the same lead department with a new deadline — up to the configured
    number of times; after that it is escalated to the supervisor instead."""
    role_require(actor, CENTRE_ROLES)
    if satisfaction not in Score.values:
        raise InvalidInput(_("满意度无效"), {"satisfaction": _("应为 1 到 5")})
    ticket = ticket_lock(number, actor)
    if ticket.status != TicketStatus.CLOSED:
        raise Conflict(_("只有已办结的工单可以回访"))
    now = clock.now()
    ticket.satisfaction, ticket.followed_up_at = satisfaction, now
    ticket.save(update_fields=["satisfaction", "followed_up_at"])
    event_add(ticket=ticket, actor=actor, action="followed_up",
              data={"satisfaction": satisfaction, "note": note.strip()})
    if satisfaction > BAD_SCORE_MAX or ticket.closed_first_contact:
        return ticket
    if ticket.reopen_count >= _setting("HOTLINE_MAX_REOPENS"):
        ticket.escalated = True
        ticket.save(update_fields=["escalated"])
        event_add(ticket=ticket, actor=actor, action="escalated",
                  data={"reopens": ticket.reopen_count})
        return ticket
    ticket.reopen_count += 1
    ticket.due_at = due_after(now, ticket.limit_days)
    ticket.closed_at = ticket.replied_at = None
    department = ticket.lead_department
    TicketAssignment.objects.filter(ticket=ticket, active=True, role=AssignmentRole.LEAD
                                    ).update(accepted_at=None)
    duplicate_index_add(ticket=ticket)  # open again: a repeat or another caller matches it
    return ticket_transition(ticket=ticket, to=TicketStatus.DISPATCHED, actor=actor,
                             action="reopened", note=note, department=department,
                             update_fields=("reopen_count", "due_at", "closed_at",
                                            "replied_at"))


def ticket_reply_deliver(*, number: str) -> int:
    """Send a closed ticket's reply to its caller and to the callers merged into it
    (through `notifications`: by SMS, and to the caller's account when she has one), each
    once per closing (a retried task sends nothing twice). Returns how many callers were
    told."""
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None or ticket.closed_at is None:
        return 0
    sent = 0
    for target in [ticket, *ticket.merged.filter(status=TicketStatus.MERGED)]:
        with transaction.atomic():
            target = Ticket.objects.select_for_update().get(pk=target.pk)
            if target.events.filter(action="reply_sent", at__gte=target.closed_at).exists():
                continue
            if not target.caller_phone and target.caller is None:
                continue
            notification_send(
                event=NotifyEvent.HOTLINE_REPLY,
                key=f"{target.number}:{target.closed_at:%Y%m%d%H%M%S}" if target.closed_at
                else target.number,
                user=target.caller, phone=target.caller_phone,
                context={"number": target.number, "reply": target.reply})
            event_add(ticket=target, actor=None, action="reply_sent")
            sent += 1
    log.info("ticket_reply_sent", number=number, messages=sent)
    return sent
