from __future__ import annotations

from django_tasks import task

from onevisit.certificates.models import Certificate
from onevisit.certificates.services import certificate_pdf


@task()
def certificate_render(certificate_id: int) -> str:
    certificate = Certificate.objects.get(pk=certificate_id)
    certificate_pdf(certificate=certificate)
    return certificate.number
