from __future__ import annotations

from django_tasks import task

from onevisit.metrics.services import rollups_refresh_recent


@task()
def rollups_refresh_task() -> int:
    """For a scheduler to enqueue, e.g. every ten minutes."""
    return rollups_refresh_recent()
