from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from onevisit.accounts.models import Role, User
from onevisit.applications.models import Application, Case
from onevisit.exchange.models import AccessLog
from onevisit.exchange.services import subject_digests
from onevisit.supervision.models import Alert, AlertKind

ONE_DAY = dt.timedelta(days=1)


def alert_open_for_case(*, kind: AlertKind) -> Exists:
    """For annotating or filtering cases: an open alert of `kind` exists for the case."""
    return Exists(Alert.objects.filter(case_id=OuterRef("pk"), kind=kind,
                                       resolved_at__isnull=True))


def alerts_open(*, application_number: str) -> QuerySet[Alert]:
    return Alert.objects.filter(application_number=application_number, resolved_at__isnull=True)


def alerts_open_numbers(*, kind: AlertKind, numbers: list[str]) -> set[str]:
    """Which of these applications already have an open alert of `kind`."""
    return set(Alert.objects.filter(kind=kind, application_number__in=numbers,
                                    resolved_at__isnull=True)
               .values_list("application_number", flat=True))


@dataclass(frozen=True)
class StaffAccess:
    """One staff member's reads of personal data in a period, and how many of them no
    case of hers explains."""

    actor_id: int
    name: str
    role: str
    department: str
    reads: int
    people: int
    unmatched_reads: int
    unmatched_people: int
    flagged: bool


def staff_access_report(*, since: dt.datetime, until: dt.datetime,
                        threshold: int = 20) -> list[StaffAccess]:
    """Who read whose data between `since` and `until`, most unexplained first.

    A read is explained when it was for an application the reader handled: filed it (a
    window clerk), or her department has a case of it (a reviewer); a clerk's read before
    filing (the window preview, a search by ID number) is explained by an application she
    filed for the same person within a day. Staff who read the data of `threshold` or
    more people without such a case are flagged for the supervisor to look into."""
    rows: list[dict[str, Any]] = [dict(row) for row in
        AccessLog.objects.filter(at__gte=since, at__lt=until, actor__isnull=False)
        .exclude(actor__role=Role.CITIZEN)
        .values("actor_id", "at", "application_number", "subject_digest")]
    numbers = {r["application_number"] for r in rows if r["application_number"]}
    filed_by = dict(Application.objects.filter(number__in=numbers)
                    .values_list("number", "filed_by_id"))
    departments: dict[str, set[int]] = defaultdict(set)
    for number, department_id in Case.objects.filter(application__number__in=numbers) \
            .values_list("application__number", "department_id"):
        departments[number].add(department_id)
    actors = {u.pk: u for u in User.objects.filter(pk__in={r["actor_id"] for r in rows})
              .select_related("department")}
    filed: dict[int, list[tuple[dt.datetime, list[str]]]] = defaultdict(list)
    for actor_id, at, id_number in Application.objects.filter(
        filed_by_id__in=actors, submitted_at__gte=since, submitted_at__lt=until + ONE_DAY,
    ).values_list("filed_by_id", "submitted_at", "applicant_id_number"):
        filed[actor_id].append((at, subject_digests(id_number)))

    def explained(row: dict[str, Any]) -> bool:
        actor = actors[row["actor_id"]]
        number = row["application_number"]
        if number:
            return (filed_by.get(number) == actor.pk
                    or actor.department_id in departments.get(number, set()))
        return any(row["subject_digest"] in digests and row["at"] <= at <= row["at"] + ONE_DAY
                   for at, digests in filed[actor.pk])

    by_actor: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_actor[row["actor_id"]].append(row)
    report = []
    for actor_id, reads in by_actor.items():
        actor = actors[actor_id]
        unmatched = [r for r in reads if not explained(r)]
        unmatched_people = len({r["subject_digest"] for r in unmatched})
        report.append(StaffAccess(
            actor_id=actor_id, name=actor.get_full_name() or actor.username,
            role=actor.get_role_display(),
            department=actor.department.name if actor.department else "",
            reads=len(reads), people=len({r["subject_digest"] for r in reads}),
            unmatched_reads=len(unmatched), unmatched_people=unmatched_people,
            flagged=unmatched_people >= threshold,
        ))
    return sorted(report, key=lambda a: (-a.unmatched_people, -a.reads, a.name))
