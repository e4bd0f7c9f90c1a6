from __future__ import annotations

from django_tasks import task

from onevisit.archive.services import package_create, packages_create_pending


class ArchiveCatchUpIncomplete(Exception):
    """Some closed applications could not be archived; the others were."""


@task()
def package_create_task(application_number: str) -> str:
    """Archive a closed application; enqueued when it completes or is rejected. A retry
    of an archived application does nothing."""
    return package_create(application_number=application_number).path


@task()
def packages_create_pending_task() -> dict[str, int]:
    """The periodic catch-up: archive every closed application without a package (its own
    task was lost, or the worker was down). One that cannot be archived fails the run, so
    the scheduler retries and reports it; the others are archived meanwhile."""
    result = packages_create_pending()
    if result.failed:
        raise ArchiveCatchUpIncomplete(
            f"{len(result.failed)} not archived: "
            + "; ".join(f"{number}: {reason}" for number, reason in result.failed)
        )
    return {"created": len(result.created)}
