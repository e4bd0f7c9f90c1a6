from __future__ import annotations

from django_tasks import task

from onevisit import clock
from onevisit.applications.constants import ApplicationStatus, MaterialStatus
from onevisit.applications.services.intake import (
    EVIDENCE_RETRY_DELAYS,
    application_evidence_retry,
    evidence_retry_schedule,
)
from onevisit.applications.services.notifying import tolerated_reminders_send


@task()
def evidence_retry(number: str, attempt: int) -> str:
    """Ask again the sources that did not answer at filing; schedule the next attempt while
    one still does not, and ask the applicant for the material after the last."""
    final = attempt + 1 >= len(EVIDENCE_RETRY_DELAYS)
    application = application_evidence_retry(number=number, final=final)
    if (application is not None and application.status == ApplicationStatus.SUBMITTED
            and application.materials.filter(status=MaterialStatus.AWAITING_SOURCE).exists()):
        evidence_retry_schedule(number=number, attempt=attempt + 1)
    return str(application.status) if application else "unknown"


@task()
def tolerated_reminders_task() -> int:
    """For the scheduler: remind applicants of 容缺 materials due by the next working day's
    end (each reminder once). Returns how many applications were reminded."""
    return tolerated_reminders_send(now=clock.now())
