from __future__ import annotations

from django_tasks import task

from onevisit.audit.services import audit_checkpoint_write, audit_verify


class AuditChainBroken(Exception):
    """The audit log does not verify: investigate (docs/security.md)."""


@task()
def audit_checkpoint_task() -> int:
    """Write a signed checkpoint of the audit chain's tip, for a scheduler to enqueue (e.g.
    hourly, so a quiet log is anchored too); returns the checkpointed seq."""
    return audit_checkpoint_write().seq


@task()
def audit_verify_task() -> dict[str, int]:
    """The periodic check of the whole audit chain, its signed head and checkpoints (what
    `onevisit audit verify` does). Any problem fails the run, so the scheduler reports it."""
    problems = audit_verify()
    if problems:
        raise AuditChainBroken(f"{len(problems)} problems: " + "; ".join(
            f"seq {problem.seq}: {problem.reason}" if problem.seq else problem.reason
            for problem in problems[:20]))
    return {"problems": 0}
