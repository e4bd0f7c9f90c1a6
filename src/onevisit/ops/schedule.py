"""The periodic jobs as settings name them (`settings.ONEVISIT["SCHEDULE"]`), read and
checked once, so a bad period or task stops the scheduler at start with the fix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django_tasks.base import Task

from onevisit import env

# Periods start at this moment and follow each other without gaps, so every scheduler
# agrees on which period it is: a daily job's period starts at midnight in Hangzhou.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
OFF = "off"
_PERIOD = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task taking no arguments
    period: dt.timedelta

    @property
    def every(self) -> str:
        """The period as settings write it: 90s, 10m, 2h, 1d."""
        seconds = int(self.period.total_seconds())
        for unit, size in sorted(_UNIT_SECONDS.items(), key=lambda pair: -pair[1]):
            if seconds % size == 0:
                return f"{seconds // size}{unit}"
        raise AssertionError("periods are whole seconds")

    def period_start(self, moment: dt.datetime) -> dt.datetime:
        """The start of the period `moment` falls in."""
        elapsed = (moment - EPOCH) // self.period
        return EPOCH + elapsed * self.period


def period_parse(text: str) -> dt.timedelta | None:
    """`30s`, `10m`, `2h`, `1d`; None for `off`. Anything else is an error naming the form."""
    if text.strip().lower() == OFF:
        return None
    match = _PERIOD.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a period: write a positive number with a unit, "
                         f"s, m, h or d (30s, 10m, 2h, 1d), or {OFF}")
    return dt.timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def jobs_from(schedule: Mapping[str, Mapping[str, str]]) -> list[Job]:
    """The jobs that run (not those turned off), each checked: a readable period and a
    task that exists. The error names the job and how to fix it."""
    jobs = []
    for name, spec in schedule.items():
        try:
            period = period_parse(str(spec.get("every", "")))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"periodic job {name!r}: {error} (set it in {env.SCHEDULE.name}, "
                f"e.g. {name}=10m)"
            ) from error
        try:
            task = import_string(str(spec.get("task", "")))
        except ImportError as error:
            raise ImproperlyConfigured(
                f"periodic job {name!r}: there is no task {spec.get('task')!r}"
            ) from error
        if not isinstance(task, Task):
            raise ImproperlyConfigured(
                f"periodic job {name!r}: {spec.get('task')!r} is not a django-tasks task"
            )
        if period is not None:
            jobs.append(Job(name=name, task=str(spec["task"]), period=period))
    return jobs


def schedule_configured() -> dict[str, dict[str, str]]:
    return cast(dict[str, dict[str, str]], settings.ONEVISIT["SCHEDULE"])


def jobs_configured() -> list[Job]:
    return jobs_from(schedule_configured())
