"""The certificate library (电子证照库) as an evidence source: results issued here, and
certificates issued before the platform, imported as registry records of this source."""

from __future__ import annotations

from onevisit.certificates.constants import CertificateKind
from onevisit.certificates.models import Certificate
from onevisit.exchange.models import RegistryRecord
from onevisit.exchange.sources import (
    Evidence,
    EvidenceSource,
    pairs_match,
    record_evidence,
)


class CertificateLibrary(EvidenceSource):
    code = "certificates"
    name = "电子证照库"

    def fetch(self, *, evidence_type: str, subject: str, purpose: str = "") -> Evidence | None:
        return self.fetch_many(wanted=[(evidence_type, subject)])[(evidence_type, subject)]

    def fetch_many(
        self, *, wanted: list[tuple[str, str]], purpose: str = ""
    ) -> dict[tuple[str, str], Evidence | None]:
        if not wanted:
            return {}
        match = pairs_match(wanted)
        found: dict[tuple[str, str], Evidence | None] = dict.fromkeys(wanted)
        # Imported certificates first, so that one issued here (newer) replaces them.
        for record in RegistryRecord.objects.filter(match, source=self.code):
            found[(record.evidence_type, record.subject)] = record_evidence(record,
                                                                            source=self.code)
        issued = (Certificate.objects.filter(match, revoked_at__isnull=True,
                                             kind=CertificateKind.RESULT)
                  .select_related("department").order_by("issued_at", "id"))
        for certificate in issued:
            found[(certificate.evidence_type, certificate.subject)] = Evidence(
                source=self.code, evidence_type=certificate.evidence_type,
                subject=certificate.subject,
                data={**certificate.data, "certificate_number": certificate.number,
                      "title": certificate.title, "holder_name": certificate.holder_name,
                      "issuer": certificate.department.name,
                      "issued_at": certificate.issued_at.isoformat(),
                      "verification_code": certificate.verification_code},
            )
        return found
