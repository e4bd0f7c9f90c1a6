"""The reform's KPIs, computed from recorded facts (visits, timestamps), never estimated."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q

from onevisit.applications.constants import ApplicationStatus, Channel
from onevisit.applications.models import Application
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import ServiceItem


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


def kpis(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> Kpis:
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).aggregate(
        total=Count("id"), one_visit=Count("id", filter=Q(promised_visits__lte=1))
    )
    applications = Application.objects.all()
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
