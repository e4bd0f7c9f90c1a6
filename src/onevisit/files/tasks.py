from __future__ import annotations

from django_tasks import task

from onevisit.files.services import files_sweep


@task()
def files_sweep_task() -> dict[str, int]:
    """For a scheduler to enqueue, e.g. every hour: settle the files of filings whose
    process died or whose transaction rolled back outside a guard."""
    result = files_sweep()
    return {"kept": result.kept, "committed": result.committed, "deleted": result.deleted,
            "missing": result.missing}
