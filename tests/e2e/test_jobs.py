"""Browser test: a supervisor goes from the dashboard to the periodic jobs, sees which
ran and which failed, and opens a failure to read its error."""

from __future__ import annotations

import contextlib

import pytest

from onevisit.ops.schedule import Job, jobs_configured
from onevisit.ops.services import job_run_enqueue, job_run_execute, scheduler_lease_take
from tests.e2e.conftest import shot
from tests.ops import jobs

pytestmark = pytest.mark.django_db(transaction=True)

FLAKY = "tests.ops.jobs.flaky_job"


def test_a_supervisor_reads_a_failed_job_from_the_dashboard(world, live_server, page,
                                                            settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "SCHEDULE": {
        "deadline_scan": {"task": "onevisit.workflow.tasks.deadline_scan_task", "every": "10m"},
        "registry_sync": {"task": FLAKY, "every": "1h"},
    }, "SCHEDULE_ATTEMPTS": 3}
    scan, sync = jobs_configured()
    assert isinstance(sync, Job)
    scheduler_lease_take(owner="hall-server:4242:ab12cd", seconds=3600)
    scanned = job_run_enqueue(job=scan, scheduler="hall-server:4242:ab12cd")
    assert scanned is not None
    job_run_execute(run_id=scanned.pk)
    jobs.FAILURES_LEFT["count"] = 3
    failing = job_run_enqueue(job=sync, scheduler="hall-server:4242:ab12cd")
    assert failing is not None
    for _ in range(3):
        with contextlib.suppress(RuntimeError):
            job_run_execute(run_id=failing.pk)

    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="后台作业").click()

    page.get_by_role("heading", name="后台作业").wait_for()
    assert "调度进程运行中（hall-server:4242:ab12cd）" in page.inner_text(".scheduler-status")
    rows = {row.locator("td code").first.inner_text(): row.inner_text()
            for row in page.locator("table.jobs tbody tr").all()}
    assert "成功" in rows["deadline_scan"]
    assert "失败（第 3 次尝试）" in rows["registry_sync"]
    failure = page.locator("table.job-failures details")
    failure.locator("summary").click()
    assert "RuntimeError: the registry did not answer" in failure.locator("summary").inner_text()
    assert "Traceback (most recent call last)" in failure.locator("pre").inner_text()
    shot(page, "jobs-failure")
