"""The certificate library (电子证照库) as an evidence source: results issued here, and
certificates issued before the platform, imported as registry records of this source."""

from __future__ import annotations

from django.db.models import Q

from onevisit.certificates.constants import CertificateKind
from onevisit.certificates.models import Certificate, CertificateHolder
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
    # A result issued here is newer than any registry's copy: it answers for every source.
    supplements_others = True

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
        # A certificate issued to several holders (joint buyers) is each one's.
        held = (CertificateHolder.objects
                .filter(holders_match(wanted), certificate__revoked_at__isnull=True)
                .select_related("certificate__department")
                .order_by("certificate__issued_at", "certificate_id"))
        keyed = ([(c.subject, c.holder_name, c) for c in issued]
                 + [(h.subject, h.name, h.certificate) for h in held])
        keyed.sort(key=lambda row: (row[2].issued_at, row[2].pk))
        for subject, holder_name, certificate in keyed:
            found[(certificate.evidence_type, subject)] = Evidence(
                source=self.code, evidence_type=certificate.evidence_type,
                subject=subject,
                data={**certificate.data, "certificate_number": certificate.number,
                      "title": certificate.title, "holder_name": holder_name,
                      "issuer": certificate.department.name,
                      "issued_at": certificate.issued_at.isoformat(),
                      "verification_code": certificate.verification_code},
            )
        return found


def holders_match(wanted: list[tuple[str, str]]) -> Q:
    """A filter for holders of certificates of any of the (evidence type, subject) pairs."""
    match = Q()
    for evidence_type, subject in wanted:
        match |= Q(certificate__evidence_type=evidence_type, subject=subject)
    return match
