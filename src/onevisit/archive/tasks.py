from __future__ import annotations

from django_tasks import task

from onevisit.archive.services import package_create, packages_create_pending, packages_verify


class ArchiveCatchUpIncomplete(Exception):
    """Some closed applications could not be archived; the others were."""


class ArchivePackagesDamaged(Exception):
    """The fixity check found damaged packages: restore them from a copy."""


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


@task()
def packages_verify_task() -> dict[str, int]:
    """The periodic fixity check of every package held. A damaged package (marked so, with
    what is wrong) fails the run, so the scheduler reports it to the operators."""
    results = packages_verify()
    damaged = [result.package.application.number for result in results if result.problems]
    if damaged:
        raise ArchivePackagesDamaged(f"{len(damaged)} of {len(results)} packages damaged: "
                                     + ", ".join(damaged))
    return {"verified": len(results)}
