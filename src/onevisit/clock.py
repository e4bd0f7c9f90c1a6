"""The current time, overridable for simulation and tests.

Services call `clock.now()` instead of `timezone.now()` so that `onevisit simulate` can
drive the real services through days of synthetic work in seconds (`frozen_at`), and so
that tests run on the same date and weekday whatever day they are run (`running_from`).

The wall clock is still read directly where the machine's own time is the subject: a
seal's signing time and certificate validity (PKI), a sign-in session's expiry, and the
age of files on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("onevisit_clock", default=None)
# Kept per process, not per context: every thread (a test's live server too) sees it.
_shift = timedelta()


def now() -> datetime:
    return _frozen.get() or timezone.now() + _shift


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("clock.frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


@contextlib.contextmanager
def running_from(moment: datetime) -> Iterator[None]:
    """The clock starts at `moment` and runs on at the wall clock's pace."""
    global _shift  # one shift for the whole process, by design
    if timezone.is_naive(moment):
        raise ValueError("clock.running_from needs an aware datetime")
    before = _shift
    _shift = moment - timezone.now()
    try:
        yield
    finally:
        _shift = before
