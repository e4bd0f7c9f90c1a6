"""The scheduler's writes: its lease, and each periodic job's run from enqueued to
succeeded or failed. Runs are operational records, not acts of the administration: they
are not in the audit log, which the jobs themselves write to when they change something.
"""

from __future__ import annotations

import datetime as dt
import traceback
from typing import Any, cast

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from onevisit import clock
from onevisit.ops.constants import ALLOWED_JOB_RUN_TRANSITIONS, PENDING_STATUSES, JobRunStatus
from onevisit.ops.models import JobRun, SchedulerLease
from onevisit.ops.schedule import Job

log = structlog.get_logger(__name__)

LEASE = "scheduler"
# How long finished records are kept: succeeded runs and the task backend's finished
# results a month and a fortnight, failures a quarter (for the investigation).
RUNS_KEPT = dt.timedelta(days=30)
FAILED_RUNS_KEPT = dt.timedelta(days=90)
TASK_RESULTS_KEPT = dt.timedelta(days=14)
# A run still pending this long after it was enqueued (beyond its retries' backoff) is
# reported failed: no worker ran it, or its worker died mid-run.
STALE_MINIMUM = dt.timedelta(minutes=30)
ERROR_LIMIT = 8000


def scheduler_lease_take(*, owner: str, seconds: int) -> bool:
    """Take the lease, or renew it if `owner` holds it; refused while another owner's lease
    has not expired. One conditional UPDATE, so two schedulers never both hold it."""
    now = clock.now()
    expires_at = now + dt.timedelta(seconds=seconds)
    with transaction.atomic():
        taken = (SchedulerLease.objects.filter(name=LEASE)
                 .filter(Q(owner=owner) | Q(expires_at__lte=now))
                 .update(owner=owner, expires_at=expires_at))
        if taken:
            return True
        if SchedulerLease.objects.filter(name=LEASE).exists():
            return False
        try:
            with transaction.atomic():
                SchedulerLease.objects.create(name=LEASE, owner=owner, expires_at=expires_at)
        except IntegrityError:  # another scheduler created it first
            return False
    return True


def scheduler_lease_release(*, owner: str) -> None:
    """A scheduler stopping: a standby may take over at once."""
    SchedulerLease.objects.filter(name=LEASE, owner=owner).update(expires_at=clock.now())


def _attempts() -> int:
    return cast(int, settings.ONEVISIT["SCHEDULE_ATTEMPTS"])


def _retry_delay(attempt: int) -> dt.timedelta:
    """The wait before the retry that follows failed attempt `attempt` (1, 2, …): doubling."""
    first = cast(int, settings.ONEVISIT["SCHEDULE_RETRY_SECONDS"])
    return dt.timedelta(seconds=first * 2 ** (attempt - 1))


def stale_after(job: Job) -> dt.timedelta:
    backoff = sum((_retry_delay(n) for n in range(1, _attempts())), dt.timedelta())
    return max(3 * job.period, STALE_MINIMUM) + backoff


def job_run_enqueue(*, job: Job, scheduler: str) -> JobRun | None:
    """Enqueue the job for the period that has begun, once: a period that already has its
    run (whichever scheduler enqueued it) is not run again, and neither is a job whose
    previous run is still pending, unless that one is stale: then it is reported failed and
    the new run goes ahead. Returns the new run, or None."""
    # The task module imports this one; importing it here, late, avoids the cycle.
    from onevisit.ops.tasks import job_run_task

    now = clock.now()
    due_at = job.period_start(now)
    with transaction.atomic():
        if JobRun.objects.filter(job=job.name, due_at=due_at).exists():
            return None
        for pending in JobRun.objects.select_for_update().filter(
                job=job.name, status__in=PENDING_STATUSES):
            if now - pending.enqueued_at < stale_after(job):
                log.info("scheduled_job_skipped", job=job.name, pending_run=pending.pk,
                         pending_status=pending.status)
                return None
            pending.status = JobRunStatus.FAILED
            pending.finished_at = now
            pending.error = _("没有任务进程在时限内完成这次运行（任务进程是否在运行？）")
            pending.save(update_fields=["status", "finished_at", "error"])
            log.error("scheduled_job_lost", job=job.name, run=pending.pk,
                      enqueued_at=pending.enqueued_at.isoformat())
        try:
            with transaction.atomic():
                run = JobRun.objects.create(job=job.name, task=job.task, due_at=due_at,
                                            scheduler=scheduler, enqueued_at=now)
        except IntegrityError:  # another scheduler enqueued this period in the meantime
            return None
        transaction.on_commit(lambda: job_run_task.enqueue(run.pk))
    log.info("scheduled_job_enqueued", job=job.name, run=run.pk, due_at=due_at.isoformat())
    return run


def _locked(run_id: int, *, to: str) -> JobRun | None:
    """The run, locked, if it may move to `to`; None (and a log line) if not."""
    run = JobRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or to not in ALLOWED_JOB_RUN_TRANSITIONS[run.status]:
        log.warning("scheduled_job_run_refused", run=run_id, to=to,
                    status=run.status if run else None)
        return None
    return run


def job_run_execute(*, run_id: int) -> Any:
    """Run the job's task in this worker and record how it went. A failure with attempts
    left is retried after a doubling backoff; the last one is reported (the run's row, an
    error log line) and raised, so the task backend records it too."""
    now = clock.now()
    with transaction.atomic():
        run = _locked(run_id, to=JobRunStatus.RUNNING)
        if run is None:
            return None
        run.status = JobRunStatus.RUNNING
        run.attempts += 1
        run.started_at = now
        run.save(update_fields=["status", "attempts", "started_at"])
    try:
        result = import_string(run.task).call()
    except Exception as error:
        _job_run_failed(run_id=run.pk, error=error)
        raise
    with transaction.atomic():
        finished = _locked(run.pk, to=JobRunStatus.SUCCEEDED)
        if finished is not None:
            finished.status = JobRunStatus.SUCCEEDED
            finished.finished_at = clock.now()
            finished.result = result
            finished.error = ""
            finished.save(update_fields=["status", "finished_at", "result", "error"])
    log.info("scheduled_job_succeeded", job=run.job, run=run.pk, attempt=run.attempts)
    return result


def _job_run_failed(*, run_id: int, error: Exception) -> None:
    from onevisit.ops.tasks import job_run_task

    summary = f"{type(error).__name__}: {error}".replace("\n", " ")[:500]
    text = f"{summary}\n\n" + "".join(traceback.format_exception(error))[-ERROR_LIMIT:]
    now = clock.now()
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run_id)
        run.error = text
        if run.attempts < _attempts():
            retry_at = now + _retry_delay(run.attempts)
            run.status = JobRunStatus.RETRYING
            run.save(update_fields=["status", "error"])
            transaction.on_commit(
                lambda: job_run_task.using(run_after=retry_at).enqueue(run_id))
            log.warning("scheduled_job_retrying", job=run.job, run=run_id,
                        attempt=run.attempts, retry_at=retry_at.isoformat(), error=summary)
            return
        run.status = JobRunStatus.FAILED
        run.finished_at = now
        run.save(update_fields=["status", "error", "finished_at"])
    log.error("scheduled_job_failed", job=run.job, run=run_id, attempts=run.attempts,
              error=summary)


def job_runs_prune() -> dict[str, int]:
    """Delete the runs finished long ago (failures kept longer) and, with the database task
    backend, its finished task results, so neither table grows without end."""
    now = clock.now()
    runs, _ = JobRun.objects.filter(
        Q(status=JobRunStatus.SUCCEEDED, finished_at__lt=now - RUNS_KEPT)
        | Q(status=JobRunStatus.FAILED, finished_at__lt=now - FAILED_RUNS_KEPT)
    ).delete()
    results = 0
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DatabaseBackend):
        results, _ = (DBTaskResult.objects.finished()
                      .filter(backend_name=backend.alias, finished_at__lt=now - TASK_RESULTS_KEPT)
                      .delete())
    log.info("scheduled_job_runs_pruned", runs=runs, task_results=results)
    return {"runs": runs, "task_results": results}
