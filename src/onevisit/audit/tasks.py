from __future__ import annotations

from django_tasks import task

from onevisit.audit.services import audit_checkpoint_write, audit_verify_report


class AuditChainBroken(Exception):
    """The audit log does not verify: investigate (docs/security.md)."""


@task()
def audit_checkpoint_task() -> int:
    """Write a signed checkpoint of every audit chain's head, for a scheduler to enqueue
    (e.g. hourly, so a quiet log is anchored too); returns the rows it covers."""
    return audit_checkpoint_write().rows


@task()
def audit_verify_task() -> dict[str, int]:
    """The periodic check of every audit chain, their signed heads and the checkpoints
    (what `onevisit audit verify` does). Any problem fails the run, so the scheduler
    reports it."""
    report = audit_verify_report()
    if report.problems:
        raise AuditChainBroken(f"{len(report.problems)} problems: " + "; ".join(
            str(problem) for problem in report.problems[:20]))
    return {"problems": 0, "rows": report.rows, "chains": report.chains}
