"""A certificate's sealed PDF: rendered by kind, sealed by the issuing department's active
seal, stored once in the default storage with its digest. A certificate is never served
unsealed: without a seal PKI the render fails and says which command sets it up."""

from __future__ import annotations

from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone

from onevisit.audit.services import atomic_audited, audit_record
from onevisit.certificates.models import Certificate, DocumentSigner
from onevisit.certificates.rendering import certificate_render_unsealed
from onevisit.certificates.sealing import SealedPdf, pdf_seal
from onevisit.certificates.seals import seal_for_department
from onevisit.files.documents import document_read, document_write

log = structlog.get_logger(__name__)


def seal_reason(certificate: Certificate) -> str:
    """The signature's stated reason; it names the certificate so a verifier can find it
    (it is inside the signed bytes)."""
    return (f"{certificate.title}（证照编号 {certificate.number}，"
            f"核验码 {certificate.verification_code}）")


def certificate_sealed_pdf(certificate: Certificate) -> SealedPdf:
    """Render and seal, without storing: the PDF, the department's seal it was sealed
    under, and the document certificate that signed it."""
    seal = seal_for_department(department=certificate.department_id)
    content = certificate_render_unsealed(certificate)
    return pdf_seal(content, seal=seal, code=certificate.verification_code,
                    reason=seal_reason(certificate), location=certificate.department.name)


def _stored(certificate: Certificate) -> bytes | None:
    if not (certificate.pdf and certificate.seal_id and certificate.pdf_sha256):
        return None  # never rendered, or rendered before results were sealed
    return document_read(certificate.pdf, certificate.pdf_sha256)


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate's sealed PDF, rendered and sealed on first use and stored."""
    content = _stored(certificate)
    if content is not None:
        return content
    return _store(certificate=certificate, sealed=certificate_sealed_pdf(certificate))


@atomic_audited
def _store(*, certificate: Certificate, sealed: SealedPdf) -> bytes:
    content, seal, document = sealed.content, sealed.seal, sealed.document
    name = f"certificates/{certificate.number}.pdf"
    # Two processes sealing the same certificate at once: the row lock orders them, and
    # the second keeps the first one's PDF.
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    already = _stored(locked)
    if already is not None:
        _copy_state(locked, certificate)
        return already
    # The document certificate is recorded with the file, in one transaction: every
    # certificate that signed a PDF anyone was given can be put in the CRL.
    DocumentSigner.objects.create(
        certificate=certificate, seal=seal, serial=document.serial,
        fingerprint=document.fingerprint, created_at=timezone.now(),
        not_after=document.not_after,
    )
    digest = document_write(name, content)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=name, seal=seal, pdf_sha256=digest)
    certificate.pdf, certificate.seal, certificate.pdf_sha256 = name, seal, digest
    audit_record(actor=None, action="certificate.sealed", entity="certificate",
                 entity_id=certificate.number, data={"seal": seal.serial, "sha256": digest,
                                                     "signer": document.serial})
    transaction.on_commit(lambda: log.info("certificate_sealed", number=certificate.number,
                                           seal=seal.serial))
    return content


def _copy_state(source: Certificate, target: Any) -> None:
    target.pdf, target.seal_id, target.pdf_sha256 = source.pdf, source.seal_id, source.pdf_sha256
