from __future__ import annotations

from typing import Any

from django_tasks import task

from onevisit.ops.services import job_run_execute, job_runs_prune


@task()
def job_run_task(run_id: int) -> Any:
    """One run of a periodic job, enqueued by the scheduler (and again for each retry)."""
    return job_run_execute(run_id=run_id)


@task()
def job_runs_prune_task() -> dict[str, int]:
    """Periodic: delete the scheduler's runs and the task results finished long ago."""
    return job_runs_prune()
