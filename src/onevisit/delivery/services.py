"""One delivery per application (DESIGN.md §3 rule 4), whatever the departments behind it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onevisit import clock
from onevisit.accounts.regions import scope_of
from onevisit.applications.constants import DeliveryMethod, VisitPurpose
from onevisit.applications.models import Application
from onevisit.applications.services import applicant_notify, visit_record
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.delivery.couriers import Parcel, courier_default
from onevisit.delivery.models import Delivery, DeliveryEvent, DeliveryStatus
from onevisit.delivery.selectors import deliveries_of_region
from onevisit.errors import Conflict, NotFound
from onevisit.notifications.constants import NotifyEvent


def delivery_prepare(*, application: Application, actor: Any) -> Delivery:
    """Create the delivery of a completed application (in the caller's transaction).
    A courier delivery is booked with the courier at once and gets its tracking number;
    it is dispatched when the hall hands the parcel over (`delivery_courier_dispatch`)."""
    now = clock.now()
    contact = application.delivery_contact
    delivery = Delivery.objects.create(
        application=application, method=application.delivery_method,
        status=DeliveryStatus.READY, recipient=contact.get("recipient", ""),
        phone=contact.get("phone", ""), address=contact.get("address", ""), created_at=now,
    )
    DeliveryEvent.objects.create(delivery=delivery, at=now, kind="ready")
    if delivery.method == DeliveryMethod.COURIER:
        courier = courier_default()
        delivery.courier = courier.code
        delivery.tracking_number = courier.hand_off(Parcel(
            reference=application.number, recipient=delivery.recipient, phone=delivery.phone,
            address=delivery.address,
        ))
        delivery.save(update_fields=["courier", "tracking_number"])
        DeliveryEvent.objects.create(delivery=delivery, at=now, kind="booked",
                                     note=delivery.tracking_number)
    audit_record(actor=actor, action="delivery.prepared", entity="application",
                 entity_id=application.number,
                 data={"method": delivery.method, "tracking": delivery.tracking_number})
    ways: dict[str, str] = {
        DeliveryMethod.PICKUP: _("请带身份证件到窗口领取"),
        DeliveryMethod.COURIER: _("已交快递，运单号 %(tracking)s") % {
            "tracking": delivery.tracking_number},
        DeliveryMethod.DOWNLOAD: _("请登录“我的办件”下载"),
    }
    how = ways.get(delivery.method, "")
    applicant_notify(application=application, event=NotifyEvent.RESULT_READY,
                     key=application.number, how=str(how))
    return delivery


def _locked(number: str) -> Delivery:
    delivery = (
        Delivery.objects.select_for_update().select_related("application")
        .filter(application__number=number).first()
    )
    if delivery is None:
        raise NotFound(_("办件 %(number)s 尚无可送达的结果") % {"number": number})
    return delivery


DELIVERY_KINDS = {"delivered": gettext_lazy("快递已签收"),
                  "picked_up": gettext_lazy("已在窗口领取"), "downloaded": gettext_lazy("已下载")}


def _deliver(delivery: Delivery, kind: str, note: str, actor: Any) -> Delivery:
    if delivery.status == DeliveryStatus.DELIVERED:
        return delivery  # a repeated confirmation changes nothing
    now = clock.now()
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = now
    delivery.save(update_fields=["status", "delivered_at"])
    DeliveryEvent.objects.create(delivery=delivery, at=now, kind=kind, note=note)
    audit_record(actor=actor, action=f"delivery.{kind}", entity="application",
                 entity_id=delivery.application.number, data={"note": note})
    applicant_notify(application=delivery.application, event=NotifyEvent.DELIVERED,
                     key=delivery.application.number,
                     how=str(DELIVERY_KINDS.get(kind, kind)))
    return delivery


def _by_tracking_number(tracking_number: str, actor: Any) -> Delivery:
    """The parcel, locked, if it is of the actor's region (another region's tracking
    number is answered as if it did not exist)."""
    delivery = (
        Delivery.objects.select_for_update().select_related("application")
        .filter(deliveries_of_region(scope_of(actor)), tracking_number=tracking_number).first()
    )
    if delivery is None:
        raise NotFound(_("运单号 %(no)s 不存在") % {"no": tracking_number})
    return delivery


@atomic_audited
def delivery_courier_dispatch(*, tracking_number: str, actor: Any) -> Delivery:
    """The hall hands the parcel to the courier (交寄; idempotent)."""
    delivery = _by_tracking_number(tracking_number, actor)
    if delivery.status != DeliveryStatus.READY:
        return delivery
    delivery.status = DeliveryStatus.DISPATCHED
    delivery.save(update_fields=["status"])
    DeliveryEvent.objects.create(delivery=delivery, at=clock.now(), kind="dispatched",
                                 note=tracking_number)
    audit_record(actor=actor, action="delivery.dispatched", entity="application",
                 entity_id=delivery.application.number, data={"tracking": tracking_number})
    return delivery


@atomic_audited
def delivery_courier_delivered(*, tracking_number: str, note: str, actor: Any) -> Delivery:
    """The courier reports the parcel delivered (idempotent)."""
    delivery = _by_tracking_number(tracking_number, actor)
    if delivery.status == DeliveryStatus.READY:
        raise Conflict(_("运单 %(no)s 尚未交寄") % {"no": tracking_number})
    return _deliver(delivery, "delivered", note, actor)


@atomic_audited
def delivery_pickup(*, number: str, actor: Any, new_trip: bool = False,
                    visit_cause: str = "", visit_note: str = "") -> Delivery:
    """Hand the result over at the window; the trip counts as a visit unless the applicant
    is already at the hall that day for this application."""
    delivery = _locked(number)
    if delivery.method != DeliveryMethod.PICKUP:
        raise Conflict(_("该办件选择的送达方式不是窗口领取"))
    visit_record(number=number, purpose=VisitPurpose.PICKUP, actor=actor, new_trip=new_trip,
                 cause=visit_cause, note=visit_note)
    return _deliver(delivery, "picked_up", "", actor)


@atomic_audited
def delivery_download(*, number: str, actor: Any) -> Delivery | None:
    """The applicant downloaded the result: for a download delivery, that is its delivery.
    Anyone else reading the result, or a result sent another way, delivers nothing."""
    delivery = _locked(number)
    application = delivery.application
    if delivery.method != DeliveryMethod.DOWNLOAD or application.applicant_id != actor.pk:
        return None
    return _deliver(delivery, "downloaded", "", actor)
