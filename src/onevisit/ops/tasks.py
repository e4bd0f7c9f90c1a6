from __future__ import annotations

from typing import Any

from django_tasks import task

from onevisit.ops.services import job_run_execute


@task()
def job_run_task(run_id: int) -> Any:
    """One run of a periodic job, enqueued by the scheduler (and again for each retry)."""
    return job_run_execute(run_id=run_id)
