"""Working-day clocks: the State Council schedule, overrides, and years not covered."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from django.core.exceptions import ImproperlyConfigured

from onevisit.workdays.calendar import (
    CalendarNotCoveredWarning,
    WorkingCalendar,
    deadline_after,
    time_remaining,
)
from onevisit.workdays.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db
HANGZHOU = dt.timezone(dt.timedelta(hours=8))


def test_national_day_week_is_skipped_and_the_makeup_saturday_counts():
    calendar = WorkingCalendar()

    assert calendar.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert calendar.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert calendar.add_working_days(dt.date(2026, 9, 24), 1) == dt.date(2026, 9, 28)


def test_an_override_wins_over_the_package():
    CalendarOverride.objects.create(date=dt.date(2026, 10, 8), is_working_day=False,
                                    note="台风停工")

    assert WorkingCalendar().add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 9)


def test_deadline_is_the_end_of_the_last_working_day_in_hangzhou():
    start = dt.datetime(2026, 9, 30, 9, 30, tzinfo=HANGZHOU)

    deadline = deadline_after(start=start, limit=1, unit="working_days")

    assert deadline.due_at == dt.datetime(2026, 10, 8, 23, 59, 59, tzinfo=HANGZHOU)
    assert deadline.provisional is False


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=HANGZHOU)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        # Inside the morning hours: plain minutes.
        (_at(2026, 12, 7, 9, 0), 50, _at(2026, 12, 7, 9, 50)),
        # 05:57 on a Sunday: the clock starts when the hall opens on Monday.
        (_at(2026, 12, 6, 5, 57), 15, _at(2026, 12, 7, 9, 15)),
        # Before opening on a working day.
        (_at(2026, 12, 7, 7, 30), 15, _at(2026, 12, 7, 9, 15)),
        # The lunch break does not count: 10 minutes before it, 5 after it.
        (_at(2026, 12, 7, 11, 50), 15, _at(2026, 12, 7, 13, 35)),
        # Accepted during the lunch break.
        (_at(2026, 12, 7, 12, 20), 15, _at(2026, 12, 7, 13, 45)),
        # Ten minutes before closing: the rest runs the next working morning.
        (_at(2026, 12, 7, 16, 50), 15, _at(2026, 12, 8, 9, 5)),
        # Friday after closing: Monday.
        (_at(2026, 12, 11, 17, 30), 15, _at(2026, 12, 14, 9, 15)),
        # The National Day week is skipped; the make-up Saturday (Oct 10) is a working day.
        (_at(2026, 9, 30, 16, 55), 15, _at(2026, 10, 8, 9, 10)),
        (_at(2026, 10, 9, 16, 55), 15, _at(2026, 10, 10, 9, 10)),
        # A whole working day is 390 minutes (3 h + 3.5 h).
        (_at(2026, 12, 7, 9, 0), 390, _at(2026, 12, 7, 17, 0)),
        (_at(2026, 12, 7, 9, 0), 391, _at(2026, 12, 8, 9, 1)),
    ],
)
def test_minutes_count_only_working_hours_on_working_days(start, minutes, due):
    deadline = deadline_after(start=start, limit=minutes, unit="minutes")

    assert deadline.due_at == due
    assert deadline.provisional is False


def test_minutes_skip_a_holiday_the_administrator_entered():
    CalendarOverride.objects.create(date=dt.date(2026, 12, 7), is_working_day=False,
                                    note="台风停工")

    due = deadline_after(start=_at(2026, 12, 6, 5, 57), limit=15, unit="minutes").due_at

    assert due == _at(2026, 12, 8, 9, 15)


def test_minutes_in_a_year_the_calendar_does_not_cover_are_provisional():
    with pytest.warns(CalendarNotCoveredWarning, match="2027"):
        deadline = deadline_after(start=_at(2026, 12, 31, 16, 50), limit=15, unit="minutes")

    # 2027 counted on weekdays alone: Friday 1 January is taken as a working day.
    assert deadline.due_at == _at(2027, 1, 1, 9, 5)
    assert deadline.provisional is True


def test_the_working_hours_come_from_the_settings(settings):
    settings.ONEVISIT = {**settings.ONEVISIT, "WORKING_HOURS": ["08:30-12:00", "14:00-17:30"]}

    due = deadline_after(start=_at(2026, 12, 7, 11, 55), limit=15, unit="minutes").due_at

    assert due == _at(2026, 12, 7, 14, 10)


@pytest.mark.parametrize("hours", [[], ["9-8"], ["09:00-12:00", "11:00-17:00"], ["nine-ten"]])
def test_bad_working_hours_are_refused_with_the_setting_named(settings, hours):
    settings.ONEVISIT = {**settings.ONEVISIT, "WORKING_HOURS": hours}

    with pytest.raises(ImproperlyConfigured, match="ONEVISIT_WORKING_HOURS"):
        deadline_after(start=_at(2026, 12, 7, 9, 0), limit=15, unit="minutes")


def test_minutes_left_count_working_time_only():
    # Paused Monday 11:50 with the deadline Tuesday 09:10: 10 + 210 + 10 minutes.
    assert time_remaining(now=_at(2026, 12, 7, 11, 50), due_at=_at(2026, 12, 8, 9, 10),
                          unit="minutes") == 230
    # Paused on a Sunday before a Monday 09:15 deadline: 15 minutes.
    assert time_remaining(now=_at(2026, 12, 6, 5, 57), due_at=_at(2026, 12, 7, 9, 15),
                          unit="minutes") == 15
    assert time_remaining(now=_at(2026, 12, 8, 9, 0), due_at=_at(2026, 12, 7, 9, 15),
                          unit="minutes") == 0


def test_a_year_the_calendar_does_not_cover_warns_and_is_provisional():
    start = dt.datetime(2026, 12, 28, 9, 0, tzinfo=HANGZHOU)

    with pytest.warns(CalendarNotCoveredWarning, match="2027"):
        deadline = deadline_after(start=start, limit=10, unit="working_days")

    assert deadline.provisional is True
    # 2027 counted on weekdays alone: Dec 29–31, Jan 1, Jan 4–8, Jan 11.
    assert deadline.due_at.date() == dt.date(2027, 1, 11)


def test_a_year_entered_by_the_administrator_is_counted_without_warning():
    CalendarYear.objects.create(year=2027, note="国务院办公厅 2027 年节假日安排")
    for day in (1, 2, 3):
        CalendarOverride.objects.create(date=dt.date(2027, 1, day), is_working_day=False,
                                        note="元旦")
    start = dt.datetime(2026, 12, 30, 9, 0, tzinfo=HANGZHOU)

    with warnings.catch_warnings():
        warnings.simplefilter("error", CalendarNotCoveredWarning)
        deadline = deadline_after(start=start, limit=2, unit="working_days")

    assert deadline.provisional is False
    assert deadline.due_at.date() == dt.date(2027, 1, 4)


def test_time_remaining_counts_working_days_after_the_pause():
    paused = dt.datetime(2026, 9, 29, 15, 0, tzinfo=HANGZHOU)
    due = dt.datetime(2026, 10, 9, 23, 59, 59, tzinfo=HANGZHOU)

    assert time_remaining(now=paused, due_at=due, unit="working_days") == 3
