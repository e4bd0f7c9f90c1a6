"""What a user walk found on the payment pages: the cashier's states in words, a receipt
per collecting department naming each line's payer, money taken but its notification
refused, a cancel at the cashier, the reconciliation table in words, and the walk-in
applicant's phone back from the cashier with no account."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal

from django.test import Client

from onevisit.notifications.models import Notification
from onevisit.payments.models import ElectronicReceipt, PaymentOrder
from onevisit.payments.receipts import receipt_lines, receipt_pdf
from onevisit.payments.reference.gateway import ReferenceGateway
from onevisit.payments.reference.models import ReferenceTrade
from onevisit.payments.services import order_checkout, order_open, reconcile
from tests.payments.conftest import deliver, pay

DAY = dt.date(2026, 12, 8)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


# D7 --------------------------------------------------------------------------------------

def test_the_cashier_names_the_trades_state_in_chinese(house, opened, client):
    url = f"/paygate/cashier/{opened.trade_number}/"
    before = client.get(url).content.decode()
    assert "<dd>待支付</dd>" in before
    assert "WAIT_PAY" not in before

    client.post(url, {"action": "pay", "misbehaviour": ""})

    after = client.get(url).content.decode()
    assert "交易状态：已支付。" in after
    assert "SUCCESS" not in after
    assert "确认支付" not in after


# D4 --------------------------------------------------------------------------------------

def test_each_collecting_department_issues_its_own_receipt_naming_each_lines_payer(
        house, world, django_capture_on_commit_callbacks):
    # The buyer pays the deed tax: the tax line's payer field names her.
    house.data.update(buyer_id_number="330106199001010027", buyer_name="李买家")
    house.save(update_fields=["data"])
    tax = house.cases.get(stage_key="tax")
    tax.charges = [{**line, "payer_field": "buyer_id_number"} for line in tax.charges]
    tax.save(update_fields=["charges"])
    order = order_checkout(order=order_open(application=house, actor=world.citizen),
                           actor=world.citizen)
    pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()

    by_department = {r.department.code: r for r in ElectronicReceipt.objects.all()}
    assert set(by_department) == {"xh-sw", "xh-bdc"}
    tax_receipt, fee_receipt = by_department["xh-sw"], by_department["xh-bdc"]
    assert [(line["charge"], line["payer"]) for line in receipt_lines(tax_receipt)] == [
        ("契税", "李买家")]
    assert [(line["charge"], line["payer"]) for line in receipt_lines(fee_receipt)] == [
        ("不动产登记费", "王小明")]
    tax_text = _pdf_text(receipt_pdf(receipt=tax_receipt))
    assert "李买家" in tax_text
    assert "不动产登记费" not in tax_text
    assert "18500.00" in tax_text
    fee_text = _pdf_text(receipt_pdf(receipt=fee_receipt))
    assert "不动产登记费" in fee_text
    assert "契税" not in fee_text
    # The PAID notification and the pay page list both receipts.
    paid = Notification.objects.get(event="paid", channel="site")
    assert tax_receipt.number in paid.context["receipt"]
    assert fee_receipt.number in paid.context["receipt"]
    page = _signed_in(world.citizen).get(f"/me/applications/{house.number}/pay/")
    text = page.content.decode()
    assert tax_receipt.number in text
    assert fee_receipt.number in text


# D8 --------------------------------------------------------------------------------------

def _no_pay_button(text: str) -> bool:
    return '<button type="submit" class="primary">去支付</button>' not in text


def test_money_taken_but_its_notification_refused_is_not_asked_for_again(
        house, opened, world, django_capture_on_commit_callbacks):
    browser = _signed_in(world.citizen)
    pay(opened, "bad_signature")
    with django_capture_on_commit_callbacks(execute=True):
        deliver()

    page = browser.get(f"/me/applications/{house.number}/pay/").content.decode()
    assert "支付平台已收款，正在核对，无需重复支付" in page
    assert "已收款，核对中" in page
    assert _no_pay_button(page)
    back = browser.get(f"/me/applications/{house.number}/pay/return/"
                       f"?order={opened.number}").content.decode()
    assert "支付平台已收款，正在核对，无需重复支付" in back
    assert "支付处理中" not in back
    assert _no_pay_button(back)
    # Nothing was applied: the order still waits for the check.
    assert PaymentOrder.objects.get().status == "unpaid"


def test_a_wrong_amount_notice_also_stops_a_second_payment(
        house, opened, world, django_capture_on_commit_callbacks):
    pay(opened, "wrong_amount")
    with django_capture_on_commit_callbacks(execute=True):
        deliver()

    page = _signed_in(world.citizen).get(f"/me/applications/{house.number}/pay/")
    assert "支付平台已收款，正在核对，无需重复支付" in page.content.decode()
    assert _no_pay_button(page.content.decode())


def test_a_trade_paid_at_the_provider_before_its_notice_arrives_is_not_paid_again(
        house, opened, world):
    pay(opened)  # the notification is still queued at the gateway

    page = _signed_in(world.citizen).get(f"/me/applications/{house.number}/pay/")
    assert "支付平台已收款，正在核对，无需重复支付" in page.content.decode()
    assert _no_pay_button(page.content.decode())


def test_an_unpaid_order_still_offers_to_pay(house, opened, world):
    page = _signed_in(world.citizen).get(f"/me/applications/{house.number}/pay/")
    text = page.content.decode()
    assert "无需重复支付" not in text
    assert not _no_pay_button(text)


# D9 --------------------------------------------------------------------------------------

def test_cancelling_at_the_cashier_says_so_and_offers_to_pay_again(house, world):
    browser = _signed_in(world.citizen)
    browser.post(f"/me/applications/{house.number}/pay/")
    trade = ReferenceTrade.objects.get()

    back = browser.post(f"/paygate/cashier/{trade.trade_no}/", {"action": "cancel"})

    assert back["Location"].endswith("&cancelled=1")
    text = browser.get(back["Location"]).content.decode()
    assert "您已取消支付，可重新缴纳" in text
    assert "支付处理中" not in text
    assert "hx-trigger" not in text
    assert not _no_pay_button(text)
    # Cancelling changed nothing: the trade and the order can still be paid.
    assert ReferenceTrade.objects.get().status == "WAIT_PAY"
    assert PaymentOrder.objects.get().status == "unpaid"


def test_a_trade_the_provider_closed_reads_as_cancelled(house, opened, world):
    ReferenceGateway().close(order_number=opened.number)

    text = _signed_in(world.citizen).get(
        f"/me/applications/{house.number}/pay/return/?order={opened.number}").content.decode()

    assert "您已取消支付，可重新缴纳" in text


def test_a_cancel_flag_after_paying_does_not_hide_the_payment(house, opened, world):
    pay(opened)

    text = _signed_in(world.citizen).get(
        f"/me/applications/{house.number}/pay/return/?order={opened.number}&cancelled=1"
    ).content.decode()

    assert "支付平台已收款，正在核对，无需重复支付" in text
    assert "您已取消支付" not in text


# D10 -------------------------------------------------------------------------------------

def test_the_reconciliation_table_reads_in_words(house, opened, world):
    pay(opened)  # paid at the gateway, its notification never delivered: unpaid here
    reconcile(day=DAY)

    text = _signed_in(world.supervisor).get("/dashboard/payments/").content.decode()

    assert "参考支付平台（演示）" in text
    assert "{&#x27;" not in text
    assert "{'" not in text
    assert "状态不符" in text
    assert "<td>待支付，18580.00 元</td>" in text
    assert re.search(r"<td>已支付，18580\.00 元，交易号 RT\w+</td>", text)


# D6 --------------------------------------------------------------------------------------

def test_the_walk_in_applicant_returns_to_a_page_that_needs_no_login(
        house, world, django_capture_on_commit_callbacks):
    clerk = _signed_in(world.clerk)
    clerk.post(f"/hall/applications/{house.number}/payment/")
    order = PaymentOrder.objects.get()
    trade = ReferenceTrade.objects.get()
    phone = Client()  # no account signed in

    back = phone.post(f"/paygate/cashier/{trade.trade_no}/", {"action": "pay",
                                                              "misbehaviour": ""})

    assert "/pay/orders/" in back["Location"]
    waiting = phone.get(back["Location"])
    text = waiting.content.decode()
    assert waiting.status_code == 200
    assert order.number in text
    assert "18580.00" in text
    assert "请回到窗口" in text
    for personal in ("王小明", house.applicant_id_number, house.number, "13812345678"):
        assert personal not in text
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    assert "已支付" in phone.get(back["Location"]).content.decode()


def test_a_forged_order_page_is_not_found(house, opened):
    phone = Client()
    assert phone.get(f"/pay/orders/{opened.number}/").status_code == 404
    assert phone.get(f"/pay/orders/{opened.number}:forged/").status_code == 404


def test_the_citizen_paying_online_still_returns_to_her_own_page(house, world):
    browser = _signed_in(world.citizen)
    browser.post(f"/me/applications/{house.number}/pay/")
    trade = ReferenceTrade.objects.get()
    assert "/me/applications/" in trade.return_url
    assert Decimal(trade.amount_yuan) == Decimal("18580.00")
