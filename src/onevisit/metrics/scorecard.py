"""The supervision scorecard (电子监察评分表): per department and per hall window, what
the rules of electronic supervision found in a period — alerts per 100 cases, how long
alerts took to close, and repeat alerts (the same rule again for the same department or
window within the period). It reads alerts, cases and the hall's queue numbers, so it
sits with the other dashboards above them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from onevisit.accounts.models import Department, User
from onevisit.accounts.regions import within
from onevisit.applications.models import Case
from onevisit.hall.models import ServiceWindow
from onevisit.supervision.models import Alert


@dataclass(frozen=True)
class ScoreRow:
    code: str
    name: str
    cases: int
    alerts: int
    per_100_cases: float | None  # None: no cases to rate
    closed: int
    close_hours: float | None  # mean hours from raised to closed; None: none closed
    repeats: int  # alerts beyond the first of the same rule for the same unit
    by_kind: dict[str, int]


@dataclass(frozen=True)
class Scorecard:
    departments: list[ScoreRow]
    windows: list[ScoreRow]


def _row(*, code: str, name: str, cases: int, alerts: list[dict[str, Any]]) -> ScoreRow:
    kinds = Counter(a["kind"] for a in alerts)
    closed = [a for a in alerts if a["resolved_at"] is not None]
    hours = [(a["resolved_at"] - a["raised_at"]).total_seconds() / 3600 for a in closed]
    return ScoreRow(
        code=code, name=name, cases=cases, alerts=len(alerts),
        per_100_cases=round(len(alerts) * 100 / cases, 1) if cases else None,
        closed=len(closed), close_hours=round(sum(hours) / len(hours), 1) if hours else None,
        repeats=sum(n - 1 for n in kinds.values()), by_kind=dict(kinds),
    )


def _staff_of(subjects: Iterable[str]) -> dict[str, int]:
    """The staff member an alert about no application names (`staff:ID:day`)."""
    found = {}
    for subject in subjects:
        parts = subject.split(":")
        if len(parts) >= 2 and parts[0] == "staff" and parts[1].isdigit():
            found[subject] = int(parts[1])
    return found


def scorecard(*, since: dt.datetime, until: dt.datetime, scope: str) -> Scorecard:
    """Alerts raised in [since, until) in the region `scope` ("" : everywhere), against
    the cases started in the same period. An alert about a case counts for its
    department; one about a whole application for each department with a case of it; one
    about a staff member's reads for her department. For windows, an alert counts for the
    window whose queue number the application was filed under."""
    raised = Alert.objects.filter(within("region", scope), raised_at__gte=since,
                                  raised_at__lt=until)
    alerts: list[dict[str, Any]] = [dict(a) for a in raised.values(
        "id", "kind", "case_id", "application_number", "subject", "raised_at", "resolved_at")]
    numbers = {a["application_number"] for a in alerts if a["application_number"]}
    case_department = dict(Case.objects.filter(pk__in={a["case_id"] for a in alerts
                                                       if a["case_id"]})
                           .values_list("pk", "department_id"))
    application_departments: dict[str, set[int]] = defaultdict(set)
    for number, department_id in Case.objects.filter(application__number__in=numbers) \
            .values_list("application__number", "department_id"):
        application_departments[number].add(department_id)
    staff = _staff_of(a["subject"] for a in alerts if a["subject"])
    staff_department = dict(User.objects.filter(pk__in=set(staff.values()))
                            .values_list("pk", "department_id"))

    per_department: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for alert in alerts:
        if alert["case_id"] and alert["case_id"] in case_department:
            owners = {case_department[alert["case_id"]]}
        elif alert["application_number"]:
            owners = application_departments.get(alert["application_number"], set())
        else:
            owner = staff_department.get(staff.get(alert["subject"], 0))
            owners = {owner} if owner else set()
        for department_id in owners:
            per_department[department_id].append(alert)

    started = Case.objects.filter(within("application__region", scope),
                                  started_at__gte=since, started_at__lt=until)
    case_counts = Counter(started.values_list("department_id", flat=True))
    departments = [
        _row(code=d.code, name=d.name, cases=case_counts.get(d.pk, 0),
             alerts=per_department.get(d.pk, []))
        for d in Department.objects.filter(within("region", scope)).order_by("code")
        if case_counts.get(d.pk) or per_department.get(d.pk)
    ]

    windows_of: dict[str, set[int]] = defaultdict(set)
    window_cases: Counter[int] = Counter()
    filed = Case.objects.filter(
        within("application__region", scope) | within("application__intake_region", scope),
        started_at__gte=since, started_at__lt=until,
        application__queue_tickets__window__isnull=False,
    ).values_list("pk", "application__queue_tickets__window_id").distinct()
    for _case_id, window_id in filed:
        window_cases[window_id] += 1
    for number, window_id in ServiceWindow.objects.filter(
            tickets__applications__number__in=numbers).values_list(
            "tickets__applications__number", "pk").distinct():
        windows_of[number].add(window_id)
    per_window: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for alert in alerts:
        for window_id in windows_of.get(alert["application_number"], set()):
            per_window[window_id].append(alert)
    shown = set(window_cases) | set(per_window)
    windows = [
        _row(code=str(w.pk), name=f"{w.hall.name} {w.number} {w.name}",
             cases=window_cases.get(w.pk, 0), alerts=per_window.get(w.pk, []))
        for w in ServiceWindow.objects.filter(pk__in=shown).select_related("hall")
        .order_by("hall__code", "number")
    ]
    return Scorecard(departments=departments, windows=windows)
