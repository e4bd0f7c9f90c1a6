"""The RQ queue and worker of background work on a Redis queue (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

import rq
from django_rq.queues import DjangoRQ
from rq import Retry
from rq.job import Job

# A job is tried up to four times: a worker that dies mid-job leaves it "abandoned", and
# RQ runs it again after these delays (seconds). The work is idempotent.
RETRY_DELAYS = [10, 60, 300]


class RetryingQueue(DjangoRQ):
    """django-rq's queue, giving every job retries unless it names its own."""

    def create_job(self, *args: Any, **kwargs: Any) -> Job:
        if kwargs.get("retry") is None:
            kwargs["retry"] = Retry(max=len(RETRY_DELAYS), interval=RETRY_DELAYS)
        return super().create_job(*args, **kwargs)


class Worker(rq.Worker):
    """RQ's worker, looking for abandoned jobs every minute instead of every ten: a job
    whose worker died is found once its heartbeat lapses (70 s) and run again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("job_monitoring_interval", 10)
        kwargs.setdefault("maintenance_interval", 60)
        super().__init__(*args, **kwargs)
