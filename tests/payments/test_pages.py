"""The applicant pays on the portal: the breakdown, the cashier, 支付处理中 until the
notification arrives, the receipt; nobody else's application; the supervisor's page."""

from __future__ import annotations

from django.test import Client

from onevisit.payments.models import PaymentOrder
from onevisit.payments.reference.models import ReferenceTrade
from tests.factories import UserFactory, resident_id
from tests.payments.conftest import deliver


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_citizen_pays_online_and_downloads_the_receipt(
        house, world, django_capture_on_commit_callbacks):
    browser = _signed_in(world.citizen)
    page = browser.get(f"/me/applications/{house.number}/pay/").content.decode()
    assert "契税" in page
    assert "1850000.00" in page
    assert "1%" in page
    assert "《中华人民共和国契税法》第三条" in page
    assert '<strong id="owed">18580.00</strong>' in page

    to_cashier = browser.post(f"/me/applications/{house.number}/pay/")
    order = PaymentOrder.objects.get()
    trade = ReferenceTrade.objects.get(out_trade_no=order.number)
    assert to_cashier.status_code == 302
    assert to_cashier["Location"].endswith(f"/paygate/cashier/{trade.trade_no}/")
    cashier = browser.get(f"/paygate/cashier/{trade.trade_no}/").content.decode()
    assert "参考支付平台（演示）" in cashier
    assert "确认支付" in cashier
    assert "18580.00" in cashier

    back = browser.post(f"/paygate/cashier/{trade.trade_no}/", {"action": "pay",
                                                                "misbehaviour": ""})
    assert back["Location"].endswith(f"/me/applications/{house.number}/pay/return/"
                                     f"?order={order.number}")
    waiting = browser.get(back["Location"]).content.decode()
    # The gateway has the money; its notification is not applied yet.
    assert "支付平台已收款，正在核对，无需重复支付" in waiting
    assert 'hx-trigger="every 3s"' in waiting

    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    status = browser.get(f"/me/applications/{house.number}/pay/status/"
                         f"?order={order.number}").content.decode()
    assert "支付成功" in status
    assert "hx-trigger" not in status
    receipt = PaymentOrder.objects.get().receipts.get(department__code="xh-sw")
    pdf = browser.get(f"/me/applications/{house.number}/receipts/{receipt.number}.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")


def test_cancelling_at_the_cashier_leaves_the_order_to_pay_again(house, world):
    browser = _signed_in(world.citizen)
    browser.post(f"/me/applications/{house.number}/pay/")
    trade = ReferenceTrade.objects.get()

    browser.post(f"/paygate/cashier/{trade.trade_no}/", {"action": "cancel"})

    assert ReferenceTrade.objects.get().status == "WAIT_PAY"
    page = browser.get(f"/me/applications/{house.number}/pay/").content.decode()
    assert "去支付" in page
    assert PaymentOrder.objects.get().status == "unpaid"


def test_another_citizens_application_is_not_found_and_nothing_is_opened(house, db):
    stranger = UserFactory(username="stranger", id_number=resident_id(seq="417"))
    browser = _signed_in(stranger)

    for path in (f"/me/applications/{house.number}/pay/",
                 f"/me/applications/{house.number}/pay/return/",
                 f"/me/applications/{house.number}/pay/status/"):
        assert browser.get(path).status_code == 404
    assert browser.post(f"/me/applications/{house.number}/pay/").status_code == 404
    assert not PaymentOrder.objects.exists()
    assert not ReferenceTrade.objects.exists()


def test_the_payment_link_shows_while_charges_are_unpaid(house, world):
    from django.template import Context, Template

    link = Template("{% load payments %}{% payment_link application %}")
    assert "查看并缴纳税费" in link.render(Context({"application": house}))
    house.cases.update(paid_at=house.accepted_at)
    assert link.render(Context({"application": house})).strip() == ""


def test_the_supervisor_sees_orders_and_refused_notifications(house, opened, world):
    from tests.payments.conftest import pay

    pay(opened, "bad_signature")
    deliver()
    page = _signed_in(world.supervisor).get("/dashboard/payments/")
    text = page.content.decode()
    assert page.status_code == 200
    assert opened.number in text
    assert "验签失败，已拒绝" in text
    assert _signed_in(world.citizen).get("/dashboard/payments/").status_code == 403
