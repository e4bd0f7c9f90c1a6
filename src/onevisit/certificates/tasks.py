from __future__ import annotations

from django_tasks import task

from onevisit.certificates.models import Certificate
from onevisit.certificates.seals import crl_current
from onevisit.certificates.services import certificate_pdf


@task()
def certificate_render(certificate_id: int) -> str:
    certificate = Certificate.objects.get(pk=certificate_id)
    certificate_pdf(certificate=certificate)
    return certificate.number


@task()
def crl_refresh_task() -> dict[str, int | str | None]:
    """The periodic CRL publication: re-publish the certificate revocation list before it
    expires or when it no longer lists exactly the revoked seals (`crl_current`), so
    validators that fetch it never find it stale. Without a CA there is nothing to publish."""
    published = crl_current()
    if published is None:
        return {"revoked": None, "next_update": None}
    next_update = published.crl.next_update_utc
    return {"revoked": len(list(published.crl)),
            "next_update": next_update.isoformat() if next_update else None}
