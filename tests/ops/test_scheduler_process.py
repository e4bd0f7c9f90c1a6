"""The scheduler and the task worker as an operator runs them, in their own processes on
a database of their own: two schedulers (one active, one standby) and a worker run two
jobs with periods of seconds; the active scheduler is killed and the standby takes over;
each period runs once. Bounded: every wait has a deadline and every process is stopped."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.ops.waiting import wait_for
from tests.processes import ONEVISIT, process_env, sqlite_database_from

JOBS_ON = ("deadline_scan", "rollups")


def _env(data_dir: Path) -> dict[str, str]:
    return process_env(
        ONEVISIT_DATA_DIR=str(data_dir),
        ONEVISIT_SECRET_KEY="s" * 50, ONEVISIT_DIGEST_KEY="d" * 50,
        ONEVISIT_SCHEDULE=",".join(["deadline_scan=2s", "rollups=3s",
                                    *(f"{job}=off" for job in settings.SCHEDULE
                                      if job not in JOBS_ON)]),
        # Long enough that a scheduler starved of CPU on a loaded CI machine keeps its lease.
        ONEVISIT_SCHEDULER_LEASE_SECONDS="10")


@pytest.fixture
def processes() -> Iterator[Callable[..., tuple[subprocess.Popen[bytes], Path]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], Path]:
        with log.open("wb") as out:
            process = subprocess.Popen([*ONEVISIT, *args], env=env, stdout=out,
                                       stderr=subprocess.STDOUT)
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_schedulers_and_worker_run_each_period_once_and_the_standby_takes_over(
        tmp_path, processes, sqlite_schema):
    env = _env(tmp_path)
    sqlite_database_from(sqlite_schema, env=env)
    database = tmp_path / "onevisit.sqlite3"

    def rows(sql: str, *params: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(database, timeout=20) as connection:
            return connection.execute(sql, params).fetchall()

    def owner(log: Path) -> str | None:
        match = re.search(r"event='scheduler_active'.*owner='([^']+)'", log.read_text())
        return match.group(1) if match else None

    first, first_log = processes("scheduler", env=env, log=tmp_path / "first.log")
    first_owner = wait_for("the first scheduler to be active", lambda: owner(first_log),
                           seconds=180)
    second, second_log = processes("scheduler", env=env, log=tmp_path / "second.log")
    wait_for("the second scheduler to start",
             lambda: "scheduler_started" in second_log.read_text(), seconds=180)
    worker, _ = processes("worker", env=env, log=tmp_path / "worker.log")
    succeeded = "select count(*) from ops_jobrun where status = 'succeeded' and job = ?"
    wait_for("three deadline scans", lambda: rows(succeeded, "deadline_scan")[0][0] >= 3,
             seconds=180)
    assert owner(second_log) is None  # a standby while the first one lives

    first.send_signal(signal.SIGKILL)  # dies holding its lease
    first.wait(timeout=30)
    second_owner = wait_for("the standby to take over", lambda: owner(second_log), seconds=60)
    by_second = ("select count(*) from ops_jobrun where status = 'succeeded' "
                 "and scheduler = ? and job = 'deadline_scan'")
    wait_for("a scan enqueued by the standby",
             lambda: rows(by_second, second_owner)[0][0] >= 2, seconds=60)
    for process in (second, worker):
        process.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0
    worker.wait(timeout=60)

    runs = rows("select job, due_at, status, attempts, scheduler from ops_jobrun "
                "order by due_at, job")
    assert {job for job, *_ in runs} == {"deadline_scan", "rollups"}
    assert {scheduler for *_, scheduler in runs} == {first_owner, second_owner}
    # The first scheduler enqueued every period until it died, the standby every one after.
    owners = [scheduler for *_, scheduler in runs]
    switch = owners.index(second_owner)
    assert set(owners[:switch]) == {first_owner}
    assert set(owners[switch:]) == {second_owner}
    # Each period enqueued once and run once.
    assert len(runs) == len({(job, due_at) for job, due_at, *_ in runs})
    task_results = rows("select count(*) from django_tasks_database_dbtaskresult "
                        "where task_path = 'onevisit.ops.tasks.job_run_task'")[0][0]
    assert task_results == len(runs)
    finished = [run for run in runs if run[2] != "queued"]
    assert {(status, attempts) for _, _, status, attempts, _ in finished} == {("succeeded", 1)}
    # Each deadline scan period is two seconds apart, the rollups three.
    scans = [due for job, due, *_ in runs if job == "deadline_scan"]
    assert all(re.search(r":\d[02468](\.0+)?$", str(due)) for due in scans), scans
    # The standby gave up its lease on SIGTERM: a new scheduler may start at once.
    assert "scheduler_stopped" in second_log.read_text()
