from __future__ import annotations

from django_tasks import task

from onevisit.metrics.services import rollups_refresh_due


@task()
def rollups_refresh_task() -> int:
    """For a scheduler to enqueue every few minutes (the dashboard's figures are as fresh
    as its last run, and say so)."""
    return rollups_refresh_due()
