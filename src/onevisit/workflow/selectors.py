from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from onevisit.applications.constants import RUNNING_CASE_STATUSES
from onevisit.applications.models import Case


def department_queue(*, actor: Any) -> QuerySet[Case]:
    """The reviewer's department queue, most urgent first."""
    return (
        Case.objects.filter(
            department_id=actor.department_id,
            status__in=RUNNING_CASE_STATUSES,
        )
        .select_related("application", "item")
        .order_by("due_at", "id")
    )


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
