"""The provider's asynchronous notifications: applied once, refused when forged or wrong,
refunded when late, retried when the platform did not answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from onevisit import clock
from onevisit.applications.models import CaseStatusChange
from onevisit.notifications.models import Notification
from onevisit.payments.models import ElectronicReceipt, PaymentNotice, PaymentOrder, Refund
from onevisit.payments.reference.gateway import notifications_deliver
from onevisit.payments.reference.models import (
    ReferenceNotification,
    ReferenceRefund,
    ReferenceTrade,
)
from onevisit.payments.services import notice_receive, order_cancel
from onevisit.supervision.models import Alert
from tests.payments.conftest import deliver, pay


def _cases(application):
    return {c.stage_key: (c.status, c.paid_at is not None) for c in application.cases.all()}


def test_a_payment_settles_every_case_it_covers_and_issues_a_receipt(house, opened,
                                                                     django_capture_on_commit_callbacks):
    assert opened.amount_yuan == Decimal("18580.00")
    assert [line["charge"] for line in opened.lines] == ["契税", "不动产登记费"]
    pay(opened)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver() == {"delivered": 1, "failed": 0, "abandoned": 0}

    order = PaymentOrder.objects.get(pk=opened.pk)
    assert order.status == "paid"
    assert order.paid_yuan == Decimal("18580.00")
    # The tax case completes on payment; the transfer, not started yet, is paid ahead.
    assert _cases(house) == {"filing": ("pending", False), "tax": ("approved", True),
                             "transfer": ("waiting", True)}
    # Each collecting department receipts its own lines.
    assert [(r.number, r.department.code, r.amount_yuan) for r in
            ElectronicReceipt.objects.filter(order=order).order_by("number")] == [
        (f"PJ{order.number[2:]}-1", "xh-sw", Decimal("18500.00")),
        (f"PJ{order.number[2:]}-2", "xh-bdc", Decimal("80.00"))]
    assert list(PaymentNotice.objects.values_list("outcome", flat=True)) == ["applied"]
    assert Notification.objects.filter(event="paid", channel="site").count() == 1


def test_a_duplicate_notification_is_recorded_and_changes_nothing(house, opened,
                                                                  django_capture_on_commit_callbacks):
    pay(opened, "duplicate")
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver()["delivered"] == 2

    assert sorted(PaymentNotice.objects.values_list("outcome", flat=True)) == [
        "applied", "duplicate"]
    assert ElectronicReceipt.objects.count() == 2  # one per department, issued once
    tax = house.cases.get(stage_key="tax")
    assert CaseStatusChange.objects.filter(case=tax, status="approved").count() == 1
    assert Notification.objects.filter(event="paid", channel="site").count() == 1


def test_a_forged_notification_is_refused_alerted_and_changes_nothing(house, opened, client):
    pay(opened, "bad_signature")
    before = _cases(house)

    assert deliver()["delivered"] == 1  # answered `success`: recorded, the gateway stops

    notice = PaymentNotice.objects.get()
    assert (notice.outcome, notice.signature_ok) == ("refused_signature", False)
    order = PaymentOrder.objects.get(pk=opened.pk)
    assert (order.status, order.paid_at) == ("unpaid", None)
    assert _cases(house) == before
    assert not ElectronicReceipt.objects.exists()
    alert = Alert.objects.get(kind="payment_refused")
    assert alert.application_number == house.number
    assert alert.region_id == "330106"


def test_a_notification_stating_another_amount_is_refused(house, opened):
    pay(opened, "wrong_amount")
    deliver()

    notice = PaymentNotice.objects.get()
    assert (notice.outcome, notice.signature_ok, notice.amount_yuan) == (
        "refused_amount", True, Decimal("18580.01"))
    assert PaymentOrder.objects.get(pk=opened.pk).status == "unpaid"
    assert _cases(house)["tax"] == ("awaiting_payment", False)
    assert Alert.objects.filter(kind="payment_refused",
                                application_number=house.number).count() == 1


def test_a_notification_arriving_after_the_order_was_cancelled_is_refunded(
        house, opened, world, django_capture_on_commit_callbacks):
    pay(opened, "late")
    assert deliver()["delivered"] == 0  # held back by the gateway
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(number=opened.number, actor=world.citizen, reason="不再缴纳")

    with clock.frozen_at(clock.now() + dt.timedelta(minutes=31)), \
            django_capture_on_commit_callbacks(execute=True):
        assert deliver()["delivered"] == 1

    notice = PaymentNotice.objects.get()
    assert notice.outcome == "late_refunded"
    order = PaymentOrder.objects.get(pk=opened.pk)
    assert order.status == "refunded"
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.amount_yuan) == ("succeeded", Decimal("18580.00"))
    gateway = ReferenceRefund.objects.get(out_refund_no=refund.number)
    assert gateway.refund_no == refund.provider_number
    assert ReferenceTrade.objects.get(out_trade_no=order.number).status == "REFUNDED"
    assert _cases(house)["tax"] == ("awaiting_payment", False)
    assert Notification.objects.filter(event="refunded", channel="site").count() == 1


def test_a_notification_for_no_order_of_ours_is_recorded(house):
    from onevisit.payments.reference.keys import sign

    body = b'{"out_trade_no": "JK000", "trade_no": "RT1", "total_amount": "1.00", ' \
           b'"trade_status": "TRADE_SUCCESS"}'
    notice = notice_receive(provider="reference", body=body,
                            headers={"X-Paygate-Signature": sign(body)})

    assert (notice.outcome, notice.order_id) == ("unknown_order", None)


def test_an_unanswered_notification_is_retried_later(house, opened):
    pay(opened)
    failing = httpx.MockTransport(lambda request: httpx.Response(502, text="bad gateway"))

    assert notifications_deliver(transport=failing) == {"delivered": 0, "failed": 1,
                                                        "abandoned": 0}
    pending = ReferenceNotification.objects.get()
    assert pending.attempts == 1
    assert pending.last_error == "HTTP 502: bad gateway"
    assert deliver()["delivered"] == 0  # not due yet
    with clock.frozen_at(clock.now() + dt.timedelta(minutes=3)):
        assert deliver()["delivered"] == 1
    assert PaymentOrder.objects.get(pk=opened.pk).status == "paid"


@pytest.mark.parametrize("path", ["/payments/notify/nosuch/"])
def test_a_notification_for_an_unknown_provider_is_not_found(client, path, db):
    assert client.post(path, data=b"{}", content_type="application/json").status_code == 404
    assert not PaymentNotice.objects.exists()
