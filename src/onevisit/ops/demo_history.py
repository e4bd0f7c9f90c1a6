"""The applications part of the demo: a few weeks of filings decided on time, late, or not
yet, through the real services at their own moments, so the scheduler's jobs have real
work from the start — the deadline scan finds overdue and nearly due cases, the rollups
cover the period, the archive packages what was completed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from onevisit import clock
from onevisit.applications.constants import ApplicationStatus
from onevisit.applications.models import Application
from onevisit.applications.services import subject_resolve
from onevisit.applications.services.cases import WARN_SHARE
from onevisit.demo.forms import FormFiller
from onevisit.demo.population import Population
from onevisit.demo.staff import Staff
from onevisit.ops.demo_setup import demo_approve_all, demo_charges_pay, demo_file
from onevisit.workdays.calendar import deadline_after

SEED = 2017
TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Filed:
    item_code: str
    days_ago: int  # filed at 10:00 this many days before the demo was loaded
    decided_after_days: int | None  # approved this many days after filing; None: still open


HISTORY = [
    # Decided on time, within their limits.
    Filed("330106-RS-002", 24, 2),
    Filed("330106-GA-004", 22, 3),
    Filed("330106-YB-002", 17, 1),
    Filed("330106-WJ-002", 10, 2),
    # Decided after their deadlines.
    Filed("330106-SJ-003", 21, 9),
    Filed("330106-GH-001", 15, 12),
    # Still open past their deadlines: the deadline scan's red alerts (红牌).
    Filed("330106-GA-003", 26, None),
    Filed("330106-SJ-003", 12, None),
    # Still open, well within the limit.
    Filed("330106-YB-003", 1, None),
]
# Still open with most of the time used: the deadline scan's yellow alert (黄牌).
NEARLY_DUE_ITEM = "330106-MZ-001"


def _nearly_due_start(*, now: dt.datetime, item_code: str) -> dt.datetime:
    """The latest filing moment (whole hours ago) by which the item's case has used between
    85 % and 100 % of its time now, counted on the real calendar."""
    item = subject_resolve(item_code=item_code).stages[0].item
    for hours_ago in range(1, 24 * 60):
        start = now - dt.timedelta(hours=hours_ago)
        due_at = deadline_after(start=start, limit=item.committed_limit,
                                unit=item.limit_unit).due_at
        used = (now - start) / (due_at - start)
        if max(0.85, WARN_SHARE) <= used < 1:
            return start
    raise LookupError(f"{item_code}: no filing moment leaves it nearly due")


def demo_history_load(*, population: Population, staff: Staff) -> int:
    """Idempotent: once there are applications, nothing is added. Returns how many were
    filed."""
    if Application.objects.exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    filler = FormFiller(population, rng)
    now = clock.now()
    ten = now.astimezone(TZ).replace(hour=10, minute=0, second=0, microsecond=0)
    plan = [(entry.item_code, ten - dt.timedelta(days=entry.days_ago),
             entry.decided_after_days)
            for entry in HISTORY]
    plan.append((NEARLY_DUE_ITEM, _nearly_due_start(now=now, item_code=NEARLY_DUE_ITEM), None))
    filed = 0
    for item_code, at, decided_after in sorted(plan, key=lambda entry: entry[1]):
        subject = subject_resolve(item_code=item_code)
        filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
        with clock.frozen_at(at):
            application = demo_file(subject=subject, filler=filler, filer=filer,
                                    staff=staff).application
            demo_charges_pay(application=application)  # paid online the day it was filed
        filed += 1
        if decided_after is not None and application.status == ApplicationStatus.ACCEPTED:
            with clock.frozen_at(at + dt.timedelta(days=decided_after, hours=5)):
                demo_approve_all(application=application, staff=staff)
    return filed
