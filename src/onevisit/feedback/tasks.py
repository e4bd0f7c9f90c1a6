from __future__ import annotations

from django_tasks import task

from onevisit.feedback.services import rectifications_overdue_scan


@task()
def rectifications_overdue_scan_task() -> int:
    """Raise RECTIFICATION_OVERDUE for rectifications past their deadline, once each."""
    return rectifications_overdue_scan()
