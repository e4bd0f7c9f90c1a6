from __future__ import annotations

from dataclasses import dataclass

from onevisit.certificates.constants import SealStatus
from onevisit.certificates.models import Certificate, SealCertificate


def certificate_by_code(*, code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("department", "application", "seal")
        .filter(verification_code=code.strip().upper())
        .first()
    )


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
