from __future__ import annotations

from django_tasks import task

from onevisit.audit.services import audit_checkpoint_write


@task()
def audit_checkpoint_task() -> int:
    """Write a signed checkpoint of the audit chain's tip, for a scheduler to enqueue (e.g.
    hourly, so a quiet log is anchored too); returns the checkpointed seq."""
    return audit_checkpoint_write().seq
