"""The reference payment gateway (参考支付平台（演示）): a local stand-in for the
province's unified public payment platform that behaves like a real one.

- a trade per merchant order number (`out_trade_no`), created idempotently;
- a cashier page under /paygate/ where the payer confirms or cancels (reference/views.py);
- asynchronous notifications signed with HMAC-SHA256 (`keys.py`), POSTed to the merchant's
  notify URL with httpx and retried with a doubling delay until the merchant answers
  `success` (`notifications_deliver`, a scheduler job);
- query, close and refund calls, and a daily statement (CSV) of payments and refunds;
- misbehaviour a trade can be switched to, for tests and the demo: a duplicate
  notification, a late one (sent LATE_DELAY after the payment), one with a bad signature,
  one stating a wrong amount.

The platform calls it in-process through the provider interface; the notifications go
over HTTP as a real gateway's do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import httpx
import structlog
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from onevisit import clock
from onevisit.payments.providers import (
    Checkout,
    OrderRequest,
    PaymentNotification,
    PaymentProvider,
    RefundResult,
    StatementLine,
    TradeState,
)
from onevisit.payments.reference.keys import sign, signature_valid
from onevisit.payments.reference.models import (
    Misbehaviour,
    ReferenceNotification,
    ReferenceRefund,
    ReferenceTrade,
    TradeStatus,
)

log = structlog.get_logger(__name__)

SIGNATURE_HEADER = "X-Paygate-Signature"
LATE_DELAY = dt.timedelta(minutes=30)
MAX_ATTEMPTS = 8
# While one worker posts a notification, others leave it alone this long.
DELIVERY_LEASE = dt.timedelta(minutes=1)
STATEMENT_COLUMNS = ["type", "out_trade_no", "trade_no", "out_refund_no", "amount",
                     "status", "time"]


def _number(prefix: str) -> str:
    return f"{prefix}{clock.now():%Y%m%d}{secrets.token_hex(6).upper()}"


def cashier_url(trade: ReferenceTrade) -> str:
    path = reverse("paygate:cashier", kwargs={"trade_no": trade.trade_no})
    return f"{settings.ONEVISIT['PUBLIC_URL']}{path}"


class ReferenceGateway(PaymentProvider):
    code = "reference"
    name = "参考支付平台（演示）"

    def checkout(self, order: OrderRequest) -> Checkout:
        trade, _created = ReferenceTrade.objects.get_or_create(
            out_trade_no=order.number, defaults={
                "trade_no": _number("RT"), "subject": order.subject[:255],
                "amount_yuan": order.amount_yuan, "notify_url": order.notify_url,
                "return_url": order.return_url, "created_at": clock.now()})
        url = cashier_url(trade)
        return Checkout(trade_number=trade.trade_no, redirect_url=url, qr_payload=url)

    def notification_parse(self, *, body: bytes, headers: Mapping[str, str]
                           ) -> PaymentNotification:
        signature = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()),
                         "")
        try:
            data = json.loads(body)
            amount: Decimal | None = Decimal(str(data.get("total_amount")))
        except (ValueError, InvalidOperation, TypeError):
            data, amount = {}, None
        if not isinstance(data, dict):
            data = {}
        paid = data.get("gmt_payment")
        try:
            paid_at = dt.datetime.fromisoformat(paid) if isinstance(paid, str) else None
        except ValueError:
            paid_at = None
        return PaymentNotification(
            signature_ok=bool(signature) and bool(data) and signature_valid(body, signature),
            order_number=str(data.get("out_trade_no", ""))[:64],
            trade_number=str(data.get("trade_no", ""))[:64],
            amount_yuan=amount, paid_at=paid_at,
            success=data.get("trade_status") == "TRADE_SUCCESS")

    def query(self, *, order_number: str) -> TradeState:
        trade = ReferenceTrade.objects.filter(out_trade_no=order_number).first()
        if trade is None:
            return TradeState(order_number=order_number, trade_number="", status="NOT_FOUND",
                              amount_yuan=Decimal(0), paid_at=None)
        return TradeState(order_number=order_number, trade_number=trade.trade_no,
                          status=trade.status, amount_yuan=trade.amount_yuan,
                          paid_at=trade.paid_at)

    def close(self, *, order_number: str) -> bool:
        with transaction.atomic():
            trade = (ReferenceTrade.objects.select_for_update()
                     .filter(out_trade_no=order_number).first())
            if trade is None or trade.status == TradeStatus.CLOSED:
                return True
            if trade.status != TradeStatus.WAIT_PAY:
                return False
            trade.status, trade.closed_at = TradeStatus.CLOSED, clock.now()
            trade.save(update_fields=["status", "closed_at"])
            return True

    def refund(self, *, order_number: str, refund_number: str, amount_yuan: Decimal,
               reason: str) -> RefundResult:
        with transaction.atomic():
            trade = ReferenceTrade.objects.select_for_update().get(out_trade_no=order_number)
            done = ReferenceRefund.objects.filter(out_refund_no=refund_number).first()
            if done is not None:
                return RefundResult(refund_number=done.refund_no, succeeded=True)
            if trade.status not in (TradeStatus.SUCCESS, TradeStatus.REFUNDED) or (
                    trade.refunded_yuan + amount_yuan > trade.amount_yuan):
                return RefundResult(refund_number="", succeeded=False)
            made = ReferenceRefund.objects.create(
                trade=trade, out_refund_no=refund_number, refund_no=_number("RR"),
                amount_yuan=amount_yuan, reason=reason[:255], created_at=clock.now())
            trade.refunded_yuan += amount_yuan
            if trade.refunded_yuan == trade.amount_yuan:
                trade.status = TradeStatus.REFUNDED
            trade.save(update_fields=["refunded_yuan", "status"])
            return RefundResult(refund_number=made.refund_no, succeeded=True)

    def statement(self, *, day: dt.date) -> bytes:
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(STATEMENT_COLUMNS)
        start = dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())
        end = start + dt.timedelta(days=1)
        for trade in ReferenceTrade.objects.filter(paid_at__gte=start, paid_at__lt=end):
            writer.writerow(["PAY", trade.out_trade_no, trade.trade_no, "",
                             f"{trade.amount_yuan:.2f}", "SUCCESS", trade.paid_at.isoformat()
                             if trade.paid_at else ""])
        for refund in ReferenceRefund.objects.select_related("trade").filter(
                created_at__gte=start, created_at__lt=end):
            writer.writerow(["REFUND", refund.trade.out_trade_no, refund.trade.trade_no,
                             refund.out_refund_no, f"{refund.amount_yuan:.2f}", "SUCCESS",
                             refund.created_at.isoformat()])
        return output.getvalue().encode()

    def statement_parse(self, content: bytes) -> list[StatementLine]:
        rows = list(csv.DictReader(io.StringIO(content.decode())))
        return [StatementLine(kind=row["type"], order_number=row["out_trade_no"],
                              trade_number=row["trade_no"], refund_number=row["out_refund_no"],
                              amount_yuan=Decimal(row["amount"]), status=row["status"],
                              at=row["time"]) for row in rows]


def trade_of(trade_no: str) -> ReferenceTrade | None:
    return ReferenceTrade.objects.filter(trade_no=trade_no).first()


def misbehaviour_set(*, trade_no: str, misbehaviour: str) -> None:
    """Switch a trade to misbehave (tests, the demo's cashier page)."""
    if misbehaviour not in Misbehaviour.values:
        raise ValueError(f"no misbehaviour {misbehaviour!r}")
    ReferenceTrade.objects.filter(trade_no=trade_no, status=TradeStatus.WAIT_PAY).update(
        misbehaviour=misbehaviour)


@transaction.atomic
def trade_pay(*, trade_no: str) -> ReferenceTrade:
    """The payer confirmed at the cashier: the trade succeeds once, and the notification
    (or, misbehaving, notifications) is queued for delivery."""
    trade = ReferenceTrade.objects.select_for_update().get(trade_no=trade_no)
    if trade.status != TradeStatus.WAIT_PAY:
        return trade
    now = clock.now()
    trade.status, trade.paid_at = TradeStatus.SUCCESS, now
    trade.save(update_fields=["status", "paid_at"])
    amount = trade.amount_yuan
    if trade.misbehaviour == Misbehaviour.WRONG_AMOUNT:
        amount += Decimal("0.01")
    body = json.dumps({
        "out_trade_no": trade.out_trade_no, "trade_no": trade.trade_no,
        "total_amount": f"{amount:.2f}", "trade_status": "TRADE_SUCCESS",
        "gmt_payment": now.isoformat(), "notify_id": secrets.token_hex(8),
    }, sort_keys=True).encode()
    signature = sign(body)
    if trade.misbehaviour == Misbehaviour.BAD_SIGNATURE:
        signature = sign(b"tampered" + body)
    due = now + LATE_DELAY if trade.misbehaviour == Misbehaviour.LATE else now
    copies = 2 if trade.misbehaviour == Misbehaviour.DUPLICATE else 1
    for _copy in range(copies):
        ReferenceNotification.objects.create(trade=trade, body=body.decode(),
                                             signature=signature, next_attempt_at=due)
    return trade


def notifications_deliver(*, transport: httpx.BaseTransport | None = None) -> dict[str, int]:
    """POST every notification due to its merchant; one answered `success` is delivered,
    any other answer or a network error is retried after 2, 4, 8 … minutes, and given up
    after MAX_ATTEMPTS. Safe to run in several workers at once (each claims a row first)."""
    now = clock.now()
    counts = {"delivered": 0, "failed": 0, "abandoned": 0}
    due = list(ReferenceNotification.objects.filter(
        delivered_at__isnull=True, abandoned_at__isnull=True, next_attempt_at__lte=now)
        .select_related("trade").order_by("next_attempt_at", "id")[:200])
    with httpx.Client(transport=transport, timeout=10) as client:
        for notification in due:
            claimed = ReferenceNotification.objects.filter(
                pk=notification.pk, next_attempt_at=notification.next_attempt_at,
                delivered_at__isnull=True).update(next_attempt_at=now + DELIVERY_LEASE)
            if not claimed:
                continue
            error = _post(client, notification)
            notification.attempts += 1
            if not error:
                notification.delivered_at = now
                counts["delivered"] += 1
            elif notification.attempts >= MAX_ATTEMPTS:
                notification.abandoned_at, notification.last_error = now, error[:255]
                counts["abandoned"] += 1
            else:
                notification.next_attempt_at = now + dt.timedelta(
                    minutes=2 ** notification.attempts)
                notification.last_error = error[:255]
                counts["failed"] += 1
            notification.save(update_fields=["attempts", "delivered_at", "abandoned_at",
                                              "next_attempt_at", "last_error"])
    if any(counts.values()):
        log.info("paygate_notifications_delivered", **counts)
    return counts


def _post(client: httpx.Client, notification: ReferenceNotification) -> str:
    try:
        response = client.post(notification.trade.notify_url,
                               content=notification.body.encode(), headers={
                                   "Content-Type": "application/json",
                                   SIGNATURE_HEADER: notification.signature})
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.status_code == 200 and response.text.strip() == "success":
        return ""
    return f"HTTP {response.status_code}: {response.text[:100]}"
