"""The payment endpoints of the JSON API."""

from __future__ import annotations

from onevisit.payments.models import PaymentOrder
from tests.factories import UserFactory, resident_id
from tests.payments.conftest import deliver, pay


def test_the_applicant_reads_her_charges(house, api):
    body = api["citizen"].get(f"/me/applications/{house.number}/charges").json()

    assert body["owed_yuan"] == "18580.00"
    assert [(line["charge"], line["amount_yuan"], line["base_yuan"], line["rate"])
            for line in body["lines"]] == [("契税", "18500.00", "1850000.00", "0.010000"),
                                           ("不动产登记费", "80.00", "", "")]


def test_a_retried_order_request_gets_the_first_answer(house, api):
    first = api["citizen"].post(f"/me/applications/{house.number}/payment-order",
                                **{"Idempotency-Key": "pay-1"})
    again = api["citizen"].post(f"/me/applications/{house.number}/payment-order",
                                **{"Idempotency-Key": "pay-1"})

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["amount_yuan"] == "18580.00"
    assert "/paygate/cashier/" in first.json()["checkout_url"]
    assert PaymentOrder.objects.count() == 1


def test_the_order_shows_its_receipt_once_paid(house, api, django_capture_on_commit_callbacks):
    number = api["citizen"].post(f"/me/applications/{house.number}/payment-order").json()[
        "number"]
    pay(PaymentOrder.objects.get(number=number))
    with django_capture_on_commit_callbacks(execute=True):
        deliver()

    body = api["citizen"].get(f"/payments/orders/{number}").json()

    # One receipt per collecting department: the tax office's, then the registration centre's.
    assert (body["status"], body["receipts"]) == (
        "paid", [f"PJ{number[2:]}-1", f"PJ{number[2:]}-2"])


def test_nobody_else_reads_or_opens_an_order(house, api):
    from tests.conftest import Api

    number = api["citizen"].post(f"/me/applications/{house.number}/payment-order").json()[
        "number"]
    stranger = Api(UserFactory(username="stranger", id_number=resident_id(seq="417")))

    assert stranger.get(f"/payments/orders/{number}").status_code == 404
    assert stranger.get(f"/me/applications/{house.number}/charges").status_code == 404
    assert stranger.post(f"/me/applications/{house.number}/payment-order").status_code == 404
    assert api["clerk"].post(f"/me/applications/{house.number}/payment-order").status_code == 403
    assert PaymentOrder.objects.count() == 1
