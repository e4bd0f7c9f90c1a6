from __future__ import annotations

from django_tasks import task

from onevisit.notifications.services import notifications_retry as _retry


@task()
def notifications_retry() -> int:
    """For the scheduler, every minute: send again the messages that failed, once their
    retry time has come. Returns how many went out."""
    return _retry()
