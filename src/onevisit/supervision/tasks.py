from __future__ import annotations

from django_tasks import task

from onevisit.supervision.rules import rules_scan
from onevisit.supervision.services import follow_ups_due_scan


@task()
def follow_ups_due_scan_task() -> int:
    """Escalate overdue 督办, for a scheduler to enqueue (e.g. every ten minutes)."""
    return follow_ups_due_scan()


@task()
def rules_scan_task() -> dict[str, int]:
    """The scheduled rules of electronic supervision: clocks paused too long, idle cases,
    personal data read without a case."""
    return rules_scan()
