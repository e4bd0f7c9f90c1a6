"""Rollups the dashboard reads (DESIGN.md §7: dashboards read rollups, not raw rows)."""

from __future__ import annotations

from django.db import models

from onevisit.accounts.models import Department, Region


class RollupDay(models.Model):
    """A day in Hangzhou that has been rolled up, and when: its figures hold every fact
    recorded until then."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} (as of {self.computed_at})"


class DailyRollup(models.Model):
    """One day in Hangzhou in one region (the region handling the applications): those
    filed that day, and those completed that day."""

    day = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    filed = models.PositiveIntegerField(default=0)
    filed_online = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    completed_zero_visits = models.PositiveIntegerField(default=0)
    completed_one_visit = models.PositiveIntegerField(default=0)
    completed_more_visits = models.PositiveIntegerField(default=0)
    completed_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "region"]
        constraints = [
            models.UniqueConstraint(fields=["day", "region"], name="daily_rollup_day_region"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_id}: {self.filed} filed, {self.completed} completed"


class DepartmentRollup(models.Model):
    """One department's decisions on one day."""

    day = models.DateField()
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    decided = models.PositiveIntegerField(default=0)
    decided_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "department"]
        constraints = [
            models.UniqueConstraint(fields=["day", "department"], name="department_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}: {self.decided}"


class HotlineRollup(models.Model):
    """12345 tickets of one day, by lead department (none: closed on the call) and by
    township. Closings count on the day closed, follow-ups on the day of the follow-up,
    complaints on the day filed."""

    day = models.DateField()
    department = models.ForeignKey(Department, null=True, on_delete=models.CASCADE,
                                   related_name="+")
    region = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    # The tickets' jurisdiction: whose 12345 they belong to (supervisors see their subtree).
    jurisdiction = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    closed = models.PositiveIntegerField(default=0)
    closed_first_contact = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    closed_reopened = models.PositiveIntegerField(default=0)
    followed_up = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    complaints = models.PositiveIntegerField(default=0)
    repeat_complaints = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}/{self.region_id}: {self.closed} closed"
