"""Fixity checks of the archive: every package validated in full by bagit (every file's
digest recomputed, tag files against the tag manifest too), the manifests and the
bag-info.txt fields that the registration holds compared with it, and what is wrong named
file by file."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import bagit
import structlog

from onevisit import clock
from onevisit.archive.constants import PackageStatus, ProblemKind
from onevisit.archive.models import ArchivePackage
from onevisit.archive.selectors import packages_to_verify
from onevisit.archive.services.common import Problem, package_transition
from onevisit.archive.services.packages import MANIFEST, TAG_MANIFEST
from onevisit.archive.services.store import PackageUnreadable, package_store
from onevisit.audit.services import atomic_audited, audit_record

log = structlog.get_logger(__name__)

_CHUNK = 1024 * 1024


def _digest(path: Path, algorithm: str) -> str:
    hasher = hashlib.new(algorithm)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _file_problems(bag: bagit.Bag, root: Path) -> list[Problem]:
    """Each file missing, added, or whose digest differs from the manifests (payload and
    tag files alike)."""
    missing, extra = bag.compare_manifests_with_fs()
    problems = [Problem(ProblemKind.MISSING, path) for path in sorted(missing)]
    problems += [Problem(ProblemKind.EXTRA, path) for path in sorted(extra)]
    for path, digests in sorted(bag.entries.items()):
        file = root / path
        if not file.is_file():
            if path not in missing:
                problems.append(Problem(ProblemKind.MISSING, path))
            continue
        for algorithm, expected in sorted(digests.items()):
            found = _digest(file, algorithm)
            if found != expected.lower():
                problems.append(Problem(ProblemKind.CHANGED, path, expected.lower(), found))
    return problems


def package_inspect(*, package: ArchivePackage) -> list[Problem]:
    """What is wrong with the package as stored; nothing when it is whole. Reads only."""
    try:
        with package_store().opened(package.path) as root:
            return _bag_problems(root, package)
    except PackageUnreadable as error:
        return [Problem(ProblemKind.UNREADABLE, detail=str(error))]


def _bag_problems(root: Path, package: ArchivePackage) -> list[Problem]:
    try:
        bag = bagit.Bag(str(root))
    except bagit.BagError as error:
        return [Problem(ProblemKind.UNREADABLE, detail=str(error))]
    problems: list[Problem] = []
    try:
        bag.validate(processes=1, fast=False)
    except bagit.BagError as error:
        # bagit stops at the first failing step (file count, completeness, digests);
        # the report names every file that is wrong.
        problems = _file_problems(bag, root) or [
            Problem(ProblemKind.UNREADABLE, detail=str(error))
        ]
    # A bag made anew over changed files validates, and so does one whose tag manifest
    # was written again (or removed) over an edited bag-info.txt: the registration tells
    # them apart.
    problems += _registration_problems(bag, root, package)
    return problems


def _registered_info(package: ArchivePackage) -> dict[str, str]:
    """The bag-info.txt fields the registration fixes, as archiving wrote them."""
    return {
        "External-Identifier": package.application.number,
        "Payload-Oxum": package.payload_oxum,
        "Retention-Class": package.retention,
        "Retain-Until": (package.retain_until.isoformat() if package.retain_until
                         else "permanent"),
    }


def _registration_problems(bag: bagit.Bag, root: Path, package: ArchivePackage
                           ) -> list[Problem]:
    problems = []
    for name, expected in _registered_info(package).items():
        found = bag.info.get(name, "")
        if found != expected:
            problems.append(Problem(ProblemKind.REGISTRATION, f"bag-info.txt {name}",
                                    expected, str(found)))
    registered = ((MANIFEST, package.manifest_sha256),
                  # Empty for packages made before tag manifests were registered: those
                  # rely on bagit's check and on the fields above.
                  (TAG_MANIFEST, package.tagmanifest_sha256))
    for name, expected in registered:
        if not expected:
            continue
        path = root / name
        if not path.is_file():
            if not any(problem.path == name for problem in problems):
                problems.append(Problem(ProblemKind.MISSING, name))
            continue
        found = _digest(path, "sha256")
        if found != expected:
            problems.append(Problem(ProblemKind.REGISTRATION, name, expected, found))
    return problems


@atomic_audited
def _verification_record(*, package_id: int, problems: list[Problem]) -> ArchivePackage:
    package = (ArchivePackage.objects.select_for_update(of=("self",))
               .select_related("application").get(pk=package_id))
    if package.status == PackageStatus.DISPOSED:
        return package  # disposed while it was being read
    damage = [problem.as_dict() for problem in problems]
    package.last_verified_at = clock.now()
    if problems and package.status == PackageStatus.ARCHIVED:
        package_transition(package=package, to=PackageStatus.DAMAGED, actor=None,
                           data={"damage": damage})
    elif problems and damage != package.damage:
        audit_record(actor=None, action="archive_package.damage_changed",
                     entity="archive_package", entity_id=package.application.number,
                     data={"damage": damage})
    elif not problems and package.status == PackageStatus.DAMAGED:
        package_transition(package=package, to=PackageStatus.ARCHIVED, actor=None,
                           data={"restored_from": package.damage})
    package.damage = damage
    package.save(update_fields=["status", "damage", "last_verified_at"])
    return package


@dataclass(frozen=True)
class Verification:
    package: ArchivePackage
    problems: list[Problem]


def packages_verify(*, numbers: Collection[str] | None = None) -> list[Verification]:
    """Check the fixity of every package still held (or of these applications'): a
    package found wrong is marked damaged with what is wrong; one found whole again
    (restored from a copy) is marked archived. The digests are recomputed outside any
    transaction; each package's result is recorded in a short one."""
    results = []
    for package in list(packages_to_verify(numbers=numbers)):
        problems = package_inspect(package=package)
        recorded = _verification_record(package_id=package.pk, problems=problems)
        if problems:
            log.warning("archive_package_damaged", application=recorded.application.number,
                        problems=len(problems))
        results.append(Verification(package=recorded, problems=problems))
    return results
