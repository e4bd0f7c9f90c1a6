from __future__ import annotations

from django_tasks import task

from onevisit.workflow import services


@task()
def deadline_scan_task() -> dict[str, int]:
    """The supervision scan, for a scheduler to enqueue (e.g. every ten minutes)."""
    return services.deadline_scan()


@task()
def tolerated_overdue_scan() -> int:
    """Alerts for materials accepted under 容缺 and not supplied by their due date, for a
    scheduler to enqueue (e.g. hourly)."""
    return services.tolerated_overdue_scan()
