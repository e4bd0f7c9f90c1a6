"""`{% payment_link application %}`: the application page's link to pay its taxes and
fees, shown while any open case has charges unpaid (待缴费 or paying ahead), and to the
payments made, their electronic receipts and refunds."""

from __future__ import annotations

from typing import Any

from django import template

from onevisit.applications.models import Application
from onevisit.payments.selectors import orders_of_application, payment_pending

register = template.Library()


@register.inclusion_tag("web/portal/_payment_link.html")
def payment_link(application: Application) -> dict[str, Any]:
    return {"application": application,
            "pending": payment_pending(application=application),
            "orders": orders_of_application(application=application)}
