"""The working-day calendar's corrections, kept by an administrator."""

from __future__ import annotations

from django.db import models


class CalendarOverride(models.Model):
    """A day whose status differs from what `chinese-calendar` says, or a day of a year
    the package does not cover (调休, local holidays)."""

    date = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    note = models.CharField(max_length=128, blank=True)

    class Meta:
        # The table the calendar had when it lived in `workflow`: moved without a copy.
        db_table = "workflow_calendaroverride"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_working_day else '休'}"


class CalendarYear(models.Model):
    """A year whose holidays an administrator has entered in full as overrides, so the
    calendar may count it without `chinese-calendar` (weekends rest unless overridden)."""

    year = models.PositiveSmallIntegerField(unique=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "workflow_calendaryear"

    def __str__(self) -> str:
        return str(self.year)
