"""Issuing results. Each approved case whose item produces a result gets a certificate;
its PDF is rendered after commit by a background task."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.db import transaction

from onevisit import clock
from onevisit.applications.constants import CaseStatus
from onevisit.applications.models import Application
from onevisit.applications.services import serial_number
from onevisit.audit.services import audit_record
from onevisit.certificates.models import Certificate
from onevisit.pdf import render_pdf

# No 0/O/1/I: codes are read aloud and typed from paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def verification_code_new() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


def certificates_issue(*, application: Application, actor: Any) -> list[Certificate]:
    """Issue the results of a completed application (runs in the caller's transaction)."""
    now = clock.now()
    issued = []
    for case in application.cases.filter(status=CaseStatus.APPROVED).select_related("item"):
        if not case.item.result_name:
            continue
        certificate = Certificate.objects.create(
            number=uuid.uuid4().hex,
            title=case.item.result_name, application=application, case=case,
            department_id=case.department_id, holder_name=application.applicant_name,
            holder_id=application.applicant_id_number, issued_at=now,
            verification_code=verification_code_new(),
            data={"item": case.item.name, "item_code": case.item.code,
                  "application": application.number},
        )
        certificate.number = serial_number("ZZ", certificate.pk)
        Certificate.objects.filter(pk=certificate.pk).update(number=certificate.number)
        audit_record(actor=actor, action="certificate.issued", entity="certificate",
                     entity_id=certificate.number, data={"case": case.pk})
        issued.append(certificate)
    if issued:
        ids = [c.pk for c in issued]
        transaction.on_commit(lambda: _render_later(ids))
    return issued


def _render_later(certificate_ids: list[int]) -> None:
    # The task module imports this one; importing it here, late, avoids the cycle.
    from onevisit.certificates.tasks import certificate_render

    for certificate_id in certificate_ids:
        certificate_render.enqueue(certificate_id)


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate's PDF, rendered and stored on first use."""
    if certificate.pdf:
        path = Path(settings.MEDIA_ROOT) / certificate.pdf
        if path.is_file():
            return path.read_bytes()
    qr = segno.make(f"/verify/{certificate.verification_code}", error="m")
    content = render_pdf(
        "certificates/certificate.html",
        {"certificate": certificate, "qr_svg": qr.svg_inline(scale=3)},
    )
    relative = Path("certificates") / f"{certificate.number}.pdf"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=str(relative))
    certificate.pdf = str(relative)
    return content
