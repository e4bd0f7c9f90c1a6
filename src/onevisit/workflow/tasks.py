from __future__ import annotations

from django_tasks import task

from onevisit.workflow.services import deadline_scan


@task()
def deadline_scan_task() -> dict[str, int]:
    """The supervision scan, for a scheduler to enqueue (e.g. every ten minutes)."""
    return deadline_scan()
