"""Reads of the payment platform."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from onevisit.accounts.regions import scope_of, within
from onevisit.applications.constants import CaseStatus
from onevisit.applications.models import Application
from onevisit.payments.constants import NoticeOutcome, OrderStatus
from onevisit.payments.models import (
    ElectronicReceipt,
    PaymentNotice,
    PaymentOrder,
    Reconciliation,
    Refund,
)


def orders_of_application(*, application: Application) -> list[PaymentOrder]:
    return list(application.payment_orders.prefetch_related("refunds", "receipts__department")
                .order_by("-created_at", "-id"))


def order_open_of(*, application: Application) -> PaymentOrder | None:
    return application.payment_orders.filter(status=OrderStatus.UNPAID).first()


def order_by_number(*, number: str) -> PaymentOrder | None:
    return (PaymentOrder.objects.select_related("application")
            .filter(number=number).first())


def receipt_by_code(*, code: str) -> ElectronicReceipt | None:
    return (ElectronicReceipt.objects.select_related("order__application", "department")
            .filter(verification_code=code).first())


def payment_pending(*, application: Application) -> bool:
    """Whether the applicant has charges to pay: a case waiting for payment, or any open
    case with unpaid charges (the application page's link)."""
    return application.cases.filter(paid_at__isnull=True, charges_yuan__gt=0).exclude(
        status__in=(CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.CANCELLED)).exists()


def orders_for_staff(*, user: Any, limit: int = 100) -> QuerySet[PaymentOrder]:
    return (PaymentOrder.objects.filter(within("application__region", scope_of(user)))
            .select_related("application").order_by("-created_at", "-id")[:limit])


def notices_refused_for_staff(*, user: Any, limit: int = 100) -> QuerySet[PaymentNotice]:
    """Refused notifications of the viewer's region; those naming no order of ours only
    to the instance's operators (they belong to no region)."""
    scope = scope_of(user)
    refused = PaymentNotice.objects.filter(outcome__in=(
        NoticeOutcome.REFUSED_SIGNATURE, NoticeOutcome.REFUSED_AMOUNT,
        NoticeOutcome.UNKNOWN_ORDER))
    if scope:
        refused = refused.filter(within("order__application__region", scope))
    return refused.select_related("order").order_by("-received_at", "-id")[:limit]


def refunds_for_staff(*, user: Any, limit: int = 100) -> QuerySet[Refund]:
    return (Refund.objects.filter(within("order__application__region", scope_of(user)))
            .select_related("order__application").order_by("-requested_at", "-id")[:limit])


def reconciliations_for_staff(*, user: Any, limit: int = 30) -> list[Reconciliation]:
    """Reconciliation runs, each with the mismatches about orders the viewer may see
    (a statement line naming no order of ours: operators only)."""
    runs = list(Reconciliation.objects.prefetch_related("mismatches")
                .order_by("-day", "-run_at", "-id")[:limit])
    scope = scope_of(user)
    visible = set(PaymentOrder.objects.filter(within("application__region", scope)).filter(
        number__in={m.order_number for run in runs for m in run.mismatches.all()})
        .values_list("number", flat=True))
    for run in runs:
        run.visible_mismatches = [  # type: ignore[attr-defined]
            m for m in run.mismatches.all() if not scope or m.order_number in visible]
    return runs
