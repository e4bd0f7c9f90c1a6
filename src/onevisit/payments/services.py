"""Writes of the payment platform, one transaction each (docs/payments.md).

The applicant pays every open case's charges in one order (one payment per application,
rule 4: one of everything); the provider's signed notification is the only proof of a
payment, applied once; money that cannot be kept (a payment after the order was
cancelled, the charges of a case refused or cancelled) goes back by refund; each day the
provider's statement is compared with our books.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Region
from onevisit.applications.constants import ApplicationStatus, CaseStatus
from onevisit.applications.models import Application, Case
from onevisit.applications.services import application_lock
from onevisit.applications.services.notifying import applicant_notify
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.certificates.services import verification_code_new
from onevisit.errors import Conflict, InvalidInput
from onevisit.files.services import file_store, files_guard
from onevisit.notifications.constants import NotifyEvent
from onevisit.payments.constants import (
    ALLOWED_ORDER_TRANSITIONS,
    MismatchKind,
    NoticeOutcome,
    OrderStatus,
    RefundStatus,
)
from onevisit.payments.models import (
    ElectronicReceipt,
    PaymentNotice,
    PaymentOrder,
    Reconciliation,
    ReconciliationMismatch,
    Refund,
)
from onevisit.payments.providers import (
    OrderRequest,
    PaymentNotification,
    StatementLine,
    TradeState,
    provider_default,
    provider_get,
)
from onevisit.supervision.models import AlertKind
from onevisit.supervision.services import alert_raise
from onevisit.workflow.services import case_charges_settle

log = structlog.get_logger(__name__)

FINISHED_CASE_STATUSES = (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.CANCELLED)
REFUNDABLE_CASE_STATUSES = (CaseStatus.REJECTED, CaseStatus.CANCELLED)


def order_transition(order: PaymentOrder, to: str) -> None:
    """Move a locked order along ALLOWED_ORDER_TRANSITIONS; any other move is a Conflict."""
    if to not in ALLOWED_ORDER_TRANSITIONS[order.status]:
        raise Conflict(_("缴款单 %(number)s 已是“%(status)s”状态")
                       % {"number": order.number, "status": order.get_status_display()})
    order.status = to


def _order_lock(number: str) -> PaymentOrder | None:
    return (PaymentOrder.objects.select_for_update().select_related("application")
            .filter(number=number).first())


def _cases_to_pay(application: Application) -> list[Case]:
    return list(application.cases.select_related("item", "department")
                .exclude(status__in=FINISHED_CASE_STATUSES)
                .filter(charges_yuan__gt=0, paid_at__isnull=True).order_by("id"))


def _lines(cases: list[Case]) -> list[dict[str, Any]]:
    return [{**line, "case_id": case.pk, "item": case.item.name,
             "department": case.department.name, "department_id": case.department_id}
            for case in cases for line in case.charges]


@atomic_audited
def order_open(*, application: Application, actor: Any) -> PaymentOrder:
    """The application's one open order, covering every open case with unpaid charges:
    the same cases give the same order back; different ones cancel the old order and
    open a new one. An application with nothing to pay is refused."""
    application = application_lock(number=application.number)
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict(_("办件 %(number)s 已是“%(status)s”状态，不能缴费")
                       % {"number": application.number,
                          "status": application.get_status_display()})
    cases = _cases_to_pay(application)
    if not cases:
        raise InvalidInput(_("没有待缴纳的税费"),
                           {"application": _("办件 %(number)s 的税费均已缴清或无需缴纳")
                            % {"number": application.number}})
    case_ids = [case.pk for case in cases]
    amount = sum((case.charges_yuan for case in cases), Decimal("0.00"))
    current = (PaymentOrder.objects.select_for_update()
               .filter(application=application, status=OrderStatus.UNPAID).first())
    if current is not None:
        if current.case_ids == case_ids and current.amount_yuan == amount:
            return current
        _cancel(current, actor=actor, reason=_("应缴税费已变化，已重新生成缴款单"))
    now = clock.now()
    provider = provider_default()
    order = PaymentOrder.objects.create(
        number=f"tmp-{secrets.token_hex(8)}", application=application, case_ids=case_ids,
        lines=_lines(cases), payer_name=application.applicant_name, amount_yuan=amount,
        provider=provider.code, created_at=now)
    # The number shows the day and the row (unique whatever the day), known only now.
    order.number = f"JK{now:%Y%m%d}{order.pk:08d}"
    order.save(update_fields=["number"])
    audit_record(actor=actor, action="payment.order_opened", entity="payment_order",
                 entity_id=order.number, data={"application": application.number,
                                               "cases": case_ids, "amount": str(amount)})
    return order


def _urls(order: PaymentOrder) -> tuple[str, str]:
    base = settings.ONEVISIT["PUBLIC_URL"]
    notify = reverse("web:payments_notify", kwargs={"provider": order.provider})
    back = reverse("web:my_payment_return", kwargs={"number": order.application.number})
    return f"{base}{notify}", f"{base}{back}?order={order.number}"


def order_checkout(*, order: PaymentOrder, actor: Any) -> PaymentOrder:
    """Create (or find) the provider's trade of an open order and keep where to pay it.
    The provider is asked outside any transaction; asking again is harmless (its trade
    is keyed by our order number)."""
    if order.status != OrderStatus.UNPAID:
        raise Conflict(_("缴款单 %(number)s 已是“%(status)s”状态")
                       % {"number": order.number, "status": order.get_status_display()})
    notify_url, return_url = _urls(order)
    checkout = provider_get(order.provider).checkout(OrderRequest(
        number=order.number, amount_yuan=order.amount_yuan,
        subject=f"{order.application.title}（{order.application.number}）",
        notify_url=notify_url, return_url=return_url))
    return _checkout_keep(number=order.number, trade_number=checkout.trade_number,
                          url=checkout.redirect_url, qr=checkout.qr_payload, actor=actor)


@atomic_audited
def _checkout_keep(*, number: str, trade_number: str, url: str, qr: str,
                   actor: Any) -> PaymentOrder:
    order = PaymentOrder.objects.select_for_update().select_related("application").get(
        number=number)
    if not order.trade_number:
        order.trade_number, order.checkout_url, order.qr_payload = trade_number, url, qr
        order.checkout_at = clock.now()
        order.save(update_fields=["trade_number", "checkout_url", "qr_payload", "checkout_at"])
        audit_record(actor=actor, action="payment.checkout", entity="payment_order",
                     entity_id=order.number, data={"trade": trade_number})
    return order


def _cancel(order: PaymentOrder, *, actor: Any, reason: str) -> None:
    order_transition(order, OrderStatus.CANCELLED)
    order.cancelled_at, order.cancel_reason = clock.now(), reason[:255]
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit_record(actor=actor, action="payment.order_cancelled", entity="payment_order",
                 entity_id=order.number, data={"reason": reason})
    if order.trade_number:
        provider, number = provider_get(order.provider), order.number
        # A trade already paid at the provider cannot be closed: its notification, when it
        # comes, finds the order cancelled and the money is refunded (notice_receive).
        transaction.on_commit(lambda: provider.close(order_number=number), robust=True)


@atomic_audited
def order_cancel(*, number: str, actor: Any, reason: str) -> PaymentOrder:
    order = _order_lock(number)
    if order is None:
        raise InvalidInput(_("缴款单不存在"), {"order": number})
    _cancel(order, actor=actor, reason=reason)
    return order


# Notifications ------------------------------------------------------------------------

def notice_receive(*, provider: str, body: bytes, headers: Mapping[str, str]) -> PaymentNotice:
    """A notification from the provider, recorded whatever it says. A bad signature or an
    amount other than the order's is refused and alerted, and changes nothing; a payment
    for an order already paid is a duplicate and changes nothing; a payment arriving after
    the order was cancelled (or the application closed) is refunded at once; a good one
    marks the order paid, settles the cases (`workflow.case_charges_settle`), issues the
    electronic receipt and tells the applicant."""
    plugin = provider_get(provider)
    parsed = plugin.notification_parse(body=body, headers=headers)
    notice = _notice_apply(provider=provider, body=body, headers=headers, parsed=parsed)
    log.info("payment_notice_received", provider=provider, order=notice.order_number,
             outcome=notice.outcome)
    return notice


@atomic_audited
def _notice_apply(*, provider: str, body: bytes, headers: Mapping[str, str],
                  parsed: PaymentNotification) -> PaymentNotice:
    now = clock.now()
    order = _order_lock(parsed.order_number) if parsed.order_number else None
    notice = PaymentNotice(
        provider=provider, received_at=now, body=body.decode("utf-8", "replace")[:20000],
        headers={k: v for k, v in headers.items() if k.lower().startswith(("x-", "content-"))},
        signature_ok=parsed.signature_ok, order_number=parsed.order_number, order=order,
        trade_number=parsed.trade_number, amount_yuan=parsed.amount_yuan)
    if not parsed.signature_ok:
        notice.outcome, notice.note = NoticeOutcome.REFUSED_SIGNATURE, _("签名验证失败")
        _refused_alert(notice, order)
    elif order is None or order.provider != provider:
        notice.outcome = NoticeOutcome.UNKNOWN_ORDER
    elif not parsed.success:
        notice.outcome, notice.note = NoticeOutcome.DUPLICATE, _("非支付成功通知，未处理")
    elif parsed.amount_yuan != order.amount_yuan:
        notice.outcome = NoticeOutcome.REFUSED_AMOUNT
        notice.note = _("通知金额 %(told)s 元，缴款单金额 %(owed)s 元") % {
            "told": parsed.amount_yuan, "owed": order.amount_yuan}
        _refused_alert(notice, order)
    elif order.paid_at is not None:
        notice.outcome = NoticeOutcome.DUPLICATE
    else:
        notice.outcome = _payment_apply(order=order, parsed=parsed, now=now)
    notice.save()
    audit_record(actor=None, action=f"payment.notice_{notice.outcome}", entity="payment_order",
                 entity_id=notice.order_number or "-",
                 data={"provider": provider, "trade": notice.trade_number,
                       "amount": str(notice.amount_yuan)})
    return notice


def _refused_alert(notice: PaymentNotice, order: PaymentOrder | None) -> None:
    alert_raise(
        kind=AlertKind.PAYMENT_NOTIFICATION_REFUSED,
        application_number=order.application.number if order else "",
        subject=f"payment:{notice.provider}:{notice.order_number or '-'}",
        message=_("支付通知被拒绝（%(outcome)s）：缴款单 %(order)s，%(note)s") % {
            "outcome": NoticeOutcome(notice.outcome).label, "order": notice.order_number or "-",
            "note": notice.note},
        evidence={"provider": notice.provider, "order": notice.order_number,
                  "trade": notice.trade_number, "amount": str(notice.amount_yuan),
                  "outcome": notice.outcome})


def _payment_apply(*, order: PaymentOrder, parsed: PaymentNotification,
                   now: dt.datetime) -> str:
    order.paid_at, order.paid_yuan = parsed.paid_at or now, parsed.amount_yuan
    order.trade_number = order.trade_number or parsed.trade_number
    if order.status == OrderStatus.CANCELLED:
        order.save(update_fields=["paid_at", "paid_yuan", "trade_number"])
        _refund_request(order=order, case_ids=order.case_ids, amount=order.amount_yuan,
                        reason=_("缴款单已取消后到账，原路退回"), whole=True)
        return NoticeOutcome.LATE_REFUNDED
    order_transition(order, OrderStatus.PAID)
    order.save(update_fields=["status", "paid_at", "paid_yuan", "trade_number"])
    application = order.application
    try:
        with transaction.atomic():
            case_charges_settle(number=application.number, case_ids=order.case_ids,
                                reference=order.number)
    except Conflict:
        # The application closed while the payer was at the cashier: nothing to pay for.
        _refund_request(order=order, case_ids=order.case_ids, amount=order.amount_yuan,
                        reason=_("办件已办结或终止，税费原路退回"), whole=True)
        return NoticeOutcome.LATE_REFUNDED
    receipt = _receipt_issue(order)
    applicant_notify(application=application, event=NotifyEvent.PAID,
                     key=f"{order.number}:paid", amount=f"{order.amount_yuan:.2f}",
                     receipt=receipt.number)
    audit_record(actor=None, action="payment.order_paid", entity="payment_order",
                 entity_id=order.number, data={"application": application.number,
                                               "receipt": receipt.number})
    return NoticeOutcome.APPLIED


def _receipt_issue(order: PaymentOrder) -> ElectronicReceipt:
    """The receipt's row; its sealed PDF is made on first download (payments.receipts)."""
    # An order covers at least one case; its first case's department collects.
    department_id = Case.objects.get(pk=min(order.case_ids)).department_id
    receipt = ElectronicReceipt.objects.create(
        number=f"PJ{order.number[2:]}", order=order, department_id=department_id,
        issued_at=clock.now(), verification_code=verification_code_new())
    audit_record(actor=None, action="payment.receipt_issued", entity="payment_order",
                 entity_id=order.number, data={"receipt": receipt.number})
    return receipt


def order_query_apply(*, number: str) -> str:
    """Ask the provider about an unpaid order whose notification has not come (outside any
    transaction): a trade it reports paid is applied as its notification would be (the
    lost-notification catch); an amount other than the order's is left to reconciliation."""
    order = PaymentOrder.objects.filter(number=number).first()
    if order is None or order.status != OrderStatus.UNPAID:
        return "skipped"
    state = provider_get(order.provider).query(order_number=number)
    if state.status not in ("SUCCESS", "REFUNDED"):
        return state.status
    return _query_apply(number=number, state=state)


@atomic_audited
def _query_apply(*, number: str, state: TradeState) -> str:
    order = _order_lock(number)
    if order is None or order.paid_at is not None:
        return "skipped"
    if state.amount_yuan != order.amount_yuan:
        return "amount_differs"
    outcome = _payment_apply(order=order, parsed=PaymentNotification(
        signature_ok=True, order_number=number, trade_number=state.trade_number,
        amount_yuan=state.amount_yuan, paid_at=state.paid_at, success=True), now=clock.now())
    audit_record(actor=None, action="payment.found_by_query", entity="payment_order",
                 entity_id=number, data={"trade": state.trade_number, "outcome": outcome})
    return outcome


def orders_query_stale(*, minutes: int = 15) -> dict[str, int]:
    """The scheduler's catch for lost notifications: every unpaid order sent to the
    cashier more than `minutes` ago is queried once."""
    before = clock.now() - dt.timedelta(minutes=minutes)
    numbers = list(PaymentOrder.objects.filter(status=OrderStatus.UNPAID,
                                               checkout_at__lt=before)
                   .values_list("number", flat=True)[:500])
    applied = sum(order_query_apply(number=n) == NoticeOutcome.APPLIED for n in numbers)
    return {"queried": len(numbers), "applied": applied}


# Refunds ------------------------------------------------------------------------------

def _refund_request(*, order: PaymentOrder, case_ids: list[int], amount: Decimal,
                    reason: str, whole: bool) -> Refund:
    """Record that money is owed back (in the caller's transaction); the provider is asked
    after the commit (`refund_submit`), and again by the scheduler if it failed."""
    count = order.refunds.count()
    refund = Refund.objects.create(
        number=f"TK{order.number[2:]}{count + 1:02d}", order=order, case_ids=case_ids,
        amount_yuan=amount, reason=reason[:255], requested_at=clock.now())
    if whole:
        order_transition(order, OrderStatus.REFUNDING)
        order.save(update_fields=["status"])
    audit_record(actor=None, action="payment.refund_requested", entity="payment_order",
                 entity_id=order.number, data={"refund": refund.number, "amount": str(amount),
                                               "cases": case_ids, "reason": reason})
    refund_id = refund.pk
    transaction.on_commit(lambda: refund_submit(refund_id=refund_id), robust=True)
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Ask the provider to pay a requested refund back (idempotent by refund number) and
    record its answer; the applicant is told once it succeeded."""
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    if refund.status != RefundStatus.REQUESTED:
        return refund
    result = provider_get(refund.order.provider).refund(
        order_number=refund.order.number, refund_number=refund.number,
        amount_yuan=refund.amount_yuan, reason=refund.reason)
    return _refund_confirm(refund_id=refund_id, provider_number=result.refund_number,
                           succeeded=result.succeeded)


@atomic_audited
def _refund_confirm(*, refund_id: int, provider_number: str, succeeded: bool) -> Refund:
    refund = Refund.objects.select_for_update().select_related("order__application").get(
        pk=refund_id)
    if refund.status != RefundStatus.REQUESTED:
        return refund
    if not succeeded:
        refund.last_error = _("支付平台未受理退款，将重试")
        refund.save(update_fields=["last_error"])
        return refund
    refund.status, refund.provider_number = RefundStatus.SUCCEEDED, provider_number
    refund.confirmed_at, refund.last_error = clock.now(), ""
    refund.save(update_fields=["status", "provider_number", "confirmed_at", "last_error"])
    order = PaymentOrder.objects.select_for_update().select_related("application").get(
        pk=refund.order_id)
    if order.status == OrderStatus.REFUNDING and not order.refunds.filter(
            status=RefundStatus.REQUESTED).exists():
        order_transition(order, OrderStatus.REFUNDED)
        order.save(update_fields=["status"])
    audit_record(actor=None, action="payment.refunded", entity="payment_order",
                 entity_id=order.number, data={"refund": refund.number,
                                               "provider_refund": provider_number})
    applicant_notify(application=order.application, event=NotifyEvent.REFUNDED,
                     key=f"{refund.number}:refunded", amount=f"{refund.amount_yuan:.2f}",
                     reason=refund.reason)
    return refund


def refunds_retry() -> dict[str, int]:
    """The scheduler's retry of refunds the provider has not confirmed yet."""
    ids = list(Refund.objects.filter(status=RefundStatus.REQUESTED)
               .values_list("pk", flat=True)[:200])
    done = sum(refund_submit(refund_id=pk).status == RefundStatus.SUCCEEDED for pk in ids)
    return {"tried": len(ids), "refunded": done}


def refund_issue(*, application: Application) -> list[Refund]:
    """An application closed (the closed receiver, inside the closing transaction): its
    unpaid orders are cancelled, and the charges paid for cases that ended refused or
    cancelled are refunded — the whole order when all its cases did, else those cases'
    lines (a 证照联办 whose licence was issued and whose permit was refused). An application
    refused as a whole refunds every charge paid, a tax already declared included: the
    transfer it was paid for did not happen (《中华人民共和国契税法》第十二条). Each case's
    charges are refunded once."""
    refunds = []
    for order in (PaymentOrder.objects.select_for_update().filter(application=application)
                  .order_by("id")):
        if order.status == OrderStatus.UNPAID:
            _cancel(order, actor=None, reason=_("办件已办结，未支付的缴款单自动取消"))
            continue
        if order.status != OrderStatus.PAID:
            continue
        refunded = {pk for refund in order.refunds.all() for pk in refund.case_ids}
        cases = application.cases.filter(pk__in=order.case_ids)
        if application.status != ApplicationStatus.REJECTED:
            cases = cases.filter(status__in=REFUNDABLE_CASE_STATUSES)
        ended = set(cases.values_list("pk", flat=True)) - refunded
        if not ended:
            continue
        owed = sum((Decimal(line["amount_yuan"]) for line in order.lines
                    if line["case_id"] in ended), Decimal("0.00"))
        whole = not (set(order.case_ids) - refunded - ended)
        if owed <= 0 and not whole:
            continue
        refunds.append(_refund_request(
            order=order, case_ids=sorted(ended), amount=owed, whole=whole,
            reason=_("办件不予许可或已终止，相应税费原路退回")))
    return refunds


def refunds_on_close(*, application: Application) -> None:
    """The receiver of closed applications (registered in apps.py)."""
    refund_issue(application=application)


# Reconciliation -----------------------------------------------------------------------

def reconcile(*, day: dt.date, provider: str | None = None) -> Reconciliation:
    """Compare the provider's statement of `day` with our paid orders and refunds: every
    difference is kept (missing here, missing there, amount, status) and one alert per
    run names how many there are."""
    plugin = provider_get(provider) if provider else provider_default()
    content = plugin.statement(day=day)
    return _reconcile_store(provider=plugin.code, day=day, content=content,
                            lines=plugin.statement_parse(content))


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())
    return start, start + dt.timedelta(days=1)


def _money(value: Decimal | None) -> str:
    return f"{value:.2f}" if value is not None else ""


@files_guard()
@atomic_audited
def _reconcile_store(*, provider: str, day: dt.date, content: bytes,
                     lines: list[StatementLine]) -> Reconciliation:
    start, end = _day_bounds(day)
    stored = file_store(content=content, folder="payments/statements", extension="csv")
    run = Reconciliation.objects.create(provider=provider, day=day, run_at=clock.now(),
                                        statement=stored)
    found: list[ReconciliationMismatch] = []

    def mismatch(kind: str, order: str, ours: dict[str, Any], theirs: dict[str, Any],
                 refund: str = "") -> None:
        found.append(ReconciliationMismatch(reconciliation=run, kind=kind, order_number=order,
                                            refund_number=refund, ours=ours, theirs=theirs))

    paid_there = {line.order_number: line for line in lines if line.kind == "PAY"}
    refunds_there = {line.refund_number: line for line in lines if line.kind == "REFUND"}
    paid_here = {order.number: order for order in PaymentOrder.objects.filter(
        provider=provider, paid_at__gte=start, paid_at__lt=end)}
    refunds_here = {refund.number: refund for refund in Refund.objects.select_related(
        "order").filter(order__provider=provider, status=RefundStatus.SUCCEEDED,
                        confirmed_at__gte=start, confirmed_at__lt=end)}
    unpaid = {order.number: order for order in PaymentOrder.objects.filter(
        provider=provider, number__in=set(paid_there) - set(paid_here))}
    matched = 0
    for number, order in paid_here.items():
        ours = {"status": order.status, "amount": _money(order.paid_yuan)}
        line = paid_there.get(number)
        if line is None:
            mismatch(MismatchKind.MISSING_THERE, number, ours, {})
        elif line.amount_yuan != order.paid_yuan:
            mismatch(MismatchKind.AMOUNT_DIFFERS, number, ours,
                     {"status": line.status, "amount": _money(line.amount_yuan)})
        else:
            matched += 1
    for number, line in paid_there.items():
        if number in paid_here:
            continue
        theirs = {"status": line.status, "amount": _money(line.amount_yuan),
                  "trade": line.trade_number}
        other = unpaid.get(number)
        if other is None:
            mismatch(MismatchKind.MISSING_HERE, number, {}, theirs)
        else:
            mismatch(MismatchKind.STATUS_DIFFERS, number,
                     {"status": other.status, "amount": _money(other.amount_yuan)}, theirs)
    for number, refund in refunds_here.items():
        ours = {"amount": _money(refund.amount_yuan), "status": refund.status}
        line = refunds_there.get(number)
        if line is None:
            mismatch(MismatchKind.MISSING_THERE, refund.order.number, ours, {}, number)
        elif line.amount_yuan != refund.amount_yuan:
            mismatch(MismatchKind.AMOUNT_DIFFERS, refund.order.number, ours,
                     {"amount": _money(line.amount_yuan)}, number)
        else:
            matched += 1
    for number, line in refunds_there.items():
        if number not in refunds_here:
            mismatch(MismatchKind.MISSING_HERE, line.order_number, {},
                     {"amount": _money(line.amount_yuan), "status": line.status}, number)
    ReconciliationMismatch.objects.bulk_create(found)
    run.ours, run.theirs = len(paid_here) + len(refunds_here), len(lines)
    run.matched, run.mismatched = matched, len(found)
    run.save(update_fields=["ours", "theirs", "matched", "mismatched"])
    if found:
        alert_raise(
            kind=AlertKind.RECONCILIATION_MISMATCH, application_number="",
            subject=f"reconciliation:{run.pk}", region_id=_common_region(found),
            message=_("%(day)s 支付对账发现 %(count)s 处不符，请核查") % {
                "day": day.isoformat(), "count": len(found)},
            evidence={"reconciliation": run.pk, "provider": provider,
                      "kinds": sorted({m.kind for m in found})})
    audit_record(actor=None, action="payment.reconciled", entity="reconciliation",
                 entity_id=run.pk, data={"day": day.isoformat(), "provider": provider,
                                         "matched": matched, "mismatched": len(found)})
    return run


def _common_region(found: list[ReconciliationMismatch]) -> str | None:
    """The narrowest region every mismatched order's application lies in, so its
    supervisors see the alert; none when an order is ours to nobody (missing here)."""
    codes = list(PaymentOrder.objects.filter(
        number__in={m.order_number for m in found}).values_list(
        "application__region__code", flat=True))
    if len(codes) < len({m.order_number for m in found}) or not codes:
        return None
    prefix = codes[0]
    for code in codes[1:]:
        while not code.startswith(prefix):
            prefix = prefix[:-2]
    while prefix and not Region.objects.filter(code=prefix).exists():
        prefix = prefix[:-2]
    return prefix or None
