"""Filing and the completeness check (受理): once-only fetch, notice or receipt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import transaction
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.applications.constants import (
    PROBLEM_MATERIAL_STATUSES,
    ApplicantKind,
    ApplicationStatus,
    Channel,
    MaterialStatus,
    NoticeKind,
    VisitPurpose,
)
from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    ApplicationStatusChange,
    Case,
    OneTimeNotice,
    Visit,
)
from onevisit.applications.services.cases import application_accept, case_clock_resume
from onevisit.applications.services.common import (
    actor_or_none,
    application_lock,
    application_transition,
    number_placeholder,
    serial_number,
)
from onevisit.applications.services.inputs import (
    Applicant,
    DeliveryChoice,
    Upload,
    applicant_clean,
    delivery_clean,
    fields_clean,
    material_keys_check,
    upload_sniff,
    upload_store,
)
from onevisit.applications.services.notices import notice_issue
from onevisit.applications.services.subjects import Subject, subject_of
from onevisit.applications.services.visits import visit_add
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.selectors import (
    MergedMaterial,
)
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.exchange.services import FetchRequest, evidence_fetch_many
from onevisit.exchange.sources import Evidence

log = structlog.get_logger(__name__)


def _purpose(subject: Subject, material: MergedMaterial) -> str:
    names = [s.item for s in subject.stages if s.item.code in material.item_codes]
    return "；".join(f"{item.name}（{item.legal_basis.splitlines()[0]}）" for item in names)[:1000]


def _check_materials(
    *, application: Application, subject: Subject, uploads: Mapping[str, Upload],
    tolerated: set[str], actor: Any,
) -> list[ApplicationMaterial]:
    """Decide where each material stands: fetched (once-only), uploaded, tolerated, or
    missing. Held evidence is fetched in one batch, and every read is logged."""
    to_fetch = [
        m for m in subject.materials
        if m.evidence_type_code and m.evidence_source and m.key not in uploads
    ]
    fetched = evidence_fetch_many(
        requests=[
            FetchRequest(
                evidence_type=str(m.evidence_type_code), source=str(m.evidence_source),
                subject=str(application.data.get(m.subject_field or "",
                                                 application.applicant_id_number)),
                purpose=_purpose(subject, m),
            )
            for m in to_fetch
        ],
        application_number=application.number, actor=actor,
    )
    evidence_by_key = dict(zip([m.key for m in to_fetch], fetched, strict=True))
    return [
        _material_status(application=application, merged=merged,
                         evidence=evidence_by_key.get(merged.key),
                         upload=uploads.get(merged.key), tolerated=tolerated)
        for merged in subject.materials
    ]


def _material_status(
    *, application: Application, merged: MergedMaterial, evidence: Evidence | None,
    upload: Upload | None, tolerated: set[str],
) -> ApplicationMaterial:
    material = ApplicationMaterial(
        application=application, key=merged.key, name=merged.name,
        evidence_type=merged.evidence_type_code or "",
    )
    if evidence is not None:
        material.status = MaterialStatus.FETCHED
        material.source = evidence.source
        material.evidence = evidence.data
        return material
    if upload is not None:
        sniffed = upload_sniff(upload)
        material.file, material.sha256 = upload_store(upload, sniffed)
        material.content_type = sniffed.content_type
        material.size = len(upload.content)
        material.status = MaterialStatus.UPLOADED
        material.supplied_at = clock.now()
        return material
    if not merged.required:
        material.status = MaterialStatus.OPTIONAL
    elif merged.key in tolerated and merged.tolerated_missing:
        material.status = MaterialStatus.TOLERATED
        material.tolerated_missing = True
    else:
        material.status = MaterialStatus.MISSING
        material.problem = (
            _("政府部门未查到该证明，请提交") if merged.evidence_type_code else _("未提交")
        )
    return material


def _check_and_decide(*, application: Application, subject: Subject, actor: Any,
                      materials: list[ApplicationMaterial]) -> tuple[list[Case],
                                                                     list[OneTimeNotice]]:
    """Accept (returning the new cases) or issue one notice naming every problem."""
    problems = [m for m in materials if m.status in PROBLEM_MATERIAL_STATUSES]
    if not problems:
        return application_accept(application=application, subject=subject, actor=actor), []
    application_transition(application, ApplicationStatus.NEEDS_SUPPLEMENT, actor)
    application.save(update_fields=["status"])
    notice = notice_issue(application=application, kind=NoticeKind.INTAKE, materials=problems,
                           actor=actor)
    return [], [notice]


@dataclass(frozen=True)
class Filing:
    """What one filing produced, so callers can show it without reading it back."""

    application: Application
    materials: list[ApplicationMaterial]
    cases: list[Case]
    notices: list[OneTimeNotice]
    visits: list[Visit]


def filing_allowed_check(*, actor: Any, channel: str, applicant: Applicant) -> None:
    """Citizens file online, for themselves; window clerks file at the window. Other
    roles do not file. Raises NotAllowed with the reason."""
    role = str(getattr(actor, "role", ""))
    channels: dict[str, Channel] = {Role.CITIZEN: Channel.ONLINE, Role.CLERK: Channel.WINDOW}
    expected = channels.get(role)
    if expected is None:
        raise NotAllowed(_("您的角色不能执行此操作"))
    if channel != expected:
        raise NotAllowed(
            _("该角色只能通过“%(channel)s”渠道申请") % {"channel": expected.label}
        )
    if (role == Role.CITIZEN and applicant.kind == ApplicantKind.PERSON and actor.id_number
            and applicant.id_number.strip().upper() != actor.id_number):
        raise NotAllowed(_("只能以本人身份提交申请"))


@atomic_audited
def application_submit(
    *, subject: Subject, applicant: Applicant, data: Mapping[str, Any], channel: str,
    actor: Any, uploads: Iterable[Upload] = (), tolerated: Iterable[str] = (),
    delivery: DeliveryChoice | None = None,
) -> Filing:
    """File an application online or at a window and run the completeness check.

    Invalid fields are all reported at once and nothing is stored. Evidence the government
    holds is fetched, not asked for (once-only). Every missing material is named in one
    one-time notice; otherwise the application is accepted with a receipt.
    """
    uploads = list(uploads)
    tolerated_keys = set(tolerated)
    if channel not in Channel.values:
        raise InvalidInput(_("受理渠道无效"), {"channel": _("应为 online 或 window")})
    applicant = applicant_clean(applicant)
    cleaned = fields_clean(subject.fields, data)
    delivery = delivery_clean(delivery or DeliveryChoice(), subject)
    material_keys_check(subject, uploads, tolerated_keys)
    for upload in uploads:
        upload_sniff(upload)
    now = clock.now()
    application = Application.objects.create(
        number=number_placeholder(), item=subject.item, life_event=subject.life_event,
        title=subject.title,
        applicant=actor if channel == Channel.ONLINE and actor_or_none(actor) else None,
        applicant_kind=applicant.kind, applicant_name=applicant.name,
        applicant_id_number=applicant.id_number, channel=channel,
        status=ApplicationStatus.SUBMITTED,
        data=cleaned, promised_visits=subject.promised_visits,
        stages=[{"key": s.key, "item": s.item.pk, "depends_on": s.depends_on}
                for s in subject.stages],
        committed_limit=subject.committed_limit, limit_unit=subject.limit_unit,
        submitted_at=now, delivery_method=delivery.method,
        delivery_contact={"recipient": delivery.recipient, "phone": delivery.phone,
                          "address": delivery.address},
        filed_by=actor_or_none(actor),
    )
    application.number = serial_number("OV", application.pk)
    Application.objects.filter(pk=application.pk).update(number=application.number)
    ApplicationStatusChange.objects.create(
        application=application, status=application.status, at=now, actor=actor_or_none(actor)
    )
    by_key = {upload.key: upload for upload in uploads}
    materials = ApplicationMaterial.objects.bulk_create(
        _check_materials(application=application, subject=subject, uploads=by_key,
                         tolerated=tolerated_keys, actor=actor)
    )
    audit_record(actor=actor, action="application.submitted", entity="application",
                 entity_id=application.number,
                 data={"title": application.title, "channel": channel})
    visits = []
    if channel == Channel.WINDOW:
        visits.append(
            visit_add(application=application, purpose=VisitPurpose.INTAKE, actor=actor)
        )
    cases, notices = _check_and_decide(application=application, subject=subject, actor=actor,
                                       materials=materials)
    log.info("application_submitted", number=application.number, status=application.status)
    return Filing(application=application, materials=materials, cases=cases, notices=notices,
                  visits=visits)


@atomic_audited
def application_supplement(
    *, number: str, uploads: Iterable[Upload], actor: Any, at_window: bool = False,
    new_trip: bool = False, tolerated: Iterable[str] = (),
) -> Application:
    """Supply what a one-time notice asked for (补齐 at intake, 补正 during review).

    At intake the check runs again; for a case waiting on a correction the clock resumes
    once everything its notice named has been supplied.
    """
    application = application_lock(number=number)
    uploads = list(uploads)
    tolerated_keys = set(tolerated)
    subject = subject_of(application)
    material_keys_check(subject, uploads, tolerated_keys)
    if not uploads and not tolerated_keys:
        raise InvalidInput(_("没有提交任何材料"), {"materials": _("至少提交一份材料")})
    sniffed = {upload.key: upload_sniff(upload) for upload in uploads}
    materials = {m.key: m for m in application.materials.all()}
    open_corrections = list(
        OneTimeNotice.objects.filter(
            application=application, kind=NoticeKind.CORRECTION, resolved_at__isnull=True
        ).select_related("case")
    )
    asked = {entry["key"] for notice in open_corrections for entry in notice.entries}
    if application.status == ApplicationStatus.NEEDS_SUPPLEMENT:
        asked |= {k for k, m in materials.items() if m.status in PROBLEM_MATERIAL_STATUSES}
    not_asked = sorted(({u.key for u in uploads} | tolerated_keys) - asked)
    if not_asked:
        raise Conflict(
            _("这些材料没有被要求补充：%(keys)s") % {"keys": ", ".join(not_asked)}
        )
    now = clock.now()
    for upload in uploads:
        material = materials[upload.key]
        material.file, material.sha256 = upload_store(upload, sniffed[upload.key])
        material.content_type = sniffed[upload.key].content_type
        material.size = len(upload.content)
        material.status = MaterialStatus.UPLOADED
        material.problem = ""
        material.supplied_at = now
        material.save()
    for key in tolerated_keys:
        material = materials[key]
        material.status = MaterialStatus.TOLERATED
        material.tolerated_missing = True
        material.problem = ""
        material.supplied_at = now
        material.save()
    audit_record(actor=actor, action="application.supplemented", entity="application",
                 entity_id=application.number,
                 data={"materials": sorted({u.key for u in uploads} | tolerated_keys)})
    if at_window:
        visit_add(application=application, purpose=VisitPurpose.SUPPLEMENT, actor=actor,
                  new_trip=new_trip)
    if application.status == ApplicationStatus.NEEDS_SUPPLEMENT:
        _check_and_decide(application=application, subject=subject, actor=actor,
                          materials=list(application.materials.order_by("id")))
    for notice in open_corrections:
        if not all(_supplied_after(materials[e["key"]], notice.issued_at) for e in notice.entries):
            continue
        notice.resolved_at = now
        notice.save(update_fields=["resolved_at"])
        if notice.case is not None:
            case_clock_resume(case=Case.objects.select_for_update().get(pk=notice.case.pk),
                              actor=actor)
    return application


def _supplied_after(material: ApplicationMaterial, moment: dt.datetime) -> bool:
    return material.supplied_at is not None and material.supplied_at > moment


@atomic_audited
def application_delivery_change(*, number: str, delivery: DeliveryChoice,
                                actor: Any) -> Application:
    """The applicant changes how the result reaches her, until the result is ready."""
    application = application_lock(number=number)
    if application.applicant_id != actor.pk:
        raise NotAllowed(_("只有申请人本人可以更改送达方式"))
    if application.status in (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED):
        raise Conflict(_("办件已办结，送达方式不能再更改"))
    delivery = delivery_clean(delivery, subject_of(application))
    contact = {"recipient": delivery.recipient, "phone": delivery.phone,
               "address": delivery.address}
    if (application.delivery_method, application.delivery_contact) == (delivery.method, contact):
        return application
    application.delivery_method = delivery.method
    application.delivery_contact = contact
    application.save(update_fields=["delivery_method", "delivery_contact"])
    audit_record(actor=actor, action="application.delivery_changed", entity="application",
                 entity_id=number, data={"method": delivery.method})
    return application


# Form fields prefilled from the applicant's own registry records: field key → record key.
PREFILL_FROM_RECORDS = {
    "applicant_name": "name", "applicant_phone": "phone", "household_address": "address",
}


@dataclass(frozen=True)
class IntakePreview:
    """What the government already holds about an applicant at the window: which
    materials need not be brought, and the values the form can be prefilled with."""

    held: frozenset[str]
    prefill: dict[str, Any]
    name: str


@transaction.atomic
def intake_preview(*, subject: Subject, applicant_id_number: str, actor: Any) -> IntakePreview:
    """Check the registries for the applicant's own evidence before the form is filled.
    Every read is logged under the subject's legal purpose, like a filing's."""
    keys = {f.key for f in subject.fields}
    prefill: dict[str, Any] = {
        f.key: applicant_id_number for f in subject.fields
        if f.type == FieldType.RESIDENT_ID and f.key == "applicant_id_number"
    }
    # Only evidence about the applicant herself: its subject is her ID number.
    wanted = [m for m in subject.materials if m.evidence_type_code and m.evidence_source
              and (prefill.get(m.subject_field) if m.subject_field else applicant_id_number)
              == applicant_id_number]
    fetched = evidence_fetch_many(
        requests=[
            FetchRequest(evidence_type=str(m.evidence_type_code), source=str(m.evidence_source),
                         subject=applicant_id_number,
                         purpose=_("窗口受理预填：%(purpose)s") % {"purpose": _purpose(subject, m)})
            for m in wanted
        ],
        application_number="", actor=actor,
    )
    name = ""
    for evidence in fetched:
        if evidence is None:
            continue
        name = name or str(evidence.data.get("name", ""))
        prefill |= {k: v for k, v in evidence.data.items() if k in keys and k not in prefill}
        prefill |= {key: evidence.data[source] for key, source in PREFILL_FROM_RECORDS.items()
                    if key in keys and key not in prefill and evidence.data.get(source)}
    return IntakePreview(
        held=frozenset(m.key for m, evidence in zip(wanted, fetched, strict=True)
                       if evidence is not None),
        prefill=prefill, name=name,
    )
