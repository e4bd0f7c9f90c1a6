"""Working-day clocks: the State Council schedule, overrides, and years not covered."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from onevisit.workflow.calendar import (
    CalendarNotCoveredWarning,
    WorkingCalendar,
    deadline_after,
    time_remaining,
)
from onevisit.workflow.models import CalendarOverride, CalendarYear

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


def test_minutes_run_on_the_wall_clock():
    start = dt.datetime(2026, 10, 1, 9, 0, tzinfo=HANGZHOU)

    assert deadline_after(start=start, limit=50, unit="minutes").due_at == start + dt.timedelta(
        minutes=50
    )


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
