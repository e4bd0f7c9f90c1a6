from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.accounts.regions import within
from onevisit.applications.constants import PAUSED_CASE_STATUSES, RUNNING_CASE_STATUSES, CaseStatus
from onevisit.applications.models import Case
from onevisit.catalogue.translation import translated_columns
from onevisit.workflow.models import RemedyBodies, WorkItem, WorkItemOutcome

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


# Who holds a case's open claim, for the queue row (one subquery, not a query per row).
_claimer_name = (WorkItem.objects.filter(case=OuterRef("pk"), finished_at__isnull=True)
                 .values("assignee__first_name")[:1])
# Whether a case waits for its second reviewer (复核, docs/credit.md).
_first_approved = Exists(WorkItem.objects.filter(case=OuterRef("pk"),
                                                 outcome=WorkItemOutcome.FIRST_APPROVED))


def cases_awaiting_second_review(case_ids: Iterable[int]) -> set[int]:
    """Which of these cases a first reviewer approved and a second has yet to decide."""
    return set(WorkItem.objects.filter(case_id__in=list(case_ids),
                                       case__status=CaseStatus.PENDING,
                                       outcome=WorkItemOutcome.FIRST_APPROVED)
               .values_list("case_id", flat=True))


class QueueView(StrEnum):
    """The queue's filters: all running cases, the reviewer's own claims, the unclaimed,
    the overdue, or the cases waiting for a correction (补正, the clock paused)."""

    ALL = "all"
    MINE = "mine"
    UNCLAIMED = "unclaimed"
    OVERDUE = "overdue"
    CORRECTION = "correction"


def department_queue(*, actor: Any, after_case_id: int | None = None,
                     view: QueueView = QueueView.ALL,
                     now: dt.datetime | None = None) -> QuerySet[Case]:
    """The reviewer's department queue, most urgent first; with `after_case_id`, the part
    of it after that case (keyset pagination: pages stay cheap however long the queue, and
    a case claimed meanwhile shifts nothing). Read through the `case_running_queue` index.
    A view narrows it (`now` is the overdue view's moment); the correction view is
    `department_corrections`, whose clocks are paused."""
    queue = _running(actor=actor)
    if view == QueueView.MINE:
        queue = queue.filter(status=CaseStatus.IN_REVIEW, work_items__assignee=actor,
                             work_items__finished_at__isnull=True)
    elif view == QueueView.UNCLAIMED:
        queue = queue.filter(status=CaseStatus.PENDING)
    elif view == QueueView.OVERDUE:
        queue = queue.filter(due_at__lte=now or clock.now())
    return (
        _after(queue, actor=actor, after_case_id=after_case_id, column="due_at")
        .select_related("application", "item")
        .only(*QUEUE_FIELDS)
        .annotate(claimer=Subquery(_claimer_name), first_approved=_first_approved)
        .order_by("due_at", "id")
    )



def _after(cases: QuerySet[Case], *, actor: Any, after_case_id: int | None,
           column: str) -> QuerySet[Case]:
    """The cases after `after_case_id` in (`column`, id) order — a page's keyset cursor;
    all of them when there is no cursor or it names no case of the department."""
    if after_case_id is None:
        return cases
    cursor = (Case.objects.filter(pk=after_case_id, department_id=actor.department_id)
              .values_list(column, "pk").first())
    if cursor is None or cursor[0] is None:
        return cases
    value, pk = cursor
    return cases.filter(Q(**{f"{column}__gt": value}) | Q(**{column: value, "pk__gt": pk}),
                        **{f"{column}__gte": value})


def department_corrections(*, actor: Any, after_case_id: int | None = None) -> QuerySet[Case]:
    """The department's cases waiting for the applicant — her correction (补正) or her
    payment (待缴费): kept in view with the moment the clock paused and the time it had
    left, longest waiting first; with `after_case_id`, those after that case (keyset
    pagination, as `department_queue`)."""
    waiting = Case.objects.filter(department_id=actor.department_id,
                                  status__in=PAUSED_CASE_STATUSES)
    return (
        _after(waiting, actor=actor, after_case_id=after_case_id, column="paused_at")
        .select_related("application", "item")
        .only(*QUEUE_FIELDS, "paused_at", "remaining", "item__limit_unit")
        .order_by("paused_at", "id")
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
                          "application__notices", "application__certificates")
        .first()
    )


def cases_overdue(*, now: dt.datetime, scope: str = "", limit: int = 200) -> QuerySet[Case]:
    """Running cases past their stored deadline in `scope`'s departments ("" : all), the
    longest overdue first."""
    return (
        Case.objects.filter(within("department__region", scope),
                            status__in=RUNNING_CASE_STATUSES, due_at__lt=now)
        .select_related("application", "item", "department")
        .order_by("due_at")[:limit]
    )


@dataclass(frozen=True)
class Remedies:
    """Where a refused applicant may turn, as a refusal decision names it."""

    review_body: str  # 行政复议机关
    court: str  # 管辖人民法院


def remedies_for(*, department: Department) -> Remedies:
    """The bodies a refusal by this department names: the department's own setting, else
    the nearest setting of its region or a region above, else the people's government
    and the people's court of the department's own region (同级人民政府, 所在地人民法院)."""
    own = RemedyBodies.objects.filter(department=department).first()
    if own is not None:
        return Remedies(review_body=own.review_body, court=own.court)
    chain: list[Region] = []
    region: Region | None = department.region
    while region is not None:
        chain.append(region)
        region = region.parent
    settings = {r.region_id: r for r in RemedyBodies.objects.filter(region__in=chain)}
    for region in chain:
        found = settings.get(region.code)
        if found is not None:
            return Remedies(review_body=found.review_body, court=found.court)
    # The place's full name without the province: 杭州市西湖区.
    place = "".join(r.name for r in reversed(chain) if r.level != RegionLevel.PROVINCE)
    if not place:
        # A province's department (项目核准: 省发展改革委): its review body is the province's
        # government; which court is competent is not a name this fallback can build.
        return Remedies(review_body="".join(f"{r.name}人民政府" for r in chain[-1:]),
                        court=_("有管辖权的人民法院"))
    return Remedies(review_body=f"{place}人民政府", court=f"{place}人民法院")
