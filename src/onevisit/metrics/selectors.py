"""The reform's KPIs, computed from recorded facts (visits, timestamps), never estimated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _

from onevisit.accounts.models import Department, PlatformKind
from onevisit.accounts.regions import within
from onevisit.applications.constants import OPEN_CASE_STATUSES, ApplicationStatus, Channel
from onevisit.applications.models import Application, Case
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import ServiceItem
from onevisit.hotline.constants import TicketStatus
from onevisit.hotline.models import Ticket
from onevisit.metrics.models import DailyRollup, DepartmentRollup, HotlineRollup, RollupDay

TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Kpis:
    items_published: int
    catalogue_one_visit_rate: float
    applications: int
    online_share: float
    completed: int
    completed_at_most_one_visit_share: float
    completed_zero_visit_share: float
    average_visits: float
    on_time_rate: float
    average_duration_hours: float
    average_share_of_committed_time: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True)
class _Completed:
    visits: int
    accepted: dt.datetime
    done: dt.datetime
    due: dt.datetime


def _ratio(part: int | float, whole: int | float) -> float:
    return round(part / whole, 4) if whole else 0.0


def kpis(*, since: dt.datetime | None = None, until: dt.datetime | None = None,
         scope: str = "") -> Kpis:
    """The reform's figures from the raw rows, for the regions in `scope` ("" : all)."""
    items = ServiceItem.objects.filter(within("region", scope),
                                       status=ItemStatus.PUBLISHED).aggregate(
        total=Count("id"), one_visit=Count("id", filter=Q(promised_visits__lte=1))
    )
    applications = Application.objects.filter(within("region", scope))
    if since is not None:
        applications = applications.filter(submitted_at__gte=since)
    if until is not None:
        applications = applications.filter(submitted_at__lt=until)
    counts = applications.aggregate(
        total=Count("id"), online=Count("id", filter=Q(channel=Channel.ONLINE))
    )
    completed = [
        _Completed(visits, accepted, done, due)
        for visits, accepted, done, due in applications.filter(
            status=ApplicationStatus.COMPLETED
        )
        .annotate(visit_count=Count("visits"))
        .values_list("visit_count", "accepted_at", "completed_at", "due_at")
        if accepted is not None and done is not None and due is not None
    ]
    n = len(completed)
    visits = [row.visits for row in completed]
    on_time = sum(1 for row in completed if row.done <= row.due)
    durations = [(row.done - row.accepted).total_seconds() for row in completed]
    shares = [
        (row.done - row.accepted).total_seconds() / (row.due - row.accepted).total_seconds()
        for row in completed
        if row.due > row.accepted
    ]
    return Kpis(
        items_published=items["total"],
        catalogue_one_visit_rate=_ratio(items["one_visit"], items["total"]),
        applications=counts["total"],
        online_share=_ratio(counts["online"], counts["total"]),
        completed=n,
        completed_at_most_one_visit_share=_ratio(sum(1 for v in visits if v <= 1), n),
        completed_zero_visit_share=_ratio(sum(1 for v in visits if v == 0), n),
        average_visits=_ratio(sum(visits), n),
        on_time_rate=_ratio(on_time, n),
        average_duration_hours=_ratio(sum(durations) / 3600, n),
        average_share_of_committed_time=_ratio(sum(shares), len(shares)),
    )


def _share(part: int, whole: int) -> float | None:
    """A rate, or None where there is nothing to rate (shown as "—", never as 0 %)."""
    return round(part / whole, 4) if whole else None


def _day_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime.combine(since, dt.time.min, tzinfo=TZ),
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=TZ))


def _open_overdue(*, since: dt.date, until: dt.date, now: dt.datetime,
                  scope: str) -> tuple[int, dict[int, int]]:
    """Work still open whose deadline fell in the period and has passed: late already,
    so 按时办结率 counts it as late (live, from the stored deadlines: two counts)."""
    start, end = _day_bounds(since, until)
    due = {"due_at__gte": start, "due_at__lt": min(end, now)}
    applications = Application.objects.filter(
        within("region", scope), status=ApplicationStatus.ACCEPTED, **due).count()
    cases = dict(Case.objects.filter(within("department__region", scope),
                                     status__in=OPEN_CASE_STATUSES, **due)
                 .values_list("department_id").annotate(n=Count("id")).order_by())
    return applications, cases


@dataclass(frozen=True)
class Freshness:
    """How fresh the rollups behind a period are: `as_of` is the time up to which every
    fact is counted (None: nothing rolled up yet); `missing` the days not rolled up."""

    as_of: dt.datetime | None
    missing: int
    stale: bool


def rollup_freshness(*, since: dt.date, until: dt.date, now: dt.datetime,
                     stale_after: dt.timedelta) -> Freshness:
    rows = dict(RollupDay.objects.filter(day__gte=since, day__lte=until)
                .values_list("day", "computed_at"))
    today = now.astimezone(TZ).date()
    missing = sum(1 for n in range((min(until, today) - since).days + 1)
                  if since + dt.timedelta(days=n) not in rows)
    # A day rolled up after it ended is complete; one rolled up earlier holds the facts
    # until then. The period is as fresh as its least fresh day.
    partial = [at for day, at in rows.items()
               if at is not None and at < _day_bounds(day, day)[1]]
    complete = [at for at in rows.values() if at is not None]
    as_of = min(partial) if partial else max(complete) if complete else None
    if as_of is not None and not partial:
        as_of = min(as_of, now)
    stale = missing > 0 or as_of is None or (bool(partial) and now - as_of > stale_after)
    return Freshness(as_of=as_of, missing=missing, stale=stale)


def latest_rolled_up_day(*, scope: str = "") -> dt.date | None:
    """The last day with recorded activity (simulated days can lie ahead of today)."""
    last: dt.date | None = (DailyRollup.objects.filter(within("region", scope))
                            .filter(Q(filed__gt=0) | Q(completed__gt=0))
                            .aggregate(last=Max("day"))["last"])
    return last


_DAILY_SUMS = ("filed", "filed_online", "completed", "completed_zero_visits",
               "completed_one_visit", "completed_more_visits", "completed_on_time")


def dashboard_figures(*, since: dt.date, until: dt.date, now: dt.datetime, scope: str = "",
                      department: Department | None = None) -> dict[str, Any]:
    """What the reform dashboard shows for [since, until] in the regions of `scope`
    ("" : every region), read from the rollups, with open overdue work counted live.
    With a department, only that department's cases."""
    daily: list[dict[str, Any]] = [
        dict(row) for row in
        DailyRollup.objects.filter(within("region", scope), day__gte=since, day__lte=until)
        .values("day").annotate(**{f: Sum(f) for f in _DAILY_SUMS}).order_by("day")]
    totals = {field: sum(row[field] for row in daily) for field in _DAILY_SUMS}
    department_rows = DepartmentRollup.objects.filter(within("department__region", scope),
                                                      day__gte=since, day__lte=until)
    if department is not None:
        department_rows = department_rows.filter(department=department)
    departments = (department_rows.values("department_id", "department__name")
                   .annotate(decided=Sum("decided"), on_time=Sum("decided_on_time"))
                   .order_by("-decided"))
    regions = (
        department_rows.values("department__region__name")
        .annotate(decided=Sum("decided"), on_time=Sum("decided_on_time"))
        .order_by("-decided")
    )
    items = ServiceItem.objects.filter(within("region", scope),
                                       status=ItemStatus.PUBLISHED).aggregate(
        total=Count("id"), one_visit=Count("id", filter=Q(promised_visits__lte=1))
    )
    overdue_applications, overdue_cases = _open_overdue(since=since, until=until, now=now,
                                                        scope=scope)
    completed = totals["completed"]
    if department is None:
        tiles: dict[str, Any] = {
            "catalogue_one_visit_rate": _share(items["one_visit"], items["total"]),
            "filed": totals["filed"],
            "online_share": _share(totals["filed_online"], totals["filed"]),
            "completed": completed,
            "zero_visit_share": _share(totals["completed_zero_visits"], completed),
            "at_most_one_visit_share": _share(
                totals["completed_zero_visits"] + totals["completed_one_visit"], completed),
            "on_time_rate": _share(totals["completed_on_time"],
                                   completed + overdue_applications),
            "open_overdue": overdue_applications,
        }
    else:
        decided = sum(d["decided"] for d in departments)
        late_open = overdue_cases.get(department.pk, 0)
        tiles = {
            "decided": decided,
            "on_time_rate": _share(sum(d["on_time"] for d in departments), decided + late_open),
            "open_overdue": late_open,
        }
    return {
        "tiles": tiles,
        "trend": [
            {"day": row["day"].isoformat(), "filed": row["filed"],
             "completed": row["completed"],
             "zero_visit_share": _share(row["completed_zero_visits"], row["completed"])}
            for row in daily
        ],
        "departments": [
            {"name": d["department__name"], "decided": d["decided"],
             "open_overdue": overdue_cases.get(d["department_id"], 0),
             "on_time_rate": _share(d["on_time"],
                                    d["decided"] + overdue_cases.get(d["department_id"], 0))}
            for d in departments
        ],
        "regions": [
            {"name": r["department__region__name"], "decided": r["decided"],
             "on_time_rate": _share(r["on_time"], r["decided"])} for r in regions
        ],
        "visits": {"0": totals["completed_zero_visits"], "1": totals["completed_one_visit"],
                   "2+": totals["completed_more_visits"]},
        "hotline": hotline_figures(since=since, until=until, scope=scope),
    }


HOTLINE_SUMS = ("closed", "closed_first_contact", "closed_on_time", "closed_reopened",
                "followed_up", "satisfied", "complaints", "repeat_complaints")


def _hotline_rates(sums: Mapping[str, Any]) -> dict[str, Any]:
    sums = {key: sums.get(key) or 0 for key in HOTLINE_SUMS}
    return {
        "closed": sums["closed"],
        "first_contact_rate": _share(sums["closed_first_contact"], sums["closed"]),
        "on_time_rate": _share(sums["closed_on_time"], sums["closed"]),
        "satisfaction_rate": _share(sums["satisfied"], sums["followed_up"]),
        "reopen_rate": _share(sums["closed_reopened"], sums["closed"]),
        "repeat_complaint_rate": _share(sums["repeat_complaints"], sums["complaints"]),
    }


def hotline_figures(*, since: dt.date, until: dt.date, scope: str = "") -> dict[str, Any]:
    """The 12345 figures for [since, until] from the rollups: first-contact resolution,
    on-time rate, satisfaction, reopen and repeat-complaint rates — overall, by lead
    department (closed on the call: the centre) and by township."""
    rows = HotlineRollup.objects.filter(within("jurisdiction", scope), day__gte=since,
                                        day__lte=until)
    sums = {key: Sum(key) for key in HOTLINE_SUMS}
    return {
        "overall": _hotline_rates(rows.aggregate(**sums)),
        "departments": [
            {"name": r["department__name"] or str(_("12345 热线直接办结")), **_hotline_rates(r)}
            for r in rows.values("department__name").annotate(**sums).order_by("-closed")
        ],
        "regions": [
            {"name": r["region__name"] or str(_("未注明")), **_hotline_rates(r)}
            for r in rows.values("region__name").annotate(**sums).order_by("-closed")
        ],
    }


# A platform's queue: the tickets it leads that wait for it, to accept or to answer.
PLATFORM_QUEUE = (TicketStatus.DISPATCHED, TicketStatus.ACCEPTED)


def _platform_row(open_: int, overdue: int, closed: int, on_time: int) -> dict[str, Any]:
    return {"open": open_, "overdue": overdue, "closed": closed,
            "on_time_rate": _share(on_time, closed)}


def platform_figures(*, since: dt.date, until: dt.date, now: dt.datetime,
                     scope: str = "") -> dict[str, Any]:
    """四个平台: the grassroots platforms of each township in `scope` ("" : every region)
    — the tickets each leads that wait for it (dispatched or accepted) and how many of them
    are past their deadline, both live from the stored deadlines; the tickets it led that
    were closed in [since, until] and the share closed by the deadline, from the rollups —
    per township (its four and their total) and per kind of platform over every township."""
    platforms = list(Department.objects.filter(within("region", scope)).exclude(platform="")
                     .select_related("region").order_by("region_id", "code"))
    waiting: dict[int, tuple[int, int]] = {
        department: (open_, overdue) for department, open_, overdue in (
            Ticket.objects.filter(within("lead_department__region", scope),
                                  status__in=PLATFORM_QUEUE, lead_department__isnull=False)
            .exclude(lead_department__platform="").values("lead_department_id")
            .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
            .order_by().values_list("lead_department_id", "open", "overdue"))}
    closed: dict[int, tuple[int, int]] = {
        department: (count or 0, on_time or 0) for department, count, on_time in (
            HotlineRollup.objects.filter(within("department__region", scope), day__gte=since,
                                         day__lte=until, department__isnull=False)
            .exclude(department__platform="").values("department_id")
            .annotate(closed=Sum("closed"), on_time=Sum("closed_on_time"))
            .order_by().values_list("department_id", "closed", "on_time"))}
    order = list(PlatformKind.values)
    kinds = {kind: [0, 0, 0, 0] for kind in order}
    townships: dict[str, dict[str, Any]] = {}
    for department in platforms:
        counts = [*waiting.get(department.pk, (0, 0)), *closed.get(department.pk, (0, 0))]
        township = townships.setdefault(department.region_id, {
            "code": department.region_id, "name": department.region.name, "platforms": [],
            "sums": [0, 0, 0, 0]})
        township["platforms"].append({
            "kind": department.platform, "label": str(PlatformKind(department.platform).label),
            "department": department.code, "name": department.name, **_platform_row(*counts)})
        township["sums"] = [a + b for a, b in zip(township["sums"], counts, strict=True)]
        kinds[department.platform] = [
            a + b for a, b in zip(kinds[department.platform], counts, strict=True)]
    for township in townships.values():
        township["platforms"].sort(key=lambda row: order.index(row["kind"]))
        township["total"] = _platform_row(*township.pop("sums"))
    return {
        "townships": list(townships.values()),
        "kinds": [{"kind": kind, "label": str(PlatformKind(kind).label),
                   **_platform_row(*kinds[kind])} for kind in order] if platforms else [],
    }
