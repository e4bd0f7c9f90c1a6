"""A periodic job that fails as often as a test asks, standing in for a registry or disk
that is down."""

from __future__ import annotations

from django_tasks import task

FAILURES_LEFT = {"count": 0}


@task()
def flaky_job() -> dict[str, str]:
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise RuntimeError("the registry did not answer")
    return {"outcome": "done"}
