from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, QuerySet

from onevisit.applications.constants import RUNNING_CASE_STATUSES
from onevisit.applications.models import Case
from onevisit.catalogue.translation import translated_columns

# What a queue row shows (the workbench page, the API queue): only these are read, not the
# applications' form data or the items' guide texts. Reading another field of a queue row
# costs a query per row — add it here instead.
QUEUE_FIELDS = (
    "id", "status", "due_at", "warn_at",
    "application__number", "application__title", "application__applicant_name",
    "item__name", "item__limit_unit", *(f"item__{column}" for column in translated_columns("name")),
)


def _running(*, actor: Any) -> QuerySet[Case]:
    return Case.objects.filter(department_id=actor.department_id,
                               status__in=RUNNING_CASE_STATUSES)


def department_queue(*, actor: Any, after_case_id: int | None = None) -> QuerySet[Case]:
    """The reviewer's department queue, most urgent first; with `after_case_id`, the part
    of it after that case (keyset pagination: pages stay cheap however long the queue, and
    a case claimed meanwhile shifts nothing). Read through the `case_running_queue` index."""
    queue = _running(actor=actor)
    if after_case_id is not None:
        cursor = (Case.objects.filter(pk=after_case_id, department_id=actor.department_id)
                  .values_list("due_at", "pk").first())
        if cursor is not None and cursor[0] is not None:
            due_at, pk = cursor
            queue = queue.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=pk),
                                 due_at__gte=due_at)
    return (
        queue.select_related("application", "item")
        .only(*QUEUE_FIELDS)
        .order_by("due_at", "id")
    )


@dataclass(frozen=True)
class QueueCounts:
    total: int
    red: int
    yellow: int


def department_queue_counts(*, actor: Any, now: dt.datetime) -> QueueCounts:
    """How many cases the department queue holds, and how many of them are red (past the
    deadline) or yellow (past 80% of the time) — the marks `case_urgency` reads."""
    counts = _running(actor=actor).aggregate(
        total=Count("id"),
        red=Count("id", filter=Q(due_at__lte=now)),
        yellow=Count("id", filter=Q(warn_at__lte=now) & (Q(due_at__gt=now)
                                                          | Q(due_at__isnull=True))),
    )
    return QueueCounts(total=counts["total"], red=counts["red"], yellow=counts["yellow"])


class Urgency(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def case_urgency(*, case: Case, now: dt.datetime) -> Urgency | None:
    """Green while less than 80% of the allowed time is used, yellow after (黄牌), red past
    the deadline (红牌) — read from the stored marks, never recomputed. None when the
    case's clock is not running (waiting, paused, or decided)."""
    if case.status not in RUNNING_CASE_STATUSES:
        return None
    if case.due_at is not None and now >= case.due_at:
        return Urgency.RED
    if case.warn_at is not None and now >= case.warn_at:
        return Urgency.YELLOW
    return Urgency.GREEN


def case_for_review(*, actor: Any, case_id: int) -> Case | None:
    """A case of the reviewer's own department, with what reviewing it needs."""
    return (
        Case.objects.filter(pk=case_id, department_id=actor.department_id)
        .select_related("application", "item", "department")
        .prefetch_related("status_changes__actor", "work_items__assignee",
                          "application__materials", "application__cases__department",
                          "application__notices")
        .first()
    )


def cases_overdue(*, now: dt.datetime, limit: int = 200) -> QuerySet[Case]:
    """Running cases past their stored deadline, the longest overdue first."""
    return (
        Case.objects.filter(status__in=RUNNING_CASE_STATUSES,
                            due_at__lt=now)
        .select_related("application", "item", "department")
        .order_by("due_at")[:limit]
    )
