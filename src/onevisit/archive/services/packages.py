"""Archiving a closed application (电子文件归档) as a BagIt package.

The bag is built in a directory of its own and stored (services.store) in the transaction
that registers it, or under a name of its own just before: a build that fails, or a
process that dies, leaves no package registered and no half-written package where a
package belongs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import bagit
import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.documents import notice_pdf, receipt_pdf
from onevisit.applications.models import Application, ApplicationMaterial, Case
from onevisit.applications.services import application_lock
from onevisit.archive.constants import RetentionClass, retain_until, retention_for_kinds
from onevisit.archive.models import ArchivePackage
from onevisit.archive.selectors import (
    AUDIT_HASH_RECIPE,
    CLOSED_STATUSES,
    application_document,
    application_for_archive,
    applications_closed_unarchived,
    audit_excerpt,
    case_document,
    cases_for_archive,
    certificate_document,
    certificates_for_archive,
    item_kinds_of,
    material_document,
    materials_for_archive,
    package_of,
    source_organisations,
)
from onevisit.archive.services.common import slug, tree_remove
from onevisit.archive.services.store import PackageStore, package_store
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.certificates.services import certificate_pdf
from onevisit.errors import Conflict, DomainError, NotFound
from onevisit.files.documents import stored_bytes

log = structlog.get_logger(__name__)

BAG_CHECKSUMS = ["sha256"]
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
# RFC 8493. bagit-python 1.9 reads and validates 1.0 bags but always declares 0.97 in
# the bags it makes (make_bag has no version argument).
BAGIT_VERSION = "1.0"
BAGIT_TXT = f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n"
# A build directory this old belongs to a process that died: the catch-up removes it.
STALE_BUILD_SECONDS = 24 * 3600


@dataclass(frozen=True)
class _File:
    path: str  # inside the bag's data/ directory
    content: bytes


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | Promise):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json(document: object) -> bytes:
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True,
                      default=_json_default)
    return (text + "\n").encode()


def _upload_content(material: ApplicationMaterial) -> bytes:
    """The uploaded file as stored, by its server-chosen name in the default storage,
    checked against the digest taken when it was uploaded: the archive never keeps a file
    that changed since."""
    content = stored_bytes(material.file)
    if content is None:
        raise Conflict(
            _("材料“%(name)s”的文件 %(file)s 不存在，不能归档")
            % {"name": material.name, "file": material.file}
        )
    if material.sha256 and hashlib.sha256(content).hexdigest() != material.sha256:
        raise Conflict(
            _("材料“%(name)s”的文件 %(file)s 与提交时的校验值不符，不能归档")
            % {"name": material.name, "file": material.file}
        )
    return content


def _material_files(application: Application) -> tuple[list[_File], list[dict[str, Any]]]:
    files: list[_File] = []
    index: list[dict[str, Any]] = []
    for number, material in enumerate(materials_for_archive(application=application), 1):
        stem = f"materials/{number:02d}-{slug(material.key)}"
        entry: dict[str, Any] = {"key": material.key, "name": material.name,
                                 "status": material.status,
                                 "record": material_document(material=material)}
        if material.file:
            path = stem + (Path(material.file).suffix.lower() or ".bin")
            files.append(_File(path, _upload_content(material)))
            entry["file"] = path
        if material.evidence:
            path = stem + ".evidence.json"
            files.append(_File(path, _json({
                "key": material.key, "name": material.name,
                "evidence_type": material.evidence_type, "source": material.source,
                "evidence": material.evidence, "supplied_at": material.supplied_at,
            })))
            entry["evidence"] = path
        index.append(entry)
    return files, index


def _payload(
    application: Application, cases: list[Case], *, retention: str, until: dt.date | None
) -> list[_File]:
    """Every file of the package's payload, application.json first."""
    files: list[_File] = []
    case_paths = []
    for case in cases:
        path = f"cases/{slug(case.stage_key)}.json"
        files.append(_File(path, _json(case_document(case=case))))
        case_paths.append(path)
    material_files, materials = _material_files(application)
    files += material_files
    certificates = certificates_for_archive(application=application)
    certificate_paths = []
    for certificate in certificates:
        stem = f"certificates/{slug(certificate.number)}"
        files.append(_File(f"{stem}.pdf", certificate_pdf(certificate=certificate)))
        files.append(_File(f"{stem}.json", _json(certificate_document(certificate=certificate))))
        certificate_paths.append(f"{stem}.pdf")
    document_paths = []
    if application.receipt_number:
        path = f"documents/receipt-{slug(application.receipt_number)}.pdf"
        files.append(_File(path, receipt_pdf(application=application)))
        document_paths.append(path)
    for notice in application.notices.order_by("issued_at", "id"):
        path = f"documents/notice-{slug(notice.number)}.pdf"
        files.append(_File(path, notice_pdf(notice=notice)))
        document_paths.append(path)
    files.append(_File("audit.json", _json({
        "hash_recipe": AUDIT_HASH_RECIPE,
        "events": audit_excerpt(application=application, cases=cases,
                                certificates=certificates),
    })))
    document = application_document(application=application)
    document["materials"] = materials
    document["archive"] = {
        "retention": retention, "retention_label": str(RetentionClass(retention).label),
        "retain_until": until, "cases": case_paths, "certificates": certificate_paths,
        "documents": document_paths, "audit": "audit.json",
    }
    return [_File("application.json", _json(document)), *files]


def _bag_info(
    application: Application, cases: list[Case], *, retention: str, until: dt.date | None
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "Source-Organization": (source_organisations(cases=cases)
                                or [str(settings.ONEVISIT["SITE_NAME"])]),
        "External-Identifier": application.number,
        "External-Description": application.title,
        "Bagging-Date": timezone.localdate(clock.now()).isoformat(),
        "Bag-Software-Agent": f"onevisit archive (bagit.py {bagit.VERSION})",
        "Application-Status": application.status,
        "Retention-Class": retention,
        "Retain-Until": until.isoformat() if until else "permanent",
    }
    if application.receipt_number:
        info["Internal-Sender-Identifier"] = application.receipt_number
    return info


@dataclass(frozen=True)
class _Built:
    oxum: str  # Payload-Oxum
    manifest: str  # SHA-256 of manifest-sha256.txt
    tagmanifest: str  # SHA-256 of tagmanifest-sha256.txt


def _bag_build(
    building: Path, application: Application, cases: list[Case], *, retention: str,
    until: dt.date | None,
) -> _Built:
    """Write the payload into `building` and make it a BagIt 1.0 bag there, with a tag
    manifest over bagit.txt, bag-info.txt and the payload manifest."""
    for file in _payload(application, cases, retention=retention, until=until):
        target = building / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.content)
    bagit.make_bag(str(building), bag_info=_bag_info(
        application, cases, retention=retention, until=until,
    ), checksums=BAG_CHECKSUMS)
    # Declare the version the bag follows, then let bagit write the tag manifest again
    # over the new bagit.txt (save() rewrites bag-info.txt as it was and every tag
    # manifest; the payload manifests stay as they are).
    (building / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
    bag = bagit.Bag(str(building))
    bag.save()
    return _Built(oxum=str(bag.info["Payload-Oxum"]),
                  manifest=hashlib.sha256((building / MANIFEST).read_bytes()).hexdigest(),
                  tagmanifest=hashlib.sha256((building / TAG_MANIFEST).read_bytes()).hexdigest())


@atomic_audited
def _package_register(
    *, store: PackageStore, number: str, building: Path, relative: str, built: _Built,
    retention: str, until: dt.date | None,
) -> ArchivePackage:
    """Put the complete bag in place and register it, under the application's lock: of
    two builds of one application, the first registered wins and the other is
    discarded."""
    application = application_lock(number=number)
    existing = ArchivePackage.objects.filter(application=application).first()
    if existing is not None:
        return existing
    store.place(building, relative)
    package = ArchivePackage.objects.create(
        application=application, path=relative, created_at=clock.now(), retention=retention,
        retain_until=until, payload_oxum=built.oxum, manifest_sha256=built.manifest,
        tagmanifest_sha256=built.tagmanifest,
    )
    audit_record(actor=None, action="archive_package.created", entity="archive_package",
                 entity_id=number, data={"path": relative, "retention": retention,
                                         "retain_until": until, "payload_oxum": built.oxum,
                                         "manifest_sha256": built.manifest,
                                         "tagmanifest_sha256": built.tagmanifest})
    return package


def package_create(*, application_number: str) -> ArchivePackage:
    """Archive a completed or rejected application as a BagIt package: the application,
    its cases with their decisions and timelines, its materials, certificates, receipt
    and notices, and the audit-log excerpt. Idempotent: for an application already
    archived it returns the package and writes nothing."""
    existing = package_of(number=application_number)
    if existing is not None:
        return existing
    application = application_for_archive(number=application_number)
    if application is None:
        raise NotFound(_("办件 %(number)s 不存在") % {"number": application_number})
    if application.status not in CLOSED_STATUSES:
        raise Conflict(
            _("办件 %(number)s 当前为“%(status)s”，办结或不予许可后才能归档")
            % {"number": application.number, "status": application.get_status_display()}
        )
    cases = cases_for_archive(application=application)
    retention = retention_for_kinds(item_kinds_of(cases=cases))
    closed_on = timezone.localdate(application.completed_at or clock.now())
    until = retain_until(retention=retention, closed_on=closed_on)
    store = package_store()
    building = store.building(application.number)
    try:
        built = _bag_build(building, application, cases, retention=retention, until=until)
        path = store.stage(building, f"{closed_on.year}/{slug(application.number)}")
        try:
            package = _package_register(store=store, number=application.number,
                                        building=building, relative=path, built=built,
                                        retention=retention, until=until)
        except BaseException:
            # Not if the registration committed and something after it failed.
            if not ArchivePackage.objects.filter(path=path).exists():
                store.discard(path)
            raise
        if package.path != path:  # another build registered first
            store.discard(path)
    finally:
        tree_remove(building)
    log.info("archive_package_created", application=application.number, path=package.path)
    return package


def package_create_later(*, application: Application) -> None:
    """Archive the application in the background once the transaction that closed it
    commits (never before: the worker must see it closed)."""
    number = application.number
    transaction.on_commit(lambda: _enqueue(number))


def _enqueue(number: str) -> None:
    # The task module imports this one; importing it here, late, avoids the cycle.
    from onevisit.archive.tasks import package_create_task

    package_create_task.enqueue(number)


@dataclass(frozen=True)
class CatchUp:
    created: list[ArchivePackage]
    failed: list[tuple[str, str]]  # application number, reason


def packages_create_pending() -> CatchUp:
    """Archive every closed application that has no package yet (the catch-up after an
    outage, or for applications closed before the archive existed). One that cannot be
    archived is reported and the others go on."""
    builds_stale_remove()
    created: list[ArchivePackage] = []
    failed: list[tuple[str, str]] = []
    numbers = list(applications_closed_unarchived().values_list("number", flat=True))
    for number in numbers:
        try:
            created.append(package_create(application_number=number))
        except DomainError as error:
            failed.append((number, str(error.message)))
        except (OSError, bagit.BagError) as error:
            log.exception("archive_package_failed", application=number)
            failed.append((number, str(error)))
    return CatchUp(created=created, failed=failed)


def builds_stale_remove(*, older_than: float = STALE_BUILD_SECONDS) -> int:
    """Remove what processes that died mid-build left: build directories in the archive,
    or uploaded packages that were never registered."""
    return package_store().stale_remove(older_than=older_than)
