"""Recording a credit fact (the same fact from the same source is recorded once); the
subject's objections and repair applications and the decisions on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Role, SubjectKind
from onevisit.accounts.regions import covers, scope_of
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.credit.constants import (
    ALLOWED_APPEAL_TRANSITIONS,
    AppealKind,
    AppealStatus,
    CreditSource,
    Severity,
)
from onevisit.credit.models import CreditAppeal, CreditPolicy, CreditRecord
from onevisit.credit.selectors import records_in_force, subjects_of
from onevisit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from onevisit.files.services import file_store, files_guard
from onevisit.notifications.constants import NotifyEvent
from onevisit.notifications.services import notification_send

TEXT_MAX = 2000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What an evidence file may be, by its first bytes: PDF, PNG, JPEG.
EVIDENCE_TYPES = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


@atomic_audited
def credit_record_add(
    *, subject_kind: SubjectKind, subject_code: str, subject_name: str, source: CreditSource,
    reference: str, severity: Severity, fact: str, legal_basis: str, region_id: str,
    valid_days: int, actor: Any = None, valid_from: dt.datetime | None = None,
) -> CreditRecord:
    """Record a fact about a subject, in force for `valid_days` calendar days from
    `valid_from` (now). Sending the same (source, reference, subject) again returns the
    record already made."""
    if valid_days < 1:
        raise InvalidInput(_("信用记录的有效期至少一天"), {"valid_days": _("至少 1 天")})
    start = valid_from or clock.now()
    record, created = CreditRecord.objects.get_or_create(
        source=source, reference=reference, subject_code=subject_code, defaults={
            "subject_kind": subject_kind, "subject_name": subject_name,
            "severity": severity, "fact": fact, "legal_basis": legal_basis,
            "region_id": region_id, "valid_from": start,
            "valid_until": start + dt.timedelta(days=valid_days),
            "recorded_at": clock.now(), "recorded_by": actor,
        },
    )
    if created:
        audit_record(actor=actor, action="credit.recorded", entity="credit_record",
                     entity_id=record.pk, data={"subject": subject_code, "source": source,
                                                "reference": reference,
                                                "severity": severity})
    return record


def _evidence_extension(content: bytes) -> str:
    if len(content) > EVIDENCE_MAX_BYTES:
        raise InvalidInput(_("证明材料有误"), {"evidence_file": _("文件不能超过 10 MB")})
    for magic, extension in EVIDENCE_TYPES:
        if content.startswith(magic):
            return extension
    raise InvalidInput(_("证明材料有误"),
                       {"evidence_file": _("只接受 PDF、PNG 或 JPEG 文件")})


@files_guard()
@atomic_audited
def credit_appeal_file(*, record_id: int, kind: str, statement: str, actor: Any,
                       evidence: str = "", evidence_file: bytes = b"",
                       evidence_file_name: str = "") -> CreditAppeal:
    """The subject objects to a record (异议) or applies for its repair (信用修复), with a
    statement and evidence (a description, and a file if it has one). Only the subject
    herself, or an account acting for it in every matter, may; one pending appeal per
    record; a record no longer in force is not appealed. The decision is credit staff's
    in the record's region (`credit_appeal_decide`)."""
    errors = {}
    if kind not in AppealKind.values:
        errors["kind"] = _("应为异议或信用修复")
    if not statement.strip():
        errors["statement"] = _("请说明理由")
    elif len(statement) > TEXT_MAX or len(evidence) > TEXT_MAX:
        errors["statement"] = _("不能超过 %(n)d 字") % {"n": TEXT_MAX}
    if kind == AppealKind.REPAIR and not (evidence.strip() or evidence_file):
        errors["evidence"] = _("申请信用修复须提供已纠正失信行为的证明")
    if errors:
        raise InvalidInput(_("申请有误，未提交"), errors)
    record = CreditRecord.objects.select_for_update().filter(pk=record_id).first()
    if record is None or record.subject_code not in {s.code for s in subjects_of(user=actor)}:
        raise NotFound(_("没有这条信用记录"))
    if not records_in_force().filter(pk=record.pk).exists():
        raise Conflict(_("该信用记录已不在有效期内，无需申请"))
    if record.appeals.filter(status=AppealStatus.PENDING).exists():
        raise Conflict(_("该信用记录已有待处理的申请"))
    stored = ""
    if evidence_file:
        stored = file_store(content=evidence_file, folder="credit",
                            extension=_evidence_extension(evidence_file)).name
    appeal = CreditAppeal.objects.create(
        record=record, kind=kind, statement=statement.strip(), evidence=evidence.strip(),
        evidence_file=stored, evidence_file_name=evidence_file_name[:255],
        filed_by=actor, filed_at=clock.now())
    audit_record(actor=actor, action=f"credit.{kind}_filed", entity="credit_appeal",
                 entity_id=appeal.pk, data={"record": record.pk, "subject": record.subject_code,
                                            "file": bool(stored)})
    return appeal


@atomic_audited
def credit_appeal_decide(*, appeal_id: int, grant: bool, reason: str,
                         actor: Any) -> CreditAppeal:
    """Credit staff (the supervisor role) of the record's region decide an appeal with a
    reason. An objection upheld or a repair granted ends the record now (`ended_at`,
    `end_reason`): it stops counting toward the subject's tier but stays on file."""
    if getattr(actor, "role", None) != Role.SUPERVISOR and not getattr(actor, "is_superuser",
                                                                      False):
        raise NotAllowed(_("只有信用管理人员可以处理信用异议和修复申请"))
    if not reason.strip():
        raise InvalidInput(_("处理决定不完整"), {"reason": _("请写明处理理由")})
    appeal = (CreditAppeal.objects.select_for_update().select_related("record")
              .filter(pk=appeal_id).first())
    if appeal is None or not covers(scope_of(actor), appeal.record.region_id):
        raise NotFound(_("没有这份申请"))
    to = AppealStatus.GRANTED if grant else AppealStatus.DISMISSED
    if to not in ALLOWED_APPEAL_TRANSITIONS[appeal.status]:
        raise Conflict(_("该申请已处理：%(status)s") % {"status": appeal.get_status_display()})
    now = clock.now()
    appeal.status = to
    appeal.decided_by = actor
    appeal.decided_at = now
    appeal.decision_reason = reason.strip()
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    record = CreditRecord.objects.select_for_update().get(pk=appeal.record_id)
    if grant and record.ended_at is None:
        record.ended_at = now
        record.end_reason = f"{AppealKind(appeal.kind).label}：{reason.strip()}"
        record.save(update_fields=["ended_at", "end_reason"])
    audit_record(actor=actor, action="credit.appeal_decided", entity="credit_appeal",
                 entity_id=appeal.pk, data={"record": record.pk, "status": to,
                                            "reason": appeal.decision_reason,
                                            "record_ended": record.ended_at is not None})
    with translation.override(settings.LANGUAGE_CODE):  # the labels as the site speaks
        labels = {"kind": str(AppealKind(appeal.kind).label), "status": str(to.label)}
    notification_send(
        event=NotifyEvent.CREDIT_DECIDED, key=f"credit-appeal-{appeal.pk}",
        user=appeal.filed_by, link="/me/credit/",
        context={"name": record.subject_name, "fact": record.fact[:60],
                 "reason": appeal.decision_reason, **labels})
    return appeal


@atomic_audited
def credit_policy_save(*, policy: CreditPolicy, actor: Any) -> CreditPolicy:
    """Save a tier rule (the admin's form): thresholds must rise from A to C; activating a
    rule retires the region's (or the global) rule active before it."""
    if not policy.a_max <= policy.b_max <= policy.c_max:
        raise InvalidInput(_("信用分级规则有误"),
                           {"c_max": _("各级最高分应满足 A ≤ B ≤ C")})
    if policy.active:
        CreditPolicy.objects.filter(region_id=policy.region_id, active=True).exclude(
            pk=policy.pk).update(active=False)
    policy.save()
    audit_record(actor=actor, action="credit.policy_saved", entity="credit_policy",
                 entity_id=policy.pk, data={
                     "region": policy.region_id or "", "active": policy.active,
                     "points": [policy.minor_points, policy.general_points,
                                policy.serious_points],
                     "max": [policy.a_max, policy.b_max, policy.c_max]})
    return policy
