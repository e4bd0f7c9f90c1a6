"""Background work on an RQ queue in Redis (ONEVISIT_TASK_QUEUE_URL, docs/deploy.md), run
as an operator runs it: `task.enqueue()` in one process, `onevisit rqworker` in others. A
worker killed in the middle of a job (its machine gone) loses nothing: the job is found
abandoned and run again by another worker, and the work is done once. Bounded: every wait
has a deadline and every process is stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ops.waiting import wait_for
from tests.processes import process_env

ONEVISIT = [sys.executable, "-m", "onevisit.cli"]


def _env(data_dir: Path, queue_url: str) -> dict[str, str]:
    return process_env(ONEVISIT_DATA_DIR=str(data_dir), ONEVISIT_TASK_QUEUE_URL=queue_url,
                       ONEVISIT_SECRET_KEY="s" * 50, ONEVISIT_DIGEST_KEY="d" * 50)


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],
                          env=env, check=True, capture_output=True, text=True, timeout=120)
    return done.stdout.strip()


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[[str, dict[str, str]], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (tmp_path / f"{name}.log").open("wb") as out:
            process = subprocess.Popen(
                [*ONEVISIT, "worker", "--name", name],
                env=env, stdout=out, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            _kill_with_its_work_horse(process)


def _kill_with_its_work_horse(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the worker and, at once, to what it forked (the work horse running the
    job, the scheduler): as when its machine goes."""
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True,
                              text=True, check=False, timeout=30).stdout.split()
    worker.kill()
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(child), signal.SIGKILL)
    worker.wait(timeout=30)


def test_a_job_whose_worker_dies_is_run_again_by_another_and_done_once(
        tmp_path, redis_url, workers):
    env = _env(tmp_path, redis_url)
    record = tmp_path / "work" / "record"
    record.parent.mkdir()
    job_id = _python("from tests.ops.jobs import recorded_work\n"
                     f"print(recorded_work.enqueue({str(record)!r}).id)", env)

    first = workers("first", env)
    wait_for("the first worker to start the job",
             lambda: record.exists() and record.read_text() == "started\n", seconds=120, every=0.2)
    _kill_with_its_work_horse(first)  # the machine is gone, mid-job
    # Minutes on, the job's heartbeat and the dead worker's scheduler lock have lapsed;
    # a worker's maintenance (RQ looks every minute) finds the job abandoned and gives it
    # its next try. The test does not wait for the clock: it does what those minutes do.
    _python("import time\n"
            "from django_rq import get_connection, get_queue\n"
            "from rq.registry import StartedJobRegistry\n"
            "StartedJobRegistry(queue=get_queue('default')).cleanup(time.time() + 3600)\n"
            "get_connection('default').delete('rq:scheduler-lock:default')", env)
    workers("second", env)
    (record.parent / "release").touch()
    wait_for("the second worker to finish the job",
             lambda: "done" in record.read_text(), seconds=120, every=0.2)
    status = wait_for("the job's result", lambda: _python(
        "from django_tasks import default_task_backend\n"
        f"result = default_task_backend.get_result({job_id!r})\n"
        "if result.status in ('SUCCESSFUL', 'FAILED'):\n"
        "    print(result.status, result.worker_ids[-1])", env),
        seconds=60, every=0.2)

    assert record.read_text().split() == ["started", "started", "done"]
    assert status == "SUCCESSFUL second"
