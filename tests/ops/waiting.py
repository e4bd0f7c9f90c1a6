"""Waiting on processes a test started: every wait has a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(what: str, check: Callable[[], object], *, seconds: float,
             every: float = 0.5) -> object:
    """What `check` returns once it is truthy; an AssertionError naming `what` if it is not
    within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what} after {seconds} s")
