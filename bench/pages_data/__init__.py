"""The data set of `onevisit bench pages`: the demo world grown to N published service items
and M applications with their department cases.

Items take their names, departments and kinds from a real district's published list
(`bench/data/guangan-items.csv`); their guides (legal basis, conditions, limits, fields,
materials) are made from the item kind. Applications follow the demo subjects' real shape
(one case per stage, stage dependencies respected) and spread over the past year: most
completed, some rejected or waiting for a supplement, about one in ten still open — of whose
running cases some are past their deadline (红牌) and some past the 80% mark (黄牌).

Rows are written with `bulk_create` through the real models, a batch of applications
with all their rows in one transaction, so an interrupted build resumes where it stopped
and a second build reuses what is there. Synthetic rows are recognisable: item codes
`330106-PB-NNNN`, department codes `xh-pb-NN`, application numbers starting with `PB`.
They write no audit events (the audit chain covers what the services did, and these rows
were not made by services).

`items` makes the items, `applications` the applications; this module puts them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count

from bench.pages_data.applications import applications_ensure
from bench.pages_data.items import items_ensure, source_items
from onevisit.accounts.models import Department, Role, User
from onevisit.applications.constants import RUNNING_CASE_STATUSES
from onevisit.applications.models import (
    Application,
    ApplicationStatusChange,
    Case,
    CaseStatusChange,
)
from onevisit.catalogue.constants import ItemStatus
from onevisit.catalogue.models import ItemField, MaterialRequirement, ServiceItem
from onevisit.demo.population import Population
from onevisit.demo.staff import demo_staff_ensure
from onevisit.search.services import search_reindex
from onevisit.workflow.models import WorkItem

__all__ = ["Dataset", "dataset_ensure", "source_items"]


@dataclass
class Dataset:
    item_codes: list[str]
    applications: int
    running_cases: int
    workbench_department: str
    workbench_username: str
    workbench_cases: int
    regions: int
    items_created: int = 0
    applications_created: int = 0


def dataset_ensure(*, items: int, applications: int, population: Population,
                   citizen: User, province: bool = False,
                   progress: Callable[[str], None] = lambda _: None) -> Dataset:
    """Grow the demo world to `items` published items and `applications` applications;
    rows already there are kept (idempotent, resumable). The demo must be loaded. With
    `province`, applications after the first 100,000 belong to 29 more counties
    (`province.py`)."""
    items_created = items_ensure(target=items)
    demo_staff_ensure(citizen_id_number=citizen.id_number, citizen_name=citizen.first_name)
    if items_created:
        search_reindex()  # bulk-created items bypass the publishing listeners
        progress(f"created {items_created} service items")
    applications_created = applications_ensure(target=applications, province=province,
                                                population=population, progress=progress)
    if items_created or applications_created:
        _analyze()
    codes = list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
                 .order_by("code").values_list("code", flat=True))
    running = (Case.objects.filter(status__in=RUNNING_CASE_STATUSES)
               .values("department").annotate(n=Count("id")).order_by("-n", "department"))
    busiest = running.first()
    department = Department.objects.get(pk=busiest["department"]) if busiest else (
        Department.objects.order_by("code").first())
    if department is None:
        raise RuntimeError("no department: load the demo first")
    reviewer = User.objects.filter(role=Role.REVIEWER, department=department).order_by("pk")[0]
    return Dataset(
        item_codes=codes, applications=Application.objects.count(),
        running_cases=sum(row["n"] for row in running),
        workbench_department=department.name, workbench_username=reviewer.username,
        workbench_cases=busiest["n"] if busiest else 0,
        regions=Application.objects.values("region").distinct().count(),
        items_created=items_created, applications_created=applications_created,
    )


def _analyze() -> None:
    """Fresh planner statistics for the tables just grown, as autovacuum would gather in
    a while: without them PostgreSQL plans the pages for the tables' former sizes. (The
    benchmark then vacuums the whole database before it measures: `database_vacuum`.)"""
    models = (ServiceItem, ItemField, MaterialRequirement, Application,
              ApplicationStatusChange, Case, CaseStatusChange, WorkItem)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
