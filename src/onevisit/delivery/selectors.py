from __future__ import annotations

from django.db.models import QuerySet

from onevisit.applications.constants import DeliveryMethod
from onevisit.delivery.models import Delivery, DeliveryStatus


def parcels_waiting() -> QuerySet[Delivery]:
    """Courier results booked and waiting at the hall to be handed over (交寄), oldest first."""
    return (Delivery.objects.filter(method=DeliveryMethod.COURIER, status=DeliveryStatus.READY)
            .select_related("application").order_by("created_at"))
