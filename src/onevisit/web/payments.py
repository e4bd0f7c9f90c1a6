"""Paying taxes and fees online (统一公共支付): the applicant's pay page, the page the
cashier sends her back to (支付处理中 until the notification arrives), her electronic
receipts, the provider's notification endpoint, the receipt check, and the supervisor's
view of orders, refused notifications and reconciliation runs (docs/payments.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from onevisit.accounts.models import Role
from onevisit.applications.models import Application
from onevisit.applications.selectors import application_detail
from onevisit.catalogue.charges import payer_of
from onevisit.errors import DomainError
from onevisit.payments.constants import OrderStatus, RefundStatus
from onevisit.payments.models import Reconciliation, ReconciliationMismatch
from onevisit.payments.providers import provider_get
from onevisit.payments.receipts import receipt_pdf
from onevisit.payments.reference.models import TradeStatus
from onevisit.payments.selectors import (
    notices_refused_for_staff,
    order_open_of,
    orders_for_staff,
    orders_of_application,
    payment_pending,
    receipt_by_code,
    reconciliations_for_staff,
    refunds_for_staff,
)
from onevisit.payments.services import (
    notice_receive,
    order_by_return_token,
    order_checkout,
    order_money_seen,
    order_open,
    order_trade_closed,
)
from onevisit.web.dashboard import _supervisor
from onevisit.web.outcomes import error_text
from onevisit.web.portal import _own_application


def _charges(application: Application) -> list[dict[str, Any]]:
    """Every charge line of the application's cases, with the case's department, who
    pays it (the person the line's payer field names) and whether it is paid."""
    lines = []
    for case in application.cases.all():
        for line in case.charges:
            _payer_id, payer = payer_of(line, application.data,
                                        applicant_id=application.applicant_id_number,
                                        applicant_name=application.applicant_name)
            lines.append({**line, "case": case, "paid": case.paid_at is not None,
                          "payer": payer, "free": not Decimal(line["amount_yuan"])})
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def my_payment(request: HttpRequest, number: str) -> HttpResponse:
    """The breakdown of what is owed (base, rate, amount, legal basis, payer) and 去支付."""
    user, application = _own_application(request, number)
    if request.method == "POST":
        try:
            order = order_open(application=application, actor=user)
            order = order_checkout(order=order, actor=user)
        except DomainError as exc:
            messages.error(request, error_text(exc))
            return redirect("web:my_payment", number=number)
        return redirect(order.checkout_url)
    lines = _charges(application)
    open_order = order_open_of(application=application)
    # The provider took the money but we have not confirmed it: no second payment.
    seen = open_order is not None and order_money_seen(order=open_order)
    for line in lines:
        line["checking"] = seen and open_order is not None and (
            line["case"].pk in open_order.case_ids)
    return render(request, "web/portal/payment.html", {
        "application": application, "lines": lines,
        "owed": sum((Decimal(line["amount_yuan"]) for line in lines if not line["paid"]),
                    Decimal("0.00")),
        "pending": payment_pending(application=application), "seen": seen,
        "open_order": open_order,
        "orders": orders_of_application(application=application),
    })


@login_required
def my_payment_return(request: HttpRequest, number: str) -> HttpResponse:
    """Back from the cashier: 支付处理中 until the provider's notification is applied
    (the page asks again every few seconds), then paid, with the receipt."""
    _user, application = _own_application(request, number)
    return render(request, "web/portal/payment_return.html",
                  _status_context(application, request.GET.get("order", ""),
                                  cancelled=request.GET.get("cancelled") == "1"))


@login_required
def my_payment_status(request: HttpRequest, number: str) -> HttpResponse:
    _user, application = _own_application(request, number)
    return render(request, "web/portal/_payment_status.html",
                  _status_context(application, request.GET.get("order", "")))


def _status_context(application: Application, number: str, *,
                    cancelled: bool = False) -> dict[str, Any]:
    """The order the cashier sent her back about and what to say: paid; the money taken
    but not yet confirmed (no second payment); cancelled at the cashier (the cashier says
    so, or the provider reports the trade closed: pay again); or still waiting."""
    orders = orders_of_application(application=application)
    order = next((o for o in orders if o.number == number), orders[0] if orders else None)
    unpaid = order is not None and order.status == OrderStatus.UNPAID
    seen = unpaid and order is not None and order_money_seen(order=order)
    cancelled = unpaid and not seen and order is not None and (
        cancelled or order_trade_closed(order=order))
    return {"application": application, "order": order, "seen": seen,
            "cancelled": cancelled, "waiting": unpaid and not cancelled}


@login_required
def my_receipt_pdf(request: HttpRequest, number: str, receipt: str) -> HttpResponse:
    _user, application = _own_application(request, number)
    found = next((r for o in orders_of_application(application=application)
                  for r in o.receipts.all() if r.number == receipt), None)
    if found is None:
        raise Http404(_("电子票据不存在"))
    response = HttpResponse(receipt_pdf(receipt=found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.number}.pdf"'
    return response


def payment_order_return(request: HttpRequest, token: str) -> HttpResponse:
    """Back from the cashier after paying the window clerk's QR code, on a phone perhaps
    signed in to nothing: the order's number, amount and whether it is paid — nothing
    about the applicant — and to go back to the window. The signed token is the key."""
    order = order_by_return_token(token)
    if order is None:
        raise Http404(_("缴款单不存在"))
    unpaid = order.status == OrderStatus.UNPAID
    seen = unpaid and order_money_seen(order=order)
    user = request.user
    # The signed-in applicant is linked to her own page; nobody else learns the application.
    owner = (getattr(user, "role", None) == Role.CITIZEN and application_detail(
        user=user, number=order.application.number) is not None)
    context = {"order": order, "token": token, "seen": seen, "owner": owner,
               "cancelled": unpaid and not seen and (
                   request.GET.get("cancelled") == "1" or order_trade_closed(order=order))}
    context["waiting"] = unpaid and not context["cancelled"]
    template = ("web/payments/_order_return_status.html" if request.headers.get("HX-Request")
                else "web/payments/order_return.html")
    return render(request, template, context)


@csrf_exempt
@require_POST
def payments_notify(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's asynchronous notification (no session, no CSRF token: its signature
    is checked instead). Recorded whatever it says, then answered as the provider expects
    (`success`), so it stops retrying; only a failure to record asks for a retry."""
    try:
        plugin = provider_get(provider)
    except ImproperlyConfigured as exc:
        raise Http404(_("支付渠道不存在")) from exc
    notice_receive(provider=plugin.code, body=request.body,
                   headers=dict(request.headers.items()))
    return HttpResponse(plugin.acknowledgement, content_type="text/plain")


def verify_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone checks an electronic receipt by its code (the QR code printed on it)."""
    return render(request, "web/payments/verify_receipt.html",
                  {"code": code[:16], "receipt": receipt_by_code(code=code[:16])})


@login_required
def dashboard_payments(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    user = request.user
    return render(request, "web/payments/dashboard.html", {
        "orders": orders_for_staff(user=user),
        "refused": notices_refused_for_staff(user=user),
        "refunds": refunds_for_staff(user=user),
        "runs": _runs_described(reconciliations_for_staff(user=user)),
    })


def _provider_name(code: str) -> str:
    try:
        return str(provider_get(code).name)
    except ImproperlyConfigured:  # a provider no longer registered
        return code


def _side(mismatch: ReconciliationMismatch, values: dict[str, Any], *, ours: bool) -> str:
    """One side of a mismatch in words: its status, amount and trade number."""
    if not values:
        return _("无记录")
    status = str(values.get("status", ""))
    labels: dict[str, str]
    if ours:
        labels = {value: str(label) for value, label in (
            RefundStatus.choices if mismatch.refund_number else OrderStatus.choices)}
    elif mismatch.refund_number:
        labels = {TradeStatus.SUCCESS.value: _("退款成功")}
    else:
        labels = {value: str(label) for value, label in TradeStatus.choices}
    parts = [labels.get(status, status)] if status else []
    if values.get("amount"):
        parts.append(_("%(amount)s 元") % {"amount": values["amount"]})
    if values.get("trade"):
        parts.append(_("交易号 %(trade)s") % {"trade": values["trade"]})
    return "，".join(parts)


def _runs_described(runs: list[Reconciliation]) -> list[Reconciliation]:
    """Each run with its provider's name and each visible mismatch's two sides in words."""
    for run in runs:
        run.provider_name = _provider_name(run.provider)  # type: ignore[attr-defined]
        for mismatch in run.visible_mismatches:  # type: ignore[attr-defined]
            mismatch.ours_text = _side(mismatch, mismatch.ours, ours=True)
            mismatch.theirs_text = _side(mismatch, mismatch.theirs, ours=False)
    return runs
