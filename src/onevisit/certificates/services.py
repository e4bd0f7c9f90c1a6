"""Issuing results. Each approved case whose item produces a result gets a certificate;
its PDF is rendered after commit by a background task."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from onevisit import clock
from onevisit.applications.constants import CaseStatus
from onevisit.applications.models import Application, Case
from onevisit.applications.services import application_credit_code, serial_number
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.charges import (
    charges_total,
    payer_of,
    rate_percent,
    yuan_in_capitals,
)
from onevisit.catalogue.constants import SubjectKind
from onevisit.catalogue.models import EvidenceType
from onevisit.certificates.constants import CertificateKind
from onevisit.certificates.documents import certificate_pdf as certificate_pdf
from onevisit.certificates.models import Certificate, CertificateHolder
from onevisit.certificates.seals import crl_publish, revocation_reason_check
from onevisit.errors import Conflict, NotFound
from onevisit.exchange.services import subject_mask

# No 0/O/1/I: codes are read aloud and typed from paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def verification_code_new() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


def certificates_issue(*, application: Application, actor: Any) -> list[Certificate]:
    """Issue the results of a completed application (runs in the caller's transaction)."""
    now = clock.now()
    issued = []
    cases = application.cases.filter(status=CaseStatus.APPROVED).select_related(
        "item__result_evidence_type"
    )
    for case in cases:
        if not case.item.result_name:
            continue
        evidence_type = case.item.result_evidence_type
        holders = result_holders(application=application, fields=case.item.result_holder_fields)
        holder_id, holder_name = holders[0] if holders else (
            application.applicant_id_number, application.applicant_name)
        certificate = Certificate.objects.create(
            number=uuid.uuid4().hex,
            title=case.item.result_name, application=application, case=case,
            department_id=case.department_id, holder_name=holder_name,
            holder_id=holder_id, issued_at=now,
            verification_code=verification_code_new(),
            evidence_type=evidence_type.code if evidence_type else "",
            data={"item": case.item.name, "item_code": case.item.code,
                  "application": application.number, **_charges_paid(application, case)},
        )
        certificate.number = serial_number("ZZ", certificate.pk, region=case.item.region_id)
        if holders:
            certificate.subject = holder_id
            certificate.data |= {
                "holders": [name for _id, name in holders],
                "co_ownership": "共同共有" if len(holders) > 1 else "单独所有",
            }
            CertificateHolder.objects.bulk_create([
                CertificateHolder(certificate=certificate, subject=subject, name=name)
                for subject, name in holders
            ])
        elif evidence_type is not None:
            certificate.subject, certificate.data = _subject_of(
                application, evidence_type, region=case.item.region_id, serial=case.pk,
                data=certificate.data,
            )
        Certificate.objects.filter(pk=certificate.pk).update(
            number=certificate.number, subject=certificate.subject, data=certificate.data
        )
        audit_record(actor=actor, action="certificate.issued", entity="certificate",
                     entity_id=certificate.number, data={"case": case.pk})
        issued.append(certificate)
    if issued:
        ids = [c.pk for c in issued]
        transaction.on_commit(lambda: _render_later(ids))
    return issued


def _charges_paid(application: Application, case: Case) -> dict[str, Any]:
    """The taxes and fees paid on the case, for its result (the 完税证明 lists them):
    each line with who paid it, and the total in figures and in capitals."""
    if not case.charges or case.paid_at is None:
        return {}
    lines = []
    for line in case.charges:
        payer_id, payer_name = payer_of(line, application.data,
                                        applicant_id=application.applicant_id_number,
                                        applicant_name=application.applicant_name)
        lines.append({**line, "payer_name": payer_name, "payer_id": subject_mask(payer_id),
                      "rate_percent": rate_percent(line.get("rate"))})
    total = charges_total(case.charges)
    return {"charges": lines, "charges_total": f"{total:.2f}",
            "charges_total_capitals": yuan_in_capitals(total),
            "paid_at": case.paid_at.isoformat()}


def result_holders(*, application: Application, fields: list[str]) -> list[tuple[str, str]]:
    """Who the result is issued to when the item names its holders' fields: each ID number
    given (`buyer_id_number`, `co_buyer_id_number`) with the name beside it
    (`buyer_name`, `co_buyer_name`), once each, in the fields' order."""
    holders: dict[str, str] = {}
    for key in fields:
        subject = str(application.data.get(key, "")).strip().upper()
        if subject:
            name_key = key.removesuffix("_id_number") + "_name"
            holders.setdefault(subject, str(application.data.get(name_key, "")))
    return list(holders.items())


def refusal_decision_issue(*, case: Case, title: str, data: dict[str, Any],
                           actor: Any) -> Certificate:
    """The written decision of a refused case (不予许可决定书 / 不予受理决定书): its reason,
    legal basis and the applicant's remedies in `data`, sealed by the department like a
    result and verifiable by its code (runs in the caller's transaction; the PDF is
    rendered after commit). It proves nothing: it never enters the certificate library."""
    application = case.application
    decision = Certificate.objects.create(
        number=uuid.uuid4().hex, kind=CertificateKind.REFUSAL, title=title,
        application=application, case=case, department_id=case.department_id,
        holder_name=application.applicant_name, holder_id=application.applicant_id_number,
        issued_at=clock.now(), verification_code=verification_code_new(), data=data,
    )
    decision.number = serial_number("JD", decision.pk, region=case.item.region_id)
    Certificate.objects.filter(pk=decision.pk).update(number=decision.number)
    audit_record(actor=actor, action="certificate.refusal_issued", entity="certificate",
                 entity_id=decision.number, data={"case": case.pk, "title": title})
    transaction.on_commit(lambda: _render_later([decision.pk]))
    return decision


def _subject_of(
    application: Application, evidence_type: EvidenceType, *, region: str, serial: int,
    data: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    """The identifier the certificate is keyed on in the certificate library, and the
    certificate's data with it. A company registered by this application has no credit
    code in its form: the registration's approval gave it one (一照一码,
    `case_credit_code_set`), which the licence and the permits filed with it carry; one
    approved before codes were assigned at approval gets one now."""
    subject = str(application.data.get(evidence_type.subject_field, "")).strip().upper()
    if subject:
        return subject, data
    if evidence_type.subject_kind == SubjectKind.ENTERPRISE:
        code = application_credit_code(application) or uscc_assign(region=region,
                                                                   serial=serial)
        holder = str(application.data.get("company_name") or application.applicant_name)
        return code, {**data, "company_uscc": code, "company_name": holder}
    return application.applicant_id_number, data


_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_assign(*, region: str, serial: int) -> str:
    """A unified social credit code (GB 32100) for a company registered here: 9 (market
    regulation) 1 (enterprise), the six-digit region, an organisation code (GB 11714: eight
    digits and their check character) from the serial, and the final check character."""
    body = f"{serial % 10**8:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    organisation = body + {10: "X", 11: "0"}.get(check, str(check))
    partial = f"91{region[:6]}{organisation}"
    return partial + uscc.calc_check_digit(partial)


def _render_later(certificate_ids: list[int]) -> None:
    # The task module imports this one; importing it here, late, avoids the cycle.
    from onevisit.certificates.tasks import certificate_render

    for certificate_id in certificate_ids:
        certificate_render.enqueue(certificate_id)


@atomic_audited
def certificate_revoke(*, number: str, reason: str, code: str, actor: Any) -> Certificate:
    """Revoke one certificate (issued in error, or superseded): verification by code or by
    PDF reports it revoked from now on, with the reason. As soon as this commits the CRL
    is re-published listing the certificate of every sealed copy of it with the reason
    code (`code`, a RevocationReason), so offline validators holding the new CRL report
    it revoked too. Its department's seal stays valid for everything else."""
    reason, code = revocation_reason_check(reason=reason, code=code,
                                           missing=_("撤销须说明原因"))
    certificate = Certificate.objects.select_for_update().filter(number=number.strip()).first()
    if certificate is None:
        raise NotFound(_("证照 %(number)s 不存在") % {"number": number})
    if certificate.revoked_at is not None:
        raise Conflict(_("证照 %(number)s 已撤销") % {"number": certificate.number})
    certificate.revoked_at = clock.now()
    certificate.revocation_reason, certificate.revocation_code = reason, code
    certificate.save(update_fields=["revoked_at", "revocation_reason", "revocation_code"])
    signers = list(certificate.signers.values_list("serial", flat=True))
    audit_record(actor=actor, action="certificate.revoked", entity="certificate",
                 entity_id=certificate.number,
                 data={"reason": reason, "code": code, "signers": signers})
    if signers:
        transaction.on_commit(lambda: crl_publish(actor=actor))
    return certificate
