"""Checking a sealed PDF, as anyone holding the CA certificate could: pyHanko's validator
with this instance's CA as the only trust root and the current CRL, never fetching from
the network.

The outcome, worst first: `unreadable` (not a PDF), `unsigned` (no seal), `tampered` (the
signed bytes changed, or content was added after sealing), `untrusted` (sealed, but not
by a seal of our CA), `revoked` (the seal, or the certificate itself, was revoked), and
`valid`. It names who sealed it (the department of the seal), when (the time the signer
stated: B-B signatures carry no timestamp token), which seal, which certificate — the one
whose stored PDF has this digest, or the one whose document certificate signed it (for
PDFs sealed before document certificates: the one the signature's reason names), if the
signature is genuine — and, when revoked, why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from onevisit.certificates.constants import SealStatus
from onevisit.certificates.models import Certificate, DocumentSigner, SealCertificate
from onevisit.certificates.seals import certificate_load, crl_current, trust_roots
from onevisit.certificates.selectors import Revocation, revocation_of
from onevisit.errors import InvalidInput
from onevisit.files.checks import UploadRefused, pdf_check

MAX_PDF_BYTES = 10 * 1024 * 1024
_NUMBER_IN_REASON = re.compile(r"证照编号 ([0-9A-Z]+)")

# Worst first: the overall outcome of several signatures is the worst of theirs.
OUTCOMES = ("unreadable", "unsigned", "tampered", "untrusted", "revoked", "valid")


@dataclass(frozen=True)
class SignatureCheck:
    status: str
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature over them is mathematically correct
    trusted: bool  # the signer's certificate chains to our CA and is not revoked
    revoked: bool  # the CRL lists the signer's certificate
    whole_file: bool  # nothing was added after the signature
    signed_at: dt.datetime | None
    signer: str  # the certificate's subject, as the PDF states it
    seal: SealCertificate | None  # the department's seal it was sealed under
    reason: str
    # The certificate whose document certificate made this signature (sealed since each
    # document has its own), whether or not the signed bytes are intact.
    document: Certificate | None = None


@dataclass(frozen=True)
class PdfVerification:
    status: str
    sha256: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def last(self) -> SignatureCheck | None:
        return self.signatures[-1] if self.signatures else None

    @property
    def seal(self) -> SealCertificate | None:
        return self.last.seal if self.last else None

    @property
    def department(self) -> str | None:
        seal = self.seal
        if seal is not None and seal.department is not None:
            return seal.department.name
        return None

    @property
    def message(self) -> str:
        return str(OUTCOME_MESSAGES[self.status]())

    @property
    def revocation(self) -> Revocation | None:
        """Why it is revoked (the certificate's own revocation, or its seal's)."""
        if self.status != "revoked":
            return None
        return revocation_of(self.certificate, self.seal)


OUTCOME_MESSAGES = {
    "unreadable": lambda: _("不是可读取的 PDF 文件"),
    "unsigned": lambda: _("文件没有电子印章"),
    "tampered": lambda: _("文件在盖章后被改动，电子印章无效"),
    "untrusted": lambda: _("电子印章不是本平台签发机构签发的，无法确认其来源"),
    "revoked": lambda: _("电子印章或证照已被吊销"),
    "valid": lambda: _("电子印章有效，文件自盖章后未被改动"),
}


def _asn1(row: SealCertificate) -> asn1_x509.Certificate:
    der = certificate_load(row).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def validation_context() -> ValidationContext:
    """Our CAs as the only trust roots, the current CRL as the only revocation source."""
    crl = crl_current()
    return ValidationContext(
        trust_roots=[_asn1(row) for row in trust_roots()],
        crls=[crl.der] if crl is not None else [],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )


def _signature_check(signature: EmbeddedPdfSignature, context: ValidationContext
                     ) -> SignatureCheck:
    status: PdfSignatureStatus = validate_pdf_signature(signature, context)
    fingerprint = status.signing_cert.sha256.hex()
    signer = (DocumentSigner.objects.select_related("seal__department", "certificate")
              .filter(fingerprint=fingerprint).first())
    document = signer.certificate if signer is not None else None
    seal = signer.seal if signer is not None else (
        # Sealed before each document had its own certificate: by the seal itself.
        SealCertificate.objects.select_related("department").filter(fingerprint=fingerprint)
        .first())
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # The CRL says so, or the database does (crl_current re-publishes a CRL that lags).
    revoked = (status.revoked or (seal is not None and seal.status == SealStatus.REVOKED)
               or (document is not None and document.revoked_at is not None))
    if not (status.intact and status.valid) or not whole_file:
        outcome = "tampered"
    elif revoked:
        outcome = "revoked"
    elif not status.trusted or seal is None:
        outcome = "untrusted"
    else:
        outcome = "valid"
    reason = signature.sig_object.get("/Reason")
    return SignatureCheck(
        status=outcome, intact=bool(status.intact), valid=bool(status.valid),
        trusted=bool(status.trusted), revoked=revoked, whole_file=whole_file,
        signed_at=status.signer_reported_dt, signer=status.signing_cert.subject.human_friendly,
        seal=seal, reason=str(reason) if reason is not None else "", document=document,
    )


def _certificate_for(digest: str, last: SignatureCheck | None) -> Certificate | None:
    found = (Certificate.objects.select_related("department", "seal")
             .filter(pdf_sha256=digest).first())
    if found is not None or last is None:
        return found
    # Not our stored copy byte for byte: trust what the signature names only if the seal
    # is ours and the bytes it signed are intact.
    if last.seal is None or last.seal.department_id is None or not (last.intact and last.valid):
        return None
    if last.document is not None:
        return (Certificate.objects.select_related("department", "seal")
                .get(pk=last.document.pk))
    match = _NUMBER_IN_REASON.search(last.reason)
    if match is None:
        return None
    return (Certificate.objects.select_related("department", "seal")
            .filter(number=match.group(1), department_id=last.seal.department_id).first())


def pdf_verify(content: bytes) -> PdfVerification:
    """Check every signature of a PDF; the outcome is the worst of them, and a genuine
    certificate that was itself revoked reports revoked."""
    digest = hashlib.sha256(content).hexdigest()
    if not content.startswith(b"%PDF-"):
        return PdfVerification(status="unreadable", sha256=digest)
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return PdfVerification(status="unreadable", sha256=digest)
    if not embedded:
        return PdfVerification(status="unsigned", sha256=digest,
                               certificate=_certificate_for(digest, None))
    context = validation_context()
    try:
        checks = [_signature_check(signature, context) for signature in embedded]
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return PdfVerification(status="unreadable", sha256=digest)
    status = min((check.status for check in checks), key=OUTCOMES.index)
    certificate = _certificate_for(digest, checks[-1])
    if status == "valid" and certificate is not None and certificate.revoked_at is not None:
        status = "revoked"
    return PdfVerification(status=status, sha256=digest, signatures=checks,
                           certificate=certificate)


def pdf_verify_upload(*, content: bytes, field_name: str = "pdf") -> PdfVerification:
    """An uploaded PDF checked: refused, with the reason, if empty, over 10 MB, not a
    PDF by its content (whatever its name or declared type says), or one that decodes to
    too much (a decompression bomb) — before pyHanko opens it to validate the seal. One
    that cannot be parsed is reported `unreadable`."""
    if not content:
        raise InvalidInput(_("上传文件为空"), {field_name: _("请选择要核验的 PDF 文件")})
    if len(content) > MAX_PDF_BYTES:
        raise upload_too_big(field_name)
    if not content.startswith(b"%PDF-"):
        raise InvalidInput(_("上传文件不是 PDF"), {field_name: _("只能核验 PDF 格式的电子证照")})
    try:
        pdf_check(content)
    except UploadRefused as exc:
        if exc.unreadable:
            return PdfVerification(status="unreadable", sha256=hashlib.sha256(content).hexdigest())
        raise InvalidInput(_("上传文件无法接受"), {field_name: exc.reason}) from exc
    return pdf_verify(content)


def upload_too_big(field_name: str = "pdf") -> InvalidInput:
    return InvalidInput(_("上传文件超过 10 MB"), {field_name: _("文件大小超过 10 MB 上限")})
