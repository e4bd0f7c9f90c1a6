"""出件: one delivery per application — window pickup, courier, or download."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from onevisit.applications.constants import DeliveryMethod
from onevisit.applications.models import Application


class DeliveryStatus(models.TextChoices):
    READY = "ready", _("待领取/待下载")
    DISPATCHED = "dispatched", _("已寄出")
    DELIVERED = "delivered", _("已送达")


# What "ready" means for each method.
READY_TEXT: dict[str, Any] = {
    DeliveryMethod.PICKUP: _("待领取"),
    DeliveryMethod.DOWNLOAD: _("待下载"),
    DeliveryMethod.COURIER: _("待交寄快递"),
}


class Delivery(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="delivery"
    )
    method = models.CharField(max_length=16, choices=DeliveryMethod.choices)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    recipient = models.CharField(max_length=64, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=255, blank=True)
    courier = models.CharField(max_length=32, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["courier", "tracking_number"], condition=~models.Q(tracking_number=""),
                name="tracking_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.method} {self.status}"

    @property
    def status_text(self) -> str:
        """The status as the method reads it: a courier parcel that is ready waits at
        the hall to be handed to the courier, not for the applicant."""
        if self.status == DeliveryStatus.READY and self.method in READY_TEXT:
            return str(READY_TEXT[self.method])
        return str(self.get_status_display())


class DeliveryEvent(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=32)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.kind}"
