"""Background jobs of the payment platform, run by the scheduler (ONEVISIT_SCHEDULE):
the reference gateway's notification deliveries, the query of orders whose notification
has not come, refunds not yet confirmed, and yesterday's reconciliation."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from onevisit import clock
from onevisit.payments.reference.gateway import notifications_deliver
from onevisit.payments.services import orders_query_stale, reconcile, refunds_retry


@task()
def paygate_notify_task() -> dict[str, int]:
    return notifications_deliver()


@task()
def orders_query_task() -> dict[str, int]:
    return orders_query_stale()


@task()
def refunds_retry_task() -> dict[str, int]:
    return refunds_retry()


@task()
def reconcile_task() -> dict[str, int | str]:
    """Yesterday's statement (the provider's day ends at midnight in Hangzhou)."""
    day = timezone.localdate(clock.now()) - dt.timedelta(days=1)
    run = reconcile(day=day)
    return {"day": day.isoformat(), "matched": run.matched, "mismatched": run.mismatched}
