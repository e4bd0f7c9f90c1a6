from __future__ import annotations

from django_tasks import task

from onevisit.hall.services import appointments_mark_missed


@task()
def appointments_mark_missed_task() -> int:
    """Mark passed, unchecked appointments as no-shows, for a scheduler to enqueue (e.g.
    every half hour)."""
    return appointments_mark_missed(actor=None)
