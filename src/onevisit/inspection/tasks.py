from __future__ import annotations

from django_tasks import task

from onevisit.inspection.services import rectification_overdue_scan, targets_refresh


@task()
def targets_refresh_task() -> int:
    return targets_refresh()


@task()
def rectification_overdue_task() -> int:
    return rectification_overdue_scan()
