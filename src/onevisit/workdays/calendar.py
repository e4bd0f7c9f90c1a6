"""Working-day clocks (DESIGN.md §3 rule 5), and working hours for limits in minutes.

`chinese-calendar` knows the State Council's holiday schedule for the years it covers; an
administrator's override table corrects it and extends it. For a year neither covers, the
deadline is computed on the weekday rule, marked provisional, and a
`CalendarNotCoveredWarning` is issued: never a silent guess.

A limit in minutes (a window's "15 分钟办结") counts working time only: the minutes inside
the working hours (`ONEVISIT_WORKING_HOURS`, by default 09:00–12:00 and 13:30–17:00) of
working days. A hall that opens on Saturdays serves people then, but a Saturday that is
not a working day of the calendar adds no minutes to a clock: the promise is made in
working time, the one measure every hall shares. A region whose halls work a given
weekend day enters it as a working day in the override table.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import cast
from zoneinfo import ZoneInfo

import chinese_calendar
import structlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import ngettext

from onevisit.workdays.constants import LimitUnit
from onevisit.workdays.models import CalendarOverride, CalendarYear

log = structlog.get_logger(__name__)
TZ = ZoneInfo("Asia/Shanghai")
ONE_DAY = dt.timedelta(days=1)
# How far ahead one read of the override table reaches while a clock walks forward.
LOAD_AHEAD = dt.timedelta(days=60)


class CalendarNotCoveredWarning(UserWarning):
    pass


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime
    provisional: bool


@dataclass(frozen=True)
class Period:
    """One stretch of working hours in a working day, in Hangzhou time."""

    start: dt.time
    end: dt.time


def _time(text: str) -> dt.time:
    hours, _sep, minutes = text.strip().partition(":")
    return dt.time(int(hours), int(minutes or 0))


def working_hours() -> tuple[Period, ...]:
    """The working hours of every working day (`ONEVISIT_WORKING_HOURS`), in order."""
    periods: list[Period] = []
    for part in cast(list[str], settings.ONEVISIT["WORKING_HOURS"]):
        start, sep, end = part.partition("-")
        try:
            period = Period(start=_time(start), end=_time(end))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ONEVISIT_WORKING_HOURS: {part!r} is not of the form HH:MM-HH:MM"
            ) from exc
        if not sep or period.end <= period.start:
            raise ImproperlyConfigured(f"ONEVISIT_WORKING_HOURS: {part!r} must end after it starts")
        if periods and period.start < periods[-1].end:
            raise ImproperlyConfigured(
                f"ONEVISIT_WORKING_HOURS: {part!r} overlaps or precedes the period before it"
            )
        periods.append(period)
    if not periods:
        raise ImproperlyConfigured("ONEVISIT_WORKING_HOURS names no working hours")
    return tuple(periods)


class WorkingCalendar:
    """Answers 'is this a working day?' for a span of dates with two queries per span."""

    def __init__(self) -> None:
        self._overrides: dict[dt.date, bool] = {}
        self._entered_years: set[int] = set()
        self._loaded: tuple[dt.date, dt.date] | None = None
        self.uncovered_years: set[int] = set()

    def _load(self, start: dt.date, end: dt.date) -> None:
        if self._loaded and self._loaded[0] <= start and end <= self._loaded[1]:
            return
        # Read ahead: one calendar answering for many deadlines (a queue page) reads once.
        end = max(end, start + LOAD_AHEAD)
        self._overrides = dict(
            CalendarOverride.objects.filter(date__range=(start, end)).values_list(
                "date", "is_working_day"
            )
        )
        self._entered_years = set(CalendarYear.objects.values_list("year", flat=True))
        self._loaded = (start, end)

    def is_working_day(self, day: dt.date) -> bool:
        self._load(day, day)
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
            day += ONE_DAY
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

    def periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working hours of `day` as aware moments; none on a day of rest."""
        if not self.is_working_day(day):
            return []
        return [(dt.datetime.combine(day, p.start, tzinfo=TZ),
                 dt.datetime.combine(day, p.end, tzinfo=TZ)) for p in working_hours()]

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment `minutes` of working time after `start`. Time outside working hours
        (nights, the lunch break, days of rest) does not count: a clock started then runs
        from the next opening."""
        moment = start.astimezone(TZ)
        left = dt.timedelta(minutes=minutes)
        day = moment.date()
        while True:
            for begin, end in self.periods(day):
                if end <= moment:
                    continue
                begin = max(begin, moment)
                if begin + left <= end:
                    return begin + left
                left -= end - begin
            day += ONE_DAY

    def working_minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole minutes of working time from `start` to `end`."""
        if end <= start:
            return 0
        first, last = start.astimezone(TZ).date(), end.astimezone(TZ).date()
        self._load(first, last)
        total = dt.timedelta()
        day = first
        while day <= last:
            for begin, finish in self.periods(day):
                overlap = min(finish, end) - max(begin, start)
                if overlap > dt.timedelta():
                    total += overlap
            day += ONE_DAY
        return int(total.total_seconds() // 60)


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


def deadline_after(*, start: dt.datetime, limit: int, unit: str,
                   calendar: WorkingCalendar | None = None) -> Deadline:
    """When a clock started at `start` with `limit` in `unit` runs out: the end of the
    last working day, or the moment the working minutes are used up. Pass one `calendar`
    for several clocks started at once; each deadline says whether it is provisional."""
    calendar = calendar or WorkingCalendar()
    calendar.uncovered_years.clear()
    if unit == LimitUnit.MINUTES:
        due_at = calendar.add_working_minutes(start, limit)
    else:
        due_at = _end_of_day(calendar.add_working_days(start.astimezone(TZ).date(), limit))
    provisional = _warn_uncovered(calendar)
    return Deadline(due_at=due_at, provisional=provisional)


def time_remaining(*, now: dt.datetime, due_at: dt.datetime, unit: str,
                   calendar: WorkingCalendar | None = None) -> int:
    """What is left on a clock at `now`: whole working days, or working minutes. Pass one
    `calendar` for many clocks read at once."""
    calendar = calendar or WorkingCalendar()
    if unit == LimitUnit.MINUTES:
        left = calendar.working_minutes_between(now, due_at)
    else:
        left = calendar.working_days_between(now.astimezone(TZ).date(),
                                             due_at.astimezone(TZ).date())
    _warn_uncovered(calendar)
    return left


def limit_text(*, limit: int, unit: str) -> str:
    """A time limit as the citizen reads it, saying how it is counted."""
    if unit == LimitUnit.MINUTES:
        return ngettext("%(n)d 分钟（按工作时间计算）", "%(n)d 分钟（按工作时间计算）",
                        limit) % {"n": limit}
    return ngettext("%(n)d 个工作日", "%(n)d 个工作日", limit) % {"n": limit}
