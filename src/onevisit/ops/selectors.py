"""What the scheduler did, for the operators' page: each periodic job's last run, its last
success and recent failures, and whether a scheduler holds the lease."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from onevisit.ops.constants import JobRunStatus
from onevisit.ops.models import JobRun, SchedulerLease
from onevisit.ops.schedule import Job, jobs_configured
from onevisit.ops.services import LEASE

RECENT = dt.timedelta(days=1)


@dataclass(frozen=True)
class JobState:
    job: Job
    last: JobRun | None
    last_succeeded_at: dt.datetime | None
    failed_recently: int  # runs reported failed in the last day


@dataclass(frozen=True)
class SchedulerState:
    jobs: list[JobState]
    misconfigured: str  # the error that stops the scheduler at start, or ""
    active_owner: str  # the scheduler holding the lease now, or "" if none does
    failures: list[JobRun]  # the latest failed runs, newest first


def scheduler_state(*, now: dt.datetime, failures: int = 20) -> SchedulerState:
    try:
        jobs = jobs_configured()
        misconfigured = ""
    except ImproperlyConfigured as error:
        jobs, misconfigured = [], str(error)
    states = []
    for job in jobs:
        runs = JobRun.objects.filter(job=job.name)
        succeeded = runs.filter(status=JobRunStatus.SUCCEEDED).order_by("-finished_at").first()
        states.append(JobState(
            job=job, last=runs.order_by("-due_at").first(),
            last_succeeded_at=succeeded.finished_at if succeeded else None,
            failed_recently=runs.filter(status=JobRunStatus.FAILED,
                                        finished_at__gte=now - RECENT).count(),
        ))
    lease = SchedulerLease.objects.filter(name=LEASE, expires_at__gt=now).first()
    return SchedulerState(
        jobs=states, misconfigured=misconfigured, active_owner=lease.owner if lease else "",
        failures=list(JobRun.objects.filter(status=JobRunStatus.FAILED)
                      .order_by("-finished_at")[:failures]),
    )
