"""Working-day clocks (DESIGN.md §3 rule 5).

`chinese-calendar` knows the State Council's holiday schedule for the years it covers; an
administrator's override table corrects it and extends it. For a year neither covers, the
deadline is computed on the weekday rule, marked provisional, and a
`CalendarNotCoveredWarning` is issued: never a silent guess.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar
import structlog

from onevisit.catalogue.constants import LimitUnit
from onevisit.workflow.models import CalendarOverride, CalendarYear

log = structlog.get_logger(__name__)
TZ = ZoneInfo("Asia/Shanghai")


class CalendarNotCoveredWarning(UserWarning):
    pass


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime
    provisional: bool


class WorkingCalendar:
    """Answers 'is this a working day?' for a span of dates with two queries at most."""

    def __init__(self) -> None:
        self._overrides: dict[dt.date, bool] = {}
        self._entered_years: set[int] = set()
        self._loaded: tuple[dt.date, dt.date] | None = None
        self.uncovered_years: set[int] = set()

    def _load(self, start: dt.date, end: dt.date) -> None:
        if self._loaded and self._loaded[0] <= start and end <= self._loaded[1]:
            return
        self._overrides = dict(
            CalendarOverride.objects.filter(date__range=(start, end)).values_list(
                "date", "is_working_day"
            )
        )
        self._entered_years = set(CalendarYear.objects.values_list("year", flat=True))
        self._loaded = (start, end)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if day.year in self._entered_years:
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.uncovered_years.add(day.year)
            return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (the start day itself not counted)."""
        self._load(start, start + dt.timedelta(days=days * 3 + 30))
        day = start
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`."""
        if end <= start:
            return 0
        self._load(start, end)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + dt.timedelta(days=offset))
        )


def _warn_uncovered(calendar: WorkingCalendar) -> bool:
    if not calendar.uncovered_years:
        return False
    years = ", ".join(str(year) for year in sorted(calendar.uncovered_years))
    message = (
        f"working-day calendar does not cover {years}: deadline counted on weekdays only and "
        f"marked provisional; enter that year's holidays as calendar overrides"
    )
    warnings.warn(message, CalendarNotCoveredWarning, stacklevel=3)
    log.warning("calendar_year_not_covered", years=years)
    return True


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=TZ)


def deadline_after(*, start: dt.datetime, limit: int, unit: str) -> Deadline:
    """When a clock started at `start` with `limit` in `unit` runs out."""
    if unit == LimitUnit.MINUTES:
        return Deadline(due_at=start + dt.timedelta(minutes=limit), provisional=False)
    calendar = WorkingCalendar()
    day = calendar.add_working_days(start.astimezone(TZ).date(), limit)
    provisional = _warn_uncovered(calendar)
    return Deadline(due_at=_end_of_day(day), provisional=provisional)


def time_remaining(*, now: dt.datetime, due_at: dt.datetime, unit: str) -> int:
    """What is left on a clock paused at `now`: whole working days, or minutes."""
    if unit == LimitUnit.MINUTES:
        return max(int((due_at - now).total_seconds() // 60), 0)
    calendar = WorkingCalendar()
    left = calendar.working_days_between(now.astimezone(TZ).date(), due_at.astimezone(TZ).date())
    _warn_uncovered(calendar)
    return left
