from __future__ import annotations

from onevisit.certificates.models import Certificate


def certificate_by_code(*, code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("department", "application")
        .filter(verification_code=code.strip().upper())
        .first()
    )
