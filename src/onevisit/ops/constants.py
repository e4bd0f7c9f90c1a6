"""The states of a periodic job's run and the moves between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRunStatus(models.TextChoices):
    QUEUED = "queued", _("已排队")
    RUNNING = "running", _("运行中")
    RETRYING = "retrying", _("等待重试")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


PENDING_STATUSES = (JobRunStatus.QUEUED, JobRunStatus.RUNNING, JobRunStatus.RETRYING)

ALLOWED_JOB_RUN_TRANSITIONS: dict[str, set[str]] = {
    # The worker picks it up; or no worker finished it in time (reported, never dropped).
    JobRunStatus.QUEUED: {JobRunStatus.RUNNING, JobRunStatus.FAILED},
    # The job returns; it raises with attempts left; it raises on the last attempt, or
    # its worker died and no one finished it in time.
    JobRunStatus.RUNNING: {JobRunStatus.SUCCEEDED, JobRunStatus.RETRYING, JobRunStatus.FAILED},
    # The retry starts after its backoff; or no worker ran it in time.
    JobRunStatus.RETRYING: {JobRunStatus.RUNNING, JobRunStatus.FAILED},
    JobRunStatus.SUCCEEDED: set(),
    JobRunStatus.FAILED: set(),
}
