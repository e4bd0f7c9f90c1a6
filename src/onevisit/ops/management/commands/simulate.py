from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max
from django.utils import timezone

from onevisit import clock
from onevisit.applications.models import Application
from onevisit.ops.demo_setup import demo_world_load
from onevisit.ops.simulation import Settings, simulate

LABELS = {
    "items_published": "published items",
    "catalogue_one_visit_rate": "catalogue 最多跑一次 rate (items promising ≤ 1 visit)",
    "applications": "applications filed",
    "online_share": "online-application share",
    "completed": "applications completed",
    "completed_at_most_one_visit_share": "completed with ≤ 1 actual visit",
    "completed_zero_visit_share": "completed with 0 visits (零上门)",
    "average_visits": "average visits per completed application",
    "on_time_rate": "on-time completion rate",
    "average_duration_hours": "average duration, acceptance to completion (hours)",
    "average_share_of_committed_time": "average duration as a share of the committed limit",
}


def _start_day(asked: dt.date | None) -> dt.date:
    """The day asked for, or by default today (by `onevisit.clock`) or the day after the
    last recorded filing if an earlier run went further: simulated time never runs
    backwards over recorded facts, so an earlier day asked for is refused."""
    latest = Application.objects.aggregate(latest=Max("submitted_at"))["latest"]
    first_free = timezone.localdate(latest) + dt.timedelta(days=1) if latest else None
    if asked is None:
        today = timezone.localdate(clock.now())
        return max(today, first_free) if first_free else today
    if first_free and asked < first_free:
        raise CommandError(
            f"--start {asked}: applications are recorded up to {first_free - dt.timedelta(days=1)}"
            f"; start on {first_free} or later"
        )
    return asked


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--start {text!r}: expected a date as YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Drive a synthetic population through the real services and print the KPIs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=5, help="working days to simulate")
        parser.add_argument("--per-day", type=int, default=40, help="applications per day")
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--start", type=_date, default=None,
            help="first day (YYYY-MM-DD; a day of rest starts on the next working day). "
                 "Default: today by the onevisit clock, or the day after the last recorded "
                 "filing. The same seed and start give the same run.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Thousands of routine events would bury the report; warnings still show.
        logging.getLogger("onevisit").setLevel(logging.WARNING)
        world = demo_world_load()
        settings = Settings(days=options["days"], per_day=options["per_day"],
                            seed=options["seed"])
        report = simulate(settings=settings, population=world.population, staff=world.staff,
                          start=_start_day(options["start"]))
        self.stdout.write(f"Simulated {settings.days} working days "
                          f"({report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}), "
                          f"{settings.per_day} applications a day.\n")
        for name, count in sorted(report.events.items()):
            self.stdout.write(f"  {name:60} {count:>6}")
        self.stdout.write("\nKPIs (from recorded visits and timestamps):")
        for key, value in report.kpis.as_dict().items():
            shown = f"{value:.1%}" if key.endswith(("rate", "share")) else f"{value:g}"
            self.stdout.write(f"  {LABELS[key]:60} {shown:>8}")
