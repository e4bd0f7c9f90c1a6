"""The hall console (一窗受理): intake of any item or life event at one window with
prefill from the registries, the one-time notice or receipt to print, supplements when
the applicant comes back, result handover and courier hand-off."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onevisit.accounts.models import Role
from onevisit.applications.constants import (
    CLERK_VISIT_CAUSES,
    ApplicantKind,
    Channel,
    DeliveryMethod,
    VisitPurpose,
)
from onevisit.applications.models import Application
from onevisit.applications.selectors import (
    application_detail,
    applications_matching,
    materials_asked,
)
from onevisit.applications.services import (
    Applicant,
    Subject,
    application_submit,
    application_supplement,
    intake_preview,
    stages_skipped,
    subject_of,
    subject_resolve,
    subject_visit_cause_default,
)
from onevisit.applications.services.credit import credit_options
from onevisit.catalogue.selectors import items_published
from onevisit.delivery.selectors import parcels_waiting
from onevisit.delivery.services import delivery_courier_dispatch, delivery_pickup
from onevisit.errors import DomainError, InvalidInput
from onevisit.exchange.services import personal_data_read_log
from onevisit.hall.models import QueueTicket
from onevisit.hall.selectors import ticket_detail
from onevisit.hall.services import ticket_link_application
from onevisit.lifeevents.selectors import life_events_published
from onevisit.payments.constants import OrderStatus
from onevisit.payments.selectors import order_open_of, orders_of_application, payment_pending
from onevisit.payments.services import order_checkout, order_open
from onevisit.supervision.selectors import alerts_open
from onevisit.web.merged_form import (
    applicant_values,
    delivery_choice,
    delivery_values,
    field_values,
    form_context,
    uploads_read,
)
from onevisit.web.outcomes import action_report, error_text


def _clerk(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.CLERK:
        raise PermissionDenied(_("只有综合受理窗口人员能使用受理台"))
    return user


def _subject_choices() -> list[tuple[str, str]]:
    events = [(f"life-events:{e.code}", _("一件事：%(name)s") % {"name": e.name})
              for e in life_events_published()]
    items = [(f"items:{i.code}", f"{i.name}（{i.department.name}）")
             for i in items_published().filter(channel_window=True)
             .select_related("department").order_by("department__code", "code")]
    return events + items


def _subject(value: str) -> Subject | None:
    kind, _sep, code = value.partition(":")
    if not code or kind not in ("items", "life-events"):
        return None
    try:
        return subject_resolve(item_code=code if kind == "items" else None,
                               life_event_code=code if kind == "life-events" else None)
    except DomainError:
        return None


def _booked_subject(ticket: QueueTicket | None) -> str:
    """What the applicant booked, when she came with an appointment."""
    appointment = ticket.appointment if ticket is not None else None
    if appointment is None:
        return ""
    if appointment.life_event_code:
        return f"life-events:{appointment.life_event_code}"
    return f"items:{appointment.item_code}" if appointment.item_code else ""


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """Step 1 chooses what and who; step 2 is the merged form with what the registries
    hold; submitting runs the completeness check: a receipt or one notice naming all."""
    clerk = _clerk(request)
    params = request.POST if request.method == "POST" else request.GET
    ticket = params.get("ticket", "")
    served = ticket_detail(ticket_id=int(ticket)) if ticket.isdigit() else None
    chosen = params.get("subject", "") or _booked_subject(served)
    subject = _subject(chosen)
    id_number = (params.get("applicant_id_number", "")
                 or (served.id_number if served else "")).strip().upper()
    consent = params.get("consent") == "1"
    start: dict[str, Any] = {
        "choices": _subject_choices(), "chosen": chosen, "ticket": ticket,
        "id_number": id_number, "kind": params.get("applicant_kind", ApplicantKind.PERSON),
        "consent": consent,
    }
    if subject is None or not id_number:
        if chosen and subject is None:
            start["message"] = _("请选择一个已发布的事项或一件事")
        return render(request, "web/hall/intake_start.html", start)
    base = {"chosen": chosen, "ticket": ticket, "consent": consent,
            "credit": credit_options(id_number=id_number, region_id=str(subject.region_id))}
    if request.method != "POST":
        preview = intake_preview(subject=subject, applicant_id_number=id_number, actor=clerk,
                                 consent=consent)
        # No method is chosen for her: the clerk asks (courier first, where it is allowed).
        delivery = {"method": "", "recipient": preview.name,
                    "phone": str(preview.prefill.get("applicant_phone", "")),
                    "address": preview.address}
        context = form_context(
            subject, values=preview.prefill,
            applicant={"kind": start["kind"], "name": preview.name, "id_number": id_number},
            delivery=delivery, errors={}, message="")
        return render(request, "web/hall/intake_form.html",
                      context | base | _window_context(subject, context)
                      | {"held": preview.held, "read_at": preview.read_at,
                         "visit_cause": subject_visit_cause_default(
                             subject=subject, purpose=VisitPurpose.INTAKE)})
    post = request.POST
    held = frozenset(post.getlist("held"))
    applicant = applicant_values(post)
    try:
        filing = application_submit(
            subject=subject, applicant=Applicant(**applicant), data=field_values(post, subject),
            channel=Channel.WINDOW, actor=clerk, uploads=uploads_read(request),
            tolerated=post.getlist("tolerated"), commitment=post.getlist("commitment"),
            delivery=delivery_choice(post), consent=consent,
            visit_cause=post.get("visit_cause", ""),
            visit_note=post.get("visit_cause_note", ""),
        )
    except InvalidInput as exc:
        context = form_context(subject, values=field_values(post, subject), applicant=applicant,
                               delivery=delivery_values(post), errors=exc.errors,
                               message=str(exc.message))
        return render(request, "web/hall/intake_form.html",
                      context | base | _window_context(subject, context)
                      | {"held": held, "tolerated_chosen": set(post.getlist("tolerated")),
                         "commitment_chosen": set(post.getlist("commitment")),
                         "visit_cause": post.get("visit_cause", ""),
                         "visit_cause_note": post.get("visit_cause_note", "")},
                      status=422)
    number = filing.application.number
    if served is not None:
        try:
            ticket_link_application(ticket_id=served.pk, application_number=number, actor=clerk)
        except DomainError as exc:
            messages.warning(request, error_text(exc))
    if filing.notices:
        messages.warning(request, _("材料不齐，已出具一次性告知书，请打印交给申请人"))
    else:
        messages.success(request, _("已受理，请打印受理回执交给申请人"))
    return redirect("web:hall_application", number=number)


def _window_context(subject: Subject, context: dict[str, Any]) -> dict[str, Any]:
    """At the window the courier is offered first (where every item allows it), then
    pickup, then download; and the clerk records why the applicant came."""
    order = [DeliveryMethod.COURIER, DeliveryMethod.PICKUP, DeliveryMethod.DOWNLOAD]
    methods = sorted(context["delivery_methods"], key=lambda m: order.index(m[0]))
    return {"delivery_methods": methods, "visit_causes": _visit_causes()}


def _visit_causes() -> list[tuple[str, str]]:
    return [(str(cause), str(cause.label)) for cause in CLERK_VISIT_CAUSES]


def _application(request: HttpRequest, number: str) -> tuple[Any, Application]:
    clerk = _clerk(request)
    application = application_detail(user=clerk, number=number)
    if application is None:
        raise Http404(_("办件 %(number)s 不存在") % {"number": number})
    return clerk, application


@login_required
def application_view(request: HttpRequest, number: str) -> HttpResponse:
    clerk, application = _application(request, number)
    personal_data_read_log(actor=clerk, subject=application.applicant_id_number,
                           application_number=number, purpose=_("窗口办理查看申请人证件号码"))
    visits = list(application.visits.all())
    return render(request, "web/hall/application.html", {
        "application": application, "asked": materials_asked(application),
        "visits": visits, "visits_counted": sum(not v.citizen_chose for v in visits),
        "visit_causes": _visit_causes(), "pickup_cause": _pickup_cause(application),
        "alerts": alerts_open(application_number=number),
        "delivery": getattr(application, "delivery", None),
        "skipped": stages_skipped(application),
        **_payment_context(application),
    })


def _payment_context(application: Application) -> dict[str, Any]:
    """What the applicant at the window owes and, once the clerk made it, the QR code of
    the order she pays on her phone (no bank counter)."""
    order = order_open_of(application=application)
    if order is not None and not order.checkout_url:
        order = None
    return {"payment_pending": payment_pending(application=application),
            "payment_order": order,
            "payment_orders": [o for o in orders_of_application(application=application)
                               if o.status != OrderStatus.UNPAID],
            "payment_qr": segno.make(order.checkout_url, error="m").svg_data_uri(scale=4)
            if order is not None else ""}


@require_POST
@login_required
def payment(request: HttpRequest, number: str) -> HttpResponse:
    """The clerk makes the payment order of what the applicant owes and shows its QR code."""
    clerk = _application(request, number)[0]

    def checkout() -> None:
        application = Application.objects.get(number=number)
        order_checkout(order=order_open(application=application, actor=clerk), actor=clerk)

    return _act(request, number, checkout, _("缴款二维码已生成"))


def _act(request: HttpRequest, number: str, action: Any, done: str) -> HttpResponse:
    action_report(request, action, done)
    return redirect("web:hall_application", number=number)


@require_POST
@login_required
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant brings what the notice named: counted as a trip, a new one when
    she came back on another occasion."""
    clerk = _application(request, number)[0]
    uploads = uploads_read(request)
    new_trip = request.POST.get("new_trip") == "1"
    cause = request.POST.get("visit_cause", "")
    if not cause:
        messages.error(request, _("请选择申请人本次来大厅的原因"))
        return redirect("web:hall_application", number=number)
    return _act(request, number, lambda: application_supplement(
        number=number, uploads=uploads, actor=clerk, at_window=True, new_trip=new_trip,
        tolerated=request.POST.getlist("tolerated"), visit_cause=cause,
        visit_note=request.POST.get("visit_cause_note", "")), _("材料已收取"))


@require_POST
@login_required
def pickup(request: HttpRequest, number: str) -> HttpResponse:
    clerk = _application(request, number)[0]
    new_trip = request.POST.get("new_trip") == "1"
    return _act(request, number,
                lambda: delivery_pickup(number=number, actor=clerk, new_trip=new_trip,
                                        visit_cause=request.POST.get("visit_cause", ""),
                                        visit_note=request.POST.get("visit_cause_note", "")),
                _("结果已交给申请人"))


def _pickup_cause(application: Application) -> str:
    """The cause a pickup trip has unless the clerk says otherwise."""
    return str(subject_visit_cause_default(subject=subject_of(application),
                                           purpose=VisitPurpose.PICKUP))


@login_required
def find(request: HttpRequest) -> HttpResponse:
    """Find an application by its number, its receipt number or the applicant's ID."""
    clerk = _clerk(request)
    query = request.GET.get("q", "").strip().upper()
    results = applications_matching(user=clerk, query=query)
    if len(results) == 1:
        return redirect("web:hall_application", number=results[0].number)
    if any(r.applicant_id_number == query for r in results):
        personal_data_read_log(actor=clerk, subject=query, application_number="",
                               purpose=_("窗口按证件号码查找办件"))
    return render(request, "web/hall/find.html", {"query": query, "results": results})


@login_required
def parcels(request: HttpRequest) -> HttpResponse:
    """Courier hand-off (交寄): results booked with the courier, waiting at the hall."""
    clerk = _clerk(request)
    return render(request, "web/hall/parcels.html",
                  {"parcels": parcels_waiting(viewer=clerk)[:200]})


@require_POST
@login_required
def parcel_dispatch(request: HttpRequest) -> HttpResponse:
    clerk = _clerk(request)
    tracking_numbers = request.POST.getlist("tracking_number")

    def dispatch() -> None:
        for tracking_number in tracking_numbers:
            delivery_courier_dispatch(tracking_number=tracking_number, actor=clerk)

    action_report(request, dispatch, _("已交寄 %(n)s 件") % {"n": len(tracking_numbers)})
    return redirect("web:hall_parcels")
