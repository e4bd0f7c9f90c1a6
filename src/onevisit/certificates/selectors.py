from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from onevisit.certificates.constants import RevocationReason, SealStatus
from onevisit.certificates.models import Certificate, SealCertificate


def certificate_by_code(*, code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("department", "application", "seal")
        .filter(verification_code=code.strip().upper())
        .first()
    )


@dataclass(frozen=True)
class Revocation:
    """Why what vouches for a certificate was revoked: the certificate itself, or the seal
    it was sealed under."""

    of: str  # "certificate" or "seal"
    revoked_at: dt.datetime | None
    reason: str  # as the operator gave it
    code: str  # a RevocationReason, "" if recorded before codes were

    @property
    def code_label(self) -> str:
        return str(RevocationReason(self.code).label) if self.code else ""


def revocation_of(certificate: Certificate | None, seal: SealCertificate | None
                  ) -> Revocation | None:
    """The certificate's own revocation if it was revoked, else its seal's, else None."""
    if certificate is not None and certificate.revoked_at is not None:
        return Revocation(of="certificate", revoked_at=certificate.revoked_at,
                          reason=certificate.revocation_reason,
                          code=certificate.revocation_code)
    if seal is not None and seal.status == SealStatus.REVOKED:
        return Revocation(of="seal", revoked_at=seal.revoked_at, reason=seal.reason,
                          code=seal.reason_code)
    return None


@dataclass(frozen=True)
class CertificateStanding:
    """What the public verification by code reports."""

    status: str  # valid / revoked / unknown
    certificate: Certificate | None
    seal: SealCertificate | None  # None until the PDF is sealed (just after issue)

    @property
    def seal_status(self) -> str | None:
        return self.seal.status if self.seal else None

    @property
    def seal_status_label(self) -> str | None:
        return str(SealStatus(self.seal.status).label) if self.seal else None

    @property
    def revocation(self) -> Revocation | None:
        return revocation_of(self.certificate, self.seal)


def certificate_standing(*, code: str) -> CertificateStanding:
    """A certificate by its verification code: revoked if it was revoked, or if the seal
    that sealed it was (a retired seal still vouches for what it sealed)."""
    certificate = certificate_by_code(code=code) if code.strip() else None
    if certificate is None:
        return CertificateStanding(status="unknown", certificate=None, seal=None)
    seal = certificate.seal
    revoked = certificate.revoked_at is not None or (
        seal is not None and seal.status == SealStatus.REVOKED
    )
    return CertificateStanding(status="revoked" if revoked else "valid",
                               certificate=certificate, seal=seal)
