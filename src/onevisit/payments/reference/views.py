"""The reference gateway's cashier (收银台) under /paygate/: what a bank's payment page
does — show what is paid to whom, a QR code to pay by phone, 确认支付 and 取消 — clearly
labelled as the demonstration gateway. It belongs to the gateway, not to the platform's
pages: it knows trades, never applications."""

from __future__ import annotations

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onevisit.payments.reference.gateway import (
    cashier_url,
    misbehaviour_set,
    trade_of,
    trade_pay,
)
from onevisit.payments.reference.models import Misbehaviour, TradeStatus


@require_http_methods(["GET", "POST"])
def cashier(request: HttpRequest, trade_no: str) -> HttpResponse:
    trade = trade_of(trade_no)
    if trade is None:
        raise Http404("no such trade")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "pay" and trade.status == TradeStatus.WAIT_PAY:
            behaviour = request.POST.get("misbehaviour", "")
            if behaviour in Misbehaviour.values:
                misbehaviour_set(trade_no=trade_no, misbehaviour=behaviour)
            trade_pay(trade_no=trade_no)
        if trade.return_url:
            # The merchant is told the payer cancelled (the trade stays payable).
            cancelled = action == "cancel" and trade.status == TradeStatus.WAIT_PAY
            return redirect(_with_cancelled(trade.return_url) if cancelled
                            else trade.return_url)
        return redirect(request.path)
    qr = segno.make(cashier_url(trade), error="m").svg_data_uri(scale=5)
    return render(request, "payments/paygate/cashier.html", {
        "trade": trade, "qr": qr, "misbehaviours": Misbehaviour.choices,
        "payable": trade.status == TradeStatus.WAIT_PAY,
    })


def _with_cancelled(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}cancelled=1"
