from __future__ import annotations

from django_tasks import task

from onevisit.archive.services import package_create


@task()
def package_create_task(application_number: str) -> str:
    """Archive a closed application; enqueued when it completes or is rejected. A retry
    of an archived application does nothing."""
    return package_create(application_number=application_number).path
