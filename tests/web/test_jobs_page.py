"""The periodic jobs' page: supervisors and administrators see each job's last run and
every failure with its error; a stopped scheduler and a bad setting are said plainly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from onevisit import clock
from onevisit.ops.constants import JobRunStatus
from onevisit.ops.models import JobRun
from onevisit.ops.services import scheduler_lease_take
from onevisit.web.jobs import JOB_LABELS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 2, 3, tzinfo=dt.UTC)  # a Monday, 10:03 in Hangzhou
SCAN = "onevisit.workflow.tasks.deadline_scan_task"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _run(job: str, minutes_ago: int, status: str, **fields) -> JobRun:
    due = NOW - dt.timedelta(minutes=minutes_ago)
    return JobRun.objects.create(job=job, task=SCAN, due_at=due, status=status,
                                 scheduler="host:1:abc", enqueued_at=due, **fields)


@pytest.fixture
def schedule(settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "SCHEDULE": {
        "deadline_scan": {"task": SCAN, "every": "10m"},
        "rollups": {"task": "onevisit.metrics.tasks.rollups_refresh_task", "every": "10m"},
    }}


def test_a_supervisor_sees_each_job_and_its_failures(schedule):
    _run("deadline_scan", 23, JobRunStatus.SUCCEEDED, attempts=1,
         finished_at=NOW - dt.timedelta(minutes=23))
    _run("deadline_scan", 3, JobRunStatus.FAILED, attempts=3,
         finished_at=NOW - dt.timedelta(minutes=1),
         error="OperationalError: database is locked\n\nTraceback (most recent call last): …")
    with clock.frozen_at(NOW):
        scheduler_lease_take(owner="host:1:abc", seconds=30)
        page = _as(UserFactory(supervisor=True)).get("/dashboard/jobs/").content.decode()

    assert "调度进程运行中（host:1:abc）" in page
    assert "办理时限预警（黄牌、红牌） <code>deadline_scan</code>" in page
    assert "2026-11-23 10:00:00" in page  # the last run's period
    assert "（第 3 次尝试）" in page
    assert "2026-11-23 09:40:00" in page  # the last success
    assert "<summary>OperationalError: database is locked</summary>" in page
    assert "尚未运行" in page  # rollups


def test_no_running_scheduler_and_a_bad_setting_are_said_plainly(settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "SCHEDULE": {
        "deadline_scan": {"task": SCAN, "every": "ten minutes"}}}
    admin = UserFactory(is_superuser=True, is_staff=True)

    with clock.frozen_at(NOW):
        page = _as(admin).get("/dashboard/jobs/").content.decode()

    assert "没有调度进程在运行：定时作业不会执行。请启动 onevisit scheduler。" in page
    assert "定时作业配置有误，调度进程无法启动：periodic job &#x27;deadline_scan&#x27;" in page


def test_others_may_not_see_the_jobs(schedule):
    for role in ("citizen", "clerk", "reviewer", "agent"):
        user = UserFactory(**{role: True} if role != "citizen" else {})
        assert _as(user).get("/dashboard/jobs/").status_code == 403
    assert Client().get("/dashboard/jobs/").status_code == 302


def test_every_scheduled_job_is_named_in_words():
    """A supervisor reads what a job does, not only its identifier."""
    assert set(settings.ONEVISIT["SCHEDULE"]) - set(JOB_LABELS) == set()
