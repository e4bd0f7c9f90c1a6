"""The hall's number queue (取号/叫号) and appointments (预约): one transaction each, with
its audit events.

Locks, always taken in this order: appointment → category → window → ticket. Issuing a
number locks its category (the day's numbering); calling the next number locks the window
and takes the first waiting ticket no other window holds (SKIP LOCKED on PostgreSQL;
SQLite runs one writer at a time); booking locks the hall (capacity and double booking).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

import structlog
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.applications.models import Application
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue import validation
from onevisit.catalogue.selectors import item_current
from onevisit.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from onevisit.hall.constants import (
    ACTIVE_TICKET_STATUSES,
    ALLOWED_APPOINTMENT_TRANSITIONS,
    ALLOWED_TICKET_TRANSITIONS,
    BOOKING_CODE_ALPHABET,
    BOOKING_CODE_LENGTH,
    CHECK_IN_CLOSES_AFTER,
    CHECK_IN_OPENS_BEFORE,
    HOLDING_APPOINTMENT_STATUSES,
    RECALL_DEBOUNCE,
    AppointmentStatus,
    TicketEventKind,
    TicketStatus,
)
from onevisit.hall.models import (
    Appointment,
    Hall,
    QueueTicket,
    QueueTicketEvent,
    ServiceCategory,
    ServiceWindow,
)
from onevisit.hall.selectors import (
    hall_hours,
    hall_is_open,
    service_day,
    slot_bookable_problem,
    slot_end,
)
from onevisit.lifeevents.selectors import life_event_by_code

log = structlog.get_logger(__name__)


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _clerk(actor: Any) -> None:
    if getattr(actor, "role", None) != Role.CLERK:
        raise NotAllowed(_("只有窗口工作人员能叫号和办理"))


def _event(ticket: QueueTicket, kind: str, actor: Any) -> None:
    QueueTicketEvent.objects.create(ticket=ticket, kind=kind, at=clock.now(),
                                    window=ticket.window, actor=_actor_or_none(actor))
    audit_record(actor=actor, action=f"queue_ticket.{kind}", entity="queue_ticket",
                 entity_id=ticket.pk,
                 data={"hall": ticket.hall_id, "day": ticket.service_day.isoformat(),
                       "number": ticket.number,
                       "window": ticket.window.number if ticket.window else None})


# --- numbers ---------------------------------------------------------------------------


def _issue(*, category: ServiceCategory, actor: Any, id_number: str, request_key: str,
           appointment: Appointment | None) -> QueueTicket:
    """The next number of a locked category for today, only while the hall is open."""
    now = clock.now()
    if not hall_is_open(hall=category.hall, now=now):
        raise Conflict(_("服务中心现在不办理取号。开放时间：%(hours)s") % {
            "hours": hall_hours(category.hall)})
    day = service_day(now)
    last = QueueTicket.objects.filter(category=category, service_day=day).aggregate(
        last=Max("sequence"))["last"] or 0
    sequence = last + 1
    if appointment is None:
        if category.daily_ticket_limit and sequence > category.daily_ticket_limit:
            raise DomainError(_("“%(category)s”今日号已取完") % {"category": category.name})
        if not category.windows.filter(is_active=True).exists():
            raise DomainError(_("“%(category)s”暂无窗口办理") % {"category": category.name})
    ticket = QueueTicket.objects.create(
        hall=category.hall, category=category, service_day=day, sequence=sequence,
        number=f"{category.prefix}{sequence:03d}", priority=appointment is not None,
        appointment=appointment, id_number=id_number, request_key=request_key, issued_at=now,
    )
    _event(ticket, TicketEventKind.ISSUED, actor)
    log.info("queue_ticket_issued", hall=category.hall.code, number=ticket.number,
             priority=ticket.priority)
    return ticket


def _locked_category(category_id: int) -> ServiceCategory:
    category = (
        ServiceCategory.objects.select_for_update(of=("self",)).select_related("hall")
        .filter(pk=category_id, is_active=True, hall__is_active=True).first()
    )
    if category is None:
        raise NotFound(_("业务类别不存在或已停用"))
    return category


@atomic_audited
def ticket_issue(
    *, category_id: int, actor: Any = None, id_number: str = "", request_key: str = ""
) -> QueueTicket:
    """Take a number (取号) in a category. Numbers run per category per day (A001, A002, …)
    and restart each day. A retried request with the same `request_key` gets the same
    number."""
    errors: dict[str, str | Promise] = {}
    if len(request_key) > 64:
        errors["request_key"] = _("最多64个字符")
    if id_number.strip():
        try:
            id_number = validation.resident_id(id_number)
        except validation.FieldInvalid as exc:
            errors["id_number"] = exc.reason
    if errors:
        raise InvalidInput(_("取号信息有误"), errors)
    category = _locked_category(category_id)
    if request_key:
        # Looked up under the category lock, so a concurrent duplicate waits and finds it.
        earlier = QueueTicket.objects.filter(request_key=request_key).first()
        if earlier is not None:
            return earlier
    return _issue(category=category, actor=actor, id_number=id_number.strip(),
                  request_key=request_key, appointment=None)


def _locked_window(window_id: int) -> ServiceWindow:
    window = (
        ServiceWindow.objects.select_for_update(of=("self",)).select_related("hall")
        .filter(pk=window_id, is_active=True).first()
    )
    if window is None:
        raise NotFound(_("窗口不存在或已停用"))
    return window


def _close_left_over(ticket: QueueTicket, actor: Any) -> None:
    """A number an earlier day left at the window: called → no-show, served → done."""
    ticket.status = (TicketStatus.NO_SHOW if ticket.status == TicketStatus.CALLED
                     else TicketStatus.DONE)
    ticket.finished_at = clock.now()
    ticket.save(update_fields=["status", "finished_at"])
    _event(ticket, ticket.status, actor)


@atomic_audited
def ticket_call_next(*, window_id: int, actor: Any) -> QueueTicket | None:
    """Call the next number at a window (叫号): of today's waiting tickets in the categories
    the window serves, appointments first, then in the order they were taken. Two windows
    calling at once never get the same ticket. While the window's called number has not
    come, calling again (a retried press) gives that number again; a number being served
    must be finished first. None when nobody is waiting."""
    _clerk(actor)
    window = _locked_window(window_id)
    today = service_day(clock.now())
    current = (QueueTicket.objects.select_for_update()
               .filter(window=window, status__in=ACTIVE_TICKET_STATUSES).first())
    if current is not None and current.service_day < today:
        _close_left_over(current, actor)
    elif current is not None:
        if current.status == TicketStatus.CALLED:
            return current
        raise Conflict(_("%(number)s 号正在办理，请先办结") % {"number": current.number})
    categories = list(window.categories.filter(hall=window.hall, is_active=True)
                      .values_list("pk", flat=True))
    ticket = (
        QueueTicket.objects.select_for_update(skip_locked=True)
        .filter(category_id__in=categories, service_day=today, status=TicketStatus.WAITING)
        .order_by("-priority", "issued_at", "pk").first()
    )
    if ticket is None:
        return None
    now = clock.now()
    ticket.status = TicketStatus.CALLED
    ticket.window = window
    ticket.called_at = now
    ticket.announced_at = now
    ticket.save(update_fields=["status", "window", "called_at", "announced_at"])
    _event(ticket, TicketEventKind.CALLED, actor)
    return ticket


def _locked_ticket(ticket_id: int, window_id: int | None) -> QueueTicket:
    ticket = (
        QueueTicket.objects.select_for_update(of=("self",))
        .select_related("window", "category")
        .filter(pk=ticket_id).first()
    )
    if ticket is None:
        raise NotFound(_("排队号不存在"))
    if window_id is not None and ticket.window_id != window_id:
        raise Conflict(_("%(number)s 号不在本窗口") % {"number": ticket.number})
    return ticket


def _ticket_transition(*, ticket_id: int, to: str, actor: Any, window_id: int | None,
                       stamp: str) -> QueueTicket:
    """Move a ticket along ALLOWED_TICKET_TRANSITIONS; a retry of a move already made
    changes nothing."""
    _clerk(actor)
    ticket = _locked_ticket(ticket_id, window_id)
    if ticket.status == to:
        return ticket
    if to not in ALLOWED_TICKET_TRANSITIONS[ticket.status]:
        raise Conflict(
            _("%(number)s 号当前为“%(status)s”，不能变为“%(to)s”")
            % {"number": ticket.number, "status": ticket.get_status_display(),
               "to": TicketStatus(to).label}
        )
    ticket.status = to
    setattr(ticket, stamp, clock.now())
    ticket.save(update_fields=["status", stamp])
    _event(ticket, to, actor)
    return ticket


@atomic_audited
def ticket_recall(*, ticket_id: int, actor: Any, window_id: int | None = None) -> QueueTicket:
    """Call a called number again (重呼); the display shows it at the top once more."""
    _clerk(actor)
    ticket = _locked_ticket(ticket_id, window_id)
    if ticket.status != TicketStatus.CALLED:
        raise Conflict(_("%(number)s 号当前为“%(status)s”，不能重呼")
                       % {"number": ticket.number, "status": ticket.get_status_display()})
    now = clock.now()
    if ticket.announced_at and now - ticket.announced_at < RECALL_DEBOUNCE:
        return ticket
    ticket.announced_at = now
    ticket.recalls += 1
    ticket.save(update_fields=["announced_at", "recalls"])
    _event(ticket, TicketEventKind.RECALLED, actor)
    return ticket


@atomic_audited
def ticket_serve(*, ticket_id: int, actor: Any, window_id: int | None = None) -> QueueTicket:
    """The called person is at the window: service starts (开始办理)."""
    return _ticket_transition(ticket_id=ticket_id, to=TicketStatus.SERVING, actor=actor,
                              window_id=window_id, stamp="serving_at")


@atomic_audited
def ticket_no_show(*, ticket_id: int, actor: Any, window_id: int | None = None) -> QueueTicket:
    """The called person did not come (过号); the window may call the next number."""
    return _ticket_transition(ticket_id=ticket_id, to=TicketStatus.NO_SHOW, actor=actor,
                              window_id=window_id, stamp="finished_at")


def _link(ticket: QueueTicket, application_number: str, actor: Any) -> None:
    application = Application.objects.filter(number=application_number).first()
    if application is None:
        raise NotFound(_("办件 %(number)s 不存在") % {"number": application_number})
    if ticket.applications.filter(pk=application.pk).exists():
        return
    ticket.applications.add(application)
    audit_record(actor=actor, action="queue_ticket.application_linked", entity="queue_ticket",
                 entity_id=ticket.pk, data={"application": application.number})


@atomic_audited
def ticket_finish(
    *, ticket_id: int, actor: Any, window_id: int | None = None,
    application_numbers: Sequence[str] = (),
) -> QueueTicket:
    """Finish serving a number (办结), linking the applications handled for it."""
    ticket = _ticket_transition(ticket_id=ticket_id, to=TicketStatus.DONE, actor=actor,
                                window_id=window_id, stamp="finished_at")
    for number in application_numbers:
        _link(ticket, number, actor)
    return ticket


@atomic_audited
def ticket_link_application(*, ticket_id: int, application_number: str,
                            actor: Any) -> QueueTicket:
    """Record that an application was handled for this number (idempotent)."""
    _clerk(actor)
    ticket = _locked_ticket(ticket_id, None)
    if ticket.status not in (TicketStatus.SERVING, TicketStatus.DONE):
        raise Conflict(_("%(number)s 号尚未开始办理") % {"number": ticket.number})
    _link(ticket, application_number, actor)
    return ticket


# --- appointments ----------------------------------------------------------------------


def _booking_code() -> str:
    while True:
        code = "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))
        if not Appointment.objects.filter(booking_code=code).exists():
            return code


def _clean_person(
    name: str, id_number: str, phone: str, errors: dict[str, Any]
) -> tuple[str, str, str]:
    name = name.strip()
    if not name:
        errors["applicant_name"] = _("必填")
    elif len(name) > 64:
        errors["applicant_name"] = _("最多64个字符")
    try:
        id_number = validation.resident_id(id_number)
    except validation.FieldInvalid as exc:
        errors["id_number"] = exc.reason
    try:
        phone = validation.phone(phone)
    except validation.FieldInvalid as exc:
        errors["phone"] = exc.reason
    return name, id_number, phone


def _clean_subject(item_code: str, life_event_code: str, errors: dict[str, Any]) -> None:
    if item_code and life_event_code:
        errors["item_code"] = _("事项和一件事只能选一个")
    elif item_code and item_current(code=item_code) is None:
        errors["item_code"] = _("事项不存在或未发布")
    elif life_event_code and life_event_by_code(code=life_event_code) is None:
        errors["life_event_code"] = _("一件事不存在或未发布")


@atomic_audited
def appointment_book(
    *, hall_id: int, category_id: int, slot_date: dt.date, slot_start: dt.time,
    applicant_name: str, id_number: str, phone: str, item_code: str = "",
    life_event_code: str = "", actor: Any = None,
) -> Appointment:
    """Book a time slot (预约). Slots lie in the hall's opening hours on working days, in
    the future and within the booking horizon; each holds as many people per category as
    the category allows; one person holds one place in a slot. Sending the same booking
    again returns the first one."""
    errors: dict[str, Any] = {}
    name, id_number, phone = _clean_person(applicant_name, id_number, phone, errors)
    item_code, life_event_code = item_code.strip(), life_event_code.strip()
    _clean_subject(item_code, life_event_code, errors)
    hall = Hall.objects.select_for_update().filter(pk=hall_id, is_active=True).first()
    if hall is None:
        raise NotFound(_("服务中心不存在或已停用"))
    category = hall.categories.filter(pk=category_id, is_active=True).first()
    if category is None:
        errors["category"] = _("业务类别不存在或已停用")
    elif category.slot_capacity == 0:
        errors["category"] = _("该业务不接受预约，请现场取号")
    problem = slot_bookable_problem(hall=hall, day=slot_date, start=slot_start, now=clock.now())
    if problem:
        errors["slot"] = problem
    if errors or category is None:
        raise InvalidInput(_("预约信息有误"), errors)
    held = Appointment.objects.filter(hall=hall, slot_date=slot_date, slot_start=slot_start,
                                      status__in=HOLDING_APPOINTMENT_STATUSES)
    mine = held.filter(id_number=id_number).first()
    if mine is not None:
        if (mine.category_id, mine.applicant_name, mine.phone, mine.item_code,
                mine.life_event_code) == (category.pk, name, phone, item_code, life_event_code):
            return mine  # the same booking sent again
        raise Conflict(_("您在该时段已有预约（预约码 %(code)s），同一时段只能预约一项")
                       % {"code": mine.booking_code})
    if held.filter(category=category).count() >= category.slot_capacity:
        raise Conflict(_("该时段已约满，请选择其他时段"))
    appointment = Appointment.objects.create(
        hall=hall, category=category, slot_date=slot_date, slot_start=slot_start,
        slot_end=slot_end(hall=hall, start=slot_start), applicant_name=name,
        id_number=id_number, phone=phone, item_code=item_code,
        life_event_code=life_event_code, booking_code=_booking_code(), booked_at=clock.now(),
        booked_by=_actor_or_none(actor),
    )
    audit_record(actor=actor, action="appointment.booked", entity="appointment",
                 entity_id=appointment.booking_code,
                 data={"hall": hall.code, "category": category.prefix,
                       "slot": f"{slot_date.isoformat()} {slot_start:%H:%M}"})
    return appointment


def _locked_appointment(booking_code: str) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("hall", "category")
        .filter(booking_code=booking_code.strip().upper()).first()
    )
    if appointment is None:
        raise NotFound(_("预约码不存在"))
    return appointment


def _appointment_transition(appointment: Appointment, to: str, actor: Any) -> None:
    if to not in ALLOWED_APPOINTMENT_TRANSITIONS[appointment.status]:
        raise Conflict(
            _("该预约当前为“%(status)s”，不能变为“%(to)s”")
            % {"status": appointment.get_status_display(), "to": AppointmentStatus(to).label}
        )
    appointment.status = to
    audit_record(actor=actor, action=f"appointment.{to}", entity="appointment",
                 entity_id=appointment.booking_code, data={})


def _slot_start_at(appointment: Appointment) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(appointment.slot_date, appointment.slot_start))


def _slot_end_at(appointment: Appointment) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(appointment.slot_date, appointment.slot_end))


@atomic_audited
def appointment_cancel(*, booking_code: str, id_number: str, actor: Any = None) -> Appointment:
    """Cancel before the slot starts; the person proves it is theirs with the ID number.
    Cancelling again changes nothing."""
    appointment = _locked_appointment(booking_code)
    if id_number.strip().upper() != appointment.id_number:
        raise InvalidInput(_("身份证号码与预约不符"), {"id_number": _("与预约登记的号码不一致")})
    if appointment.status == AppointmentStatus.CANCELLED:
        return appointment
    if appointment.status == AppointmentStatus.BOOKED and clock.now() >= _slot_start_at(
            appointment):
        raise Conflict(_("预约时段已开始，不能取消"))
    _appointment_transition(appointment, AppointmentStatus.CANCELLED, actor)
    appointment.closed_at = clock.now()
    appointment.save(update_fields=["status", "closed_at"])
    return appointment


@atomic_audited
def appointment_check_in(
    *, booking_code: str, actor: Any = None, hall_id: int | None = None
) -> QueueTicket:
    """On arrival the appointment becomes a priority number in its category (签到取号).
    Check-in is open from an hour before the slot until half an hour after it; checking
    in twice gives the same number. `hall_id`: the hall where the person checks in."""
    appointment = _locked_appointment(booking_code)
    if hall_id is not None and appointment.hall_id != hall_id:
        raise Conflict(_("该预约在“%(hall)s”，不在本服务中心") % {"hall": appointment.hall.name})
    if appointment.status == AppointmentStatus.CHECKED_IN:
        return QueueTicket.objects.get(appointment=appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("该预约当前为“%(status)s”，请现场取号")
                       % {"status": appointment.get_status_display()})
    now = clock.now()
    start = _slot_start_at(appointment)
    end = _slot_end_at(appointment)
    if now < start - CHECK_IN_OPENS_BEFORE:
        raise DomainError(_("签到时间未到：请于 %(time)s 之后签到")
                          % {"time": timezone.localtime(start - CHECK_IN_OPENS_BEFORE)
                             .strftime("%Y-%m-%d %H:%M")})
    if now > end + CHECK_IN_CLOSES_AFTER:
        raise DomainError(_("已超过预约时段，请现场取号"))
    category = _locked_category(appointment.category_id)
    _appointment_transition(appointment, AppointmentStatus.CHECKED_IN, actor)
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "checked_in_at"])
    return _issue(category=category, actor=actor, id_number=appointment.id_number,
                  request_key="", appointment=appointment)


@atomic_audited
def appointments_mark_missed(*, actor: Any = None) -> int:
    """Appointments whose check-in time has passed without a check-in become no-shows
    (爽约). For a scheduler to run, e.g. every half hour."""
    now = clock.now()
    candidates = Appointment.objects.filter(status=AppointmentStatus.BOOKED,
                                            slot_date__lte=service_day(now))
    missed_ids = [a.pk for a in candidates if _slot_end_at(a) + CHECK_IN_CLOSES_AFTER < now]
    missed = list(Appointment.objects.select_for_update().filter(
        pk__in=missed_ids, status=AppointmentStatus.BOOKED))
    for appointment in missed:
        _appointment_transition(appointment, AppointmentStatus.NO_SHOW, actor)
        appointment.closed_at = now
        appointment.save(update_fields=["status", "closed_at"])
    return len(missed)
