"""One open order per application, covering every unpaid charge; refunds when cases end
refused or cancelled after the payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from onevisit.applications.models import Application, Case
from onevisit.catalogue.models import ChargeRule
from onevisit.errors import InvalidInput
from onevisit.notifications.models import Notification
from onevisit.payments.models import PaymentOrder, Refund
from onevisit.payments.reference.models import ReferenceRefund, ReferenceTrade
from onevisit.payments.services import order_checkout, order_open
from onevisit.workflow.services import case_approve, case_claim, case_reject
from tests.payments.conftest import deliver, pay


def test_opening_again_for_the_same_cases_gives_the_same_order(house, opened, world):
    again = order_open(application=house, actor=world.citizen)

    assert again.pk == opened.pk
    assert PaymentOrder.objects.count() == 1
    assert order_checkout(order=again, actor=world.citizen).trade_number == opened.trade_number
    assert ReferenceTrade.objects.count() == 1


def test_changed_charges_cancel_the_open_order_and_open_another(
        house, opened, world, django_capture_on_commit_callbacks):
    Case.objects.filter(application=house, stage_key="transfer").update(charges_yuan=0,
                                                                        charges=[])
    with django_capture_on_commit_callbacks(execute=True):
        fresh = order_open(application=house, actor=world.citizen)

    assert fresh.pk != opened.pk
    assert fresh.amount_yuan == Decimal("18500.00")
    assert PaymentOrder.objects.get(pk=opened.pk).status == "cancelled"
    assert ReferenceTrade.objects.get(out_trade_no=opened.number).status == "CLOSED"


def test_an_application_with_nothing_to_pay_opens_no_order(world, api):
    body = api["citizen"].post("/applications", world.licence_payload()).json()
    application = Application.objects.get(number=body["number"])

    with pytest.raises(InvalidInput):
        order_open(application=application, actor=world.citizen)
    assert not PaymentOrder.objects.exists()


def _reject(case, world, department):
    reviewer = world.reviewer(department)
    case_claim(case_id=case.pk, actor=reviewer)
    case_reject(case_id=case.pk, actor=reviewer, reason="合同备案信息与不动产登记簿不符",
                legal_basis="《不动产登记暂行条例》第二十二条")


def test_a_refusal_after_payment_refunds_everything_paid_for_the_sale(
        house, opened, world, django_capture_on_commit_callbacks):
    """The filing is refused after the taxes were paid: the flat does not change hands, so
    the deed tax the declaration took (its stage completed on payment) is refunded with the
    transfer's fee — all of the order (《契税法》第十二条)."""
    pay(opened)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    assert house.cases.get(stage_key="tax").status == "approved"
    filing = house.cases.get(stage_key="filing")

    with django_capture_on_commit_callbacks(execute=True):
        _reject(filing, world, world.housing)

    refund = Refund.objects.get()
    assert (refund.amount_yuan, refund.status) == (Decimal("18580.00"), "succeeded")
    assert sorted(refund.case_ids) == sorted(
        house.cases.filter(stage_key__in=["tax", "transfer"]).values_list("pk", flat=True))
    assert PaymentOrder.objects.get(pk=opened.pk).status == "refunded"
    assert ReferenceRefund.objects.get().amount_yuan == Decimal("18580.00")
    assert Notification.objects.filter(event="refunded", channel="site").count() == 1


def test_a_refusal_of_every_paid_case_refunds_the_whole_order(
        world, api, django_capture_on_commit_callbacks):
    ChargeRule.objects.create(
        code="licence-fee-test", item_code=world.licence.code, charge="工本费", kind="fee",
        amount_yuan="10.00", note="证书工本费", legal_basis="（测试用收费规则）",
        valid_from=dt.date(2020, 1, 1))
    body = api["citizen"].post("/applications", world.licence_payload()).json()
    application = Application.objects.get(number=body["number"])
    order = order_checkout(order=order_open(application=application, actor=world.citizen),
                           actor=world.citizen)
    pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    case = application.cases.get()
    assert case.status == "pending"  # paid: to the department's queue

    with django_capture_on_commit_callbacks(execute=True):
        _reject(case, world, world.housing)

    order.refresh_from_db()
    assert order.status == "refunded"
    assert Refund.objects.get(order=order).amount_yuan == Decimal("10.00")
    assert ReferenceTrade.objects.get(out_trade_no=order.number).status == "REFUNDED"


def test_closing_an_application_cancels_its_unpaid_order(
        house, opened, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _reject(house.cases.get(stage_key="filing"), world, world.housing)

    assert PaymentOrder.objects.get(pk=opened.pk).status == "cancelled"
    assert ReferenceTrade.objects.get(out_trade_no=opened.number).status == "CLOSED"
    assert not Refund.objects.exists()


def test_an_approved_application_keeps_its_payment(house, opened, world,
                                                   django_capture_on_commit_callbacks):
    pay(opened)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    for stage, department in (("filing", world.housing), ("transfer", world.registry)):
        case = house.cases.get(stage_key=stage)
        case_claim(case_id=case.pk, actor=world.reviewer(department))
        with django_capture_on_commit_callbacks(execute=True):
            case_approve(case_id=case.pk, actor=world.reviewer(department))

    assert Application.objects.get(pk=house.pk).status == "completed"
    assert PaymentOrder.objects.get(pk=opened.pk).status == "paid"
    assert not Refund.objects.exists()
