"""`onevisit scheduler`: enqueue every periodic job's task once per period, built on
APScheduler. Any number of schedulers may run: the one holding the lease enqueues, the
others wait as standbys and take over when its lease expires; a period has at most one
run whichever enqueues it (`JobRun`'s unique job + period)."""

from __future__ import annotations

import functools
import os
import secrets
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.db import DatabaseError, close_old_connections

from onevisit import clock
from onevisit.ops.models import JobRun
from onevisit.ops.schedule import EPOCH, Job
from onevisit.ops.services import job_run_enqueue, scheduler_lease_release, scheduler_lease_take

log = structlog.get_logger(__name__)


def owner_name() -> str:
    """This process, as the lease and the runs name it."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Scheduler:
    def __init__(self, *, jobs: list[Job], lease_seconds: int, owner: str | None = None):
        self.jobs = jobs
        self.lease_seconds = lease_seconds
        self.owner = owner or owner_name()
        self.active = False

    def heartbeat(self) -> bool:
        """Take or renew the lease. A scheduler that becomes active enqueues at once every
        job whose current period has no run yet (the start, or a take-over)."""
        active = scheduler_lease_take(owner=self.owner, seconds=self.lease_seconds)
        if active != self.active:
            self.active = active
            if active:
                log.info("scheduler_active", owner=self.owner,
                         jobs=",".join(job.name for job in self.jobs))
                for job in self.jobs:
                    job_run_enqueue(job=job, scheduler=self.owner)
            else:
                log.warning("scheduler_standby", owner=self.owner)
        return active

    def tick(self, job: Job) -> JobRun | None:
        """A job's period has begun: enqueue its run if this scheduler is the active one."""
        if not self.heartbeat():
            return None
        return job_run_enqueue(job=job, scheduler=self.owner)

    def release(self) -> None:
        if self.active:
            scheduler_lease_release(owner=self.owner)
            self.active = False
            log.info("scheduler_stopped", owner=self.owner)

    def _guarded(self, step: Callable[[], object], name: str) -> Callable[[], None]:
        def run() -> None:
            close_old_connections()
            try:
                step()
            except DatabaseError:
                # The next heartbeat or period tries again; the operator sees this line.
                log.exception("scheduler_step_failed", step=name, owner=self.owner)
            finally:
                close_old_connections()
        return run

    def run(self, *, stop: threading.Event | None = None) -> None:
        """Schedule until SIGTERM or SIGINT (or `stop`), then give up the lease."""
        stop = stop or threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, on_signal)
        scheduler = BackgroundScheduler(
            timezone=EPOCH.tzinfo, executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        scheduler.add_job(self._guarded(self.heartbeat, "lease"), id="lease",
                          trigger=IntervalTrigger(seconds=max(1, self.lease_seconds // 3)),
                          next_run_time=clock.now())
        for job in self.jobs:
            # Triggers start at the shared epoch, so each fires as a period begins.
            scheduler.add_job(
                self._guarded(functools.partial(self.tick, job), job.name), id=job.name,
                trigger=IntervalTrigger(seconds=int(job.period.total_seconds()),
                                        start_date=EPOCH, timezone=EPOCH.tzinfo),
            )
        log.info("scheduler_started", owner=self.owner, lease_seconds=self.lease_seconds)
        scheduler.start()
        try:
            stop.wait()
        finally:
            scheduler.shutdown(wait=True)
            self._guarded(self.release, "release")()
