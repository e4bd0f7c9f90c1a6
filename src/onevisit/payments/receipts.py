"""The electronic receipt (电子票据) of a payment as a sealed PDF.

It is sealed the way certificates are (`certificates.sealing.pdf_seal`: a PAdES signature
by a document certificate the local CA issues for this one receipt, naming its
verification code) under the seal of its collecting department: an order paying several departments'
charges has one receipt per department, each listing only that department's lines, and
each line names who pays it (the buyer's 契税, not the applicant's). A real 非税收入电子票据 also
carries the finance bureau's supervision seal (财政票据监制章); the platform has no finance
bureau's seal of its own, so that is left to a real provider's receipt (docs/payments.md).
The PDF is made on first download and stored in the default storage with its digest; anyone can
check it offline against /pki/ca.pem (the signature chains to the platform's CA), or
online by its code at /verify/receipt/<code>. The /verify/ upload check knows only the
signers of certificates (DocumentSigner) and so reports a receipt's seal as not one of
its own; receipts' document certificates are not yet in the CRL (docs/payments.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.charges import payer_of
from onevisit.certificates.rendering import qr_png
from onevisit.certificates.sealing import pdf_seal
from onevisit.certificates.seals import seal_for_department
from onevisit.files.documents import document_read, document_write
from onevisit.payments.models import ElectronicReceipt
from onevisit.pdf import render_pdf

TEMPLATE = "payments/receipt.html"
STYLESHEET = "certificates/certificate.css"


def receipt_verify_url(receipt: ElectronicReceipt) -> str:
    path = reverse("web:verify_receipt", kwargs={"code": receipt.verification_code})
    return f"{settings.ONEVISIT['PUBLIC_URL']}{path}"


def _stored(receipt: ElectronicReceipt) -> bytes | None:
    return document_read(receipt.pdf, receipt.pdf_sha256)


def receipt_lines(receipt: ElectronicReceipt) -> list[dict[str, Any]]:
    """The receipt's department's charge lines of its order, each with who pays it."""
    application = receipt.order.application
    lines = []
    for line in receipt.order.lines:
        if line.get("department_id") != receipt.department_id or not line.get("amount_yuan"):
            continue
        _payer_id, payer = payer_of(line, application.data,
                                    applicant_id=application.applicant_id_number,
                                    applicant_name=application.applicant_name)
        lines.append({**line, "payer": payer})
    return lines


def receipt_pdf(*, receipt: ElectronicReceipt) -> bytes:
    """The receipt's sealed PDF, rendered and sealed on first use and stored."""
    content = _stored(receipt)
    if content is not None:
        return content
    order = receipt.order
    url = receipt_verify_url(receipt)
    unsealed = render_pdf(TEMPLATE, {
        "receipt": receipt, "order": order, "application": order.application,
        "lines": receipt_lines(receipt),
        "verify_url": url, "qr_png": qr_png(url),
    }, stylesheets=[STYLESHEET], compact_font=True)
    seal = seal_for_department(department=receipt.department_id)
    sealed = pdf_seal(unsealed, seal=seal, code=receipt.verification_code,
                      reason=f"电子票据（票据号码 {receipt.number}，核验码 "
                             f"{receipt.verification_code}）",
                      location=receipt.department.name)
    return _store(receipt_id=receipt.pk, content=sealed.content, seal_serial=seal.serial,
                  signer_serial=sealed.document.serial,
                  signer_fingerprint=sealed.document.fingerprint)


@atomic_audited
def _store(*, receipt_id: int, content: bytes, seal_serial: str, signer_serial: str,
           signer_fingerprint: str) -> bytes:
    receipt = ElectronicReceipt.objects.select_for_update().get(pk=receipt_id)
    already = _stored(receipt)
    if already is not None:  # another request sealed it first
        return already
    name = f"receipts/{receipt.number}.pdf"
    digest = document_write(name, content)
    ElectronicReceipt.objects.filter(pk=receipt_id).update(
        pdf=name, pdf_sha256=digest, seal_serial=seal_serial,
        signer_serial=signer_serial, signer_fingerprint=signer_fingerprint)
    audit_record(actor=None, action="payment.receipt_sealed", entity="receipt",
                 entity_id=receipt.number, data={"seal": seal_serial, "sha256": digest,
                                                 "signer": signer_serial})
    return content
