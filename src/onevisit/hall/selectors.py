"""Reads for the hall: the day's queue figures, what each window is calling, bookable
slots, appointments."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onevisit.hall.constants import (
    ACTIVE_TICKET_STATUSES,
    HOLDING_APPOINTMENT_STATUSES,
    TicketStatus,
)
from onevisit.hall.models import Appointment, Hall, QueueTicket, ServiceCategory, ServiceWindow
from onevisit.workdays.calendar import WorkingCalendar


def service_day(now: dt.datetime) -> dt.date:
    """The hall's day (Hangzhou time): numbers restart when it changes."""
    return timezone.localdate(now)


def hall_is_open(*, hall: Hall, now: dt.datetime) -> bool:
    """Whether the hall is open at `now` (Hangzhou time): a working day, from its opening
    to its closing time. The one place that decides it: the kiosk issues numbers only
    then. A year the holiday calendar does not cover counts Monday to Friday."""
    local = timezone.localtime(now)
    if not hall.opens_at <= local.time() < hall.closes_at:
        return False
    calendar = WorkingCalendar()
    calendar.working_days_between(local.date() - dt.timedelta(days=1), local.date())
    return calendar.is_working_day(local.date())


def hall_hours(hall: Hall) -> str | Promise:
    """The opening hours as the kiosk tells them."""
    return _("工作日 %(opens)s–%(closes)s（法定节假日除外）") % {
        "opens": hall.opens_at.strftime("%H:%M"), "closes": hall.closes_at.strftime("%H:%M")}


def halls_active() -> QuerySet[Hall]:
    return Hall.objects.filter(is_active=True).select_related("region")


def hall_serving(*, region_code: str) -> Hall | None:
    """The service centre of the region, or else the first active one: where a guide
    sends people to apply in person."""
    halls = halls_active().order_by("code")
    return halls.filter(region_id=region_code).first() or halls.first()


def hall_of_region(*, region_code: str) -> Hall | None:
    """The active service centre of the region, or else of the nearest region above it
    (GB/T 2260 codes nest: 330106005 → 330106 → 3301 → 33); none beyond the province."""
    above = {region_code[:length] for length in (2, 4, 6, 9) if length < len(region_code)}
    halls = halls_active().filter(region_id__in={region_code, *above}).order_by("code")
    return max(halls, key=lambda hall: len(hall.region_id), default=None)


def hall_by_code(*, code: str) -> Hall | None:
    return halls_active().filter(code=code).first()


def categories_active(*, hall: Hall) -> QuerySet[ServiceCategory]:
    return hall.categories.filter(is_active=True).order_by("order", "prefix")


def windows_active(*, hall: Hall) -> QuerySet[ServiceWindow]:
    return hall.windows.filter(is_active=True).prefetch_related("categories").order_by("number")


def window_by_id(*, window_id: int) -> ServiceWindow | None:
    return (ServiceWindow.objects.filter(pk=window_id, is_active=True, hall__is_active=True)
            .select_related("hall").prefetch_related("categories").first())


def window_current(*, window: ServiceWindow, now: dt.datetime) -> QueueTicket | None:
    """The number the window is calling or serving today, if any."""
    return (QueueTicket.objects.filter(window=window, status__in=ACTIVE_TICKET_STATUSES,
                                       service_day=service_day(now))
            .select_related("category", "appointment").first())


def ticket_detail(*, ticket_id: int) -> QueueTicket | None:
    """A ticket with what a window needs to serve it: category, window, appointment (the
    booked item or life event, the person), and applications already linked."""
    return (QueueTicket.objects.filter(pk=ticket_id)
            .select_related("hall", "category", "window", "appointment")
            .prefetch_related("applications").first())


# --- queue figures ---------------------------------------------------------------------


def _duration(start: str, end: str) -> ExpressionWrapper[CombinedExpression]:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


@dataclass(frozen=True)
class CategoryQueue:
    category: ServiceCategory
    waiting: int
    windows: int
    average_wait: dt.timedelta | None
    """Today's mean time from taking a number to its first call; None before any call."""
    minutes_per_ticket: float | None
    """How fast the queue moves: mean service time (today's, else the category's
    default) ÷ windows serving the category. None when no window serves it."""

    @property
    def average_wait_minutes(self) -> int | None:
        if self.average_wait is None:
            return None
        return round(self.average_wait.total_seconds() / 60)

    @property
    def estimated_wait_minutes(self) -> int | None:
        """For a number taken now: everyone waiting goes first."""
        return self.wait_for(self.waiting)

    def wait_for(self, ahead: int) -> int | None:
        if self.minutes_per_ticket is None:
            return None
        return math.ceil(ahead * self.minutes_per_ticket)


def queue_figures(*, hall: Hall, now: dt.datetime) -> list[CategoryQueue]:
    """Waiting count, average wait and estimated wait per active category, today."""
    today = QueueTicket.objects.filter(hall=hall, service_day=service_day(now))
    waiting: dict[int, int] = dict(
        today.filter(status=TicketStatus.WAITING).values("category")
        .annotate(n=Count("pk")).values_list("category", "n")
    )
    waits: dict[int, dt.timedelta | None] = dict(
        today.filter(called_at__isnull=False).values("category")
        .annotate(mean=Avg(_duration("issued_at", "called_at"))).values_list("category", "mean")
    )
    service: dict[int, dt.timedelta | None] = dict(
        today.filter(status=TicketStatus.DONE, serving_at__isnull=False).values("category")
        .annotate(mean=Avg(_duration("serving_at", "finished_at")))
        .values_list("category", "mean")
    )
    windows: dict[int, int] = dict(
        ServiceWindow.objects.filter(hall=hall, is_active=True, categories__isnull=False)
        .values("categories").annotate(n=Count("pk")).values_list("categories", "n")
    )
    figures = []
    for category in categories_active(hall=hall):
        count = waiting.get(category.pk, 0)
        serving_windows = windows.get(category.pk, 0)
        mean_service = service.get(category.pk)
        minutes = (mean_service.total_seconds() / 60 if mean_service
                   else float(category.service_minutes))
        figures.append(CategoryQueue(
            category=category, waiting=count, windows=serving_windows,
            average_wait=waits.get(category.pk),
            minutes_per_ticket=minutes / serving_windows if serving_windows else None,
        ))
    return figures


@dataclass(frozen=True)
class TicketWait:
    ahead: int
    estimated_minutes: int | None


def ticket_wait(*, ticket: QueueTicket, now: dt.datetime) -> TicketWait:
    """How many numbers will be called before this one, and about how long that takes."""
    ahead = tickets_ahead(ticket=ticket)
    figure = next((f for f in queue_figures(hall=ticket.hall, now=now)
                   if f.category.pk == ticket.category_id), None)
    waiting = ticket.status == TicketStatus.WAITING
    return TicketWait(ahead=ahead, estimated_minutes=figure.wait_for(ahead)
                      if figure is not None and waiting else None)


def tickets_ahead(*, ticket: QueueTicket) -> int:
    """Waiting numbers of the same category that will be called before this one."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    before = Q(priority=ticket.priority, issued_at__lt=ticket.issued_at) | Q(
        priority=ticket.priority, issued_at=ticket.issued_at, pk__lt=ticket.pk)
    if not ticket.priority:
        before |= Q(priority=True)
    return QueueTicket.objects.filter(
        before, category_id=ticket.category_id, service_day=ticket.service_day,
        status=TicketStatus.WAITING,
    ).count()


# --- the display -----------------------------------------------------------------------


@dataclass(frozen=True)
class WindowNow:
    window: ServiceWindow
    ticket: QueueTicket | None


@dataclass(frozen=True)
class Board:
    latest: QueueTicket | None
    recent: list[QueueTicket]
    windows: list[WindowNow]


def display_board(*, hall: Hall, now: dt.datetime, limit: int = 8) -> Board:
    """What the wall screen shows: the numbers called most recently (a recall counts as a
    new call) with their windows, and what each window is calling or serving now."""
    recent = list(
        QueueTicket.objects.filter(hall=hall, service_day=service_day(now),
                                   announced_at__isnull=False)
        .select_related("window", "category").order_by("-announced_at", "-pk")[:limit]
    )
    current = {
        t.window_id: t for t in QueueTicket.objects.filter(
            hall=hall, status__in=ACTIVE_TICKET_STATUSES, service_day=service_day(now))
        .select_related("category")
    }
    windows = [WindowNow(window=w, ticket=current.get(w.pk))
               for w in hall.windows.filter(is_active=True).order_by("number")]
    latest = recent[0] if recent and recent[0].status == TicketStatus.CALLED else None
    return Board(latest=latest, recent=recent, windows=windows)


# --- appointment slots -----------------------------------------------------------------


def slot_starts(*, hall: Hall) -> list[dt.time]:
    """The start of each slot in the hall's opening hours."""
    step = dt.timedelta(minutes=hall.slot_minutes)
    day = dt.date(2000, 1, 3)
    moment = dt.datetime.combine(day, hall.opens_at)
    closes = dt.datetime.combine(day, hall.closes_at)
    starts = []
    while moment + step <= closes:
        starts.append(moment.time())
        moment += step
    return starts


def slot_end(*, hall: Hall, start: dt.time) -> dt.time:
    return (dt.datetime.combine(dt.date(2000, 1, 3), start)
            + dt.timedelta(minutes=hall.slot_minutes)).time()


def _calendar_days(start: dt.date, end: dt.date) -> tuple[list[dt.date], set[int]]:
    """Working days from `start` to `end` inclusive, and the years the calendar does not
    cover (their days are left out: a booking is never made on a guess)."""
    calendar = WorkingCalendar()
    # Loads the override table for the span and asks about every day in it.
    calendar.working_days_between(start - dt.timedelta(days=1), end)
    days = []
    day = start
    while day <= end:
        if calendar.is_working_day(day) and day.year not in calendar.uncovered_years:
            days.append(day)
        day += dt.timedelta(days=1)
    return days, calendar.uncovered_years


def _slot_moment(day: dt.date, start: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, start))


def booking_days(*, hall: Hall, now: dt.datetime) -> list[dt.date]:
    """Working days on which a slot may still be booked (today while a slot is ahead)."""
    today = service_day(now)
    days, _uncovered = _calendar_days(today, today + dt.timedelta(days=hall.booking_days))
    starts = slot_starts(hall=hall)
    return [d for d in days if starts and _slot_moment(d, starts[-1]) > now]


def slot_bookable_problem(*, hall: Hall, day: dt.date, start: dt.time,
                          now: dt.datetime) -> str | Promise | None:
    """Why a slot cannot be booked, or None when it can."""
    today = service_day(now)
    if start not in slot_starts(hall=hall):
        return _("不是该中心的预约时段")
    if _slot_moment(day, start) <= now:
        return _("不能预约已开始或已过去的时段")
    if day > today + dt.timedelta(days=hall.booking_days):
        return _("只能预约 %(days)d 天内的时段") % {"days": hall.booking_days}
    days, uncovered = _calendar_days(day, day)
    if day.year in uncovered:
        return _("该年份的节假日安排尚未录入，暂不能预约")
    if not days:
        return _("该日不是工作日")
    return None


@dataclass(frozen=True)
class Slot:
    start: dt.time
    end: dt.time
    capacity: int
    booked: int

    @property
    def available(self) -> int:
        return max(self.capacity - self.booked, 0)


def booking_slots(*, hall: Hall, category: ServiceCategory, day: dt.date,
                  now: dt.datetime) -> list[Slot]:
    """The day's future slots of a category with their remaining places."""
    if day not in booking_days(hall=hall, now=now):
        return []
    booked = dict(
        Appointment.objects.filter(category=category, slot_date=day,
                                   status__in=HOLDING_APPOINTMENT_STATUSES)
        .values("slot_start").annotate(n=Count("pk")).values_list("slot_start", "n")
    )
    return [
        Slot(start=start, end=slot_end(hall=hall, start=start),
             capacity=category.slot_capacity, booked=booked.get(start, 0))
        for start in slot_starts(hall=hall) if _slot_moment(day, start) > now
    ]


def appointment_by_code(*, booking_code: str) -> Appointment | None:
    return (Appointment.objects.filter(booking_code=booking_code.strip().upper())
            .select_related("hall", "category", "ticket").first())


def appointments_on(*, hall: Hall, day: dt.date) -> QuerySet[Appointment]:
    return (Appointment.objects.filter(hall=hall, slot_date=day)
            .select_related("category", "ticket").order_by("slot_start", "category__order",
                                                            "pk"))
