"""Taxes and fees of an application and paying them (docs/payments.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onevisit.accounts.models import Role
from onevisit.api.applications import ERRORS, _require, _visible
from onevisit.api.auth import AUTH
from onevisit.api.idempotency import run_idempotent
from onevisit.applications.selectors import applications_visible_to
from onevisit.errors import NotFound
from onevisit.payments.models import PaymentOrder
from onevisit.payments.selectors import order_by_number
from onevisit.payments.services import order_checkout, order_open

router = Router(tags=["payments"])


class ChargeLineOut(Schema):
    case_id: int
    department: str
    item: str
    charge: str
    kind: str
    base_yuan: str
    rate: str
    amount_yuan: str
    note: str
    legal_basis: str
    payer_field: str
    paid: bool


class ChargesOut(Schema):
    application: str
    owed_yuan: str
    lines: list[ChargeLineOut]


class RefundOut(Schema):
    number: str
    amount_yuan: str
    status: str
    reason: str


class PaymentOrderOut(Schema):
    number: str
    application: str
    amount_yuan: str
    status: str
    case_ids: list[int]
    checkout_url: str
    qr_payload: str
    paid_at: str | None
    receipts: list[str]
    refunds: list[RefundOut]


def _order_out(order: PaymentOrder) -> dict[str, Any]:
    return {
        "number": order.number, "application": order.application.number,
        "amount_yuan": f"{order.amount_yuan:.2f}", "status": order.status,
        "case_ids": order.case_ids, "checkout_url": order.checkout_url,
        "qr_payload": order.qr_payload,
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        "receipts": [receipt.number for receipt in order.receipts.all()],
        "refunds": [{"number": r.number, "amount_yuan": f"{r.amount_yuan:.2f}",
                     "status": r.status, "reason": r.reason} for r in order.refunds.all()],
    }


@router.get("/me/applications/{number}/charges", auth=AUTH,
            response={200: ChargesOut, **ERRORS})
def application_charges(request: HttpRequest, number: str) -> dict[str, Any]:
    """The application's taxes and fees, line by line, and what is still owed."""
    user = _require(request, Role.CITIZEN)
    application = _visible(user, number)
    lines: list[dict[str, Any]] = []
    owed = Decimal("0.00")
    for case in application.cases.select_related("item", "department"):
        lines.extend({**{key: str(line.get(key, "")) for key in (
            "charge", "kind", "base_yuan", "rate", "amount_yuan", "note", "legal_basis",
            "payer_field")}, "case_id": case.pk, "department": case.department.name,
            "item": case.item.name, "paid": case.paid_at is not None} for line in case.charges)
        if case.paid_at is None and case.status not in ("approved", "rejected", "cancelled"):
            owed += case.charges_yuan
    return {"application": number, "owed_yuan": f"{owed:.2f}", "lines": lines}


@router.post("/me/applications/{number}/payment-order", auth=AUTH,
             response={201: PaymentOrderOut, **ERRORS})
def application_payment_order(request: HttpRequest, number: str) -> Status[Any]:
    """Open (or get back) the application's one payment order for every unpaid charge,
    with the provider's checkout URL and QR payload. Send an `Idempotency-Key`."""
    user = _require(request, Role.CITIZEN)
    application = _visible(user, number)

    def handler() -> tuple[int, Any]:
        order = order_open(application=application, actor=user)
        return 201, _order_out(order_checkout(order=order, actor=user))

    return run_idempotent(request, endpoint=f"applications.{number}.payment_order",
                          payload={}, handler=handler)


@router.get("/payments/orders/{number}", auth=AUTH, response={200: PaymentOrderOut, **ERRORS})
def payment_order_get(request: HttpRequest, number: str) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    order = order_by_number(number=number)
    if order is None or not applications_visible_to(user=user).filter(
            pk=order.application_id).exists():
        raise NotFound(_("缴款单 %(number)s 不存在") % {"number": number})
    return _order_out(order)
