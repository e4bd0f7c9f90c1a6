from __future__ import annotations

from django.db.models import QuerySet

from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import subject_digests


def access_log_for_subject(*, subject: str) -> QuerySet[AccessLog]:
    """Every read of this person's or company's data (the applicant's own view)."""
    return AccessLog.objects.filter(subject_digest__in=subject_digests(subject)).select_related(
        "actor"
    )


def access_log_for_application(*, application_number: str) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(application_number=application_number).select_related("actor")
