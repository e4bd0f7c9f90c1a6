"""Running service calls at the same moment, as concurrent requests would."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

from onevisit import clock


def race(*calls: Callable[[], Any], moment: dt.datetime | None = None,
         timeout: float = 60) -> list[Any]:
    """Run the calls at once in threads, each on its own database connection (and at
    `moment` on the clock when given); return each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        frozen = clock.frozen_at(moment) if moment else contextlib.nullcontext()
        with frozen:
            barrier.wait()
            try:
                results[index] = call()
            except Exception as exc:  # the test inspects what each thread got
                results[index] = exc
            finally:
                connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
