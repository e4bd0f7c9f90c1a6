"""A periodic job that fails as often as a test asks, standing in for a registry or disk
that is down; work a test kills its worker in the middle of."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task

FAILURES_LEFT = {"count": 0}


@task()
def flaky_job() -> dict[str, str]:
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise RuntimeError("the registry did not answer")
    return {"outcome": "done"}


@task()
def recorded_work(path: str) -> None:
    """Work a worker can die in the middle of: it notes each start in the file, waits for
    `release` beside it, and notes "done" once, whichever attempt gets there (idempotent)."""
    record = Path(path)
    with record.open("a") as out:
        out.write("started\n")
    deadline = time.monotonic() + 120
    while not (record.parent / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    if "done" not in record.read_text().split():
        with record.open("a") as out:
            out.write("done\n")
