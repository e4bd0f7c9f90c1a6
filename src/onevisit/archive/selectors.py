"""Reads for the archive: what a package holds, and which packages are due for what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from django.db import models
from django.db.models import QuerySet

from onevisit.applications.constants import ApplicationStatus
from onevisit.applications.models import Application, ApplicationMaterial, Case
from onevisit.archive.constants import DisposalStatus, PackageStatus
from onevisit.archive.models import ArchivePackage, DisposalList
from onevisit.audit.selectors import audit_events_about
from onevisit.certificates.models import Certificate
from onevisit.workflow.models import WorkItem

CLOSED_STATUSES = (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED)

# How to recompute an audit entry's hash from the excerpt alone (the audit chain's rule).
AUDIT_HASH_RECIPE = (
    "sha256 of the UTF-8 JSON array [seq, occurred_at, actor_id, action, entity, entity_id, "
    "data, prev_hash], serialised with sorted keys, no ASCII escaping and separators "
    "(',', ':'); each entry's prev_hash is the hash of the entry before it in the full log"
)


def _fields(instance: models.Model, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """Every stored field of a row, by column name: new fields are archived without a
    change here."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in exclude
    }


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username,
            "name": user.get_full_name() or user.username}


def applications_closed_unarchived() -> QuerySet[Application]:
    """Completed or rejected applications without a package: the catch-up's work."""
    return (
        Application.objects.filter(status__in=CLOSED_STATUSES, archive_package__isnull=True)
        .order_by("completed_at", "id")
    )


def application_for_archive(*, number: str) -> Application | None:
    return (
        Application.objects.select_related("item", "life_event", "applicant", "filed_by")
        .filter(number=number)
        .first()
    )


def cases_for_archive(*, application: Application) -> list[Case]:
    return list(
        application.cases.select_related("item", "department", "decided_by")
        .prefetch_related("status_changes__actor", "notices")
        .order_by("id")
    )


def application_document(*, application: Application) -> dict[str, Any]:
    """The application as filed and as it closed: its fields, applicant, subject, status
    history, visits, receipt and one-time notices."""
    subject: dict[str, Any] = {}
    if application.item is not None:
        subject["item"] = {"code": application.item.code, "name": application.item.name,
                           "version": application.item.version, "kind": application.item.kind}
    if application.life_event is not None:
        subject["life_event"] = {"code": application.life_event.code,
                                 "name": application.life_event.name}
    return {
        "number": application.number,
        "title": application.title,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "fields": _fields(application),
        "subject": subject,
        "applicant": {
            "kind": application.applicant_kind,
            "name": application.applicant_name,
            "id_number": application.applicant_id_number,
            "account": _person(application.applicant),
        },
        "filed_by": _person(application.filed_by),
        "receipt": {"number": application.receipt_number,
                    "accepted_at": application.accepted_at},
        "status_history": [
            {"status": change.status, "at": change.at, "actor": _person(change.actor)}
            for change in application.status_changes.select_related("actor")
        ],
        "visits": [
            {"occurred_at": visit.occurred_at, "purposes": visit.purposes,
             "clerk": _person(visit.clerk)}
            for visit in application.visits.select_related("clerk")
        ],
        "notices": [
            {**_fields(notice, exclude={"application_id"}),
             "issued_by": _person(notice.issued_by)}
            for notice in application.notices.select_related("issued_by")
        ],
    }


def case_document(*, case: Case) -> dict[str, Any]:
    """One department's case: its item, decision and timeline (status changes and the
    reviewers' claims with their outcomes)."""
    return {
        "stage_key": case.stage_key,
        "fields": _fields(case),
        "item": {"code": case.item.code, "name": case.item.name, "version": case.item.version,
                 "kind": case.item.kind, "legal_basis": case.item.legal_basis},
        "department": {"code": case.department.code, "name": case.department.name},
        "decision": {
            "status": case.status,
            "status_label": str(case.get_status_display()),
            "decided_at": case.decided_at,
            "decided_by": _person(case.decided_by),
            "reason": case.decision_reason,
            "legal_basis": case.decision_legal_basis,
        },
        "timeline": [
            {"status": change.status, "at": change.at, "actor": _person(change.actor),
             "note": change.note}
            for change in case.status_changes.all()
        ],
        "work_items": [
            {**_fields(work_item, exclude={"case_id"}), "assignee": _person(work_item.assignee)}
            for work_item in WorkItem.objects.filter(case=case).select_related("assignee")
        ],
        "notices": [notice.number for notice in case.notices.all()],
    }


def materials_for_archive(*, application: Application) -> list[ApplicationMaterial]:
    return list(application.materials.order_by("id"))


def material_document(*, material: ApplicationMaterial) -> dict[str, Any]:
    return _fields(material, exclude={"application_id"})


def certificates_for_archive(*, application: Application) -> list[Certificate]:
    return list(application.certificates.select_related("department", "case").order_by("id"))


def certificate_document(*, certificate: Certificate) -> dict[str, Any]:
    return {
        **_fields(certificate, exclude={"application_id"}),
        "stage_key": certificate.case.stage_key,
        "department": {"code": certificate.department.code,
                       "name": certificate.department.name},
    }


def audit_excerpt(
    *, application: Application, cases: Sequence[Case], certificates: Sequence[Certificate]
) -> list[dict[str, Any]]:
    """The audit events about the application, its cases and its certificates, each with
    its hash and the previous one, in the form the chain hashes them (`occurred_at` as the
    ISO text in UTC), so each entry can be checked later."""
    refs = [("application", application.number)]
    refs += [("case", str(case.pk)) for case in cases]
    refs += [("certificate", certificate.number) for certificate in certificates]
    return [
        {"seq": event.seq, "occurred_at": event.occurred_at.isoformat(),
         "actor_id": event.actor_id, "action": event.action, "entity": event.entity,
         "entity_id": event.entity_id, "data": event.data, "prev_hash": event.prev_hash,
         "hash": event.hash}
        for event in audit_events_about(refs=refs)
    ]


def item_kinds_of(*, cases: Sequence[Case]) -> list[str]:
    """The kinds of the items the application was filed under, one per case."""
    return [case.item.kind for case in cases]


def source_organisations(*, cases: Sequence[Case]) -> list[str]:
    """The departments that worked the application, in stage order, each once."""
    names: list[str] = []
    for case in cases:
        if case.department.name not in names:
            names.append(case.department.name)
    return names


def package_of(*, number: str) -> ArchivePackage | None:
    return (
        ArchivePackage.objects.select_related("application")
        .filter(application__number=number).first()
    )


def packages_to_verify(*, numbers: Collection[str] | None = None) -> QuerySet[ArchivePackage]:
    """Packages still held (archived or damaged), or those of these applications."""
    packages = ArchivePackage.objects.exclude(status=PackageStatus.DISPOSED)
    if numbers is not None:
        packages = packages.filter(application__number__in=numbers)
    return packages.select_related("application").order_by("id")


def packages_past_retention(*, today: dt.date) -> QuerySet[ArchivePackage]:
    """Held packages whose last day of retention has passed and that no open disposal
    list names yet. Permanent packages (no `retain_until`) never are."""
    open_lists = DisposalList.objects.filter(
        status__in=(DisposalStatus.PENDING, DisposalStatus.APPROVED)
    )
    return (
        ArchivePackage.objects.exclude(status=PackageStatus.DISPOSED)
        .filter(retain_until__lt=today)
        .exclude(disposal_lists__in=open_lists)
        .select_related("application")
        .order_by("retain_until", "id")
    )


def disposal_list_packages(*, disposal_list: DisposalList) -> list[ArchivePackage]:
    return list(disposal_list.packages.select_related("application").order_by("id"))
