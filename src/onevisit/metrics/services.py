"""Recomputing the rollups from recorded facts. Idempotent: a day is rebuilt whole."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q

from onevisit import clock
from onevisit.applications.constants import (
    CITIZEN_CHOSEN_VISIT_CAUSES,
    ApplicationStatus,
    CaseStatus,
    Channel,
)
from onevisit.applications.models import Application, Case
from onevisit.feedback.models import Score
from onevisit.hotline.constants import TicketStatus, TicketType
from onevisit.hotline.models import Ticket
from onevisit.metrics.models import DailyRollup, DepartmentRollup, HotlineRollup, RollupDay

TZ = ZoneInfo("Asia/Shanghai")
# A follow-up counts as satisfied from 基本满意 up (the usual 满意率 of the 12345 centres).
SATISFIED_MIN = Score.FAIRLY_SATISFIED


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=TZ)
    return start, start + dt.timedelta(days=1)


def _on_time(done: dt.datetime | None, due: dt.datetime | None) -> bool:
    return due is None or (done is not None and done <= due)


@transaction.atomic
def rollups_refresh(*, days: Iterable[dt.date]) -> int:
    """Rebuild the rollups of these days; returns how many days were rebuilt."""
    count = 0
    for day in sorted(set(days)):
        start, end = _bounds(day)
        RollupDay.objects.update_or_create(day=day, defaults={"computed_at": clock.now()})
        _applications_day(day, start, end)
        per_department: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for department_id, decided_at, due_at in Case.objects.filter(
            status__in=[CaseStatus.APPROVED, CaseStatus.REJECTED],
            decided_at__gte=start, decided_at__lt=end,
        ).values_list("department_id", "decided_at", "due_at"):
            per_department[department_id][0] += 1
            per_department[department_id][1] += int(_on_time(decided_at, due_at))
        DepartmentRollup.objects.filter(day=day).delete()
        DepartmentRollup.objects.bulk_create(
            DepartmentRollup(day=day, department_id=department, decided=decided,
                             decided_on_time=on_time)
            for department, (decided, on_time) in per_department.items()
        )
        _hotline_day(day, start, end)
        count += 1
    return count


def _applications_day(day: dt.date, start: dt.datetime, end: dt.datetime) -> None:
    """Rebuild the day's application rows, one per handling region."""
    rows: dict[str, DailyRollup] = {}

    def row(region_id: str) -> DailyRollup:
        if region_id not in rows:
            rows[region_id] = DailyRollup(day=day, region_id=region_id)
        return rows[region_id]

    for region_id, channel in Application.objects.filter(
            submitted_at__gte=start, submitted_at__lt=end).values_list("region_id", "channel"):
        target = row(region_id)
        target.filed += 1
        target.filed_online += int(channel == Channel.ONLINE)
    for region_id, visits, completed_at, due_at in (
        Application.objects.filter(status=ApplicationStatus.COMPLETED,
                                   completed_at__gte=start, completed_at__lt=end)
        # The trips the government caused: a walk-in the applicant chose is not a trip
        # the reform's promise is measured by.
        .annotate(visit_count=Count("visits", filter=~Q(
            visits__cause__in=CITIZEN_CHOSEN_VISIT_CAUSES)))
        .values_list("region_id", "visit_count", "completed_at", "due_at")
    ):
        target = row(region_id)
        target.completed += 1
        target.completed_zero_visits += int(visits == 0)
        target.completed_one_visit += int(visits == 1)
        target.completed_more_visits += int(visits > 1)
        target.completed_on_time += int(_on_time(completed_at, due_at))
    DailyRollup.objects.filter(day=day).delete()
    DailyRollup.objects.bulk_create(rows.values())


def _hotline_day(day: dt.date, start: dt.datetime, end: dt.datetime) -> None:
    """Rebuild the day's 12345 rollup rows, one per (lead department, township)."""
    rows: dict[tuple[int | None, str | None, str], HotlineRollup] = {}

    def row(department_id: int | None, region_id: str | None,
            jurisdiction_id: str) -> HotlineRollup:
        key = (department_id, region_id, jurisdiction_id)
        if key not in rows:
            rows[key] = HotlineRollup(day=day, department_id=department_id,
                                      region_id=region_id, jurisdiction_id=jurisdiction_id)
        return rows[key]

    for department_id, region_id, home, first, closed_at, due_at, reopens in (
        Ticket.objects.filter(status=TicketStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .values_list("lead_department_id", "region_id", "jurisdiction_id",
                     "closed_first_contact", "closed_at", "due_at", "reopen_count")
    ):
        target = row(department_id, region_id, home)
        target.closed += 1
        target.closed_first_contact += int(first)
        target.closed_on_time += int(_on_time(closed_at, due_at))
        target.closed_reopened += int(reopens > 0)
    for department_id, region_id, home, score in Ticket.objects.filter(
        followed_up_at__gte=start, followed_up_at__lt=end, satisfaction__isnull=False,
    ).values_list("lead_department_id", "region_id", "jurisdiction_id", "satisfaction"):
        target = row(department_id, region_id, home)
        target.followed_up += 1
        target.satisfied += int((score or 0) >= SATISFIED_MIN)
    # A complaint merged into another (or a repeat) counts for its master's department.
    for own, masters, region_id, home, repeat_of in Ticket.objects.filter(
        type=TicketType.COMPLAINT, created_at__gte=start, created_at__lt=end,
    ).values_list("lead_department_id", "master__lead_department_id", "region_id",
                  "jurisdiction_id", "repeat_of_id"):
        target = row(own or masters, region_id, home)
        target.complaints += 1
        target.repeat_complaints += int(repeat_of is not None)
    HotlineRollup.objects.filter(day=day).delete()
    HotlineRollup.objects.bulk_create(rows.values())


def rollups_refresh_recent(*, days_back: int = 2) -> int:
    """Today and the days before it."""
    today = clock.now().astimezone(TZ).date()
    return rollups_refresh(days=[today - dt.timedelta(days=n) for n in range(days_back + 1)])


# Days back the periodic refresh makes sure are rolled up at all (a dashboard year).
ROLLUP_HORIZON_DAYS = 366


def rollups_refresh_due() -> int:
    """What the periodic task rebuilds so the dashboard is never silently stale: today and
    yesterday; every day of the last year that has no rollup yet; and every day rolled up
    before it ended (facts recorded later, as `onevisit simulate` records days ahead of
    the wall clock, are then counted)."""
    now = clock.now()
    today = now.astimezone(TZ).date()
    horizon = today - dt.timedelta(days=ROLLUP_HORIZON_DAYS)
    have = set(RollupDay.objects.filter(day__gte=horizon).values_list("day", flat=True))
    due = {today, today - dt.timedelta(days=1)}
    due |= {horizon + dt.timedelta(days=n) for n in range(ROLLUP_HORIZON_DAYS)} - have
    due |= {day for day, computed in RollupDay.objects.values_list("day", "computed_at")
            if computed is None or computed < _bounds(day)[1]}
    return rollups_refresh(days=due)
