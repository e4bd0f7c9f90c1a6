"""Public certificate verification: by verification code, or by uploading the PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, UploadedFile

from onevisit.accounts.services import rate_limit_hit
from onevisit.api.schemas import ErrorOut, PdfVerificationOut, VerificationOut
from onevisit.certificates.models import Certificate
from onevisit.certificates.selectors import (
    CertificateStanding,
    Revocation,
    certificate_standing,
)
from onevisit.certificates.verification import (
    MAX_PDF_BYTES,
    PdfVerification,
    pdf_verify_upload,
    upload_too_big,
)
from onevisit.errors import TooManyRequests

router = Router(tags=["certificates"])


def _masked(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1)


def _certificate_out(standing: CertificateStanding) -> dict[str, Any]:
    certificate = standing.certificate
    if certificate is None:
        return {"status": "unknown"}
    return {
        "status": standing.status, "number": certificate.number, "title": certificate.title,
        "department": certificate.department.name, "issued_at": certificate.issued_at,
        "holder": _masked(certificate.holder_name),
        "seal_serial": standing.seal.serial if standing.seal else None,
        "seal_status": standing.seal_status,
        **_revocation_out(standing.revocation),
    }


def _revocation_out(revocation: Revocation | None) -> dict[str, Any]:
    if revocation is None:
        return {"revocation_reason": None, "revocation_code": None}
    return {"revocation_reason": revocation.reason, "revocation_code": revocation.code or None}


@router.get("/certificates/verify/{code}", response=VerificationOut)
def certificate_verify(request: HttpRequest, code: str) -> dict[str, Any]:
    """Public check of a certificate by its verification code (valid / revoked / unknown),
    with the state of the seal that sealed it."""
    return _certificate_out(certificate_standing(code=code))


def _pdf_out(result: PdfVerification) -> dict[str, Any]:
    last = result.last
    certificate: Certificate | None = result.certificate
    return {
        "status": result.status, "message": result.message, "sha256": result.sha256,
        "department": result.department,
        "signed_at": last.signed_at if last else None,
        "seal_serial": result.seal.serial if result.seal else None,
        "seal_status": result.seal.status if result.seal else None,
        **_revocation_out(result.revocation),
        "certificate": (_certificate_out(certificate_standing(code=certificate.verification_code))
                        if certificate is not None else None),
        "signatures": [{
            "status": check.status, "intact": check.intact, "trusted": check.trusted,
            "revoked": check.revoked, "whole_file": check.whole_file,
            "signed_at": check.signed_at, "signer": check.signer,
            "seal_serial": check.seal.serial if check.seal else None,
            "department": (check.seal.department.name
                           if check.seal and check.seal.department else None),
        } for check in result.signatures],
    }


@router.post("/certificates/verify-pdf",
             response={200: PdfVerificationOut, 422: ErrorOut, 429: ErrorOut})
def certificate_verify_pdf(request: HttpRequest, pdf: File[UploadedFile]) -> dict[str, Any]:
    """Check an uploaded certificate PDF (multipart field `pdf`, at most 10 MB): is its seal
    intact, issued by this platform's CA, not revoked — and which certificate is it. The
    file is not stored. Limited per address (ONEVISIT_RATE_LIMITS `verify`)."""
    if rate_limit_hit(scope="verify", address=request.META.get("REMOTE_ADDR", "")):
        raise TooManyRequests(_("提交过于频繁，请稍后再试"))
    if pdf.size is not None and pdf.size > MAX_PDF_BYTES:
        raise upload_too_big("pdf")
    return _pdf_out(pdf_verify_upload(content=pdf.read(MAX_PDF_BYTES + 1)))
