"""Schedulers acting at the same moment: one holds the lease, one run per period. These
need concurrent writers and run on PostgreSQL (SQLite serialises writers; its processes
are raced in test_scheduler_process.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from onevisit.ops.models import JobRun, SchedulerLease
from onevisit.ops.schedule import Job
from onevisit.ops.services import job_run_enqueue, scheduler_lease_take
from tests.concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]

T0 = dt.datetime(2026, 11, 23, 2, 3, tzinfo=dt.UTC)
SCAN = Job(name="deadline_scan", task="onevisit.workflow.tasks.deadline_scan_task",
           period=dt.timedelta(minutes=10))
OWNERS = ("a", "b", "c", "d")


@pytest.mark.parametrize("lease_before", [None, T0 - dt.timedelta(seconds=1)])
def test_schedulers_taking_the_lease_at_once_one_gets_it(lease_before):
    if lease_before is not None:  # a dead scheduler's expired lease
        SchedulerLease.objects.create(name="scheduler", owner="dead", expires_at=lease_before)

    results = race(*[lambda owner=owner: scheduler_lease_take(owner=owner, seconds=30)
                     for owner in OWNERS], moment=T0)

    assert sorted(results, key=str) == [False, False, False, True]
    assert SchedulerLease.objects.get().owner == OWNERS[results.index(True)]


def test_schedulers_enqueuing_a_period_at_once_enqueue_it_once():
    results = race(*[lambda owner=owner: job_run_enqueue(job=SCAN, scheduler=owner)
                     for owner in OWNERS], moment=T0)

    runs = [result for result in results if isinstance(result, JobRun)]
    assert len(runs) == 1
    assert results.count(None) == 3
    assert JobRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
