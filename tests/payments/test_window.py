"""At the window: the clerk makes the payment order of what the applicant owes and shows its
QR code; she pays on her phone and the cases go on — no bank counter, no tax hall."""

from __future__ import annotations

from typing import Any

import pytest

from onevisit.applications.models import Application
from onevisit.payments.models import PaymentOrder
from tests.payments.conftest import deliver, pay

pytestmark = pytest.mark.django_db


def test_the_clerk_shows_the_qr_code_and_the_payment_goes_through(house: Application,
                                                                   world: Any, client):
    client.force_login(world.clerk)
    page = client.get(f"/hall/applications/{house.number}/").content.decode()
    assert "现场扫码缴纳税费" in page
    assert "18500.00" in page
    assert not PaymentOrder.objects.exists()  # looking makes no order

    response = client.post(f"/hall/applications/{house.number}/payment/", follow=True)

    order = PaymentOrder.objects.get()
    page = response.content.decode()
    assert order.number in page
    assert "data:image/svg+xml" in page
    assert order.checkout_url in page
    pay(order)
    deliver()
    house.refresh_from_db()
    assert house.cases.get(stage_key="tax").status == "approved"
    assert house.visits.count() == 0  # paying is not a trip
    after = client.get(f"/hall/applications/{house.number}/").content.decode()
    assert "税费缴纳情况" in after
    assert f"缴款单 {order.number}：18580.00 元，已支付" in after


def test_a_second_click_shows_the_same_order(house: Application, world: Any, client):
    client.force_login(world.clerk)
    client.post(f"/hall/applications/{house.number}/payment/")
    client.post(f"/hall/applications/{house.number}/payment/")

    assert PaymentOrder.objects.count() == 1


def test_only_a_clerk_makes_the_order(house: Application, world: Any, client):
    client.force_login(world.reviewers["xh-sw"])

    response = client.post(f"/hall/applications/{house.number}/payment/")

    assert response.status_code == 403
    assert not PaymentOrder.objects.exists()
