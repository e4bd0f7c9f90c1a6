from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from onevisit.accounts.regions import scope_of, within
from onevisit.applications.constants import ApplicationStatus, DeliveryMethod
from onevisit.applications.models import Application
from onevisit.delivery.models import Delivery, DeliveryStatus


def deliveries_of_region(scope: str) -> Q:
    """The deliveries of applications handled or accepted in `scope` ("" : all): a hall
    hands over and the courier carries its own region's results, 跨域通办 included."""
    if not scope:
        return Q()
    return within("application__region", scope) | within("application__intake_region", scope)


def parcels_waiting(*, viewer: Any) -> QuerySet[Delivery]:
    """Courier results of the viewer's region booked and waiting at the hall to be handed
    over (交寄), oldest first."""
    return (Delivery.objects.filter(deliveries_of_region(scope_of(viewer)),
                                    method=DeliveryMethod.COURIER, status=DeliveryStatus.READY)
            .select_related("application").order_by("created_at"))


def results_waiting_for_applicant(*, applications: QuerySet[Application]) -> dict[str, str]:
    """Results of these applications waiting for the applicant — or, for a refused one,
    the written decision: to pick up at the window or to download. Application number →
    what to do."""
    todo: dict[str, str] = {DeliveryMethod.PICKUP: _("到窗口领取办理结果"),
                            DeliveryMethod.DOWNLOAD: _("下载办理结果")}
    decision: dict[str, str] = {DeliveryMethod.PICKUP: _("到窗口领取不予许可决定书"),
                                DeliveryMethod.DOWNLOAD: _("下载不予许可决定书")}
    return {number: str((decision if status == ApplicationStatus.REJECTED else todo)[method])
            for number, method, status in Delivery.objects.filter(
                application__in=applications, status=DeliveryStatus.READY,
                method__in=list(todo)).values_list("application__number", "method",
                                                   "application__status")}
