"""The order's transition table, walked pair by pair; the lost-notification query."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.errors import Conflict
from onevisit.payments.constants import ALLOWED_ORDER_TRANSITIONS, OrderStatus
from onevisit.payments.models import PaymentNotice, PaymentOrder
from onevisit.payments.services import order_transition, orders_query_stale
from tests.payments.conftest import pay


@pytest.mark.parametrize(("before", "after"), [(b, a) for b in OrderStatus.values
                                               for a in OrderStatus.values])
def test_every_move_of_an_order(before, after):
    order = PaymentOrder(number="JK1", status=before)
    if after in ALLOWED_ORDER_TRANSITIONS[before]:
        order_transition(order, after)
        assert order.status == after
    else:
        with pytest.raises(Conflict):
            order_transition(order, after)
        assert order.status == before


def test_an_order_whose_notification_never_came_is_found_paid_by_the_query(
        house, opened, django_capture_on_commit_callbacks):
    pay(opened)  # the gateway's notification is never delivered
    assert orders_query_stale(minutes=15) == {"queried": 0, "applied": 0}  # too recent

    with clock.frozen_at(clock.now() + dt.timedelta(minutes=20)), \
            django_capture_on_commit_callbacks(execute=True):
        assert orders_query_stale(minutes=15) == {"queried": 1, "applied": 1}

    order = PaymentOrder.objects.get(pk=opened.pk)
    assert order.status == "paid"
    assert house.cases.get(stage_key="tax").status == "approved"
    assert not PaymentNotice.objects.exists()
