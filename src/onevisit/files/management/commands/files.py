from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onevisit.files.services import SWEEP_GRACE, files_sweep


class Command(BaseCommand):
    help = ("Stored files. `onevisit files sweep` removes the files of filings that never "
            "committed (crashed or rolled back) and settles those that did; run it from cron.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sweep"])
        parser.add_argument(
            "--grace-minutes", type=int, default=int(SWEEP_GRACE.total_seconds() // 60),
            help="leave files younger than this alone: their filing may still be under way",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_minutes"] < 1:
            raise CommandError("--grace-minutes must be at least 1")
        result = files_sweep(grace=dt.timedelta(minutes=options["grace_minutes"]))
        self.stdout.write(
            f"files swept: {result.deleted} removed (never committed), "
            f"{result.committed} committed, {result.kept} left for later, "
            f"{result.missing} missing"
        )
        if result.missing:
            raise CommandError(f"{result.missing} committed file(s) missing from storage")
