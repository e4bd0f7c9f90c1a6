"""Two identical notifications at the same moment: applied once (row lock on the order).
PostgreSQL only (SQLite serialises writers; the sequential duplicate is in
test_notifications.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from onevisit.applications.models import CaseStatusChange
from onevisit.payments.models import ElectronicReceipt, PaymentNotice, PaymentOrder
from onevisit.payments.reference.models import ReferenceNotification
from onevisit.payments.services import notice_receive
from tests.concurrency import race
from tests.payments.conftest import pay

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_identical_notifications_at_once_apply_once(house, opened):
    pay(opened)
    sent = ReferenceNotification.objects.get()
    body, headers = sent.body.encode(), {"X-Paygate-Signature": sent.signature}

    results = race(lambda: notice_receive(provider="reference", body=body, headers=headers),
                   lambda: notice_receive(provider="reference", body=body, headers=headers))

    assert sorted(r.outcome for r in results) == ["applied", "duplicate"]
    assert PaymentNotice.objects.count() == 2
    assert PaymentOrder.objects.get(pk=opened.pk).status == "paid"
    assert ElectronicReceipt.objects.count() == 2  # the two departments', issued once
    tax = house.cases.get(stage_key="tax")
    assert CaseStatusChange.objects.filter(case=tax, status="approved").count() == 1
