"""The scheduler: periods from settings, one run per job and period whichever scheduler
is active, a standby that takes over, failing jobs retried with backoff and then reported."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from onevisit import clock
from onevisit.ops.constants import JobRunStatus
from onevisit.ops.models import JobRun, SchedulerLease
from onevisit.ops.schedule import Job, jobs_configured, period_parse
from onevisit.ops.scheduler import Scheduler
from onevisit.ops.services import job_run_enqueue, job_run_execute, job_runs_prune
from tests.ops import jobs

pytestmark = pytest.mark.django_db

# A Monday, 10:03 in Hangzhou.
T0 = dt.datetime(2026, 11, 23, 2, 3, tzinfo=dt.UTC)
DEADLINE_SCAN = "onevisit.workflow.tasks.deadline_scan_task"
ROLLUPS = "onevisit.metrics.tasks.rollups_refresh_task"
FLAKY = "tests.ops.jobs.flaky_job"
SCAN = Job(name="deadline_scan", task=DEADLINE_SCAN, period=dt.timedelta(minutes=10))
ROLL = Job(name="rollups", task=ROLLUPS, period=dt.timedelta(minutes=10))


@pytest.fixture
def schedule(settings):
    def use(jobs: dict[str, dict[str, str]], **options: int) -> None:
        settings.ONEVISIT = {**settings.ONEVISIT, "SCHEDULE": jobs, "SCHEDULE_ATTEMPTS": 3,
                             "SCHEDULE_RETRY_SECONDS": 60, **options}
    return use


@pytest.fixture
def at(django_capture_on_commit_callbacks):
    """The clock at `moment`; what commits inside is enqueued on leaving, as in a process."""
    @contextlib.contextmanager
    def moment(when: dt.datetime) -> Iterator[None]:
        with clock.frozen_at(when), django_capture_on_commit_callbacks(execute=True):
            yield
    return moment


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="onevisit.ops.tasks.job_run_task",
                                            status="READY").order_by("enqueued_at"))


@pytest.fixture
def work():
    """What the task worker does (inside `at`): run every queued run whatever its
    run_after, record the outcome. Returns the errors raised."""
    def run_queued() -> list[Exception]:
        errors = []
        for result in queued():
            try:
                result.task.call(*result.args_kwargs["args"])
                result.set_successful(None)
            except Exception as error:
                result.set_failed(error)
                errors.append(error)
        return errors
    return run_queued


def test_production_periods_are_the_defaults():
    assert {job.name: (job.task, job.period) for job in jobs_configured()} == {
        "deadline_scan": (DEADLINE_SCAN, dt.timedelta(minutes=10)),
        "rollups": (ROLLUPS, dt.timedelta(minutes=10)),
        "appointments_missed": ("onevisit.hall.tasks.appointments_mark_missed_task",
                                dt.timedelta(minutes=30)),
        "dispatch_learn": ("onevisit.hotline.tasks.dispatch_learn", dt.timedelta(days=1)),
        "archive_pending": ("onevisit.archive.tasks.packages_create_pending_task",
                            dt.timedelta(hours=1)),
        "crl_publish": ("onevisit.certificates.tasks.crl_refresh_task", dt.timedelta(hours=1)),
        "files_sweep": ("onevisit.files.tasks.files_sweep_task", dt.timedelta(hours=1)),
        "audit_checkpoint": ("onevisit.audit.tasks.audit_checkpoint_task",
                             dt.timedelta(hours=1)),
        "audit_verify": ("onevisit.audit.tasks.audit_verify_task", dt.timedelta(days=1)),
        "archive_verify": ("onevisit.archive.tasks.packages_verify_task",
                           dt.timedelta(days=7)),
        "runs_prune": ("onevisit.ops.tasks.job_runs_prune_task", dt.timedelta(days=1)),
        "tolerated_overdue": ("onevisit.workflow.tasks.tolerated_overdue_scan",
                              dt.timedelta(hours=1)),
        "tolerated_reminders": ("onevisit.applications.tasks.tolerated_reminders_task",
                                dt.timedelta(hours=1)),
        "follow_ups_due": ("onevisit.supervision.tasks.follow_ups_due_scan_task",
                           dt.timedelta(minutes=10)),
        "supervision_rules": ("onevisit.supervision.tasks.rules_scan_task",
                              dt.timedelta(hours=1)),
        "notifications_retry": ("onevisit.notifications.tasks.notifications_retry",
                                dt.timedelta(minutes=1)),
        "inspection_targets": ("onevisit.inspection.tasks.targets_refresh_task",
                               dt.timedelta(days=1)),
        "inspection_rectifications": (
            "onevisit.inspection.tasks.rectification_overdue_task", dt.timedelta(hours=1)),
        "rectifications_due": ("onevisit.feedback.tasks.rectifications_overdue_scan_task",
                               dt.timedelta(hours=1)),
        "paygate_notify": ("onevisit.payments.tasks.paygate_notify_task",
                           dt.timedelta(seconds=30)),
        "payments_query": ("onevisit.payments.tasks.orders_query_task", dt.timedelta(minutes=5)),
        "refunds_retry": ("onevisit.payments.tasks.refunds_retry_task",
                          dt.timedelta(minutes=10)),
        "reconcile": ("onevisit.payments.tasks.reconcile_task", dt.timedelta(days=1)),
    }


def test_periods_come_from_settings_and_off_turns_a_job_off(schedule):
    schedule({"deadline_scan": {"task": DEADLINE_SCAN, "every": "90s"},
              "rollups": {"task": ROLLUPS, "every": "off"},
              "learn": {"task": "onevisit.hotline.tasks.dispatch_learn", "every": "2h"}})

    assert jobs_configured() == [
        Job(name="deadline_scan", task=DEADLINE_SCAN, period=dt.timedelta(seconds=90)),
        Job(name="learn", task="onevisit.hotline.tasks.dispatch_learn",
            period=dt.timedelta(hours=2)),
    ]
    assert [period_parse(text) for text in ("30s", "10m", "2h", "1d", "OFF")] == [
        dt.timedelta(seconds=30), dt.timedelta(minutes=10), dt.timedelta(hours=2),
        dt.timedelta(days=1), None]
    assert [job.every for job in jobs_configured()] == ["90s", "2h"]


@pytest.mark.parametrize(("spec", "message"), [
    ({"task": DEADLINE_SCAN, "every": "10 minutes"},
     "periodic job 'deadline_scan': '10 minutes' is not a period: write a positive number "
     "with a unit, s, m, h or d (30s, 10m, 2h, 1d), or off (set it in ONEVISIT_SCHEDULE, "
     "e.g. deadline_scan=10m)"),
    ({"task": DEADLINE_SCAN, "every": "0m"}, "'0m' is not a period"),
    ({"task": DEADLINE_SCAN, "every": ""}, "'' is not a period"),
    ({"task": "onevisit.workflow.tasks.no_such_task", "every": "10m"},
     "periodic job 'deadline_scan': there is no task 'onevisit.workflow.tasks.no_such_task'"),
    ({"task": "onevisit.workflow.services.deadline_scan", "every": "10m"},
     "is not a django-tasks task"),
])
def test_a_bad_job_stops_the_scheduler_at_start_with_the_fix(schedule, spec, message):
    schedule({"deadline_scan": spec})

    with pytest.raises(CommandError) as error:
        call_command("scheduler")

    assert message in str(error.value)
    assert not JobRun.objects.exists()
    assert not SchedulerLease.objects.exists()


def test_check_lists_the_jobs_and_their_periods(schedule, capsys):
    schedule({"deadline_scan": {"task": DEADLINE_SCAN, "every": "90s"},
              "rollups": {"task": ROLLUPS, "every": "off"}})

    call_command("scheduler", "--check")

    assert capsys.readouterr().out == (
        f"deadline_scan          every 90s   {DEADLINE_SCAN}\noff: rollups\n")


def test_a_scheduler_started_twice_enqueues_each_due_job_once(at, work):
    first = Scheduler(jobs=[SCAN, ROLL], lease_seconds=30, owner="a")
    second = Scheduler(jobs=[SCAN, ROLL], lease_seconds=30, owner="b")

    with at(T0):
        assert first.heartbeat() is True
        assert second.heartbeat() is False
    with at(T0 + dt.timedelta(seconds=20)):
        assert [second.tick(SCAN), second.tick(ROLL)] == [None, None]
        assert [first.tick(SCAN), first.tick(ROLL)] == [None, None]  # the same period
    with at(T0 + dt.timedelta(seconds=25)):
        assert work() == []
    with at(T0 + dt.timedelta(minutes=7, seconds=1)):  # 10:10:01
        assert first.tick(SCAN) is not None
        assert second.tick(SCAN) is None

    runs = list(JobRun.objects.order_by("due_at", "job").values_list("job", "due_at",
                                                                    "scheduler"))
    period = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Hangzhou
    assert runs == [("deadline_scan", period, "a"), ("rollups", period, "a"),
                    ("deadline_scan", period + dt.timedelta(minutes=10), "a")]
    assert DBTaskResult.objects.count() == 3


def test_a_take_over_in_the_same_period_does_not_run_a_job_again(at):
    first = Scheduler(jobs=[SCAN, ROLL], lease_seconds=30, owner="a")
    second = Scheduler(jobs=[SCAN, ROLL], lease_seconds=30, owner="b")

    with at(T0):
        first.heartbeat()
    with at(T0 + dt.timedelta(seconds=31)):  # the first one stalled
        assert second.heartbeat() is True
        assert first.tick(SCAN) is None  # woken up: its lease is gone
        assert first.active is False

    assert JobRun.objects.count() == 2
    assert set(JobRun.objects.values_list("scheduler", flat=True)) == {"a"}
    assert SchedulerLease.objects.get().owner == "b"


def test_the_standby_takes_over_when_the_active_scheduler_dies(at, work):
    first = Scheduler(jobs=[SCAN], lease_seconds=30, owner="a")
    second = Scheduler(jobs=[SCAN], lease_seconds=30, owner="b")

    with at(T0):
        first.heartbeat()
    with at(T0 + dt.timedelta(seconds=29)):
        assert second.heartbeat() is False
        work()
    # 10:10:05: the first died at 10:03 and missed the period; the standby runs it.
    with at(T0 + dt.timedelta(minutes=7, seconds=5)):
        assert second.heartbeat() is True

    assert list(JobRun.objects.order_by("due_at").values_list("scheduler", "due_at")) == [
        ("a", dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)),
        ("b", dt.datetime(2026, 11, 23, 2, 10, tzinfo=dt.UTC)),
    ]


def test_a_stopped_scheduler_hands_over_at_once(at):
    first = Scheduler(jobs=[], lease_seconds=30, owner="a")
    second = Scheduler(jobs=[], lease_seconds=30, owner="b")

    with at(T0):
        first.heartbeat()
        first.release()
        assert second.heartbeat() is True


def test_a_run_executes_its_task_and_keeps_the_result(at, work):
    with at(T0):
        run = job_run_enqueue(job=SCAN, scheduler="a")
    assert run is not None

    with at(T0 + dt.timedelta(seconds=2)):
        assert work() == []

    run.refresh_from_db()
    assert (run.status, run.attempts, run.result, run.error) == (
        JobRunStatus.SUCCEEDED, 1, {"yellow": 0, "red": 0}, "")
    assert run.started_at == run.finished_at == T0 + dt.timedelta(seconds=2)


def test_a_failing_job_is_retried_with_backoff_then_reported(schedule, at, work, caplog):
    schedule({"flaky": {"task": FLAKY, "every": "10m"}})
    flaky = Job(name="flaky", task=FLAKY, period=dt.timedelta(minutes=10))
    jobs.FAILURES_LEFT["count"] = 5
    with at(T0):
        run = job_run_enqueue(job=flaky, scheduler="a")
    assert run is not None

    retries = []
    for attempt in (1, 2, 3):
        with at(T0 + dt.timedelta(minutes=attempt)), caplog.at_level(logging.INFO):
            errors = work()
        assert [str(error) for error in errors] == ["the registry did not answer"]
        retries += [result.run_after for result in queued()]

    run.refresh_from_db()
    assert (run.status, run.attempts) == (JobRunStatus.FAILED, 3)
    assert run.finished_at == T0 + dt.timedelta(minutes=3)
    assert "RuntimeError: the registry did not answer" in run.error
    # Retried 60 s after the first failure, 120 s after the second; none after the third.
    assert retries == [T0 + dt.timedelta(minutes=1, seconds=60),
                       T0 + dt.timedelta(minutes=2, seconds=120)]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    failed = [r for r in caplog.records if "scheduled_job_failed" in r.getMessage()]
    assert len(failed) == 1
    assert failed[0].levelno == logging.ERROR
    assert "attempts=3" in failed[0].getMessage()
    assert "job='flaky'" in failed[0].getMessage()


def test_a_job_that_recovers_on_retry_succeeds(schedule, at, work):
    schedule({"flaky": {"task": FLAKY, "every": "10m"}})
    flaky = Job(name="flaky", task=FLAKY, period=dt.timedelta(minutes=10))
    jobs.FAILURES_LEFT["count"] = 1
    with at(T0):
        run = job_run_enqueue(job=flaky, scheduler="a")
    with at(T0 + dt.timedelta(minutes=1)):
        work()
    with at(T0 + dt.timedelta(minutes=2)):
        work()
    assert run is not None

    run.refresh_from_db()
    assert (run.status, run.attempts, run.result, run.error) == (
        JobRunStatus.SUCCEEDED, 2, {"outcome": "done"}, "")
    assert queued() == []


def test_a_pending_run_holds_the_next_period_until_it_is_stale(at):
    with at(T0):
        first = job_run_enqueue(job=SCAN, scheduler="a")
    # No worker runs it: the next periods wait for it …
    with at(T0 + dt.timedelta(minutes=10)):
        assert job_run_enqueue(job=SCAN, scheduler="a") is None
    # … until it has waited three periods and its retries' backoff: reported, replaced.
    with at(T0 + dt.timedelta(minutes=33, seconds=1)):
        second = job_run_enqueue(job=SCAN, scheduler="a")
    assert first is not None
    assert second is not None

    first.refresh_from_db()
    assert first.status == JobRunStatus.FAILED
    assert first.error == "没有任务进程在时限内完成这次运行（任务进程是否在运行？）"
    assert second.status == JobRunStatus.QUEUED
    # The lost run's task, if a worker picks it up after all, does nothing.
    with at(T0 + dt.timedelta(minutes=40)):
        assert job_run_execute(run_id=first.pk) is None
    first.refresh_from_db()
    assert (first.status, first.attempts) == (JobRunStatus.FAILED, 0)


def test_old_runs_and_task_results_are_pruned_failures_kept_longer(at, work):
    def finished(job: str, days_ago: int, status: str) -> JobRun:
        moment = T0 - dt.timedelta(days=days_ago)
        return JobRun.objects.create(job=job, task=DEADLINE_SCAN, due_at=moment,
                                     status=status, scheduler="a", enqueued_at=moment,
                                     finished_at=moment)
    finished("deadline_scan", 31, JobRunStatus.SUCCEEDED)
    finished("deadline_scan", 91, JobRunStatus.FAILED)
    kept = {finished("rollups", 31, JobRunStatus.FAILED).pk,
            finished("rollups", 29, JobRunStatus.SUCCEEDED).pk}
    with at(T0 - dt.timedelta(days=20)):
        run = job_run_enqueue(job=SCAN, scheduler="a")
    with at(T0 - dt.timedelta(days=20)):
        work()
    with at(T0 - dt.timedelta(days=10)):
        job_run_enqueue(job=ROLL, scheduler="a")
    with at(T0 - dt.timedelta(days=10)):
        work()
    assert run is not None
    kept.add(run.pk)
    kept.add(run.pk + 1)
    # The task backend stamps its results with the wall clock: put them where they belong.
    for result, days_ago in zip(DBTaskResult.objects.order_by("enqueued_at"), (20, 10),
                                strict=True):
        DBTaskResult.objects.filter(pk=result.pk).update(
            finished_at=T0 - dt.timedelta(days=days_ago))

    with at(T0):
        assert job_runs_prune() == {"runs": 2, "task_results": 1}

    assert set(JobRun.objects.values_list("pk", flat=True)) == kept
    assert DBTaskResult.objects.get().finished_at == T0 - dt.timedelta(days=10)
