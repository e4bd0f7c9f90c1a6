"""A 二手房 filing with taxes and fees: 契税 at 1% of the price (the tax stage completes on
payment) and the 不动产登记费 of 80 yuan on the transfer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from django.test import Client

from onevisit.applications.models import Application
from onevisit.catalogue.models import ChargeRule, ServiceItem
from onevisit.payments.models import PaymentOrder
from onevisit.payments.reference.gateway import notifications_deliver
from onevisit.payments.services import order_checkout, order_open


@pytest.fixture
def charged(world: Any) -> Any:
    ServiceItem.objects.filter(code=world.tax_item.code).update(completes_on_payment=True)
    ChargeRule.objects.create(
        code="deed-tax-test", item_code=world.tax_item.code, charge="契税", kind="tax",
        base_field="price", rate="0.010000", note="家庭唯一住房，90平方米及以下",
        legal_basis="《中华人民共和国契税法》第三条", valid_from=dt.date(2021, 9, 1))
    ChargeRule.objects.create(
        code="registration-fee-test", item_code=world.transfer.code, charge="不动产登记费",
        kind="fee", amount_yuan="80.00", note="住宅类不动产登记",
        legal_basis="《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》",
        valid_from=dt.date(2016, 12, 1))
    return world


@pytest.fixture
def house(charged: Any, api: Any) -> Application:
    """An accepted 二手房 application of the citizen with 18500 yuan 契税 and an 80 yuan fee."""
    body = api["citizen"].post("/applications", charged.house_payload()).json()
    return Application.objects.get(number=body["number"])


@pytest.fixture
def opened(house: Application, world: Any) -> PaymentOrder:
    order = order_open(application=house, actor=world.citizen)
    return order_checkout(order=order, actor=world.citizen)


def through_client(client: Client | None = None) -> httpx.MockTransport:
    """An httpx transport that hands the gateway's POSTs to the site (Django's test client),
    as the network would."""
    client = client or Client()

    def handle(request: httpx.Request) -> httpx.Response:
        response = client.post(request.url.raw_path.decode(), data=request.content,
                               content_type=request.headers["Content-Type"],
                               headers={k: v for k, v in request.headers.items()
                                        if k.lower().startswith("x-")})
        return httpx.Response(response.status_code, content=response.content)

    return httpx.MockTransport(handle)


def deliver() -> dict[str, int]:
    return notifications_deliver(transport=through_client())


def pay(order: PaymentOrder, misbehaviour: str = "") -> None:
    """The payer confirms at the reference gateway's cashier (the trade misbehaving as told)."""
    from onevisit.payments.reference.gateway import misbehaviour_set, trade_pay

    if misbehaviour:
        misbehaviour_set(trade_no=order.trade_number, misbehaviour=misbehaviour)
    trade_pay(trade_no=order.trade_number)
