"""The daily comparison with the provider's statement lists every difference."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from onevisit.applications.models import Application
from onevisit.files.services import file_read
from onevisit.payments.models import PaymentOrder
from onevisit.payments.reference.models import ReferenceTrade
from onevisit.payments.services import order_checkout, order_open, reconcile
from onevisit.supervision.models import Alert
from tests.payments.conftest import deliver, pay

DAY = dt.date(2026, 12, 8)


def _second_application(world, api):
    body = api["citizen"].post("/applications", world.house_payload()).json()
    application = Application.objects.get(number=body["number"])
    return order_checkout(order=order_open(application=application, actor=world.citizen),
                          actor=world.citizen)


def test_a_day_that_matches_has_no_mismatch(house, opened, django_capture_on_commit_callbacks):
    pay(opened)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()

    run = reconcile(day=DAY)

    assert (run.ours, run.theirs, run.matched, run.mismatched) == (1, 1, 1, 0)
    assert file_read(run.statement.name).decode().splitlines()[1].startswith(
        f"PAY,{opened.number},")
    assert not Alert.objects.filter(kind="reconciliation_mismatch").exists()


def test_each_kind_of_difference_is_listed_and_alerted_once(
        house, opened, world, api, django_capture_on_commit_callbacks):
    pay(opened)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    third = _second_application(world, api)
    pay(third)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    second = _second_application(world, api)
    pay(second)  # paid at the gateway, its notification never delivered: unpaid here
    # The gateway's books differ from ours: a trade we never opened, one it lost, and one
    # of ours paid for another amount.
    trade = ReferenceTrade.objects.get(out_trade_no=second.number)
    ReferenceTrade.objects.create(
        out_trade_no="JK2026120899999999", trade_no="RT-STRANGER", subject="?",
        amount_yuan=Decimal("5.00"), notify_url="-", status="SUCCESS",
        created_at=trade.created_at, paid_at=trade.paid_at)
    ReferenceTrade.objects.filter(out_trade_no=third.number).update(
        amount_yuan=Decimal("18000.00"))
    ReferenceTrade.objects.filter(out_trade_no=opened.number).delete()

    run = reconcile(day=DAY)

    found = {(m.kind, m.order_number) for m in run.mismatches.all()}
    assert found == {
        ("missing_there", opened.number),
        ("status_differs", second.number),
        ("missing_here", "JK2026120899999999"),
        ("amount_differs", third.number),
    }
    differs = run.mismatches.get(kind="amount_differs")
    assert (differs.ours["amount"], differs.theirs["amount"]) == ("18580.00", "18000.00")
    assert run.mismatched == 4
    alert = Alert.objects.get(kind="reconciliation_mismatch")
    assert "4" in alert.message
    assert alert.region_id is None  # one line names no order of ours: operators see it


def test_a_refund_missing_from_the_statement_is_listed(
        house, opened, world, django_capture_on_commit_callbacks):
    from onevisit.payments.reference.models import ReferenceRefund
    from onevisit.payments.services import order_cancel

    pay(opened, "late")
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(number=opened.number, actor=world.citizen, reason="不再缴纳")
    from onevisit import clock

    with clock.frozen_at(clock.now() + dt.timedelta(minutes=31)), \
            django_capture_on_commit_callbacks(execute=True):
        deliver()
    ReferenceRefund.objects.all().delete()

    run = reconcile(day=DAY)

    mismatch = run.mismatches.get()
    assert (mismatch.kind, mismatch.order_number, mismatch.refund_number) == (
        "missing_there", opened.number, PaymentOrder.objects.get(pk=opened.pk)
        .refunds.get().number)
