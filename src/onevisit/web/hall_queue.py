"""The service hall's queue and appointments: the kiosk (取号机) and the wall display are
public; the window console (叫号) and the day's appointment list with check-in are for
window clerks. Every change goes through `onevisit.hall.services`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.accounts.regions import covers, scope_of
from onevisit.errors import DomainError, InvalidInput
from onevisit.exchange.services import subject_mask
from onevisit.hall.models import Hall, ServiceWindow
from onevisit.hall.selectors import (
    appointment_by_code,
    appointments_on,
    booking_days,
    booking_slots,
    categories_active,
    display_board,
    hall_by_code,
    hall_hours,
    hall_is_open,
    halls_active,
    queue_figures,
    service_day,
    ticket_detail,
    ticket_wait,
    window_by_id,
    window_current,
    windows_active,
)
from onevisit.hall.services import (
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_no_show,
    ticket_recall,
    ticket_serve,
)
from onevisit.lifeevents.selectors import life_events_published
from onevisit.web.outcomes import error_text, rate_limited


def _hall(code: str) -> Hall:
    hall = hall_by_code(code=code)
    if hall is None:
        raise Http404(_("服务中心不存在"))
    return hall


def _clerk(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.CLERK:
        raise PermissionDenied(_("只有窗口工作人员能使用叫号和预约签到"))
    return user


def _clerks_hall(request: HttpRequest, place: Hall) -> Hall:
    """A clerk works the halls of her region; another region's is answered as missing."""
    if not covers(scope_of(request.user), place.region_id):
        raise Http404(_("服务中心不存在"))
    return place


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- public: index, kiosk, ticket, display ------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/hall/index.html", {"halls": halls_active()})


def _kiosk_context(hall: Hall) -> dict[str, Any]:
    now = clock.now()
    return {"hall": hall, "figures": queue_figures(hall=hall, now=now),
            "request_key": uuid.uuid4().hex, "open": hall_is_open(hall=hall, now=now),
            "hours": hall_hours(hall)}


def kiosk(request: HttpRequest, hall: str) -> HttpResponse:
    return render(request, "web/hall/kiosk.html", _kiosk_context(_hall(hall)))


def kiosk_categories(request: HttpRequest, hall: str) -> HttpResponse:
    """The category buttons with fresh figures, for the kiosk to poll."""
    return render(request, "web/hall/_kiosk_categories.html", _kiosk_context(_hall(hall)))


@require_POST
def kiosk_issue(request: HttpRequest, hall: str) -> HttpResponse:
    place = _hall(hall)
    if (refused := rate_limited(request, "kiosk",
                                back=reverse("web:hall_kiosk", args=[place.code]))) is not None:
        return refused
    category_id = _int(request.POST.get("category"))
    if category_id is None or not place.categories.filter(pk=category_id).exists():
        messages.error(request, _("请选择业务类别"))
        return redirect("web:hall_kiosk", hall=place.code)
    try:
        ticket = ticket_issue(category_id=category_id, actor=request.user,
                              request_key=request.POST.get("request_key", "")[:64])
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("web:hall_kiosk", hall=place.code)
    return redirect(reverse("web:hall_ticket", args=[ticket.pk]) + "?kiosk=1")


@require_POST
def kiosk_check_in(request: HttpRequest, hall: str) -> HttpResponse:
    place = _hall(hall)
    code = request.POST.get("booking_code", "").strip()
    if not code:
        messages.error(request, _("请输入预约码"))
        return redirect("web:hall_kiosk", hall=place.code)
    try:
        ticket = appointment_check_in(booking_code=code, actor=request.user, hall_id=place.pk)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("web:hall_kiosk", hall=place.code)
    return redirect(reverse("web:hall_ticket", args=[ticket.pk]) + "?kiosk=1")


def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The printable ticket: number, category, people ahead and the estimated wait. No
    personal data, so anyone holding the link may see it."""
    found = ticket_detail(ticket_id=ticket_id)
    if found is None:
        raise Http404(_("排队号不存在"))
    wait = ticket_wait(ticket=found, now=clock.now())
    return render(request, "web/hall/ticket.html", {
        "ticket": found, "hall": found.hall, "ahead": wait.ahead,
        "estimate": wait.estimated_minutes,
        "from_kiosk": request.GET.get("kiosk") == "1",
    })


def display(request: HttpRequest, hall: str) -> HttpResponse:
    place = _hall(hall)
    return render(request, "web/hall/display.html",
                  {"hall": place, "board": display_board(hall=place, now=clock.now())})


def display_board_partial(request: HttpRequest, hall: str) -> HttpResponse:
    place = _hall(hall)
    return render(request, "web/hall/_board.html",
                  {"hall": place, "board": display_board(hall=place, now=clock.now())})


# --- clerks: the window console -------------------------------------------------------


@login_required
def window_choose(request: HttpRequest, hall: str) -> HttpResponse:
    _clerk(request)
    place = _clerks_hall(request, _hall(hall))
    return render(request, "web/hall/window_choose.html",
                  {"hall": place, "windows": windows_active(hall=place)})


def _window(request: HttpRequest, window_id: int) -> ServiceWindow:
    window = window_by_id(window_id=window_id)
    if window is None or not covers(scope_of(request.user), window.hall.region_id):
        raise Http404(_("窗口不存在或已停用"))
    return window


def _window_context(window: ServiceWindow) -> dict[str, Any]:
    served = {c.pk for c in window.categories.all()}
    figures = [f for f in queue_figures(hall=window.hall, now=clock.now())
               if f.category.pk in served]
    current = window_current(window=window, now=clock.now())
    return {
        "window": window, "hall": window.hall, "figures": figures, "current": current,
        "waiting": sum(f.waiting for f in figures),
        "appointment_id": subject_mask(current.appointment.id_number)
        if current and current.appointment else "",
    }


@login_required
def window(request: HttpRequest, window_id: int) -> HttpResponse:
    _clerk(request)
    return render(request, "web/hall/window.html", _window_context(_window(request, window_id)))


@login_required
def window_queue(request: HttpRequest, window_id: int) -> HttpResponse:
    """The waiting figures of the window's categories, for the console to poll."""
    _clerk(request)
    return render(request, "web/hall/_window_queue.html",
                  _window_context(_window(request, window_id)))


@require_POST
@login_required
def window_action(request: HttpRequest, window_id: int, action: str) -> HttpResponse:
    clerk = _clerk(request)
    place = _window(request, window_id)
    ticket_id = _int(request.POST.get("ticket"))
    actions = {"recall": ticket_recall, "serve": ticket_serve, "no-show": ticket_no_show,
               "finish": ticket_finish}
    try:
        if action == "call":
            called = ticket_call_next(window_id=place.pk, actor=clerk)
            if called is None:
                messages.info(request, _("当前没有等候的号"))
            else:
                messages.success(request, _("请 %(number)s 号到 %(window)s 号窗口")
                                 % {"number": called.number, "window": place.number})
        elif action in actions:
            if ticket_id is None:
                raise Http404(_("未指明排队号"))
            done = actions[action](ticket_id=ticket_id, actor=clerk, window_id=place.pk)
            messages.success(request, _("%(number)s 号：%(status)s")
                             % {"number": done.number, "status": done.get_status_display()})
        else:
            raise Http404(_("未知的操作"))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("web:hall_window", window_id=place.pk)


# --- appointments ---------------------------------------------------------------------


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parse_time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _booking_context(request: HttpRequest, hall: Hall, data: Any) -> dict[str, Any]:
    now = clock.now()
    categories = [c for c in categories_active(hall=hall) if c.slot_capacity > 0]
    days = booking_days(hall=hall, now=now)
    chosen_id = _int(data.get("category"))
    category = next((c for c in categories if c.pk == chosen_id),
                    categories[0] if categories else None)
    day = _parse_date(data.get("date"))
    if day not in days:
        day = days[0] if days else None
    slots = booking_slots(hall=hall, category=category, day=day, now=now) \
        if category and day else []
    user = request.user
    person = {
        "applicant_name": data.get("applicant_name", user.first_name
                                   if user.is_authenticated else ""),
        "id_number": data.get("id_number", getattr(user, "id_number", "")),
        "phone": data.get("phone", getattr(user, "phone", "")),
        "item_code": data.get("item_code", ""),
        "life_event_code": data.get("life_event_code", ""),
        "slot": data.get("slot", ""),
    }
    return {"hall": hall, "categories": categories, "category": category, "days": days,
            "day": day, "slots": slots, "person": person,
            "life_events": life_events_published().order_by("code"), "errors": {}}


def appointment_new(request: HttpRequest, hall: str) -> HttpResponse:
    """Book a slot: anyone with a name, an ID number and a phone; a signed-in citizen finds
    their own details filled in."""
    place = _hall(hall)
    if request.method != "POST":
        return render(request, "web/hall/appointment_new.html",
                      _booking_context(request, place, request.GET))
    if (refused := rate_limited(request, "appointment")) is not None:
        return refused
    post = request.POST
    context = _booking_context(request, place, post)
    slot_date, slot_start = _parse_date(post.get("date")), _parse_time(post.get("slot"))
    category_id = _int(post.get("category"))
    errors: dict[str, Any] = {}
    if slot_date is None or slot_start is None or category_id is None:
        errors["slot"] = _("请选择业务类别、日期和时段")
    else:
        try:
            appointment = appointment_book(
                hall_id=place.pk, category_id=category_id, slot_date=slot_date,
                slot_start=slot_start, applicant_name=post.get("applicant_name", ""),
                id_number=post.get("id_number", ""), phone=post.get("phone", ""),
                item_code=post.get("item_code", ""),
                life_event_code=post.get("life_event_code", ""),
                actor=request.user if request.user.is_authenticated else None,
            )
        except InvalidInput as exc:
            errors = exc.errors or {"slot": exc.message}
        except DomainError as exc:
            errors = {"slot": exc.message}
        else:
            return redirect("web:hall_appointment", code=appointment.booking_code)
    context["errors"] = errors
    return render(request, "web/hall/appointment_new.html", context, status=422)


def appointment_slots(request: HttpRequest, hall: str) -> HttpResponse:
    """The slots of the chosen category and day, for the booking form to swap in."""
    return render(request, "web/hall/_slots.html",
                  _booking_context(request, _hall(hall), request.GET))


def appointment_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The booking confirmation: whoever holds the code sees the slot, the name and a
    masked ID number; cancelling needs the full ID number."""
    appointment = appointment_by_code(booking_code=code)
    if appointment is None:
        raise Http404(_("预约码不存在"))
    return render(request, "web/hall/appointment.html", {
        "appointment": appointment, "hall": appointment.hall,
        "masked_id": subject_mask(appointment.id_number),
        "ticket": getattr(appointment, "ticket", None),
    })


@require_POST
def appointment_cancel_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        appointment_cancel(booking_code=code, id_number=request.POST.get("id_number", ""),
                           actor=request.user if request.user.is_authenticated else None)
        messages.success(request, _("预约已取消"))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("web:hall_appointment", code=code)


@login_required
def appointments_day(request: HttpRequest, hall: str) -> HttpResponse:
    """The clerks' list of a day's appointments (today unless another date is asked)."""
    _clerk(request)
    place = _clerks_hall(request, _hall(hall))
    day = _parse_date(request.GET.get("date")) or service_day(clock.now())
    rows = [(a, subject_mask(a.id_number)) for a in appointments_on(hall=place, day=day)]
    return render(request, "web/hall/appointments_day.html",
                  {"hall": place, "day": day, "rows": rows})


@require_POST
@login_required
def appointment_check_in_view(request: HttpRequest, code: str) -> HttpResponse:
    clerk = _clerk(request)
    appointment = appointment_by_code(booking_code=code)
    if appointment is None or not covers(scope_of(clerk), appointment.hall.region_id):
        raise Http404(_("预约码不存在"))
    try:
        ticket = appointment_check_in(booking_code=code, actor=clerk)
        messages.success(request, _("已签到，排队号 %(number)s") % {"number": ticket.number})
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("web:hall_appointments_day", args=[appointment.hall.code])
                    + f"?date={appointment.slot_date.isoformat()}")
