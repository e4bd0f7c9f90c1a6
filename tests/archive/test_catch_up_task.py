"""The archive's periodic jobs: the catch-up archives every closed application without a
package, the fixity check verifies every package; each fails — so the scheduler retries
and reports it — naming the applications it could not archive or found damaged."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from onevisit.applications.models import ApplicationMaterial
from onevisit.archive.models import ArchivePackage
from onevisit.archive.tasks import (
    ArchiveCatchUpIncomplete,
    ArchivePackagesDamaged,
    packages_create_pending_task,
    packages_verify_task,
)
from tests.archive.conftest import house_complete, licence_reject, package_root

pytestmark = pytest.mark.django_db


def test_the_catch_up_archives_closed_applications_once(
        world, api, django_capture_on_commit_callbacks):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)

    assert packages_create_pending_task.call() == {"created": 1}
    assert packages_create_pending_task.call() == {"created": 0}
    assert ArchivePackage.objects.get().application.number == number


def test_an_application_that_cannot_be_archived_fails_the_run_and_the_others_go_on(
        world, api, django_capture_on_commit_callbacks):
    refused = licence_reject(world, api, django_capture_on_commit_callbacks)
    completed = house_complete(world, api, django_capture_on_commit_callbacks)
    drawings = ApplicationMaterial.objects.get(application__number=refused,
                                               key="upload:330106-ZJ-009:drawings")
    (Path(settings.MEDIA_ROOT) / drawings.file).write_bytes(b"%PDF-1.4\n% swapped\n")

    with pytest.raises(ArchiveCatchUpIncomplete, match=f"1 not archived: {refused}: "):
        packages_create_pending_task.call()

    assert list(ArchivePackage.objects.values_list("application__number", flat=True)) == [
        completed]


def test_the_fixity_check_fails_the_run_naming_a_damaged_package(
        world, api, django_capture_on_commit_callbacks):
    number = licence_reject(world, api, django_capture_on_commit_callbacks)
    packages_create_pending_task.call()
    assert packages_verify_task.call() == {"verified": 1}

    package = ArchivePackage.objects.get()
    next(p for p in package_root(package).rglob("*.pdf")).write_bytes(b"%PDF-1.4\n% swapped\n")

    with pytest.raises(ArchivePackagesDamaged, match=f"1 of 1 packages damaged: {number}"):
        packages_verify_task.call()
    package.refresh_from_db()
    assert package.status == "damaged"
