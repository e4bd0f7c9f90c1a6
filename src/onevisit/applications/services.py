"""Intake (受理): filing, the completeness check, one-time notices, receipts, visits, and
the case state machine with its clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import (
    ALLOWED_APPLICATION_TRANSITIONS,
    ALLOWED_CASE_TRANSITIONS,
    PROBLEM_MATERIAL_STATUSES,
    ApplicantKind,
    ApplicationStatus,
    CaseStatus,
    Channel,
    DeliveryMethod,
    MaterialStatus,
    NoticeKind,
    VisitPurpose,
)
from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    ApplicationStatusChange,
    Case,
    CaseStatusChange,
    OneTimeNotice,
    Visit,
)
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.models import ServiceItem
from onevisit.catalogue.selectors import (
    MergedField,
    MergedMaterial,
    catalogue_revision,
    fields_merge,
    item_current,
    materials_merge,
)
from onevisit.catalogue.validation import FieldInvalid, field_value_clean
from onevisit.errors import Conflict, InvalidInput, NotFound
from onevisit.exchange.services import FetchRequest, evidence_fetch_many
from onevisit.exchange.sources import Evidence
from onevisit.lifeevents.models import LifeEvent
from onevisit.lifeevents.selectors import life_event_by_code, life_event_plan
from onevisit.supervision.models import AlertKind
from onevisit.supervision.services import alert_raise
from onevisit.workflow.calendar import deadline_after, time_remaining

log = structlog.get_logger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


# --------------------------------------------------------------------------- subjects


@dataclass
class Stage:
    key: str
    item: ServiceItem
    depends_on: list[str]


@dataclass
class Subject:
    """What an application is for: one item, or a life event's current items."""

    title: str
    item: ServiceItem | None
    life_event: LifeEvent | None
    stages: list[Stage]
    fields: list[MergedField]
    materials: list[MergedMaterial]
    promised_visits: int
    committed_limit: int
    limit_unit: str


# Resolved subjects by (item code, life event code), with the catalogue revision they were
# resolved at: filing the same life event again costs one query instead of seven.
_SUBJECTS: dict[tuple[str | None, str | None], tuple[int, Subject]] = {}


def subject_resolve(*, item_code: str | None = None, life_event_code: str | None = None) -> Subject:
    """The current published subject, resolved again whenever the catalogue changed."""
    if bool(item_code) == bool(life_event_code):
        raise InvalidInput(_("请指定一个事项或一件事"))
    revision = catalogue_revision()
    cached = _SUBJECTS.get((item_code, life_event_code))
    if cached is not None and cached[0] == revision:
        return cached[1]
    subject = _subject_load(item_code=item_code, life_event_code=life_event_code)
    _SUBJECTS[(item_code, life_event_code)] = (revision, subject)
    return subject


def _subject_load(*, item_code: str | None, life_event_code: str | None) -> Subject:
    if item_code:
        item = item_current(code=item_code)
        if item is None:
            raise NotFound(_("事项 %(code)s 不存在或未发布") % {"code": item_code})
        return Subject(
            title=item.name, item=item, life_event=None,
            stages=[Stage(key="main", item=item, depends_on=[])],
            fields=fields_merge([item]), materials=materials_merge([item]),
            promised_visits=item.promised_visits, committed_limit=item.committed_limit,
            limit_unit=item.limit_unit,
        )
    life_event = life_event_by_code(code=str(life_event_code))
    if life_event is None:
        raise NotFound(_("一件事 %(code)s 不存在或未发布") % {"code": life_event_code})
    plan = life_event_plan(life_event=life_event)
    return Subject(
        title=life_event.name, item=None, life_event=life_event,
        stages=[Stage(key=s.key, item=s.item, depends_on=s.depends_on) for s in plan.stages],
        fields=plan.fields, materials=plan.materials,
        promised_visits=life_event.promised_visits,
        committed_limit=life_event.committed_limit, limit_unit=life_event.limit_unit,
    )


def subject_of(application: Application) -> Subject:
    """The subject as filed: the pinned item versions, not today's catalogue."""
    cases = list(application.cases.select_related("item").order_by("id"))
    if cases:
        items = [case.item for case in cases]
        stages = [Stage(key=c.stage_key, item=c.item, depends_on=c.depends_on) for c in cases]
    elif application.item is not None:
        items = [application.item]
        stages = [Stage(key="main", item=application.item, depends_on=[])]
    elif application.life_event is not None:
        pinned = application.data.get("_stage_items", {})
        items = list(
            ServiceItem.objects.filter(pk__in=pinned.values()).select_related("department")
        )
        by_pk = {item.pk: item for item in items}
        plan_stages = application.life_event.stages.all()
        stages = [
            Stage(key=s.key, item=by_pk[pinned[s.key]], depends_on=list(s.depends_on))
            for s in plan_stages
        ]
        items = [stage.item for stage in stages]
    else:
        raise NotFound(_("办件 %(number)s 没有申请事项") % {"number": application.number})
    return Subject(
        title=application.title, item=application.item, life_event=application.life_event,
        stages=stages, fields=fields_merge(items), materials=materials_merge(items),
        promised_visits=application.promised_visits,
        committed_limit=application.committed_limit, limit_unit=application.limit_unit,
    )


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Upload:
    key: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str


@dataclass(frozen=True)
class DeliveryChoice:
    method: str = DeliveryMethod.DOWNLOAD
    recipient: str = ""
    phone: str = ""
    address: str = ""


@dataclass
class _Sniffed:
    content_type: str
    extension: str


def _sniff(upload: Upload) -> _Sniffed:
    if not upload.content:
        raise InvalidInput(_("上传文件为空"), {upload.key: _("上传文件为空")})
    if len(upload.content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("上传文件超过 10 MB"), {upload.key: _("文件大小超过 10 MB 上限")}
        )
    for signature, (content_type, extension) in _SIGNATURES.items():
        if upload.content.startswith(signature):
            return _Sniffed(content_type, extension)
    raise InvalidInput(
        _("上传文件类型不受支持"), {upload.key: _("只接受 PDF、JPEG 或 PNG 文件")}
    )


def _store(upload: Upload, sniffed: _Sniffed) -> tuple[str, str]:
    """Write an upload under a server-chosen name; the client's file name never reaches
    the disk. Returns (relative path, sha256)."""
    now = clock.now()
    relative = Path("materials") / f"{now:%Y/%m}" / f"{uuid.uuid4().hex}.{sniffed.extension}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(upload.content)
    return str(relative), hashlib.sha256(upload.content).hexdigest()


def _clean_fields(fields: list[MergedField], data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    known = {f.key for f in fields}
    for unknown in sorted(set(data) - known):
        errors[unknown] = _("表单中没有该字段")
    for merged in fields:
        value = data.get(merged.key)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty and not merged.required:
            continue
        try:
            cleaned[merged.key] = field_value_clean(
                field_type=merged.type, value=value, choices=merged.choices
            )
        except FieldInvalid as exc:
            errors[merged.key] = exc.reason
    if errors:
        raise InvalidInput(_("表单有 %(count)d 处需要修改") % {"count": len(errors)}, errors)
    return cleaned


def _clean_applicant(applicant: Applicant) -> Applicant:
    field_type = FieldType.USCC if applicant.kind == ApplicantKind.ENTERPRISE else (
        FieldType.RESIDENT_ID
    )
    errors: dict[str, Any] = {}
    if applicant.kind not in ApplicantKind.values:
        errors["applicant.kind"] = _("应为 person 或 enterprise")
    name = applicant.name.strip()
    if not 2 <= len(name) <= 128:
        errors["applicant.name"] = _("姓名或名称应为2至128个字符")
    id_number = applicant.id_number
    try:
        id_number = str(field_value_clean(field_type=field_type, value=id_number, choices=[]))
    except FieldInvalid as exc:
        errors["applicant.id_number"] = exc.reason
    if errors:
        raise InvalidInput(_("申请人信息有误"), errors)
    return Applicant(kind=applicant.kind, name=name, id_number=id_number)


def _clean_delivery(delivery: DeliveryChoice, subject: Subject) -> DeliveryChoice:
    errors: dict[str, Any] = {}
    if delivery.method not in DeliveryMethod.values:
        errors["delivery.method"] = _("应为 pickup、courier 或 download")
    elif delivery.method == DeliveryMethod.COURIER:
        if not all(stage.item.channel_courier for stage in subject.stages):
            errors["delivery.method"] = _("该事项的结果不能快递送达")
        for name in ("recipient", "phone", "address"):
            if not getattr(delivery, name).strip():
                errors[f"delivery.{name}"] = _("快递送达时必填")
        if delivery.phone.strip():
            try:
                field_value_clean(field_type=FieldType.PHONE, value=delivery.phone, choices=[])
            except FieldInvalid as exc:
                errors["delivery.phone"] = exc.reason
    if errors:
        raise InvalidInput(_("送达方式有误"), errors)
    return delivery


# --------------------------------------------------------------------------- transitions


def serial_number(prefix: str, pk: int) -> str:
    """A document number: prefix, date, and the row's own key — unique without a shared
    counter that concurrent filings would queue on. The date is the day in Hangzhou."""
    return f"{prefix}{timezone.localdate(clock.now()):%Y%m%d}{pk:08d}"


def _placeholder() -> str:
    """A unique value a numbered row holds for the moment between insert and numbering."""
    return uuid.uuid4().hex


def _application_transition(application: Application, to: str, actor: Any) -> None:
    if to not in ALLOWED_APPLICATION_TRANSITIONS[application.status]:
        raise Conflict(
            _("办件当前状态为“%(status)s”，不能变为“%(to)s”")
            % {
                "status": application.get_status_display(),
                "to": ApplicationStatus(to).label,
            }
        )
    application.status = to
    ApplicationStatusChange.objects.create(
        application=application, status=to, at=clock.now(), actor=_user(actor)
    )


def case_transition(*, case: Case, to: str, actor: Any, note: str = "") -> None:
    """Move a locked case along ALLOWED_CASE_TRANSITIONS, appending its history row."""
    if to not in ALLOWED_CASE_TRANSITIONS[case.status]:
        raise Conflict(
            _("部门办件当前状态为“%(status)s”，不能变为“%(to)s”")
            % {"status": case.get_status_display(), "to": CaseStatus(to).label}
        )
    case.status = to
    CaseStatusChange.objects.create(case=case, status=to, at=clock.now(), actor=_user(actor),
                                    note=note)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def application_lock(*, number: str) -> Application:
    application = Application.objects.select_for_update().filter(number=number).first()
    if application is None:
        raise NotFound(_("办件 %(number)s 不存在") % {"number": number})
    return application


# --------------------------------------------------------------------------- completeness


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
        sniffed = _sniff(upload)
        material.file, material.sha256 = _store(upload, sniffed)
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


def _refuse_unknown_keys(subject: Subject, uploads: Iterable[Upload], tolerated: set[str]) -> None:
    by_key = {m.key: m for m in subject.materials}
    errors: dict[str, Any] = {}
    for upload in uploads:
        if upload.key not in by_key:
            errors[upload.key] = _("材料清单中没有该材料")
    for key in tolerated:
        if key not in by_key:
            errors[key] = _("材料清单中没有该材料")
        elif not by_key[key].tolerated_missing:
            errors[key] = _("该材料不适用容缺受理")
    if errors:
        raise InvalidInput(_("材料有误"), errors)


def _notice_issue(
    *, application: Application, kind: str, materials: list[ApplicationMaterial], actor: Any,
    case: Case | None = None,
) -> OneTimeNotice:
    """Issue a one-time notice (一次性告知, DESIGN.md §3 rule 2).

    A later notice of the same scope may name only what the earlier one named (still
    outstanding) or what was supplied after it; naming a material the earlier notice could
    have named is the defect the reform forbids, and is refused.
    """
    now = clock.now()
    previous = (
        OneTimeNotice.objects.filter(application=application, kind=kind, case=case)
        .order_by("-issued_at", "-id")
        .first()
    )
    if previous is not None:
        named_before = {entry["key"] for entry in previous.entries}
        late = [
            m.name for m in materials
            if m.key not in named_before
            and (m.supplied_at is None or m.supplied_at <= previous.issued_at)
        ]
        if late:
            raise Conflict(
                _(
                    "一次性告知：%(names)s 在上一份告知书 %(number)s 出具时已可审查，"
                    "应当在那时一并告知，不能再次告知"
                )
                % {"names": "、".join(late), "number": previous.number}
            )
        if previous.resolved_at is None:
            previous.resolved_at = now
            previous.save(update_fields=["resolved_at"])
    notice = OneTimeNotice.objects.create(
        application=application, case=case, kind=kind, number=_placeholder(), issued_at=now,
        issued_by=_user(actor),
        entries=[
            {"key": m.key, "name": m.name, "problem": str(m.problem), "status": m.status}
            for m in materials
        ],
    )
    notice.number = serial_number("GZ", notice.pk)
    OneTimeNotice.objects.filter(pk=notice.pk).update(number=notice.number)
    audit_record(actor=actor, action="notice.issued", entity="application",
                 entity_id=application.number,
                 data={"notice": notice.number, "kind": kind, "case": case.pk if case else None,
                       "materials": [m.key for m in materials]})
    return notice


# --------------------------------------------------------------------------- intake


def _accept(*, application: Application, subject: Subject, actor: Any) -> list[Case]:
    """Acceptance: one receipt, one case per item; cases whose stage depends on no other
    start at once, in parallel (DESIGN.md §3 rule 4)."""
    now = clock.now()
    _application_transition(application, ApplicationStatus.ACCEPTED, actor)
    deadline = deadline_after(
        start=now, limit=application.committed_limit, unit=application.limit_unit
    )
    application.accepted_at = now
    application.due_at = deadline.due_at
    application.due_provisional = deadline.provisional
    application.receipt_number = serial_number("SL", application.pk)
    application.save(update_fields=[
        "status", "accepted_at", "due_at", "due_provisional", "receipt_number",
    ])
    cases = []
    for stage in subject.stages:
        case = Case(
            application=application, item=stage.item, department=stage.item.department,
            stage_key=stage.key, depends_on=stage.depends_on,
            status=CaseStatus.WAITING if stage.depends_on else CaseStatus.PENDING,
        )
        if not stage.depends_on:
            _clock_start(case, now)
        cases.append(case)
    Case.objects.bulk_create(cases)
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=case, status=case.status, at=now, actor=_user(actor))
        for case in cases
    )
    if deadline.provisional:
        alert_raise(kind=AlertKind.CALENDAR_NOT_COVERED, application_number=application.number,
                    message=_("工作日历未覆盖办理期限所在年份，期限按周末规则暂计"))
    audit_record(actor=actor, action="application.accepted", entity="application",
                 entity_id=application.number,
                 data={"receipt": application.receipt_number, "cases": len(cases),
                       "due_at": application.due_at})
    return cases


def _clock_start(case: Case, now: dt.datetime) -> None:
    deadline = deadline_after(start=now, limit=case.item.committed_limit,
                              unit=case.item.limit_unit)
    case.started_at = now
    case.due_at = deadline.due_at
    case.due_provisional = deadline.provisional


def _check_and_decide(*, application: Application, subject: Subject, actor: Any,
                      materials: list[ApplicationMaterial]) -> tuple[list[Case],
                                                                     list[OneTimeNotice]]:
    """Accept (returning the new cases) or issue one notice naming every problem."""
    problems = [m for m in materials if m.status in PROBLEM_MATERIAL_STATUSES]
    if not problems:
        return _accept(application=application, subject=subject, actor=actor), []
    _application_transition(application, ApplicationStatus.NEEDS_SUPPLEMENT, actor)
    application.save(update_fields=["status"])
    notice = _notice_issue(application=application, kind=NoticeKind.INTAKE, materials=problems,
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
    applicant = _clean_applicant(applicant)
    cleaned = _clean_fields(subject.fields, data)
    delivery = _clean_delivery(delivery or DeliveryChoice(), subject)
    _refuse_unknown_keys(subject, uploads, tolerated_keys)
    for upload in uploads:
        _sniff(upload)
    if subject.life_event is not None:
        cleaned["_stage_items"] = {s.key: s.item.pk for s in subject.stages}
    now = clock.now()
    application = Application.objects.create(
        number=_placeholder(), item=subject.item, life_event=subject.life_event,
        title=subject.title,
        applicant=actor if channel == Channel.ONLINE and _user(actor) else None,
        applicant_kind=applicant.kind, applicant_name=applicant.name,
        applicant_id_number=applicant.id_number, channel=channel,
        status=ApplicationStatus.SUBMITTED,
        data=cleaned, promised_visits=subject.promised_visits,
        committed_limit=subject.committed_limit, limit_unit=subject.limit_unit,
        submitted_at=now, delivery_method=delivery.method,
        delivery_contact={"recipient": delivery.recipient, "phone": delivery.phone,
                          "address": delivery.address},
        filed_by=_user(actor),
    )
    application.number = serial_number("OV", application.pk)
    Application.objects.filter(pk=application.pk).update(number=application.number)
    ApplicationStatusChange.objects.create(
        application=application, status=application.status, at=now, actor=_user(actor)
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
            _visit_record(application=application, purpose=VisitPurpose.INTAKE, actor=actor)
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
    _refuse_unknown_keys(subject, uploads, tolerated_keys)
    if not uploads and not tolerated_keys:
        raise InvalidInput(_("没有提交任何材料"), {"materials": _("至少提交一份材料")})
    sniffed = {upload.key: _sniff(upload) for upload in uploads}
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
        material.file, material.sha256 = _store(upload, sniffed[upload.key])
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
        _visit_record(application=application, purpose=VisitPurpose.SUPPLEMENT, actor=actor,
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


# --------------------------------------------------------------------------- visits


def _visit_record(
    *, application: Application, purpose: str, actor: Any, new_trip: bool = False
) -> Visit:
    """Count an in-person trip. What is done at the hall on the same day is one trip
    unless the clerk records that the applicant came back (DESIGN.md §3 rule 1)."""
    now = clock.now()
    today = dt.datetime.combine(
        now.astimezone(application.submitted_at.tzinfo).date(), dt.time.min,
        tzinfo=now.tzinfo,
    )
    visit = None if new_trip else (
        Visit.objects.filter(application=application, occurred_at__gte=today)
        .order_by("-occurred_at").first()
    )
    if visit is None:
        visit = Visit.objects.create(application=application, occurred_at=now,
                                     purposes=[purpose], clerk=_user(actor))
        audit_record(actor=actor, action="visit.recorded", entity="application",
                     entity_id=application.number, data={"purpose": purpose})
    elif purpose not in visit.purposes:
        visit.purposes = [*visit.purposes, purpose]
        visit.save(update_fields=["purposes"])
    count = Visit.objects.filter(application=application).count()
    if count > application.promised_visits:
        alert_raise(
            kind=AlertKind.VISITS_EXCEEDED, application_number=application.number,
            message=_("已跑动 %(count)d 次，承诺最多 %(promised)d 次")
            % {"count": count, "promised": application.promised_visits},
        )
    return visit


@atomic_audited
def visit_record(*, number: str, purpose: str, actor: Any, new_trip: bool = False) -> Visit:
    if purpose not in VisitPurpose.values:
        raise InvalidInput(_("到访事由无效"), {"purpose": _("未知的到访事由")})
    application = application_lock(number=number)
    return _visit_record(application=application, purpose=purpose, actor=actor,
                         new_trip=new_trip)


# --------------------------------------------------------------------------- case clocks


def case_clock_pause(*, case: Case, materials: list[ApplicationMaterial], actor: Any,
                     note: str) -> OneTimeNotice:
    """Correction request (补正): one notice naming everything; the case clock stops."""
    now = clock.now()
    notice = _notice_issue(application=case.application, kind=NoticeKind.CORRECTION,
                           materials=materials, actor=actor, case=case)
    case_transition(case=case, to=CaseStatus.CORRECTION, actor=actor, note=note)
    case.remaining = time_remaining(now=now, due_at=case.due_at or now,
                                    unit=case.item.limit_unit)
    case.paused_at = now
    case.save(update_fields=["status", "remaining", "paused_at"])
    return notice


def case_clock_resume(*, case: Case, actor: Any) -> None:
    """The correction arrived: the case returns to the queue with the time it had left."""
    now = clock.now()
    case_transition(case=case, to=CaseStatus.PENDING, actor=actor, note=_("补正材料已提交"))
    deadline = deadline_after(start=now, limit=case.remaining or 0, unit=case.item.limit_unit)
    case.due_at = deadline.due_at
    case.due_provisional = deadline.provisional
    case.paused_at = None
    case.remaining = None
    case.save(update_fields=["status", "due_at", "due_provisional", "paused_at", "remaining"])
    audit_record(actor=actor, action="case.resumed", entity="case", entity_id=case.pk,
                 data={"due_at": case.due_at})


def cases_start_ready(*, application: Application, actor: Any) -> list[Case]:
    """Start every waiting case whose stages it depends on are all approved."""
    cases = list(application.cases.select_for_update().select_related("item"))
    approved = {c.stage_key for c in cases if c.status == CaseStatus.APPROVED}
    started = []
    now = clock.now()
    for case in cases:
        if case.status == CaseStatus.WAITING and set(case.depends_on) <= approved:
            case_transition(case=case, to=CaseStatus.PENDING, actor=actor)
            _clock_start(case, now)
            case.save(update_fields=["status", "started_at", "due_at", "due_provisional"])
            started.append(case)
    return started


def application_finish(*, application: Application, approved: bool, actor: Any) -> None:
    """Close the application once its cases are decided (completed or rejected)."""
    now = clock.now()
    target = ApplicationStatus.COMPLETED if approved else ApplicationStatus.REJECTED
    _application_transition(application, target, actor)
    application.completed_at = now
    application.save(update_fields=["status", "completed_at"])
    audit_record(actor=actor, action=f"application.{target}", entity="application",
                 entity_id=application.number, data={})
