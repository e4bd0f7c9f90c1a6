from __future__ import annotations

from django.db.models import QuerySet

from onevisit.exchange.models import AccessLog, FetchOutcome
from onevisit.exchange.services import LOCAL_SOURCE, subject_digests


def access_log_for_subject(*, subject: str) -> QuerySet[AccessLog]:
    """Every read of this person's or company's data (the applicant's own view)."""
    return AccessLog.objects.filter(subject_digest__in=subject_digests(subject)).select_related(
        "actor"
    )


def access_log_for_application(*, application_number: str) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(application_number=application_number).select_related("actor")


def evidence_fetch_of(*, application_number: str, evidence_type: str) -> AccessLog | None:
    """The latest successful fetch of this evidence for the application from its source
    (not a staff read of it here): when and from where the record on file came."""
    return (AccessLog.objects
            .filter(application_number=application_number, evidence_type=evidence_type,
                    outcome=FetchOutcome.FOUND)
            .exclude(source=LOCAL_SOURCE).order_by("-at", "-id").first())
